import type { IExecuteFunctions } from 'n8n-workflow';

import { Limiter } from '../helpers/limiter';
import { BatchProgress } from '../helpers/polling';

/** What the items of one node run share: request limits and progress reporting. */
export class Batch {
	private readonly limiters = new Map<string, Limiter>();

	readonly progress: BatchProgress;

	constructor(context: IExecuteFunctions, itemCount: number) {
		this.progress = new BatchProgress(context.logger, itemCount);
	}

	/** The limiter named `name`, made with the size the first item asks for. */
	limiter(name: string, size: () => number): Limiter {
		let limiter = this.limiters.get(name);
		if (!limiter) {
			limiter = new Limiter(size());
			this.limiters.set(name, limiter);
		}
		return limiter;
	}
}
