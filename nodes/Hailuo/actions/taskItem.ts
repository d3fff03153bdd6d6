import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { DownloadChoice } from '../helpers/downloadOptions';
import type { NormalisedTask } from '../helpers/task';
import { taskToJson } from '../helpers/task';
import type { HailuoContext } from '../transport';
import { downloadVideo } from '../transport/download';

interface ItemOptions {
	/** The video to save with it; none when not asked for. */
	download?: DownloadChoice;
	/** Fields added to the task's JSON. */
	extra?: IDataObject;
	itemIndex?: number;
	/** Where the task came from: only the API's own answer may lead the API key to its video. */
	source?: 'api' | 'delivery';
}

/**
 * The output item for a task: the normalised task in `json` and, when asked for and ready, the
 * video in `binary.<field>`.
 */
export async function taskToItem(
	this: HailuoContext,
	task: NormalisedTask,
	{ download = null, extra = {}, itemIndex, source = 'api' }: ItemOptions = {},
): Promise<INodeExecutionData> {
	const item: INodeExecutionData = { json: { ...taskToJson(task), ...extra } };
	if (download && task.status === 'succeeded') {
		if (!task.videoUrl) {
			throw new NodeApiError(
				this.getNode(),
				{ message: 'no video URL in the finished task', taskId: task.taskId },
				{
					message: `Task ${task.taskId ?? '?'} succeeded but the API gave no video URL`,
					description: 'The raw answer is in the task output; turn off "Download Video" to see it.',
					itemIndex,
				},
			);
		}
		item.binary = {
			[download.field]: await downloadVideo.call(this, {
				videoUrl: task.videoUrl,
				taskId: task.taskId,
				maxBytes: download.maxBytes,
				timeoutMs: download.timeoutMs,
				urlFromApi: source === 'api',
				itemIndex,
			}),
		};
	}
	return item;
}
