import type { Verdict } from '../../../../nodes/Hailuo/helpers/governor';
import { RequestGovernor } from '../../../../nodes/Hailuo/helpers/governor';

/** A clock that only moves when every pending promise has settled, so spacing is exact. */
class VirtualTime {
	ms = 0;

	private timers: Array<{ at: number; wake: (ok: boolean) => void }> = [];

	now = () => this.ms;

	sleep = async (ms: number, signal?: AbortSignal) =>
		await new Promise<boolean>((wake) => {
			if (signal?.aborted) return wake(false);
			this.timers.push({ at: this.ms + ms, wake });
			signal?.addEventListener('abort', () => wake(false), { once: true });
		});

	/** Runs until nothing is waiting any more. */
	async settle(): Promise<void> {
		for (;;) {
			await new Promise((resolve) => setImmediate(resolve));
			if (this.timers.length === 0) return;
			this.timers.sort((a, b) => a.at - b.at);
			const next = this.timers.shift()!;
			this.ms = Math.max(this.ms, next.at);
			next.wake(true);
		}
	}
}

const ok = (): Verdict => ({ rateLimited: false });

/** The most requests that started inside any window of `windowMs`. */
const peak = (starts: number[], windowMs = 1000) =>
	Math.max(
		...starts.map((from) => starts.filter((at) => at >= from && at < from + windowMs).length),
	);

function setUp(perSecond: number) {
	const time = new VirtualTime();
	const governor = new RequestGovernor({ perSecond, now: time.now, sleep: time.sleep });
	const starts: number[] = [];
	return { time, governor, starts };
}

test('spreads a burst evenly at the configured rate, in the order asked', async () => {
	const { time, governor, starts } = setUp(10);
	const order: number[] = [];
	const all = Promise.all(
		Array.from({ length: 50 }, async (_, i) =>
			governor.run(async () => {
				starts.push(time.now());
				order.push(i);
			}, ok),
		),
	);
	await time.settle();
	await all;
	expect(order).toEqual(Array.from({ length: 50 }, (_, i) => i));
	// 49 gaps of 110 ms: a second with a 100 ms margin for requests that reach the API late.
	expect(starts[49] - starts[0]).toBe(49 * 110);
	expect(peak(starts, 1100)).toBe(10);
});

test('a rate-limited answer halves the pace once and pauses everyone for Retry-After', async () => {
	const { time, governor, starts } = setUp(10);
	let sent = 0;
	const all = Promise.all(
		Array.from({ length: 30 }, async () =>
			governor
				.run(
					async () => {
						starts.push(time.now());
						sent++;
						if (sent === 5) throw new Error('429');
					},
					(outcome) => (outcome.ok ? ok() : { rateLimited: true, retryAfterSeconds: 2 }),
				)
				.catch(() => 'limited'),
		),
	);
	await time.settle();
	await all;
	// The fifth request was refused; nothing else starts for the 2 s it asked for.
	const refusedAt = starts[4];
	expect(starts.filter((at) => at > refusedAt && at < refusedAt + 2000)).toEqual([]);
	// None is dropped: every request runs in the end.
	expect(sent).toBe(30);
	// Then at about half the pace, recovering gently: never above 10 per second.
	const after = starts.filter((at) => at >= refusedAt + 2000);
	expect(after[1] - after[0]).toBeGreaterThanOrEqual(190);
	expect(peak(after)).toBeLessThanOrEqual(6);
});

test('refusals of requests that were already in flight halve the pace only once', async () => {
	const { time, governor } = setUp(8);
	const all = Promise.all(
		Array.from({ length: 4 }, async () =>
			governor
				.run(
					async () => {
						// All four are sent before the first answer comes back.
						await time.sleep(1000);
						throw new Error('429');
					},
					() => ({ rateLimited: true }),
				)
				.catch(() => undefined),
		),
	);
	await time.settle();
	await all;
	expect(governor.currentRate).toBe(4);
});

test('good answers win the pace back, never past the maximum', async () => {
	const { time, governor } = setUp(10);
	await governor
		.run(
			async () => {
				throw new Error('429');
			},
			() => ({ rateLimited: true }),
		)
		.catch(() => undefined);
	expect(governor.currentRate).toBe(5);
	const all = Promise.all(Array.from({ length: 200 }, async () => governor.run(async () => 1, ok)));
	await time.settle();
	await all;
	expect(governor.currentRate).toBe(10);
});

test('a request whose wait is canceled never runs', async () => {
	const { time, governor } = setUp(1);
	const controller = new AbortController();
	let ran = 0;
	const first = governor.run(async () => ran++, ok, controller.signal);
	const second = expect(governor.run(async () => ran++, ok, controller.signal)).rejects.toThrow(
		'Canceled',
	);
	await new Promise((resolve) => setImmediate(resolve));
	controller.abort();
	await time.settle();
	await first;
	await second;
	expect(ran).toBe(1);
});
