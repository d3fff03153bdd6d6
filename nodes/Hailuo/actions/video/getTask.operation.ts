import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { downloadOptions, readDownloadOptions, taskToItem } from '../../helpers/binary';
import { parseParameters, taskIdSchema } from '../../helpers/schemas';
import { z } from 'zod';
import type { NormalisedTask } from '../../helpers/task';
import { normaliseTask } from '../../helpers/task';
import type { HailuoContext } from '../../transport';
import { apiRequest } from '../../transport';
import type { Batch } from '../batch';

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
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: downloadOptions(false),
	},
];

export const description = updateDisplayOptions({ show: { operation: ['getTask'] } }, properties);

const getTaskParameters = z.object({ taskId: taskIdSchema });

/** Reads one task by id; the id must be plain so it cannot reach another path. */
export async function fetchTask(this: HailuoContext, taskId: string): Promise<NormalisedTask> {
	const task = normaliseTask(await apiRequest.call(this, 'GET', `/tasks/${encodeURIComponent(taskId)}`));
	return { ...task, taskId: task.taskId ?? taskId };
}

export async function prepare(this: IExecuteFunctions, i: number) {
	const { taskId } = parseParameters(
		this.getNode(),
		getTaskParameters,
		{ taskId: this.getNodeParameter('taskId', i) as string },
		i,
	);
	return {
		taskId,
		download: readDownloadOptions(this, (name, fallback) => this.getNodeParameter(`options.${name}`, i, fallback), false, i),
	};
}

export async function execute(
	this: IExecuteFunctions,
	{ taskId, download }: Awaited<ReturnType<typeof prepare>>,
	i: number,
	batch: Batch,
): Promise<INodeExecutionData> {	const reads = batch.limiter('read', () => 10);
	const task = await reads.run(async () => await fetchTask.call(this, taskId));
	return await taskToItem.call(this, task, download, {}, i);
}
