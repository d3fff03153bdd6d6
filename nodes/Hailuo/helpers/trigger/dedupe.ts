import { createHash } from 'node:crypto';

import type { NormalisedTask } from '../task';

/** What a delivery is, measured against the ones before it. */
type DeliveryState = 'new' | 'duplicate' | 'inProgress';

/**
 * Remembers deliveries for a while so a retried or doubled webhook starts one execution, not two.
 * A delivery is first "in flight" (being handled), then "done" once its execution is started, or
 * forgotten when handling fails, so that the sender's retry is handled afresh. In memory, per n8n
 * process; `SharedDeliveries` is the memory other processes see.
 */
export class RecentDeliveries {
	private readonly seen = new Map<string, { at: number; done: boolean }>();

	constructor(
		private readonly windowMs: number,
		private readonly maxEntries: number,
	) {}

	/**
	 * Says what the delivery with these keys is. A new one is recorded as in flight; a copy of one
	 * in flight is "inProgress" (its fate is not known yet), of one done "duplicate".
	 */
	begin(keys: string[], now: number): DeliveryState {
		this.prune(now);
		const entries = keys.map((key) => this.seen.get(key));
		if (entries.some((entry) => entry?.done)) return 'duplicate';
		if (entries.some((entry) => entry !== undefined)) return 'inProgress';
		this.record(keys, now, false);
		return 'new';
	}

	/** The delivery's execution started: copies from now on are duplicates. */
	settle(keys: string[], now: number): void {
		this.record(keys, now, true);
	}

	/** The delivery failed: its copies are new again. */
	forget(keys: string[]): void {
		for (const key of keys) this.seen.delete(key);
	}

	private record(keys: string[], now: number, done: boolean): void {
		for (const key of keys) {
			// Re-inserting moves the key to the end, keeping the map in time order.
			this.seen.delete(key);
			this.seen.set(key, { at: now, done });
		}
	}

	private prune(now: number): void {
		for (const [key, { at }] of this.seen) {
			// Map keeps insertion order, so the oldest entries come first.
			if (now - at <= this.windowMs && this.seen.size <= this.maxEntries) break;
			this.seen.delete(key);
		}
	}
}

/**
 * The keys that make two deliveries one event: the same task in the same normalised state
 * (`SUCCESS`, `success` and `completed` are one), the same `webhook-id`, or, when a delivery has
 * neither, the same raw body (by its SHA-256 digest).
 */
export function deliveryKeys(
	scope: string,
	task: Pick<NormalisedTask, 'taskId' | 'status' | 'rawStatus'>,
	deliveryId: string | undefined,
	rawBody: Buffer,
): string[] {
	const keys: string[] = [];
	if (task.taskId !== null) {
		// States nobody knows are kept apart by their own name rather than all read as "unknown".
		const state =
			task.status === 'unknown'
				? `unknown:${(task.rawStatus ?? '').trim().toLowerCase()}`
				: task.status;
		keys.push(`${scope}:task:${task.taskId}:${state}`);
	}
	if (deliveryId) keys.push(`${scope}:delivery:${deliveryId}`);
	if (keys.length === 0) {
		keys.push(`${scope}:body:${createHash('sha256').update(rawBody).digest('hex')}`);
	}
	return keys;
}

/** The most deliveries the memory every process sees holds; the oldest go first. */
export const SHARED_MEMORY_LIMIT = 2000;

/**
 * The memory of started deliveries that every n8n process sees, kept in the workflow's static data
 * (`{ <key hash>: <ms when started> }`). n8n reads static data from the database on each request
 * and saves it whole after the response, so a process that saves later overwrites what another
 * added meanwhile: an entry lost that way can only let a retry through as a duplicate. Nothing else
 * is ever removed early, and only a started delivery is written, so a delivery is never suppressed
 * by another one. It holds SHA-256 hashes of the keys, never the keys, bodies or secrets.
 */
export class SharedDeliveries {
	private readonly seen: Map<string, number>;

	/** Reads what static data holds, tolerating anything (a missing, old or hand-edited value). */
	constructor(stored: unknown) {
		const entries =
			stored !== null && typeof stored === 'object' && !Array.isArray(stored)
				? Object.entries(stored)
				: [];
		this.seen = new Map(
			entries.filter((entry): entry is [string, number] => Number.isFinite(entry[1])),
		);
	}

	/** Whether any of the keys was started within the window. */
	has(keys: string[], now: number, windowMs: number): boolean {
		return keys.some((key) => {
			const at = this.seen.get(hashKey(key));
			return at !== undefined && now - at <= windowMs && at <= now + windowMs;
		});
	}

	/**
	 * What to store after starting a delivery with these keys: its hashes added, entries older than
	 * the window dropped, and at most `limit` entries, the newest.
	 */
	remember(keys: string[], now: number, windowMs: number, limit = SHARED_MEMORY_LIMIT) {
		for (const key of keys) this.seen.set(hashKey(key), now);
		const kept = [...this.seen].filter(([, at]) => now - at <= windowMs && at <= now + windowMs);
		kept.sort((a, b) => b[1] - a[1]);
		return Object.fromEntries(kept.slice(0, limit));
	}
}

/** A key as the shared memory stores it: 128 bits of its SHA-256, in base64url (22 characters). */
export function hashKey(key: string): string {
	return createHash('sha256').update(key).digest().subarray(0, 16).toString('base64url');
}
