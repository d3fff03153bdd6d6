import type { IDataObject } from 'n8n-workflow';
import { z } from 'zod';

import { isHttpUrl } from '../guards/url';
import { isThisMachineOnly } from '../guards/publicHost';
import type { GenerateVideoParameters } from './schemas';
import {
	DURATIONS,
	imageUrlProblem,
	isDuration,
	isModel,
	isResolution,
	MAX_IMAGE_BYTES,
	MAX_URL_LENGTH,
	oneOf,
	promptProblem,
	RESOLUTIONS,
} from './schemas';

/** The largest body sent: an inline 10 MB image as base64, and room for every other field. */
export const MAX_BODY_BYTES = Math.ceil(MAX_IMAGE_BYTES / 3) * 4 + 256 * 1024;

const MODEL_SLUG = /^[A-Za-z0-9][A-Za-z0-9._-]*(?:\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;
const DATA_URL = /^data:image\/(?:jpeg|png|webp);base64,([A-Za-z0-9+/]*)(={0,2})$/;

/**
 * The create request as sent: the node's fields, the callback URL, then "Extra Body Fields"
 * merged last so new API fields need no node update.
 */
export function buildRequestBody(
	parameters: GenerateVideoParameters,
	image: string,
	callbackUrl: string | undefined,
): IDataObject {
	const body: IDataObject = {
		model: parameters.model,
		prompt: parameters.prompt,
		image,
		duration: parameters.duration,
		resolution: parameters.resolution,
	};
	if (callbackUrl) body.callback_url = callbackUrl;
	// Spread, not Object.assign: a "__proto__" key can never reach the body's prototype.
	return { ...body, ...parameters.extraBody };
}

const IMAGE_ALLOWED =
	'must be a public http:// or https:// URL, or a data:image/(jpeg|png|webp);base64 URL';

/** The image rules for the body as sent: a public link, or an inline JPEG, PNG or WebP. */
export function sentImageProblem(image: string): string | undefined {
	if (image.startsWith('data:')) {
		const match = DATA_URL.exec(image);
		if (!match || (match[1].length + match[2].length) % 4 !== 0) {
			return `${IMAGE_ALLOWED}; this data URL is not a base64 JPEG, PNG or WebP`;
		}
		const bytes = ((match[1].length + match[2].length) / 4) * 3 - match[2].length;
		if (bytes > MAX_IMAGE_BYTES) {
			return `is an inline image of ${(bytes / 1024 / 1024).toFixed(1)} MB; at most 10 MB is allowed`;
		}
		return undefined;
	}
	if (!isHttpUrl(image) || image !== image.trim()) return IMAGE_ALLOWED;
	return imageUrlProblem(image);
}

const issue = (ctx: z.RefinementCtx, key: string, message: string, keys = [key]) =>
	ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message, params: { keys } });

const text = (what: string) =>
	z.string({ invalid_type_error: `must be text (${what})`, required_error: 'is required' });

/** Every rule the node knows, applied to the body as it will be sent. */
const sentBodySchema = z
	.object({
		model: text('a model slug')
			.max(100, 'must be at most 100 characters')
			.regex(
				MODEL_SLUG,
				'must be a model slug such as "hailuo/2-3-image-to-video-pro" (letters, digits, ".", "-", "_", "/")',
			),
		prompt: text('what should happen in the video').superRefine((prompt, ctx) => {
			const problem = promptProblem(prompt);
			if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
		}),
		image: text('an image URL').superRefine((image, ctx) => {
			const problem = sentImageProblem(image);
			if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
		}),
		duration: z.unknown(),
		resolution: z.unknown(),
		callback_url: text('an http:// or https:// URL')
			.refine((url) => isHttpUrl(url) && url === url.trim(), 'must be an http:// or https:// URL')
			.refine((url) => url.length <= MAX_URL_LENGTH, `must be at most ${MAX_URL_LENGTH} characters`)
			.optional(),
	})
	.passthrough()
	.superRefine((body, ctx) => {
		const { duration, resolution } = body;
		if (isModel(body.model)) {
			// Hailuo 2.3 takes these values as text, and 10 s only at 768P.
			if (!isDuration(duration)) {
				issue(ctx, 'duration', `${oneOf(DURATIONS)} (as text)`);
			} else if (!isResolution(resolution)) {
				issue(ctx, 'resolution', `${oneOf(RESOLUTIONS)} (as text)`);
			} else if (duration === '10' && resolution === '1080P') {
				issue(
					ctx,
					'duration',
					'10 s is only available at 768P; choose 6 s for 1080P, or 768P for 10 s',
					['duration', 'resolution'],
				);
			}
			return;
		}
		// A model the node does not know yet: only the shape of these values is checked.
		const seconds =
			duration === null ||
			(typeof duration === 'string' && /^\d{1,4}$/.test(duration)) ||
			(typeof duration === 'number' &&
				Number.isInteger(duration) &&
				duration > 0 &&
				duration < 1e4);
		if (!seconds) issue(ctx, 'duration', 'must be a whole number of seconds such as "6"');
		if (!(
			resolution === null ||
			(typeof resolution === 'string' && /^[A-Za-z0-9]{1,16}$/.test(resolution))
		)) {
			issue(ctx, 'resolution', 'must be a resolution such as "768P"');
		}
	});

/** What the node's own fields are called where a body key came from them. */
const FIELD_FOR_KEY: Record<string, string> = {
	prompt: 'Prompt',
	image: 'Image URL',
	model: 'Model',
	duration: 'Duration',
	resolution: 'Resolution',
	callback_url: 'Callback URL',
};

interface BodyProblem {
	field: string;
	problem: string;
}

/**
 * What "Wait for Callback" cannot work with: the node sends the execution's own resume URL as
 * `callback_url`, and there is one resume URL per execution.
 */
export function callbackModeProblem(
	itemCount: number,
	parameters: GenerateVideoParameters,
): BodyProblem | undefined {
	if (itemCount > 1) {
		// A second item's callback would find the run already resumed.
		return {
			field: 'Wait Mode',
			problem:
				'"Wait for Callback" takes one item per run; use "Wait Until Done (Poll)" for ' +
				'batches, or put the node in a Loop Over Items',
		};
	}
	if (parameters.callbackUrl) {
		return {
			field: 'Callback URL',
			problem: 'leave it empty with "Wait for Callback": the node sends its own resume URL',
		};
	}
	if ('callback_url' in parameters.extraBody) {
		return {
			field: 'Extra Body Fields',
			problem:
				'"callback_url" cannot be set with "Wait for Callback": the node sends its own resume ' +
				'URL there, and the run would wait for a call that never comes',
		};
	}
	return undefined;
}

/**
 * Checks the body as it will be sent. A problem in a key that "Extra Body Fields" set is reported
 * against that field, naming the key; otherwise against the node's own field.
 */
export function checkRequestBody(
	body: IDataObject,
	fromExtra: ReadonlySet<string>,
): BodyProblem | undefined {
	const result = sentBodySchema.safeParse(body);
	if (!result.success) {
		const first = result.error.issues[0];
		const combined = first.code === z.ZodIssueCode.custom ? first.params?.keys : undefined;
		const keys: string[] = Array.isArray(combined) ? combined : [String(first.path[0] ?? '')];
		const extraKey = keys.find((key) => fromExtra.has(key));
		if (extraKey !== undefined) {
			return { field: 'Extra Body Fields', problem: `"${extraKey}" ${first.message}` };
		}
		return { field: FIELD_FOR_KEY[keys[0]] ?? keys[0], problem: first.message };
	}
	const bytes = Buffer.byteLength(JSON.stringify(body), 'utf8');
	if (bytes > MAX_BODY_BYTES) {
		const megabytes = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
		return {
			field: fromExtra.size > 0 ? 'Extra Body Fields' : 'Image Source',
			problem: `the request would be ${megabytes(bytes)}; at most ${megabytes(MAX_BODY_BYTES)} is sent`,
		};
	}
	return undefined;
}

/**
 * The origin of a "Wait for Callback" resume URL the API could never call: n8n built it on this
 * machine only (no `N8N_WEBHOOK_URL` where the run executes, e.g. on a queue-mode worker) while the
 * API's Base URL is elsewhere. Undefined when the API may reach it (or both are on this machine).
 */
export function unreachableResumeOrigin(resumeUrl: string, apiBaseUrl: string): string | undefined {
	if (!isHttpUrl(resumeUrl) || !isHttpUrl(apiBaseUrl)) return undefined;
	const resume = new URL(resumeUrl.trim());
	if (!isThisMachineOnly(resume.hostname)) return undefined;
	return isThisMachineOnly(new URL(apiBaseUrl.trim()).hostname) ? undefined : resume.origin;
}
