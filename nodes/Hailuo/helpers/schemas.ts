import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { z } from 'zod';

import { isHttpUrl } from '../transport/url';

export const MODELS = [
	'hailuo/2-3-image-to-video-standard',
	'hailuo/2-3-image-to-video-pro',
] as const;
export const DURATIONS = ['6', '10'] as const;
export const RESOLUTIONS = ['768P', '1080P'] as const;
export const WAIT_MODES = ['poll', 'callback', 'none'] as const;

export type Model = (typeof MODELS)[number];
export type Duration = (typeof DURATIONS)[number];
export type Resolution = (typeof RESOLUTIONS)[number];

export const MAX_PROMPT_LENGTH = 2000;
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

/** What a user sees in errors: the field names as the node shows them. */
const FIELD_LABELS: Record<string, string> = {
	prompt: 'Prompt',
	imageUrl: 'Image URL',
	model: 'Model',
	duration: 'Duration',
	resolution: 'Resolution',
	waitMode: 'Wait Mode',
	callbackUrl: 'Callback URL',
	extraBody: 'Extra Body Fields',
	taskId: 'Task ID',
	pollInterval: 'Poll Interval (Seconds)',
	maxWait: 'Max Wait (Seconds)',
	onTimeout: 'On Timeout',
	createConcurrency: 'Parallel Create Requests',
	binaryPropertyOutput: 'Put Output File in Field',
};

const oneOf = (values: readonly string[]) => `allowed: ${values.map((v) => `"${v}"`).join(', ')}`;

const httpUrl = z
	.string({ invalid_type_error: 'must be text' })
	.trim()
	.refine(isHttpUrl, 'must be an http:// or https:// URL');

/** Image Source "Image URL": a public link; inline images come through "Binary File From Input". */
export const imageUrlSchema = z.object({
	imageUrl: z
		.string({ invalid_type_error: 'must be text' })
		.trim()
		.refine(
			isHttpUrl,
			'must be a public http:// or https:// URL of a JPEG, PNG or WebP image; for ' +
				'a file from an earlier node, set "Image Source" to "Binary File From Input"',
		),
});

/** n8n hands over JSON parameters as text or as an object; the API wants a plain object. */
const jsonObject = z.preprocess(
	(value) => {
		if (value === undefined || value === null || value === '') return {};
		if (typeof value !== 'string') return value;
		try {
			return JSON.parse(value) as unknown;
		} catch {
			return Symbol.for('invalid-json');
		}
	},
	z.record(z.unknown(), {
		errorMap: () => ({ message: 'must be a JSON object such as {"key": "value"}' }),
	}),
);

const enumOf = <T extends readonly [string, ...string[]]>(
	values: T,
	normalise?: (v: string) => string,
) =>
	z.preprocess(
		(value) => {
			const text = typeof value === 'number' ? String(value) : value;
			return typeof text === 'string' && normalise ? normalise(text.trim()) : text;
		},
		z.enum(values, { errorMap: () => ({ message: oneOf(values) }) }),
	);

export const taskIdSchema = z
	.string({ invalid_type_error: 'must be text' })
	.trim()
	.min(1, 'must not be empty')
	.regex(
		/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$/,
		'must be a plain task id (letters, digits, "-", "_", "." or ":"), as returned by Generate Video',
	);

/** The three dropdowns, which also decide the price. */
const videoShape = {
	model: enumOf(MODELS),
	duration: enumOf(DURATIONS),
	resolution: enumOf(RESOLUTIONS, (v) => v.toUpperCase()),
};

export const videoChoiceSchema = z.object(videoShape);

export const generateVideoSchema = z
	.object({
		prompt: z
			.string({ invalid_type_error: 'must be text' })
			.trim()
			.min(1, 'must not be empty: describe the motion you want')
			.max(MAX_PROMPT_LENGTH, `must be at most ${MAX_PROMPT_LENGTH} characters`),
		...videoShape,
		callbackUrl: z.preprocess((v) => (v === '' ? undefined : v), httpUrl.optional()),
		extraBody: jsonObject,
	})
	.superRefine((value, ctx) => {
		if (value.duration === '10' && value.resolution === '1080P') {
			ctx.addIssue({
				code: z.ZodIssueCode.custom,
				path: ['duration'],
				message: '10 s is only available at 768P; choose 6 s for 1080P, or 768P for 10 s',
			});
		}
	});

export type GenerateVideoParameters = z.infer<typeof generateVideoSchema>;

export const waitOptionsSchema = z.object({
	waitMode: enumOf(WAIT_MODES),
	pollInterval: z
		.number({ invalid_type_error: 'must be a number' })
		.min(2, 'must be at least 2 seconds')
		.max(600),
	maxWait: z
		.number({ invalid_type_error: 'must be a number' })
		.min(1, 'must be at least 1 second')
		.max(3600, 'must be at most 3600 seconds (one hour)'),
	onTimeout: enumOf(['error', 'output'] as const),
	createConcurrency: z
		.number({ invalid_type_error: 'must be a number' })
		.int()
		.min(1)
		.max(20, 'must be 1 to 20'),
});

export type WaitOptions = z.infer<typeof waitOptionsSchema>;

export const binaryFieldSchema = z
	.string({ invalid_type_error: 'must be text' })
	.trim()
	.regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a field name of letters, digits, "-" or "_"');

/**
 * Parses node parameters with a schema; the first problem becomes an error that names the field
 * as the user sees it and says what is allowed.
 */
export function parseParameters<S extends z.ZodTypeAny>(
	node: INode,
	schema: S,
	values: IDataObject,
	itemIndex: number,
): z.infer<S> {
	const result = schema.safeParse(values);
	if (result.success) return result.data;
	const issue = result.error.issues[0];
	const field = String(issue.path[0] ?? '');
	const label = FIELD_LABELS[field] ?? field;
	return failParameter(node, label, issue.message, itemIndex);
}

export function failParameter(
	node: INode,
	label: string,
	problem: string,
	itemIndex: number,
): never {
	throw new NodeOperationError(node, `Invalid "${label}": ${problem}`, {
		itemIndex,
		description:
			'Nothing was sent to the API and no credits were used. Fix the field and run again.',
	});
}
