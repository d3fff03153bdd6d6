/**
 * Remembers deliveries for a while so a retried or doubled webhook starts one execution, not two.
 * In memory, per n8n process: senders retry within minutes, and a restart is rarer than a retry.
 */
export class RecentDeliveries {
	private readonly seen = new Map<string, number>();

	constructor(
		private readonly windowMs: number,
		private readonly maxEntries: number,
	) {}

	/** Records the keys; says whether any of them was already seen inside the window. */
	checkAndRemember(keys: string[], now: number): boolean {
		this.prune(now);
		const duplicate = keys.some((key) => this.seen.has(key));
		for (const key of keys) {
			// Re-inserting moves the key to the end, keeping the map in time order.
			this.seen.delete(key);
			this.seen.set(key, now);
		}
		return duplicate;
	}

	forget(keys: string[]): void {
		for (const key of keys) this.seen.delete(key);
	}

	private prune(now: number): void {
		for (const [key, at] of this.seen) {
			// Map keeps insertion order, so the oldest entries come first.
			if (now - at <= this.windowMs && this.seen.size <= this.maxEntries) break;
			this.seen.delete(key);
		}
	}
}
