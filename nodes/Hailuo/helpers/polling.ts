import { sleep } from 'n8n-workflow';

import type { NormalisedTask } from './task';
import { FINAL_STATUSES } from './task';

interface PollOptions {
	/** Reads the task once; throws on failure. */
	fetchTask: () => Promise<NormalisedTask>;
	/** Whether a failed read is worth another try (429, 5xx, network). */
	isTransient: (error: unknown) => boolean;
	/** Seconds the server asked us to wait, if it did. */
	retryAfterSeconds: (error: unknown) => number | undefined;
	intervalMs: number;
	/** Epoch milliseconds after which no further read starts. */
	deadline: number;
	signal?: AbortSignal;
	now?: () => number;
}

/** What the wait saw: how many reads, and each state the task passed through, in order. */
interface WaitTrace {
	polls: number;
	states: string[];
}

type PollOutcome = WaitTrace &
	(
		| { kind: 'done'; task: NormalisedTask }
		| { kind: 'timeout'; task: NormalisedTask | null }
		| { kind: 'canceled'; task: NormalisedTask | null }
	);

const MAX_BACKOFF_MS = 60_000;
const SLEEP_SLICE_MS = 500;

/**
 * Sleeps unless the execution is canceled first; says whether it may go on. Sleeps in short
 * slices so a canceled wait leaves no long timer behind.
 */
export async function sleepUnlessCancelled(ms: number, signal?: AbortSignal): Promise<boolean> {
	let onAbort = () => {};
	const aborted = new Promise<void>((resolve) => {
		onAbort = resolve;
		signal?.addEventListener('abort', onAbort, { once: true });
	});
	const until = Date.now() + ms;
	try {
		for (let left = ms; left > 0 && !signal?.aborted; left = until - Date.now()) {
			await Promise.race([sleep(Math.min(left, SLEEP_SLICE_MS)), aborted]);
		}
	} finally {
		signal?.removeEventListener('abort', onAbort);
	}
	return !signal?.aborted;
}

/**
 * Reads a task until it reaches a final state, the deadline passes or the execution is canceled.
 * Transient read failures are retried with backoff (or the server's Retry-After) within the deadline.
 */
export async function pollUntilDone(options: PollOptions): Promise<PollOutcome> {
	const now = options.now ?? Date.now;
	let task: NormalisedTask | null = null;
	let polls = 0;
	let failures = 0;
	const states: string[] = [];
	for (;;) {
		if (options.signal?.aborted) return { kind: 'canceled', task, polls, states };
		let waitMs = options.intervalMs;
		polls++;
		// Errors as values: the transport already turned them into the errors a user should see.
		const attempt = await options.fetchTask().then(
			(read) => ({ ok: true as const, read }),
			(error: unknown) => ({ ok: false as const, error }),
		);
		if (attempt.ok) {
			task = attempt.read;
			failures = 0;
			const state = task.rawStatus ?? task.status;
			if (states[states.length - 1] !== state) states.push(state);
			if (FINAL_STATUSES.includes(task.status)) return { kind: 'done', task, polls, states };
		} else {
			if (options.signal?.aborted) return { kind: 'canceled', task, polls, states };
			if (!options.isTransient(attempt.error)) throw attempt.error;
			failures++;
			// Never faster than the interval, whatever Retry-After says (0, negative, a past date);
			// repeated failures back off further.
			const backoff = Math.min(options.intervalMs * 2 ** (failures - 1), MAX_BACKOFF_MS);
			const asked = options.retryAfterSeconds(attempt.error);
			waitMs = Math.max(backoff, asked !== undefined && Number.isFinite(asked) ? asked * 1000 : 0);
			// No time left for another try: the read failure is the answer.
			if (now() + waitMs > options.deadline) throw attempt.error;
		}
		const remaining = options.deadline - now();
		if (remaining <= 0) return { kind: 'timeout', task, polls, states };
		if (!(await sleepUnlessCancelled(Math.min(waitMs, remaining), options.signal))) {
			return { kind: 'canceled', task, polls, states };
		}
	}
}
