import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { Pace } from './batch';
import { Batch } from './batch';
import { answerForModel, explainForModel, runsAsTool } from './toolMode';
import * as video from './video';

/** An operation reads and checks an item's input first (the pace among it), then does the work. */
interface Operation<Prepared extends { pace: Pace }> {
	prepare(this: IExecuteFunctions, i: number): Promise<Prepared>;
	/** Sees every prepared item before any is executed; throwing refuses the whole run. */
	beforeRun?(this: IExecuteFunctions, prepared: Prepared[]): Promise<void>;
	execute(
		this: IExecuteFunctions,
		prepared: Prepared,
		i: number,
		batch: Batch,
	): Promise<INodeExecutionData>;
}

type Runner = (this: IExecuteFunctions) => Promise<INodeExecutionData[][]>;

const bind = <Prepared extends { pace: Pace }>(operation: Operation<Prepared>): Runner =>
	async function (this: IExecuteFunctions) {
		return await runItems.call(this, operation);
	};

const OPERATIONS: Record<string, Runner> = {
	generateVideo: bind(video.generateVideo),
	getTask: bind(video.getTask),
};

const describe = (error: unknown): IDataObject => {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		return { error: error.message, description: error.description ?? null };
	}
	return { error: error instanceof Error ? error.message : String(error) };
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operationName = this.getNodeParameter('operation', 0) as string;
	const run = OPERATIONS[operationName];
	if (!run) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operationName}" is not supported`,
		);
	}
	return await run.call(this);
}

type Entry<Prepared> = { ok: true; prepared: Prepared } | { ok: false; error: unknown };

/**
 * Owns the item loop. Every item's input is checked before any request, so bad input costs
 * nothing; the operation may then refuse the run as a whole (e.g. over a budget); then all items
 * run at once (operations bound their own requests). Output keeps the input order with
 * `pairedItem`; failures become error items under "Continue On Fail".
 */
async function runItems<Prepared extends { pace: Pace }>(
	this: IExecuteFunctions,
	operation: Operation<Prepared>,
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const asTool = runsAsTool(this);
	/** The error as n8n shows it, pointing at its item (and, for a model, saying what to do). */
	const located = (error: unknown, i: number): NodeApiError | NodeOperationError => {
		if (error instanceof NodeApiError || error instanceof NodeOperationError) {
			error.context.itemIndex = i;
			if (asTool) explainForModel(error);
			return error;
		}
		return new NodeOperationError(this.getNode(), error instanceof Error ? error : String(error), {
			itemIndex: i,
		});
	};
	const fail = (error: unknown, i: number): INodeExecutionData => {
		if (!this.continueOnFail()) throw located(error, i);
		return { json: describe(error), pairedItem: { item: i } };
	};

	const entries: Array<Entry<Prepared>> = [];
	for (let i = 0; i < items.length; i++) {
		try {
			entries.push({ ok: true, prepared: await operation.prepare.call(this, i) });
		} catch (error) {
			// Without "Continue On Fail", bad input stops the node here, before any request.
			if (!this.continueOnFail()) throw located(error, i);
			entries.push({ ok: false, error });
		}
	}

	const ready = entries.flatMap((entry) => (entry.ok ? [entry.prepared] : []));
	if (operation.beforeRun && ready.length > 0) {
		try {
			await operation.beforeRun.call(this, ready);
		} catch (error) {
			// A refusal of the run as a whole: no item is sent.
			if (!this.continueOnFail()) throw located(error, 0);
			entries.forEach((entry, i) => {
				if (entry.ok) entries[i] = { ok: false, error };
			});
		}
	}

	if (ready.length === 0)
		return [entries.map((entry, i) => fail(entry.ok ? null : entry.error, i))];
	// The first item's pace is the run's: one pace for the whole batch.
	const batch = new Batch(this, items.length, ready[0].pace);
	const results = await Promise.allSettled(
		entries.map(async (entry, i) => {
			if (!entry.ok) throw entry.error;
			return await operation.execute.call(this, entry.prepared, i, batch);
		}),
	);
	return [
		results.map((result, i) =>
			result.status === 'fulfilled'
				? { ...(asTool ? answerForModel(result.value) : result.value), pairedItem: { item: i } }
				: fail(result.reason, i),
		),
	];
}
