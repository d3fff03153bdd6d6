import type { INode } from 'n8n-workflow';

import { pollUntilDone } from '../../../../nodes/Hailuo/helpers/polling';
import type { NormalisedTask, TaskStatus } from '../../../../nodes/Hailuo/helpers/task';
import {
	isTransient,
	mapApiError,
	retryAfterSeconds,
} from '../../../../nodes/Hailuo/transport/errors';

const node = { name: 'Hailuo' } as INode;
const task = (status: TaskStatus): NormalisedTask => ({
	taskId: 't1',
	status,
	rawStatus: status,
	videoUrl: null,
	error: null,
	raw: {},
});

/** A scripted sequence of reads: each entry a status or an error to throw. */
function script(steps: Array<TaskStatus | Error>) {
	let index = 0;
	const fetchTask = jest.fn(async () => {
		const step = steps[Math.min(index++, steps.length - 1)];
		if (step instanceof Error) throw step;
		return task(step);
	});
	return fetchTask;
}

const base = { isTransient, retryAfterSeconds, intervalMs: 5 };

describe('pollUntilDone', () => {
	test('reads until a final state, keeps going through unknown ones', async () => {
		const fetchTask = script(['queued', 'queued', 'unknown', 'running', 'succeeded']);
		const outcome = await pollUntilDone({ ...base, fetchTask, deadline: Date.now() + 5000 });
		expect(outcome).toMatchObject({ kind: 'done', polls: 5, task: { status: 'succeeded' } });
		expect(outcome.states).toEqual(['queued', 'unknown', 'running', 'succeeded']);
	});

	test.each(['failed', 'canceled'] as const)('stops at %s', async (status) => {
		const outcome = await pollUntilDone({
			...base,
			fetchTask: script(['running', status]),
			deadline: Date.now() + 5000,
		});
		expect(outcome).toMatchObject({ kind: 'done', task: { status } });
	});

	test('gives up at the deadline with the last task it saw', async () => {
		const outcome = await pollUntilDone({
			...base,
			fetchTask: script(['running']),
			intervalMs: 20,
			deadline: Date.now() + 70,
		});
		expect(outcome.kind).toBe('timeout');
		expect(outcome.task?.status).toBe('running');
		expect(outcome.polls).toBeGreaterThanOrEqual(2);
		expect(outcome.polls).toBeLessThanOrEqual(6);
	});

	test('retries 429 and 5xx reads, honouring Retry-After', async () => {
		const fetchTask = script([
			mapApiError(node, { status: 429, retryAfterSeconds: 0 }, ''),
			mapApiError(node, { status: 503 }, ''),
			mapApiError(node, { upstreamMessage: 'ECONNRESET' }, ''),
			'succeeded',
		]);
		const outcome = await pollUntilDone({ ...base, fetchTask, deadline: Date.now() + 5000 });
		expect(outcome).toMatchObject({ kind: 'done', polls: 4 });
	});

	test('a refused read (401) ends the wait with that error', async () => {
		const refused = mapApiError(node, { status: 401 }, '');
		await expect(
			pollUntilDone({
				...base,
				fetchTask: script(['running', refused]),
				deadline: Date.now() + 5000,
			}),
		).rejects.toBe(refused);
	});

	test('a transient error whose wait would pass the deadline is the answer', async () => {
		const limited = mapApiError(node, { status: 429, retryAfterSeconds: 60 }, '');
		await expect(
			pollUntilDone({ ...base, fetchTask: script([limited]), deadline: Date.now() + 1000 }),
		).rejects.toBe(limited);
	});

	// A sleep the cancel did not cut would outlast jest's timeout: the interval is 10 minutes.
	test('stops promptly when the execution is canceled mid-sleep', async () => {
		const controller = new AbortController();
		const pending = pollUntilDone({
			...base,
			fetchTask: script(['running']),
			intervalMs: 600_000,
			deadline: Date.now() + 3_600_000,
			signal: controller.signal,
		});
		setTimeout(() => controller.abort(), 30);
		const outcome = await pending;
		expect(outcome.kind).toBe('canceled');
	});
});
