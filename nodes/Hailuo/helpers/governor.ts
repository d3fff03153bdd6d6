import { sleepUnlessCancelled } from './polling';

interface GovernorOptions {
	/** The most requests per second; the governor never goes faster. */
	perSecond: number;
	/** The slowest it backs off to while the API keeps saying "too many". */
	minPerSecond?: number;
	now?: () => number;
	sleep?: (ms: number, signal?: AbortSignal) => Promise<boolean>;
}

/**
 * The governor spaces requests as if a second lasted this long. A request reaches the API a little
 * after its turn (authentication, a busy event loop, a garbage collection); with this margin one
 * that arrives up to 100 ms late cannot put one request too many into any second the API counts.
 */
const SECOND_WITH_MARGIN_MS = 1100;

/** How a request ended, as far as the pace is concerned. */
export type Verdict = { rateLimited: false } | { rateLimited: true; retryAfterSeconds?: number };

/**
 * Paces one kind of request for a whole batch: requests leave evenly spaced at the current rate,
 * in the order they asked, instead of in lockstep bursts. A rate-limited answer halves the rate
 * and pauses everyone (at least as long as the API asked); each good answer speeds up a little,
 * back to the configured maximum.
 */
export class RequestGovernor {
	private rate: number;

	private nextSlot = 0;

	private pausedUntil = 0;

	/** When the last request actually left. */
	private lastSentAt = -Infinity;

	/** When the pace was last halved. */
	private slowedAt = -Infinity;

	/** Counts pauses, so a slot reserved before one is known to be stale. */
	private pauses = 0;

	private readonly maxRate: number;

	private readonly minRate: number;

	private readonly now: () => number;

	private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<boolean>;

	constructor(options: GovernorOptions) {
		this.maxRate = options.perSecond;
		this.minRate = Math.min(options.minPerSecond ?? 0.5, options.perSecond);
		this.rate = options.perSecond;
		this.now = options.now ?? Date.now;
		this.sleep = options.sleep ?? sleepUnlessCancelled;
	}

	get currentRate(): number {
		return this.rate;
	}

	/**
	 * Waits for this request's turn, runs it, and learns from how it ended. A request whose wait
	 * is canceled never runs.
	 */
	async run<T>(
		request: () => Promise<T>,
		judge: (outcome: { ok: true; value: T } | { ok: false; error: unknown }) => Verdict,
		signal?: AbortSignal,
	): Promise<T> {
		if (!(await this.turn(signal))) throw new Error('Canceled while waiting for a request slot');
		const sentAt = this.now();
		let outcome: { ok: true; value: T } | { ok: false; error: unknown };
		try {
			outcome = { ok: true, value: await request() };
		} catch (error) {
			outcome = { ok: false, error };
		}
		this.learn(judge(outcome), sentAt);
		if (!outcome.ok) throw outcome.error;
		return outcome.value;
	}

	/**
	 * Sleeps until a reserved slot; a pause that began meanwhile sends the request back in line.
	 * Late timers must not bunch requests up, so a request also keeps its distance from the one
	 * actually sent before it.
	 */
	private async turn(signal?: AbortSignal): Promise<boolean> {
		for (;;) {
			if (signal?.aborted) return false;
			const now = this.now();
			const slot = Math.max(now, this.nextSlot, this.pausedUntil);
			this.nextSlot = slot + this.spacing;
			const pauses = this.pauses;
			if (slot > now && !(await this.sleep(slot - now, signal))) return false;
			if (pauses !== this.pauses) continue;
			for (let gap = this.gapLeft(); gap > 0; gap = this.gapLeft()) {
				if (!(await this.sleep(gap, signal))) return false;
			}
			this.lastSentAt = this.now();
			return true;
		}
	}

	private get spacing(): number {
		return SECOND_WITH_MARGIN_MS / this.rate;
	}

	private gapLeft(): number {
		return this.lastSentAt + this.spacing - this.now();
	}

	private learn(verdict: Verdict, sentAt: number): void {
		if (!verdict.rateLimited) {
			// Additive increase: about 10 good answers win back one tenth of the maximum.
			this.rate = Math.min(this.maxRate, this.rate + this.maxRate / 100);
			return;
		}
		// A refusal of a request sent before the last slow-down says nothing new: halve once.
		if (sentAt >= this.slowedAt) {
			this.rate = Math.max(this.minRate, this.rate / 2);
			this.slowedAt = this.now();
		}
		const asked = verdict.retryAfterSeconds;
		const pauseMs = Math.max(
			this.spacing,
			asked !== undefined && Number.isFinite(asked) ? asked * 1000 : 0,
		);
		this.pausedUntil = Math.max(this.pausedUntil, this.now() + pauseMs);
		this.nextSlot = this.pausedUntil;
		this.pauses++;
	}
}
