import {
	deliveryKeys,
	hashKey,
	RecentDeliveries,
	SHARED_MEMORY_LIMIT,
	SharedDeliveries,
} from '../../../../../nodes/Hailuo/helpers/trigger/dedupe';
import type { NormalisedTask } from '../../../../../nodes/Hailuo/helpers/task';

/** As the trigger handles a delivery that goes well: begun, then settled; true for a copy. */
const seenBefore = (recent: RecentDeliveries, keys: string[], now: number): boolean => {
	const state = recent.begin(keys, now);
	recent.settle(keys, now);
	return state !== 'new';
};

test('a key seen inside the window is a duplicate; after the window it is new again', () => {
	const recent = new RecentDeliveries(1000, 100);
	expect(seenBefore(recent, ['a'], 0)).toBe(false);
	expect(seenBefore(recent, ['a'], 500)).toBe(true);
	expect(seenBefore(recent, ['b', 'a'], 900)).toBe(true);
	expect(seenBefore(recent, ['a'], 2500)).toBe(false);
});

test('any one matching key makes a duplicate (delivery id or task state)', () => {
	const recent = new RecentDeliveries(1000, 100);
	seenBefore(recent, ['delivery:1', 'task:t:success'], 0);
	expect(seenBefore(recent, ['delivery:2', 'task:t:success'], 10)).toBe(true);
	expect(seenBefore(recent, ['delivery:1', 'task:u:success'], 20)).toBe(true);
	expect(seenBefore(recent, ['delivery:3', 'task:v:success'], 30)).toBe(false);
});

test('forgotten keys are new again, and the memory stays bounded', () => {
	const recent = new RecentDeliveries(60_000, 3);
	seenBefore(recent, ['x'], 0);
	recent.forget(['x']);
	expect(seenBefore(recent, ['x'], 1)).toBe(false);
	for (const key of ['k1', 'k2', 'k3', 'k4']) seenBefore(recent, [key], 2);
	// The oldest entries went when the bound was passed.
	expect(seenBefore(recent, ['x'], 3)).toBe(false);
});

describe('in-flight deliveries', () => {
	test('a copy of a delivery being handled is "inProgress", of one done a "duplicate"', () => {
		const recent = new RecentDeliveries(60_000, 100);
		expect(recent.begin(['task:t:succeeded'], 0)).toBe('new');
		expect(recent.begin(['task:t:succeeded'], 1)).toBe('inProgress');
		expect(recent.begin(['delivery:m', 'task:t:succeeded'], 2)).toBe('inProgress');
		recent.settle(['task:t:succeeded'], 3);
		expect(recent.begin(['task:t:succeeded'], 4)).toBe('duplicate');
	});

	test('when the first copy fails, the next one is new', () => {
		const recent = new RecentDeliveries(60_000, 100);
		expect(recent.begin(['k'], 0)).toBe('new');
		expect(recent.begin(['k'], 1)).toBe('inProgress');
		recent.forget(['k']);
		expect(recent.begin(['k'], 2)).toBe('new');
	});

	test('a copy sharing a done key is a duplicate even if another of its keys is in flight', () => {
		const recent = new RecentDeliveries(60_000, 100);
		recent.begin(['a'], 0);
		recent.settle(['a'], 0);
		recent.begin(['b'], 1);
		expect(recent.begin(['a', 'b'], 2)).toBe('duplicate');
	});
});

describe('deliveryKeys', () => {
	const raw = Buffer.from('{"status":"SUCCESS"}');
	const task = (rawStatus: string | null, status = 'succeeded', taskId: string | null = 't1') => ({
		taskId,
		rawStatus,
		status: status as NormalisedTask['status'],
	});

	test('one task in one state is one key, however the state is spelled', () => {
		const keys = ['SUCCESS', 'success', 'completed', 'Succeeded'].map((rawStatus) =>
			deliveryKeys('s', task(rawStatus), undefined, raw),
		);
		for (const found of keys) expect(found).toEqual(['s:task:t1:succeeded']);
		expect(deliveryKeys('s', task('FAILED', 'failed'), undefined, raw)).toEqual([
			's:task:t1:failed',
		]);
	});

	test('states nobody knows are told apart by name, not lumped together as unknown', () => {
		const a = deliveryKeys('s', task('RENDERING', 'unknown'), undefined, raw);
		const b = deliveryKeys('s', task('Uploading', 'unknown'), undefined, raw);
		expect(a).not.toEqual(b);
		expect(deliveryKeys('s', task('rendering', 'unknown'), undefined, raw)).toEqual(a);
	});

	test('the webhook-id is a key too', () => {
		expect(deliveryKeys('s', task('SUCCESS'), 'msg_1', raw)).toEqual([
			's:task:t1:succeeded',
			's:delivery:msg_1',
		]);
		expect(deliveryKeys('s', task('SUCCESS', 'succeeded', null), 'msg_1', raw)).toEqual([
			's:delivery:msg_1',
		]);
	});

	test('with neither a task id nor a webhook-id, the raw body digest is the key', () => {
		const noId = task('SUCCESS', 'succeeded', null);
		const [key] = deliveryKeys('s', noId, undefined, raw);
		expect(key).toMatch(/^s:body:[0-9a-f]{64}$/);
		expect(deliveryKeys('s', noId, undefined, Buffer.from(raw))).toEqual([key]);
		expect(deliveryKeys('s', noId, undefined, Buffer.from('{"status":"SUCCESS" }'))).not.toEqual([
			key,
		]);
		expect(deliveryKeys('other', noId, undefined, raw)).not.toEqual([key]);
	});
});

describe('SharedDeliveries: the memory every n8n process sees (workflow static data)', () => {
	const WINDOW = 10 * 60 * 1000;

	test('a started delivery is known to the next process that reads what was stored', () => {
		const stored = new SharedDeliveries(undefined).remember(['s:task:t1:succeeded'], 1000, WINDOW);
		const next = new SharedDeliveries(JSON.parse(JSON.stringify(stored)));
		expect(next.has(['s:task:t1:succeeded'], 2000, WINDOW)).toBe(true);
		expect(next.has(['s:delivery:m', 's:task:t1:succeeded'], 2000, WINDOW)).toBe(true);
		expect(next.has(['s:task:t1:failed'], 2000, WINDOW)).toBe(false);
		expect(next.has(['s:task:t1:succeeded'], 1000 + WINDOW + 1, WINDOW)).toBe(false);
	});

	test('it stores hashes of the keys, never the keys themselves', () => {
		const key = 'wf:node:delivery:msg_secretish_0123';
		const stored = new SharedDeliveries({}).remember([key], 5, WINDOW);
		expect(Object.keys(stored)).toEqual([hashKey(key)]);
		expect(hashKey(key)).toMatch(/^[A-Za-z0-9_-]{22}$/);
		expect(JSON.stringify(stored)).not.toContain('msg_secretish');
	});

	test('entries past the window go, and at most the limit stays, the newest kept', () => {
		let stored: Record<string, number> = new SharedDeliveries({}).remember(['old'], 0, WINDOW);
		for (let n = 0; n < 10; n++) {
			stored = new SharedDeliveries(stored).remember([`k${n}`], WINDOW + n, WINDOW, 5);
		}
		expect(Object.keys(stored)).toHaveLength(5);
		const memory = new SharedDeliveries(stored);
		expect(memory.has(['old'], WINDOW + 10, WINDOW)).toBe(false);
		expect(memory.has(['k9'], WINDOW + 10, WINDOW)).toBe(true);
		expect(memory.has(['k4'], WINDOW + 10, WINDOW)).toBe(false);
		expect(SHARED_MEMORY_LIMIT).toBe(2000);
	});

	test('whatever static data holds is read without failing; odd entries are ignored', () => {
		for (const odd of [null, 'text', 42, [1, 2], { a: 'x', b: null }]) {
			expect(new SharedDeliveries(odd).has(['a'], 0, WINDOW)).toBe(false);
		}
		const future = { [hashKey('a')]: 10 * WINDOW };
		expect(new SharedDeliveries(future).has(['a'], 0, WINDOW)).toBe(false);
	});

	test('last writer wins: two processes writing at once only lose a memory, never add a false one', () => {
		const before = new SharedDeliveries({}).remember(['a'], 0, WINDOW);
		// Both read the same stored value, each starts a different event, each saves its whole copy.
		const first = new SharedDeliveries(before).remember(['b'], 10, WINDOW);
		const second = new SharedDeliveries(before).remember(['c'], 11, WINDOW);
		const saved = new SharedDeliveries(second);
		expect(saved.has(['a'], 12, WINDOW)).toBe(true);
		expect(saved.has(['c'], 12, WINDOW)).toBe(true);
		// "b" was started but is forgotten: a retry of it would start a second execution.
		expect(saved.has(['b'], 12, WINDOW)).toBe(false);
		expect(Object.keys(first)).toContain(hashKey('b'));
	});
});
