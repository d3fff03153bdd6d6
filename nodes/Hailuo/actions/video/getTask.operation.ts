import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { binaryFieldSchema, parseParameters, taskIdSchema } from '../../helpers/schemas';
import { taskToItem } from '../../helpers/binary';
import { z } from 'zod';
import type { NormalisedTask } from '../../helpers/task';
import { normaliseTask } from '../../helpers/task';
import type { HailuoContext } from '../../transport';
import { apiRequest } from '../../transport';
import type { Batch } from '../batch';

export const downloadOptions: INodeProperties[] = [
	{
		displayName: 'Download Video',
		name: 'download',
		type: 'boolean',
		default: true,
		description:
			'Whether to save the finished MP4 as a file in the output item (binary field below), streamed without loading it into memory',
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyOutput',
		type: 'string',
		default: 'data',
		hint: 'The name of the output binary field to put the video in',
	},
];

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
		options: downloadOptions.map((option) =>
			option.name === 'download'
				? { ...option, default: false, description: 'Whether to save the MP4 as a file in the output item when the task has succeeded' }
				: option,
		),
	},
];

export const description = updateDisplayOptions({ show: { operation: ['getTask'] } }, properties);

const getTaskParameters = z.object({ taskId: taskIdSchema });

/** Reads one task by id; the id must be plain so it cannot reach another path. */
export async function fetchTask(this: HailuoContext, taskId: string): Promise<NormalisedTask> {
	const task = normaliseTask(await apiRequest.call(this, 'GET', `/tasks/${encodeURIComponent(taskId)}`));
	return { ...task, taskId: task.taskId ?? taskId };
}

/** Reads the download options of item `i` into the field to fill, or null when off. */
export function readDownload(context: IExecuteFunctions, i: number, defaultOn: boolean): { field: string } | null {
	const enabled = context.getNodeParameter('options.download', i, defaultOn) as boolean;
	if (!enabled) return null;
	const field = parseParameters(
		context.getNode(),
		z.object({ binaryPropertyOutput: binaryFieldSchema }),
		{ binaryPropertyOutput: context.getNodeParameter('options.binaryPropertyOutput', i, 'data') as string },
		i,
	).binaryPropertyOutput;
	return { field };
}

export async function prepare(this: IExecuteFunctions, i: number) {
	const { taskId } = parseParameters(
		this.getNode(),
		getTaskParameters,
		{ taskId: this.getNodeParameter('taskId', i) as string },
		i,
	);
	return { taskId, download: readDownload(this, i, false) };
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
