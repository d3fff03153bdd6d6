import { RecentDeliveries } from '../../../../nodes/Hailuo/helpers/dedupe';

test('a key seen inside the window is a duplicate; after the window it is new again', () => {
	const recent = new RecentDeliveries(1000, 100);
	expect(recent.checkAndRemember(['a'], 0)).toBe(false);
	expect(recent.checkAndRemember(['a'], 500)).toBe(true);
	expect(recent.checkAndRemember(['b', 'a'], 900)).toBe(true);
	expect(recent.checkAndRemember(['a'], 2500)).toBe(false);
});

test('any one matching key makes a duplicate (delivery id or task state)', () => {
	const recent = new RecentDeliveries(1000, 100);
	recent.checkAndRemember(['delivery:1', 'task:t:success'], 0);
	expect(recent.checkAndRemember(['delivery:2', 'task:t:success'], 10)).toBe(true);
	expect(recent.checkAndRemember(['delivery:1', 'task:u:success'], 20)).toBe(true);
	expect(recent.checkAndRemember(['delivery:3', 'task:v:success'], 30)).toBe(false);
});

test('forgotten keys are new again, and the memory stays bounded', () => {
	const recent = new RecentDeliveries(60_000, 3);
	recent.checkAndRemember(['x'], 0);
	recent.forget(['x']);
	expect(recent.checkAndRemember(['x'], 1)).toBe(false);
	for (const key of ['k1', 'k2', 'k3', 'k4']) recent.checkAndRemember([key], 2);
	// The oldest entries went when the bound was passed.
	expect(recent.checkAndRemember(['x'], 3)).toBe(false);
});
