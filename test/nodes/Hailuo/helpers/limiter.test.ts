import { Limiter } from '../../../../nodes/Hailuo/helpers/limiter';

test('never runs more than its size at once and runs everything', async () => {
	const limiter = new Limiter(3);
	let active = 0;
	let peak = 0;
	const results = await Promise.all(
		Array.from(
			{ length: 12 },
			async (_, i) =>
				await limiter.run(async () => {
					active++;
					peak = Math.max(peak, active);
					await new Promise((resolve) => setTimeout(resolve, 5 + (i % 3)));
					active--;
					return i;
				}),
		),
	);
	expect(peak).toBe(3);
	expect(results).toEqual(Array.from({ length: 12 }, (_, i) => i));
});

test('a failing task frees its slot', async () => {
	const limiter = new Limiter(1);
	await expect(limiter.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
	await expect(limiter.run(async () => 'next')).resolves.toBe('next');
});
