import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod';

import { downloadOptions, imageDataUrlFromBinary, readDownloadOptions, taskToItem } from '../../helpers/binary';
import { pollUntilDone } from '../../helpers/polling';
import type { Duration, Model, Resolution } from '../../helpers/schemas';
import {
	binaryFieldSchema,
	DURATIONS,
	failParameter,
	estimateCredits,
	generateVideoSchema,
	imageUrlSchema,
	MODELS,
	parseParameters,
	RESOLUTIONS,
	videoChoiceSchema,
	waitOptionsSchema,
} from '../../helpers/schemas';
import { FINAL_STATUSES, normaliseTask } from '../../helpers/task';
import { apiRequest, isTransient, retryAfterSeconds } from '../../transport';
import type { Batch } from '../batch';
import { fetchTask } from './getTask.operation';

const MODEL_LABELS: Record<Model, string> = {
	'hailuo/2-3-image-to-video-standard': 'Standard',
	'hailuo/2-3-image-to-video-pro': 'Pro',
};

const priceText = (model: Model, duration: Duration, resolution: Resolution): string => {
	if (duration === '10' && resolution === '1080P') {
		return '10 s is only available at 768P: choose 6 s for 1080P, or 768P for 10 s. The node refuses this combination before spending credits.';
	}
	const credits = estimateCredits(model, duration, resolution);
	const price =
		typeof credits === 'number'
			? `${credits} credits (about $${(credits / 100).toFixed(2)})`
			: `${credits.min}–${credits.max} credits (about $${(credits.min / 100).toFixed(2)}–$${(credits.max / 100).toFixed(2)}; the exact Pro price is not published)`;
	return `${MODEL_LABELS[model]}, ${duration} s at ${resolution}: ${price} per video, billed only when it succeeds`;
};

// One notice per combination, so the price shown always matches the chosen dropdowns.
const priceNotices: INodeProperties[] = MODELS.flatMap((model) =>
	DURATIONS.flatMap((duration) =>
		RESOLUTIONS.map((resolution) => ({
			displayName: priceText(model, duration, resolution),
			name: `priceNotice${MODEL_LABELS[model]}${duration}${resolution}`,
			type: 'notice' as const,
			default: '',
			displayOptions: { show: { model: [model], duration: [duration], resolution: [resolution] } },
		})),
	),
);

const properties: INodeProperties[] = [
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		required: true,
		default: '',
		typeOptions: { rows: 4 },
		placeholder: 'e.g. The camera slowly pushes in as steam rises from the coffee cup [Push in]',
		description: 'What should happen in the video, at most 2000 characters',
		hint: 'Camera commands in brackets such as [Pan left] or [Push in] are understood',
	},
	{
		displayName: 'Image Source',
		name: 'imageSource',
		type: 'options',
		default: 'url',
		options: [
			{ name: 'Image URL', value: 'url', description: 'A public link to the first frame' },
			{ name: 'Binary File From Input', value: 'binary', description: 'An image an earlier node produced' },
		],
	},
	{
		displayName: 'Image URL',
		name: 'imageUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'https://example.com/product.jpg',
		description: 'Public URL of the first frame (JPEG, PNG or WebP)',
		hint: 'JPEG, PNG or WebP, under 10 MB, short side over 300 px, aspect ratio between 2:5 and 5:2',
		displayOptions: { show: { imageSource: ['url'] } },
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		description: 'The incoming binary field that holds the image',
		hint: 'JPEG, PNG or WebP, at most 10 MB; sent to the API inline as a data URL',
		displayOptions: { show: { imageSource: ['binary'] } },
	},
	{
		displayName: 'Model',
		name: 'model',
		type: 'options',
		default: 'hailuo/2-3-image-to-video-standard',
		options: [
			{
				name: 'Standard',
				value: 'hailuo/2-3-image-to-video-standard',
				description: '30 credits for 6 s at 768P, 45 for 10 s or 1080P',
			},
			{
				name: 'Pro',
				value: 'hailuo/2-3-image-to-video-pro',
				description: 'Better motion fidelity; 45–85 credits depending on duration and resolution',
			},
		],
	},
	{
		displayName: 'Duration',
		name: 'duration',
		type: 'options',
		default: '6',
		options: [
			{ name: '6 Seconds', value: '6' },
			{ name: '10 Seconds (768P Only)', value: '10' },
		],
	},
	{
		displayName: 'Resolution',
		name: 'resolution',
		type: 'options',
		default: '768P',
		options: [
			{ name: '768P', value: '768P' },
			{ name: '1080P (6 Seconds Only)', value: '1080P' },
		],
	},
	...priceNotices,
	{
		displayName: 'Wait Mode',
		name: 'waitMode',
		type: 'options',
		default: 'poll',
		options: [
			{
				name: 'Wait Until Done (Poll)',
				value: 'poll',
				description: 'Check the task until the video is ready (typically 1–2 minutes), then output it',
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
				description: 'Output the task ID at once; read the result later with Get Task or a Hailuo Trigger',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Callback URL',
				name: 'callbackUrl',
				type: 'string',
				default: '',
				placeholder: 'https://your-n8n.example.com/webhook/…',
				description: 'Where API in One should POST the result, e.g. the production URL of a Hailuo Trigger node',
			},
			{
				displayName: 'Extra Body Fields',
				name: 'extraBody',
				type: 'json',
				default: '{}',
				description:
					'A JSON object merged into the request body last, to send fields this node does not know yet',
			},
			...downloadOptions(true).map((option) => ({
				...option,
				displayOptions: { show: { '/waitMode': ['poll', 'callback'] } },
			})),
			{
				displayName: 'Max Wait (Seconds)',
				name: 'maxWait',
				type: 'number',
				default: 600,
				typeOptions: { minValue: 1, maxValue: 3600 },
				description: 'How long to wait for the video before giving up (up to one hour)',
				displayOptions: { show: { '/waitMode': ['poll', 'callback'] } },
			},
			{
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
			},
			{
				displayName: 'Parallel Create Requests',
				name: 'createConcurrency',
				type: 'number',
				default: 5,
				typeOptions: { minValue: 1, maxValue: 20 },
				description: 'How many create requests may run at once when many items come in',
			},
			{
				displayName: 'Poll Interval (Seconds)',
				name: 'pollInterval',
				type: 'number',
				default: 10,
				typeOptions: { minValue: 2, maxValue: 600 },
				description: 'How often to check an unfinished task',
				displayOptions: { show: { '/waitMode': ['poll'] } },
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { operation: ['generateVideo'] } }, properties);

const option = (context: IExecuteFunctions, i: number, name: string, fallback: unknown): unknown =>
	context.getNodeParameter(`options.${name}`, i, fallback);

/** Everything the request needs, validated before anything is sent for any item. */
export async function prepare(this: IExecuteFunctions, i: number) {
	const node = this.getNode();
	const parameters = parseParameters(
		node,
		generateVideoSchema,
		{
			prompt: this.getNodeParameter('prompt', i, '') as string,
			model: this.getNodeParameter('model', i) as string,
			duration: this.getNodeParameter('duration', i) as string,
			resolution: this.getNodeParameter('resolution', i) as string,
			callbackUrl: option(this, i, 'callbackUrl', '') as string,
			extraBody: option(this, i, 'extraBody', '{}') as string,
		},
		i,
	);
	const wait = parseParameters(
		node,
		waitOptionsSchema,
		{
			waitMode: this.getNodeParameter('waitMode', i, 'poll') as string,
			pollInterval: option(this, i, 'pollInterval', 10) as number,
			maxWait: option(this, i, 'maxWait', 600) as number,
			onTimeout: option(this, i, 'onTimeout', 'error') as string,
			createConcurrency: option(this, i, 'createConcurrency', 5) as number,
		},
		i,
	);
	if (wait.waitMode === 'callback') {
		// One resume URL per execution: a second item's callback would find the run already resumed.
		if (this.getInputData().length > 1) {
			failParameter(
				node,
				'Wait Mode',
				'"Wait for Callback" takes one item per run; use "Wait Until Done (Poll)" for batches, or put the node in a Loop Over Items',
				i,
			);
		}
		if (parameters.callbackUrl) {
			failParameter(node, 'Callback URL', 'leave it empty with "Wait for Callback": the node sends its own resume URL', i);
		}
	}
	// The image last: reading a binary one costs more than every other check.
	let image: string;
	if (this.getNodeParameter('imageSource', i, 'url') === 'binary') {
		const { field } = parseParameters(
			node,
			z.object({ field: binaryFieldSchema }),
			{ field: this.getNodeParameter('binaryPropertyName', i, 'data') as string },
			i,
		);
		image = await imageDataUrlFromBinary.call(this, i, field);
	} else {
		image = parseParameters(node, imageUrlSchema, { imageUrl: this.getNodeParameter('imageUrl', i, '') as string }, i).imageUrl;
	}
	const download = wait.waitMode === 'none' ? null : readDownloadOptions(this, (name, fallback) => option(this, i, name, fallback), true, i);
	const body: IDataObject = {
		model: parameters.model,
		prompt: parameters.prompt,
		image,
		duration: parameters.duration,
		resolution: parameters.resolution,
	};
	if (parameters.callbackUrl) body.callback_url = parameters.callbackUrl;
	// n8n's own resume URL for this execution (signed in n8n 2.x; the query must be kept).
	if (wait.waitMode === 'callback') body.callback_url = String(this.evaluateExpression('{{ $execution.resumeUrl }}', i));
	Object.assign(body, parameters.extraBody);
	return { parameters, wait, download, body };
}

export async function execute(
	this: IExecuteFunctions,
	{ parameters, wait, download, body }: Awaited<ReturnType<typeof prepare>>,
	i: number,
	batch: Batch,
): Promise<INodeExecutionData> {
	const node = this.getNode();
	const creates = batch.limiter('create', () => wait.createConcurrency);
	const extra = {
		estimatedCredits: estimateCredits(parameters.model, parameters.duration, parameters.resolution),
	};

	// Never retried: a create costs money and has no idempotency key.
	const created = normaliseTask(await creates.run(async () => await apiRequest.call(this, 'POST', '/videos/generations', body)));
	const taskId = created.taskId;
	if (!taskId) {
		throw new NodeApiError(
			node,
			{ message: 'no task id in the answer' },
			{
				message: 'The Hailuo API accepted the request but returned no task ID',
				description: 'Check your API in One dashboard for the job. The answer may be in a new format; please report it.',
				itemIndex: i,
			},
		);
	}
	if (wait.waitMode === 'none') return await taskToItem.call(this, created, null, extra, i);
	if (wait.waitMode === 'callback') {
		// The run parks here; `resume` below turns the callback into this node's output.
		await this.putExecutionToWait(new Date(Date.now() + wait.maxWait * 1000));
		return await taskToItem.call(this, created, null, extra, i);
	}

	const startedAt = Date.now();
	const deadline = startedAt + wait.maxWait * 1000;
	const outcome = await pollUntilDone({
		fetchTask: async () => {
			const task = await fetchTask.call(this, taskId);
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
		wait: { polls: outcome.polls, seconds: Math.round((Date.now() - startedAt) / 100) / 10, states: outcome.states },
	};
	if (outcome.kind === 'canceled') {
		// n8n marks the run "canceled" when the error says so.
		throw new NodeOperationError(node, `Execution canceled while waiting for Hailuo task ${taskId}`, {
			itemIndex: i,
			description: `The job keeps running upstream; use Get Task with ID ${taskId} to fetch it later.`,
		});
	}
	if (outcome.kind === 'timeout') {
		const state = outcome.task?.rawStatus ?? 'no state yet';
		if (wait.onTimeout === 'output') {
			return await taskToItem.call(this, outcome.task ?? created, null, { ...extra, ...trace, timedOut: true }, i);
		}
		throw new NodeOperationError(
			node,
			`Hailuo task ${taskId} was not finished after ${wait.maxWait} s (last state: ${state})`,
			{
				itemIndex: i,
				description: `The job keeps running upstream and is billed only if it succeeds. Use Get Task with ID ${taskId} to fetch it later, or raise "Max Wait".`,
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
				message: `Hailuo task ${taskId} ${task.status === 'canceled' ? 'was canceled' : 'failed'}: ${task.error ?? 'no reason given'}`,
				description:
					'Failed jobs are not billed. Try another image or prompt; sensitive content and unusual aspect ratios are common causes.',
				itemIndex: i,
			},
		);
	}
	return await taskToItem.call(this, task, download, { ...extra, ...trace }, i);
}

/**
 * Resumes a run parked by "Wait for Callback": a MiniMax-style `{challenge}` is echoed and a
 * progress report is acknowledged (both keep the run waiting); a final state becomes the output.
 */
export async function resume(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const body: unknown = this.getBodyData();
	if (body && typeof body === 'object' && 'challenge' in body && typeof body.challenge === 'string') {
		return { webhookResponse: { challenge: body.challenge } };
	}
	const task = normaliseTask(body);
	if (!FINAL_STATUSES.includes(task.status)) return { webhookResponse: { received: true } };

	const choice = videoChoiceSchema.safeParse({
		model: this.getNodeParameter('model', MODELS[0]),
		duration: this.getNodeParameter('duration', DURATIONS[0]),
		resolution: this.getNodeParameter('resolution', RESOLUTIONS[0]),
	});
	const extra: IDataObject = choice.success
		? { estimatedCredits: estimateCredits(choice.data.model, choice.data.duration, choice.data.resolution) }
		: {};
	const download = readDownloadOptions(this, (name, fallback) => this.getNodeParameter(`options.${name}`, fallback), true);
	const item = await taskToItem.call(this, task, download, extra);
	return { workflowData: [[{ ...item, pairedItem: { item: 0 } }]], webhookResponse: { received: true } };
}
