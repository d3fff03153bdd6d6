import type {
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeProperties,
	IWebhookFunctions,
} from 'n8n-workflow';

import { binaryFieldSchema, failParameter } from './schemas';

/** The node's "Options" collection, read once with its expressions resolved (for one item in a run). */
export function readOptions(
	context: IExecuteFunctions | IWebhookFunctions,
	itemIndex = 0,
): IDataObject {
	const options =
		'getInputData' in context
			? context.getNodeParameter('options', itemIndex, {})
			: context.getNodeParameter('options', {});
	return options !== null && typeof options === 'object' && !Array.isArray(options)
		? (options as IDataObject)
		: {};
}

/** A collection's options in alphabetical order, as n8n lists them in its own nodes. */
export const alphabetical = (options: INodeProperties[]): INodeProperties[] =>
	[...options].sort((a, b) => a.displayName.localeCompare(b.displayName));

/** The "Options" collection of a node or operation, its entries in alphabetical order. */
export const optionsCollection = (options: INodeProperties[]): INodeProperties => ({
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: alphabetical(options),
});

const DOWNLOAD_VIDEO: INodeProperties = {
	displayName: 'Download Video',
	name: 'download',
	type: 'boolean',
	default: false,
	description:
		'Whether to save the finished MP4 as a file in the output item, streamed without loading it ' +
		'into memory',
};

/**
 * The "Download Video" options, shared by every place that can save the video. The download's own
 * settings show only while it is on: an option not added yet counts as its default.
 */
export function downloadOptions(defaultOn: boolean): INodeProperties[] {
	const whileDownloading: INodeProperties['displayOptions'] = defaultOn
		? { hide: { download: [false] } }
		: { show: { download: [true] } };
	const settings: INodeProperties[] = [
		{
			displayName: 'Download Timeout (Seconds)',
			name: 'downloadTimeout',
			type: 'number',
			default: DEFAULT_DOWNLOAD_TIMEOUT_S,
			typeOptions: { minValue: 1, maxValue: 3600 },
			description: 'How long the whole download may take before it is stopped and nothing is saved',
		},
		{
			displayName: 'Max Video Size (MB)',
			name: 'maxVideoMb',
			type: 'number',
			default: DEFAULT_MAX_VIDEO_MB,
			typeOptions: { minValue: 1, maxValue: 4096 },
			description:
				'A download larger than this is stopped and nothing is saved (a Hailuo video is usually 2–20 MB)',
		},
		{
			displayName: 'Put Output File in Field',
			name: 'binaryPropertyOutput',
			type: 'string',
			default: 'data',
			hint: 'The name of the output binary field to put the video in',
		},
	];
	return alphabetical([
		{ ...DOWNLOAD_VIDEO, default: defaultOn },
		...settings.map((option) => ({ ...option, displayOptions: whileDownloading })),
	]);
}

export const DEFAULT_MAX_VIDEO_MB = 200;
export const DEFAULT_DOWNLOAD_TIMEOUT_S = 300;

export type DownloadChoice = { field: string; maxBytes: number; timeoutMs: number } | null;

/** What those options ask for: the binary field to fill, or null when the video is not wanted. */
export function downloadChoice(
	node: INode,
	options: IDataObject,
	defaultOn: boolean,
	itemIndex = 0,
): DownloadChoice {
	if ((options.download ?? defaultOn) !== true) return null;
	const field = binaryFieldSchema.safeParse(options.binaryPropertyOutput ?? 'data');
	if (!field.success)
		failParameter(node, 'Put Output File in Field', field.error.issues[0].message, itemIndex);
	const maxMb = Number(options.maxVideoMb ?? DEFAULT_MAX_VIDEO_MB);
	if (!Number.isFinite(maxMb) || maxMb < 1 || maxMb > 4096) {
		failParameter(node, 'Max Video Size (MB)', 'must be a number from 1 to 4096', itemIndex);
	}
	const timeout = Number(options.downloadTimeout ?? DEFAULT_DOWNLOAD_TIMEOUT_S);
	if (!Number.isFinite(timeout) || timeout < 1 || timeout > 3600) {
		failParameter(node, 'Download Timeout (Seconds)', 'must be a number from 1 to 3600', itemIndex);
	}
	return {
		field: field.data,
		maxBytes: Math.round(maxMb * 1024 * 1024),
		timeoutMs: Math.round(timeout * 1000),
	};
}
