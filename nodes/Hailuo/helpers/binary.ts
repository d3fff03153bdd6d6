import type {
	IBinaryData,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INodeExecutionData,
	INodeProperties,
	IWebhookFunctions,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { CREDENTIAL_NAME, getConnection, mapApiError, redact } from '../transport';
import { binaryFieldSchema, failParameter, MAX_IMAGE_BYTES } from './schemas';
import type { NormalisedTask } from './task';
import { taskToJson } from './task';

type BinaryContext = IExecuteFunctions | IWebhookFunctions;
// The stream type as n8n-workflow declares it (node:stream may not be imported by a community node).
type VideoStream = Exclude<Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0], Buffer>;

const IMAGE_SIGNATURES: Array<{ mimeType: string; matches: (bytes: Buffer) => boolean }> = [
	{ mimeType: 'image/jpeg', matches: (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
	{
		mimeType: 'image/png',
		matches: (b) => b.length > 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
	},
	{
		mimeType: 'image/webp',
		matches: (b) => b.length > 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP',
	},
];

/**
 * Reads the incoming item's image and returns it as a `data:` URL, refusing anything but JPEG,
 * PNG and WebP up to 10 MB before any request is made. The bytes decide the type, not the name.
 */
export async function imageDataUrlFromBinary(
	this: IExecuteFunctions,
	itemIndex: number,
	binaryPropertyName: string,
): Promise<string> {
	const node = this.getNode();
	const label = 'Input Binary Field';
	const binary = this.getInputData()[itemIndex]?.binary?.[binaryPropertyName];
	if (!binary) {
		const available = Object.keys(this.getInputData()[itemIndex]?.binary ?? {});
		failParameter(
			node,
			label,
			`the incoming item has no binary field "${binaryPropertyName}"` +
				(available.length ? ` (it has: ${available.join(', ')})` : ' (it has no binary data at all)'),
			itemIndex,
		);
	}
	const declaredSize = Number(binary.bytes ?? NaN);
	if (declaredSize > MAX_IMAGE_BYTES) tooLarge(node, label, declaredSize, itemIndex);
	const bytes = await this.helpers.getBinaryDataBuffer(itemIndex, binaryPropertyName);
	if (bytes.length > MAX_IMAGE_BYTES) tooLarge(node, label, bytes.length, itemIndex);
	const kind = IMAGE_SIGNATURES.find((signature) => signature.matches(bytes));
	if (!kind) {
		failParameter(
			node,
			label,
			`"${binaryPropertyName}" is not a JPEG, PNG or WebP image (it is ${describeBinary(binary)}); convert it first`,
			itemIndex,
		);
	}
	return `data:${kind.mimeType};base64,${bytes.toString('base64')}`;
}

function tooLarge(node: ReturnType<IExecuteFunctions['getNode']>, label: string, size: number, itemIndex: number): never {
	const megabytes = (size / 1024 / 1024).toFixed(1);
	return failParameter(node, label, `the image is ${megabytes} MB; at most 10 MB is allowed`, itemIndex);
}

const describeBinary = (binary: IBinaryData) =>
	[binary.mimeType, binary.fileName].filter(Boolean).join(', ') || 'of unknown type';

/**
 * Streams the finished video into n8n's binary-data store. The API key goes only to the API's own
 * host; a CDN link gets a plain request, and redirects never carry credentials across origins.
 */
export async function downloadVideo(
	this: BinaryContext,
	videoUrl: string,
	taskId: string | null,
	itemIndex?: number,
): Promise<IBinaryData> {
	const node = this.getNode();
	const { baseUrl, apiKey } = await getConnection.call(this);
	const options: IHttpRequestOptions = {
		method: 'GET',
		url: videoUrl,
		encoding: 'stream',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		sendCredentialsOnCrossOriginRedirect: false,
		abortSignal: 'getExecutionCancelSignal' in this ? this.getExecutionCancelSignal() : undefined,
	};
	const sameHost = URL.canParse(videoUrl) && new URL(videoUrl).origin === new URL(baseUrl).origin;

	let response: { statusCode: number; body: VideoStream };
	try {
		response = sameHost
			? await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_NAME, options)
			: await this.helpers.httpRequest(options);
	} catch (error) {
		throw mapApiError(node, { upstreamMessage: error instanceof Error ? error.message : String(error) }, apiKey);
	}

	if (response.statusCode === 403 || response.statusCode === 404 || response.statusCode === 410) {
		response.body.destroy();
		throw new NodeApiError(
			node,
			{ message: `HTTP ${response.statusCode}`, url: redact(videoUrl, apiKey) },
			{
				message: `The video link for task ${taskId ?? '?'} has expired or is gone (HTTP ${response.statusCode})`,
				description:
					'Result links are kept only for a few hours. Run Get Task again for a fresh link, or generate the video again.',
				httpCode: String(response.statusCode),
				itemIndex,
			},
		);
	}
	if (response.statusCode < 200 || response.statusCode >= 300) {
		response.body.destroy();
		throw mapApiError(node, { status: response.statusCode, upstreamMessage: 'video download failed' }, apiKey);
	}
	const fileName = `hailuo-${(taskId ?? 'video').replace(/[^A-Za-z0-9_.-]/g, '_')}.mp4`;
	return await this.helpers.prepareBinaryData(response.body, fileName, 'video/mp4');
}

/**
 * The output item for a task: the normalised task in `json` and, when asked for and ready, the
 * video in `binary.<field>`.
 */
export async function taskToItem(
	this: BinaryContext,
	task: NormalisedTask,
	download: { field: string } | null,
	extra: IDataObject = {},
	itemIndex?: number,
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
		item.binary = { [download.field]: await downloadVideo.call(this, task.videoUrl, task.taskId, itemIndex) };
	}
	return item;
}

const DOWNLOAD_OPTION: INodeProperties = {
	displayName: 'Download Video',
	name: 'download',
	type: 'boolean',
	default: false,
	description:
		'Whether to save the finished MP4 as a file in the output item (binary field below), streamed without loading it into memory',
};

/** The "Download Video" options, shared by every place that can save the video. */
export function downloadOptions(defaultOn: boolean): INodeProperties[] {
	return [
		{ ...DOWNLOAD_OPTION, default: defaultOn },
		{
			displayName: 'Put Output File in Field',
			name: 'binaryPropertyOutput',
			type: 'string',
			default: 'data',
			hint: 'The name of the output binary field to put the video in',
		},
	];
}

/** Reads those options (through `option(name, fallback)`): the field to fill, or null when off. */
export function readDownloadOptions(
	context: BinaryContext,
	option: (name: string, fallback: unknown) => unknown,
	defaultOn: boolean,
	itemIndex = 0,
): { field: string } | null {
	if (option('download', defaultOn) !== true) return null;
	const field = binaryFieldSchema.safeParse(option('binaryPropertyOutput', 'data'));
	if (!field.success) failParameter(context.getNode(), 'Put Output File in Field', field.error.issues[0].message, itemIndex);
	return { field: field.data };
}
