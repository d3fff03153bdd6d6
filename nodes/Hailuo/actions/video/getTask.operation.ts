import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod';

import {
	downloadChoice,
	downloadOptions,
	optionsCollection,
	readOptions,
} from '../../helpers/options';
import { parseParameters, taskIdInputSchema } from '../../helpers/schemas';
import { normaliseTask } from '../../helpers/task';
import { readTask } from '../../transport';
import type { Batch } from '../batch';
import { paceFields, readPace } from '../batch';
import { taskToItem } from '../taskItem';

const properties: INodeProperties[] = [
	{
		displayName: 'Task ID',
		name: 'taskId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. task_01hx…',
		description: 'The task ID that Generate Video returned (field "taskId")',
	},
	optionsCollection([...downloadOptions(false), ...paceFields(false)]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['video'], operation: ['getTask'] } },
	properties,
);

const getTaskParameters = z.object({ taskId: taskIdInputSchema });

export async function prepare(this: IExecuteFunctions, i: number) {
	const { taskId } = parseParameters(
		this.getNode(),
		getTaskParameters,
		// An expression may yield a number (MiniMax's ids are numbers): the schema decides.
		{ taskId: this.getNodeParameter('taskId', i) },
		i,
	);
	const options = readOptions(this, i);
	const download = downloadChoice(this.getNode(), options, false, i);
	return { taskId, download, pace: readPace(this.getNode(), options, i) };
}

export async function execute(
	this: IExecuteFunctions,
	{ taskId, download }: Awaited<ReturnType<typeof prepare>>,
	i: number,
	batch: Batch,
): Promise<INodeExecutionData> {
	const task = normaliseTask(
		await batch.read(async () => await readTask.call(this, taskId)),
		taskId,
	);
	return await taskToItem.call(this, task, { download, itemIndex: i });
}
