import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { downloadChoice, downloadFields } from '../../helpers/downloadOptions';
import { field, optionsCollection } from '../../helpers/fields';
import { readOptions, readParameter } from '../../helpers/parameters';
import { normaliseTask } from '../../helpers/task';
import { taskIdInputSchema } from '../../helpers/taskId';
import { readTask } from '../../transport';
import type { Batch } from '../batch';
import { readPaceFields } from '../batch';
import { taskToItem } from '../taskItem';

const taskIdField = field(
	{
		displayName: 'Task ID',
		name: 'taskId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. task_01hx…',
		description: 'The task ID that Generate Video returned (field "taskId")',
	},
	// An expression may yield a number (MiniMax's ids are numbers): the reader decides.
	taskIdInputSchema,
);

const optionFields = [...downloadFields(false), ...readPaceFields] as const;

export const description = updateDisplayOptions(
	{ show: { resource: ['video'], operation: ['getTask'] } },
	[taskIdField.property, optionsCollection(optionFields)],
);

export async function prepare(this: IExecuteFunctions, i: number) {
	const taskId = readParameter(this, taskIdField, i);
	const options = readOptions(this, optionFields, i);
	return {
		taskId,
		download: downloadChoice(options),
		pace: { readsPerSecond: options.readsPerSecond },
	};
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
