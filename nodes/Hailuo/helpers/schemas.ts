import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { z } from 'zod';

import { isHttpUrl } from '../guards/url';
import { nonPublicHostReason } from '../guards/publicHost';

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

const member =
	<T extends string>(values: readonly T[]) =>
	(value: unknown): value is T =>
		typeof value === 'string' && (values as readonly string[]).includes(value);

/** Whether a value is one of the node's known models, durations or resolutions, exactly. */
export const isModel = member(MODELS);
export const isDuration = member(DURATIONS);
export const isResolution = member(RESOLUTIONS);

export const MAX_PROMPT_LENGTH = 2000;
/** A bound on the text behind those characters: letters stacked with many marks count more. */
export const MAX_PROMPT_CODE_UNITS = 16 * MAX_PROMPT_LENGTH;
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
export const MAX_URL_LENGTH = 2048;
export const MAX_EXTRA_BODY_BYTES = 64 * 1024;
export const MAX_EXTRA_BODY_DEPTH = 32;

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
	maxCredits: 'Max Credits per Run',
	pollInterval: 'Poll Interval (Seconds)',
	maxWait: 'Max Wait (Seconds)',
	onTimeout: 'On Timeout',
	createConcurrency: 'Parallel Create Requests',
	binaryPropertyOutput: 'Put Output File in Field',
};

export const oneOf = (values: readonly string[]) =>
	`allowed: ${values.map((v) => `"${v}"`).join(', ')}`;

const httpUrl = z
	.string({ invalid_type_error: 'must be text' })
	.trim()
	.refine(isHttpUrl, 'must be an http:// or https:// URL')
	.refine((url) => url.length <= MAX_URL_LENGTH, `must be at most ${MAX_URL_LENGTH} characters`);

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Characters as a person counts them: an emoji, a flag or a letter with its accent is one. */
export function countCharacters(text: string): number {
	return Array.from(graphemes.segment(text)).length;
}

/** Space, control and format characters, lone combining marks and other invisible code points. */
const INVISIBLE = /[\p{White_Space}\p{Cc}\p{Cf}\p{M}\p{Default_Ignorable_Code_Point}\u2800]/gu;

/** The prompt rules, for the Prompt field and for a prompt sent through "Extra Body Fields". */
export function promptProblem(text: string): string | undefined {
	if (text.replace(INVISIBLE, '') === '') {
		return 'must not be empty (spaces and invisible characters do not count): describe the motion you want';
	}
	if (text.length > MAX_PROMPT_CODE_UNITS) {
		return (
			`must be at most ${MAX_PROMPT_LENGTH} characters and ${MAX_PROMPT_CODE_UNITS} UTF-16 code units ` +
			`(it has ${text.length} code units; marks stacked on a letter count toward that)`
		);
	}
	const characters = countCharacters(text);
	if (characters > MAX_PROMPT_LENGTH) {
		return `must be at most ${MAX_PROMPT_LENGTH} characters (it has ${characters})`;
	}
	return undefined;
}

const promptSchema = z
	.string({ invalid_type_error: 'must be text' })
	.trim()
	.superRefine((text, ctx) => {
		const problem = promptProblem(text);
		if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
	});

/**
 * Why an http(s) URL cannot be an image the provider fetches (too long, or a host that is not a
 * public internet address), or undefined when it can.
 */
export function imageUrlProblem(url: string): string | undefined {
	if (url.length > MAX_URL_LENGTH) {
		return `must be at most ${MAX_URL_LENGTH} characters (it has ${url.length})`;
	}
	const host = new URL(url).hostname;
	const reason = nonPublicHostReason(host);
	if (reason === undefined) return undefined;
	return (
		`its host ${host} is ${reason}; the provider fetches the image from the internet, ` +
		'so it must be a public address'
	);
}

/** Image Source "Image URL": a public link; inline images come through "Binary File From Input". */
export const imageUrlSchema = z.object({
	imageUrl: z
		.string({ invalid_type_error: 'must be text' })
		.trim()
		.superRefine((url, ctx) => {
			const problem = isHttpUrl(url)
				? imageUrlProblem(url)
				: 'must be a public http:// or https:// URL of a JPEG, PNG or WebP image; for ' +
					'a file from an earlier node, set "Image Source" to "Binary File From Input"';
			if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
		}),
});

const JSON_OBJECT = 'must be a JSON object such as {"key": "value"}';

/** How deeply a JSON value nests, counted without recursion and given up past `limit`. */
function nestingDepth(value: unknown, limit: number): number {
	let deepest = 0;
	const pending: Array<[unknown, number]> = [[value, 0]];
	while (pending.length > 0) {
		const [current, depth] = pending.pop() ?? [null, 0];
		if (current === null || typeof current !== 'object') continue;
		deepest = Math.max(deepest, depth + 1);
		if (deepest > limit) return deepest;
		for (const child of Object.values(current)) pending.push([child, depth + 1]);
	}
	return deepest;
}

const kilobytes = (bytes: number) => `${Math.ceil(bytes / 1024)} KB`;

/**
 * "Extra Body Fields": n8n hands it over as text or (from an expression) as an object. The
 * result is exactly what will be sent: plain JSON, at most 64 KB once serialised.
 */
const extraBodySchema = z.unknown().transform((value, ctx): IDataObject => {
	const refuse = (message: string) => {
		ctx.addIssue({ code: z.ZodIssueCode.custom, message });
		return z.NEVER;
	};
	if (value === undefined || value === null || value === '') return {};
	let parsed: unknown = value;
	if (typeof value === 'string') {
		// Far past the limit: refused without parsing it.
		if (value.length > 16 * MAX_EXTRA_BODY_BYTES) {
			return refuse(
				`is ${kilobytes(value.length)}; at most ${kilobytes(MAX_EXTRA_BODY_BYTES)} is allowed`,
			);
		}
		try {
			parsed = JSON.parse(value);
		} catch {
			return refuse(JSON_OBJECT);
		}
	}
	if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
		return refuse(JSON_OBJECT);
	if (Object.prototype.hasOwnProperty.call(parsed, '__proto__')) {
		return refuse('must not have a "__proto__" key');
	}
	if (nestingDepth(parsed, MAX_EXTRA_BODY_DEPTH) > MAX_EXTRA_BODY_DEPTH) {
		return refuse(`must nest at most ${MAX_EXTRA_BODY_DEPTH} levels deep`);
	}
	let text: string;
	try {
		text = JSON.stringify(parsed);
	} catch {
		return refuse(`${JSON_OBJECT}, holding only JSON values`);
	}
	const bytes = Buffer.byteLength(text, 'utf8');
	if (bytes > MAX_EXTRA_BODY_BYTES) {
		return refuse(
			`is ${kilobytes(bytes)} once serialised; at most ${kilobytes(MAX_EXTRA_BODY_BYTES)} is allowed ` +
				"(send images through the node's own Image Source)",
		);
	}
	// Re-read from the serialised text: what is checked is what is sent (no functions, dates as text).
	const sent = z.record(z.unknown()).safeParse(JSON.parse(text));
	// Values that came out of JSON.parse are JSON values, which is what IDataObject describes.
	return sent.success ? (sent.data as IDataObject) : refuse(JSON_OBJECT);
});

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

/**
 * The Task ID field: text, or a whole number as an expression may yield one (MiniMax's task ids
 * are numbers). A number is turned into its digits only when JavaScript holds it exactly.
 */
export const taskIdInputSchema = z
	.unknown()
	.transform((value, ctx) => {
		if (typeof value === 'string') return value;
		if (typeof value === 'bigint') return value.toString();
		const refuse = (message: string) => {
			ctx.addIssue({ code: z.ZodIssueCode.custom, message });
			return z.NEVER;
		};
		if (typeof value !== 'number') return refuse('must be text or a whole number');
		if (!Number.isFinite(value) || !Number.isInteger(value) || value < 0) {
			return refuse(`must be text or a whole number; the expression gave ${value}`);
		}
		if (!Number.isSafeInteger(value)) {
			return refuse(
				`the expression gave the number ${value}, larger than JavaScript holds exactly ` +
					`(${Number.MAX_SAFE_INTEGER}), so its last digits may already be wrong; ` +
					'pass the id as text, e.g. as the API returned it in "taskId"',
			);
		}
		return String(value);
	})
	.pipe(taskIdSchema);

/** The three dropdowns, which also decide the price. */
const videoShape = {
	model: enumOf(MODELS),
	duration: enumOf(DURATIONS),
	resolution: enumOf(RESOLUTIONS, (v) => v.toUpperCase()),
};

export const videoChoiceSchema = z.object(videoShape);

export const generateVideoSchema = z
	.object({
		prompt: promptSchema,
		...videoShape,
		callbackUrl: z.preprocess((v) => (v === '' ? undefined : v), httpUrl.optional()),
		extraBody: extraBodySchema,
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

export const maxCreditsSchema = z.object({
	maxCredits: z
		.number({ invalid_type_error: 'must be a number' })
		.finite('must be a number')
		.min(0, 'must be 0 (no limit) or more'),
});

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
	// zod's own word for a value that is not there at all (e.g. an AI tool call without it); fields
	// with choices keep their own message, which lists them.
	const missing =
		issue.code === z.ZodIssueCode.invalid_type &&
		issue.received === 'undefined' &&
		issue.message === 'Required';
	return failParameter(node, label, missing ? 'a value is required' : issue.message, itemIndex);
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
