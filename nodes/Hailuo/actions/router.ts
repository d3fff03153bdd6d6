import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { Batch } from './batch';
import * as video from './video';

/** An operation reads and checks an item's input first, then does the work. */
interface Operation<Prepared> {
	prepare(this: IExecuteFunctions, i: number): Promise<Prepared>;
	execute(
		this: IExecuteFunctions,
		prepared: Prepared,
		i: number,
		batch: Batch,
	): Promise<INodeExecutionData>;
}

type Run = (batch: Batch) => Promise<INodeExecutionData>;

/** Hides each operation's own prepared type behind a ready-to-run closure. */
const bind = <Prepared>(operation: Operation<Prepared>) =>
	async function (this: IExecuteFunctions, i: number): Promise<Run> {
		const prepared = await operation.prepare.call(this, i);
		return async (batch) => await operation.execute.call(this, prepared, i, batch);
	};

const OPERATIONS: Record<string, (this: IExecuteFunctions, i: number) => Promise<Run>> = {
	generateVideo: bind(video.generateVideo),
	getTask: bind(video.getTask),
};

const describe = (error: unknown): IDataObject => {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		return { error: error.message, description: error.description ?? null };
	}
	return { error: error instanceof Error ? error.message : String(error) };
};

/**
 * Owns the item loop. Every item's input is checked before any request, so bad input costs
 * nothing; then all items run at once (operations bound their own requests). Output keeps the
 * input order with `pairedItem`; failures become error items under "Continue On Fail".
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operationName = this.getNodeParameter('operation', 0) as string;
	const prepare = OPERATIONS[operationName];
	if (!prepare) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operationName}" is not supported`,
		);
	}
	/** The error as n8n shows it, pointing at its item. */
	const located = (error: unknown, i: number): NodeApiError | NodeOperationError => {
		if (error instanceof NodeApiError || error instanceof NodeOperationError) {
			error.context.itemIndex = i;
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

	const prepared: Array<{ ok: true; run: Run } | { ok: false; error: unknown }> = [];
	for (let i = 0; i < items.length; i++) {
		try {
			prepared.push({ ok: true, run: await prepare.call(this, i) });
		} catch (error) {
			// Without "Continue On Fail", bad input stops the node here, before any request.
			if (!this.continueOnFail()) throw located(error, i);
			prepared.push({ ok: false, error });
		}
	}

	const batch = new Batch(this, items.length);
	const results = await Promise.allSettled(
		prepared.map(async (entry) => {
			if (!entry.ok) throw entry.error;
			return await entry.run(batch);
		}),
	);
	return [
		results.map((result, i) =>
			result.status === 'fulfilled'
				? { ...result.value, pairedItem: { item: i } }
				: fail(result.reason, i),
		),
	];
}
