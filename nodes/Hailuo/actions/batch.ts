import type { IExecuteFunctions, Logger } from 'n8n-workflow';

import type { Verdict } from '../helpers/governor';
import { RequestGovernor } from '../helpers/governor';
import { Limiter } from '../helpers/limiter';
import { BatchProgress } from '../helpers/progress';
import { numberField } from '../helpers/fields';
import { isRateLimited, retryAfterSeconds } from '../transport';

const readsPerSecond = numberField({
	displayName: 'Max Task Reads per Second',
	name: 'readsPerSecond',
	type: 'number',
	default: 10,
	typeOptions: { minValue: 0.1, maxValue: 100, numberPrecision: 1 },
	description:
		'The most task reads this node sends per second for the whole batch; slower when the API says too many',
});

/** The pace options of an operation that only reads tasks. */
export const readPaceFields = [readsPerSecond] as const;

/** The pace options of Generate Video, which also creates. */
export const createPaceFields = [
	numberField({
		displayName: 'Max Creates per Second',
		name: 'createsPerSecond',
		type: 'number',
		default: 5,
		typeOptions: { minValue: 0.1, maxValue: 100, numberPrecision: 1 },
		description:
			'The most video jobs this node starts per second for the whole batch; slower when the API says too many',
	}),
	numberField(
		{
			displayName: 'Parallel Create Requests',
			name: 'createConcurrency',
			type: 'number',
			default: 5,
			typeOptions: { minValue: 1, maxValue: 20 },
			description: 'How many create requests may run at once when many items come in',
		},
		{ whole: true },
	),
	readsPerSecond,
] as const;

/** How fast one node run may call the API, from the options of its first item. */
export interface Pace {
	readsPerSecond: number;
	/** Only for an operation that creates. */
	createsPerSecond?: number;
	/** Creates waiting for their answer at once. */
	createConcurrency?: number;
}

// A refused create started no job, so it is safe to send again; a few times, then the 429 stands.
const MAX_CREATE_TRIES = 5;

const judge = (outcome: { ok: boolean; error?: unknown }): Verdict =>
	!outcome.ok && isRateLimited(outcome.error)
		? { rateLimited: true, retryAfterSeconds: retryAfterSeconds(outcome.error) }
		: { rateLimited: false };

/**
 * What the items of one node run share: one pace for creates and one for task reads (spread
 * evenly, slowed down together when the API says "too many"), and progress reporting.
 */
export class Batch {
	readonly progress: BatchProgress;

	private readonly logger: Logger;

	private readonly signal: AbortSignal;

	private readonly creates?: { governor: RequestGovernor; inFlight: Limiter };

	private readonly reads: RequestGovernor;

	/** The pace is the run's first item's: one pace for the whole batch. */
	constructor(context: IExecuteFunctions, itemCount: number, pace: Pace) {
		this.logger = context.logger;
		this.signal = context.getExecutionCancelSignal() ?? new AbortController().signal;
		this.progress = new BatchProgress(context.logger, itemCount);
		if (pace.createsPerSecond !== undefined && pace.createConcurrency !== undefined) {
			this.creates = {
				governor: new RequestGovernor({ perSecond: pace.createsPerSecond }),
				inFlight: new Limiter(pace.createConcurrency),
			};
		}
		this.reads = new RequestGovernor({ perSecond: pace.readsPerSecond });
	}

	/** One task read, in its turn. Errors pass through: the caller decides whether to read again. */
	async read<T>(request: () => Promise<T>): Promise<T> {
		return await this.governed('task reads', this.reads, request);
	}

	/** One create, in its turn; sent again only when the API refused it for the pace. */
	async create<T>(request: () => Promise<T>): Promise<T> {
		if (!this.creates) throw new Error('This operation has no pace for creates');
		const { governor, inFlight } = this.creates;
		for (let tries = 1; ; tries++) {
			const outcome = await inFlight
				.run(async () => await this.governed('creates', governor, request))
				.then(
					(value) => ({ ok: true as const, value }),
					(error: unknown) => ({ ok: false as const, error }),
				);
			if (outcome.ok) return outcome.value;
			if (!isRateLimited(outcome.error) || tries >= MAX_CREATE_TRIES || this.signal.aborted) {
				throw outcome.error;
			}
		}
	}

	private async governed<T>(kind: string, governor: RequestGovernor, request: () => Promise<T>) {
		const before = governor.currentRate;
		try {
			return await governor.run(request, judge, this.signal);
		} finally {
			if (governor.currentRate < before) {
				this.logger.info(
					`Hailuo: the API is limiting the request rate; ${kind} slowed to ${governor.currentRate.toFixed(1)}/s`,
				);
			}
		}
	}
}
