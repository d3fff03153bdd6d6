import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeApiError, updateDisplayOptions } from 'n8n-workflow';

import { readInputImage } from '../../helpers/inputImage';
import {
	downloadChoice,
	downloadOptions,
	optionsCollection,
	readOptions,
} from '../../helpers/options';
import { estimateRequest, priceNotices } from '../../helpers/pricing';
import { buildRequestBody, callbackModeProblem, checkRequestBody } from '../../helpers/requestBody';
import {
	failParameter,
	generateVideoSchema,
	parseParameters,
	waitOptionsSchema,
} from '../../helpers/schemas';
import { normaliseTask } from '../../helpers/task';
import { createTask } from '../../transport';
import type { Batch } from '../batch';
import { paceFields, readPace } from '../batch';
import { taskToItem } from '../taskItem';
import { refuseToolDeadEnds, runsAsTool, withToolDefaults } from '../toolMode';
import { checkBudget, maxCreditsField, readMaxCredits } from './budget';
import { callbackResumeUrl } from './resume';
import { waitForVideo, waitModeField, waitOptionFields } from './waitForVideo';

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
			{
				name: 'Binary File From Input',
				value: 'binary',
				description: 'An image an earlier node produced',
			},
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
			{ name: '10 Seconds', value: '10', description: 'At 768P only' },
		],
	},
	{
		displayName: 'Resolution',
		name: 'resolution',
		type: 'options',
		default: '768P',
		options: [
			{ name: '768P', value: '768P' },
			{ name: '1080P', value: '1080P', description: 'For 6-second videos only' },
		],
	},
	...priceNotices,
	waitModeField,
	optionsCollection([
		{
			displayName: 'Callback URL',
			name: 'callbackUrl',
			type: 'string',
			default: '',
			placeholder: 'https://your-n8n.example.com/webhook/…',
			description:
				'Where API in One should POST the result, e.g. the production URL of a Hailuo Trigger node',
		},
		{
			displayName: 'Extra Body Fields',
			name: 'extraBody',
			type: 'json',
			default: '{}',
			description:
				'A JSON object (at most 64 KB) merged into the request body last, to send fields or values ' +
				'this node does not know yet. The body as sent is checked with every rule the node knows.',
		},
		maxCreditsField,
		...waitOptionFields,
		...downloadOptions(true).map((option) => ({
			...option,
			displayOptions: {
				...option.displayOptions,
				show: { ...option.displayOptions?.show, '/waitMode': ['poll', 'callback'] },
			},
		})),
		...paceFields(true),
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['video'], operation: ['generateVideo'] } },
	properties,
);

/** Everything the request needs, validated before anything is sent for any item. */
export async function prepare(this: IExecuteFunctions, i: number) {
	const node = this.getNode();
	const asTool = runsAsTool(this);
	if (asTool) refuseToolDeadEnds(this, i);
	const options = withToolDefaults(asTool, readOptions(this, i));
	const parameters = parseParameters(
		node,
		generateVideoSchema,
		{
			prompt: this.getNodeParameter('prompt', i, '') as string,
			model: this.getNodeParameter('model', i) as string,
			duration: this.getNodeParameter('duration', i) as string,
			resolution: this.getNodeParameter('resolution', i) as string,
			callbackUrl: options.callbackUrl ?? '',
			extraBody: options.extraBody ?? '{}',
		},
		i,
	);
	const wait = parseParameters(
		node,
		waitOptionsSchema,
		{
			waitMode: this.getNodeParameter('waitMode', i, 'poll') as string,
			pollInterval: options.pollInterval ?? 10,
			maxWait: options.maxWait ?? 600,
			onTimeout: options.onTimeout ?? 'error',
			createConcurrency: options.createConcurrency ?? 5,
		},
		i,
	);
	const maxCredits = readMaxCredits(node, options, i);
	if (wait.waitMode === 'callback') {
		const problem = callbackModeProblem(this.getInputData().length, parameters);
		if (problem) failParameter(node, problem.field, problem.problem, i);
	}
	// The image last: reading a binary one costs more than every other check.
	const image = await readInputImage.call(this, i);
	const download = wait.waitMode === 'none' ? null : downloadChoice(node, options, true, i);
	// n8n's own resume URL for this execution, refused when the API could never reach it.
	const callbackUrl =
		wait.waitMode === 'callback' ? await callbackResumeUrl.call(this, i) : parameters.callbackUrl;
	const body = buildRequestBody(parameters, image, callbackUrl);
	const problem = checkRequestBody(body, new Set(Object.keys(parameters.extraBody)));
	if (problem) failParameter(node, problem.field, problem.problem, i);
	const pace = readPace(node, options, i, wait.createConcurrency);
	return { wait, download, body, estimate: estimateRequest(body), maxCredits, pace };
}

type Prepared = Awaited<ReturnType<typeof prepare>>;

/** Before any request: what the whole run may cost, against "Max Credits per Run". */
export async function beforeRun(this: IExecuteFunctions, prepared: Prepared[]): Promise<void> {
	await checkBudget.call(this, prepared);
}

export async function execute(
	this: IExecuteFunctions,
	{ wait, download, body, estimate }: Prepared,
	i: number,
	batch: Batch,
): Promise<INodeExecutionData> {
	const extra: IDataObject = { estimatedCredits: estimate.estimatedCredits };
	if (estimate.note) extra.estimateNote = estimate.note;

	const created = normaliseTask(await batch.create(async () => await createTask.call(this, body)));
	const taskId = created.taskId;
	if (!taskId) {
		throw new NodeApiError(
			this.getNode(),
			{ message: 'no task id in the answer' },
			{
				message: 'The Hailuo API accepted the request but returned no task ID',
				description:
					'Check your API in One dashboard for the job. The answer may be in a new format; please report it.',
				itemIndex: i,
			},
		);
	}
	if (wait.waitMode === 'none')
		return await taskToItem.call(this, created, { extra, itemIndex: i });
	if (wait.waitMode === 'callback') {
		// The run parks here; `resume` turns the callback into this node's output.
		await this.putExecutionToWait(new Date(Date.now() + wait.maxWait * 1000));
		return await taskToItem.call(this, created, { extra, itemIndex: i });
	}
	return await waitForVideo.call(this, { ...created, taskId }, { wait, download, extra }, i, batch);
}
