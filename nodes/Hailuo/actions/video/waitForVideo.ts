import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { DownloadChoice } from '../../helpers/downloadOptions';
import { downloadFields } from '../../helpers/downloadOptions';
import type { ValueOf } from '../../helpers/fields';
import { numberField, optionsField } from '../../helpers/fields';
import { pollUntilDone } from '../../helpers/polling';
import type { NormalisedTask } from '../../helpers/task';
import { normaliseTask } from '../../helpers/task';
import { isTransient, READ_TIMEOUT_MS, readTask, retryAfterSeconds } from '../../transport';
import type { Batch } from '../batch';
import { taskToItem } from '../taskItem';

/** How far past Max Wait the last read may run. */
const READ_GRACE_MS = 3000;

/** How Generate Video waits for its job. */
export const waitModeField = optionsField({
	displayName: 'Wait Mode',
	name: 'waitMode',
	type: 'options',
	default: 'poll',
	options: [
		{
			name: 'Wait Until Done (Poll)',
			value: 'poll',
			description:
				'Check the task until the video is ready (typically 1–2 minutes), then output it',
		},
		{
			name: 'Wait for Callback',
			value: 'callback',
			description:
				'Park the execution (no worker held, survives a restart) until API in One calls back with the result',
		},
		{
			name: 'Return Task Immediately',
			value: 'none',
			description:
				'Output the task ID at once; read the result later with Get Task or a Hailuo Trigger',
		},
	],
});

export const pollIntervalField = numberField({
	displayName: 'Poll Interval (Seconds)',
	name: 'pollInterval',
	type: 'number',
	default: 10,
	typeOptions: { minValue: 2, maxValue: 600 },
	description: 'How often to check an unfinished task',
	displayOptions: { show: { '/waitMode': ['poll'] } },
});

/** The video a wait saves: its options show while Generate Video waits. */
export const videoDownloadFields = downloadFields(true, { '/waitMode': ['poll', 'callback'] });

/** The options that bound a wait, and the video it saves, in the Generate Video options. */
export const waitFields = [
	numberField({
		displayName: 'Max Wait (Seconds)',
		name: 'maxWait',
		type: 'number',
		default: 600,
		typeOptions: { minValue: 1, maxValue: 3600 },
		description: 'How long to wait for the video before giving up (up to one hour)',
		displayOptions: { show: { '/waitMode': ['poll', 'callback'] } },
	}),
	optionsField({
		displayName: 'On Timeout',
		name: 'onTimeout',
		type: 'options',
		default: 'error',
		options: [
			{
				name: 'Fail With an Error',
				value: 'error',
				description: 'Stop with an error naming the task ID (the job keeps running upstream)',
			},
			{
				name: 'Output the Running Task',
				value: 'output',
				description: 'Output the task as it is, so a later Get Task can pick it up',
			},
		],
		displayOptions: { show: { '/waitMode': ['poll'] } },
	}),
	pollIntervalField,
	...videoDownloadFields,
] as const;

interface WaitOptions {
	waitMode: ValueOf<typeof waitModeField>;
	pollInterval: number;
	maxWait: number;
	onTimeout: ValueOf<(typeof waitFields)[1]>;
}

/**
 * "Wait Until Done (Poll)": reads the task until it finishes, then outputs it (and the video).
 * A timeout, a cancel or a failed job becomes an error that says how to pick the job up later.
 */
export async function waitForVideo(
	this: IExecuteFunctions,
	created: NormalisedTask & { taskId: string },
	{ wait, download, extra }: { wait: WaitOptions; download: DownloadChoice; extra: IDataObject },
	i: number,
	batch: Batch,
): Promise<INodeExecutionData> {
	const node = this.getNode();
	const { taskId } = created;
	const startedAt = Date.now();
	const deadline = startedAt + wait.maxWait * 1000;
	const outcome = await pollUntilDone({
		fetchTask: async () => {
			const body = await batch.read(async () => {
				// A read that hangs must not hold the node much past Max Wait.
				const left = Math.max(deadline - Date.now(), 0);
				return await readTask.call(this, taskId, Math.min(READ_TIMEOUT_MS, left + READ_GRACE_MS));
			});
			const task = normaliseTask(body, taskId);
			if (task.status === 'unknown' || task.status === 'queued' || task.status === 'running') {
				batch.progress.stillWaiting(taskId, task.rawStatus);
			}
			return task;
		},
		isTransient,
		retryAfterSeconds,
		intervalMs: wait.pollInterval * 1000,
		deadline,
		signal: this.getExecutionCancelSignal(),
	});

	const trace = {
		wait: {
			polls: outcome.polls,
			seconds: Math.round((Date.now() - startedAt) / 100) / 10,
			states: outcome.states,
		},
	};
	if (outcome.kind === 'canceled') {
		// n8n marks the run "canceled" when the error says so.
		throw new NodeOperationError(
			node,
			`Execution canceled while waiting for Hailuo task ${taskId}`,
			{
				itemIndex: i,
				description: `The job keeps running upstream; use Get Task with ID ${taskId} to fetch it later.`,
			},
		);
	}
	if (outcome.kind === 'timeout') {
		const state = outcome.task?.rawStatus ?? 'no state yet';
		if (wait.onTimeout === 'output') {
			return await taskToItem.call(this, outcome.task ?? created, {
				extra: { ...extra, ...trace, timedOut: true },
				itemIndex: i,
			});
		}
		throw new NodeOperationError(
			node,
			`Hailuo task ${taskId} was not finished after ${wait.maxWait} s (last state: ${state})`,
			{
				itemIndex: i,
				description:
					`The job keeps running upstream and is billed only if it succeeds. Use ` +
					`Get Task with ID ${taskId} to fetch it later, or raise "Max Wait".`,
			},
		);
	}

	const task = outcome.task;
	batch.progress.taskFinished(taskId, task.status);
	if (task.status !== 'succeeded') {
		throw new NodeApiError(
			node,
			{ message: task.error ?? task.status, taskId, status: task.rawStatus ?? task.status },
			{
				message:
					`Hailuo task ${taskId} ${task.status === 'canceled' ? 'was canceled' : 'failed'}: ` +
					`${task.error ?? 'no reason given'}`,
				description:
					'Failed jobs are not billed. Try another image or prompt; ' +
					'sensitive content and unusual aspect ratios are common causes.',
				itemIndex: i,
			},
		);
	}
	return await taskToItem.call(this, task, {
		download,
		extra: { ...extra, ...trace },
		itemIndex: i,
	});
}
