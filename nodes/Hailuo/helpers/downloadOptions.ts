import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import type { Field, ValueOf } from './fields';
import { booleanField, field, numberField } from './fields';

const DOWNLOAD_VIDEO: INodeProperties & { name: 'download'; type: 'boolean'; default: boolean } = {
	displayName: 'Download Video',
	name: 'download',
	type: 'boolean',
	default: false,
	description:
		'Whether to save the finished MP4 as a file in the output item, streamed without loading it ' +
		'into memory',
};

/** The name of a binary field of an item. */
export const binaryFieldName = z
	.string({ invalid_type_error: 'must be text' })
	.trim()
	.regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a field name of letters, digits, "-" or "_"');

/** The download's own settings: how long, how large, and where the file goes. */
const [downloadTimeout, maxVideoMb, outputField] = [
	numberField({
		displayName: 'Download Timeout (Seconds)',
		name: 'downloadTimeout',
		type: 'number',
		default: 300,
		typeOptions: { minValue: 1, maxValue: 3600 },
		description: 'How long the whole download may take before it is stopped and nothing is saved',
	}),
	numberField({
		displayName: 'Max Video Size (MB)',
		name: 'maxVideoMb',
		type: 'number',
		default: 200,
		typeOptions: { minValue: 1, maxValue: 4096 },
		description:
			'A download larger than this is stopped and nothing is saved (a Hailuo video is usually 2–20 MB)',
	}),
	field(
		{
			displayName: 'Put Output File in Field',
			name: 'binaryPropertyOutput',
			type: 'string',
			default: 'data',
			hint: 'The name of the output binary field to put the video in',
		},
		binaryFieldName,
	),
] as const;

type DisplayOptions = INodeProperties['displayOptions'];

/** The field, shown only under these rules too. */
const alsoShownWith = <F extends Field>(
	entry: F,
	show: IDataObject,
	rules: DisplayOptions = {},
): F =>
	Object.keys(show).length === 0 && Object.keys(rules).length === 0
		? entry
		: {
				...entry,
				property: {
					...entry.property,
					displayOptions: { ...rules, show: { ...rules.show, ...show } },
				},
			};

/**
 * The "Download Video" options, shared by every place that can save the video, shown only under
 * `show` (Generate Video: while it waits). The download's own settings show only while it is on:
 * an option not added yet counts as its default.
 */
export function downloadFields(defaultOn: boolean, show: IDataObject = {}) {
	const whileDownloading = defaultOn
		? { hide: { download: [false] } }
		: { show: { download: [true] } };
	return [
		alsoShownWith(booleanField({ ...DOWNLOAD_VIDEO, default: defaultOn }), show),
		alsoShownWith(downloadTimeout, show, whileDownloading),
		alsoShownWith(maxVideoMb, show, whileDownloading),
		alsoShownWith(outputField, show, whileDownloading),
	] as const;
}

type DownloadValues = {
	[E in ReturnType<typeof downloadFields>[number] as E['property']['name']]: ValueOf<E>;
};

export type DownloadChoice = { field: string; maxBytes: number; timeoutMs: number } | null;

/** What those options ask for: the binary field to fill, or null when the video is not wanted. */
export const downloadChoice = (values: DownloadValues): DownloadChoice =>
	values.download
		? {
				field: values.binaryPropertyOutput,
				maxBytes: Math.round(values.maxVideoMb * 1024 * 1024),
				timeoutMs: Math.round(values.downloadTimeout * 1000),
			}
		: null;
