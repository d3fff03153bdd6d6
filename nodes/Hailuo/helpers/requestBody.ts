import type { IDataObject } from 'n8n-workflow';

import { isHttpUrl } from '../guards/url';
import { oneOf } from './fields';
import { imageProblem, MAX_URL_LENGTH } from './imageRules';
import { promptProblem } from './prompt';
import {
	callbackUrlField,
	durationField,
	extraBodyField,
	imageSourceField,
	imageUrlField,
	inputBinaryField,
	isDuration,
	isModel,
	isResolution,
	MAX_IMAGE_BYTES,
	modelField,
	promptField,
	REFUSED_COMBINATION,
	resolutionField,
} from './requestFields';

/** The largest body sent: an inline image at its limit as base64, and room for every other field. */
const MAX_BODY_BYTES = Math.ceil(MAX_IMAGE_BYTES / 3) * 4 + 256 * 1024;

const MODEL_SLUG = /^[A-Za-z0-9][A-Za-z0-9._-]*(?:\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;
const EXTRA = extraBodyField.property.displayName;
const FILE = inputBinaryField.property.displayName;

/** The create request's own fields, shaped but not yet checked. */
export interface RequestFields {
	prompt: unknown;
	model: unknown;
	duration: unknown;
	resolution: unknown;
	callbackUrl: unknown;
	extraBody: IDataObject;
}

/** The body as it will be sent, and which field gave each key (by its label). */
interface RequestBody {
	body: IDataObject;
	sources: Record<string, string>;
}

/**
 * The create request as sent: the node's fields, the callback URL, then "Extra Body Fields"
 * merged last so new API fields need no node update. Without an image, the image is the input
 * file's, added by addImageFile once the rest of the body has passed its check.
 */
export function buildRequestBody(
	fields: RequestFields,
	image: { value: unknown; field: string } | undefined,
	callbackUrl: unknown,
): RequestBody {
	const own: IDataObject = {
		model: fields.model as IDataObject[string],
		prompt: fields.prompt as IDataObject[string],
		image: image?.value as IDataObject[string],
		duration: fields.duration as IDataObject[string],
		resolution: fields.resolution as IDataObject[string],
	};
	const sources: Record<string, string> = {
		model: modelField.property.displayName,
		prompt: promptField.property.displayName,
		image: image?.field ?? FILE,
		duration: durationField.property.displayName,
		resolution: resolutionField.property.displayName,
	};
	if (callbackUrl !== undefined) {
		own.callback_url = callbackUrl as IDataObject[string];
		sources.callback_url = callbackUrlField.property.displayName;
	}
	for (const key of Object.keys(fields.extraBody)) sources[key] = EXTRA;
	// Spread, not Object.assign: a "__proto__" key can never reach the body's prototype.
	return { body: { ...own, ...fields.extraBody }, sources };
}

const textProblem = (value: unknown, what: string) => {
	if (value === undefined) return 'a value is required';
	return typeof value === 'string' ? undefined : `must be text (${what})`;
};

/** The first rule the body breaks: the key(s) it concerns and what is wrong. */
type Broken = { keys: string[]; problem: string } | undefined;

const IMAGE_URL = imageUrlField.property.displayName;

const at = (key: string, problem: string | undefined): Broken =>
	problem === undefined ? undefined : { keys: [key], problem };

/** The input file's image, still to be read: it is checked once it is (addImageFile). */
const fileToCome = ({ body, sources }: RequestBody) =>
	sources.image === FILE && body.image === undefined;

/** Every rule the node knows, applied once to the body as it will be sent. */
function brokenRule({ body, sources }: RequestBody, withImage: boolean): Broken {
	const fromExtra = (key: string) => sources[key] === EXTRA;
	return (
		at('prompt', sentPromptProblem(body.prompt)) ??
		(withImage ? imageRule({ body, sources }) : undefined) ??
		at('model', modelProblem(body.model, fromExtra('model'))) ??
		videoProblem(body.duration, body.resolution, isModel(body.model), fromExtra) ??
		(body.callback_url === undefined
			? undefined
			: at('callback_url', callbackProblem(body.callback_url)))
	);
}

const sentPromptProblem = (prompt: unknown) =>
	textProblem(prompt, 'what should happen in the video') ??
	(typeof prompt === 'string' ? promptProblem(prompt) : undefined);

const imageRule = ({ body, sources }: RequestBody) =>
	at(
		'image',
		textProblem(body.image, 'an image URL') ??
			(typeof body.image === 'string'
				? imageProblem(body.image, sources.image === IMAGE_URL)
				: undefined),
	);

function callbackProblem(url: unknown): string | undefined {
	if (typeof url !== 'string') return textProblem(url, 'an http:// or https:// URL');
	if (!isHttpUrl(url) || url !== url.trim()) return 'must be an http:// or https:// URL';
	return url.length <= MAX_URL_LENGTH ? undefined : `must be at most ${MAX_URL_LENGTH} characters`;
}

/** The Model field offers its choices; "Extra Body Fields" may name a model the node does not know yet. */
function modelProblem(model: unknown, fromExtra: boolean): string | undefined {
	if (!fromExtra) return isModel(model) ? undefined : oneOf(modelField.values);
	if (typeof model !== 'string') return textProblem(model, 'a model slug');
	if (model.length > 100) return 'must be at most 100 characters';
	return MODEL_SLUG.test(model)
		? undefined
		: 'must be a model slug such as "hailuo/2-3-image-to-video-pro" (letters, digits, ".", "-", "_", "/")';
}

const REFUSED_PROBLEM = (() => {
	const { duration, resolution } = REFUSED_COMBINATION;
	const others = (values: readonly string[], refused: string) =>
		values.filter((value) => value !== refused).join(' or ');
	const otherDuration = others(durationField.values, duration);
	const otherResolution = others(resolutionField.values, resolution);
	return (
		`${duration} s is only available at ${otherResolution}; choose ${otherDuration} s for ` +
		`${resolution}, or ${otherResolution} for ${duration} s`
	);
})();

/** Hailuo 2.3 takes duration and resolution as text, and 10 s only at 768P. */
function videoProblem(
	duration: unknown,
	resolution: unknown,
	knownModel: boolean,
	fromExtra: (key: string) => boolean,
): Broken {
	if (knownModel) {
		const allowed = (key: string, values: readonly string[]) =>
			`${oneOf(values)}${fromExtra(key) ? ' (as text)' : ''}`;
		if (!isDuration(duration))
			return { keys: ['duration'], problem: allowed('duration', durationField.values) };
		if (!isResolution(resolution)) {
			return { keys: ['resolution'], problem: allowed('resolution', resolutionField.values) };
		}
		if (
			duration === REFUSED_COMBINATION.duration &&
			resolution === REFUSED_COMBINATION.resolution
		) {
			return {
				keys: ['duration', 'resolution'],
				problem: REFUSED_PROBLEM,
			};
		}
		return undefined;
	}
	// A model the node does not know yet: only the shape of these values is checked.
	const seconds =
		duration === null ||
		(typeof duration === 'string' && /^\d{1,4}$/.test(duration)) ||
		(typeof duration === 'number' && Number.isInteger(duration) && duration > 0 && duration < 1e4);
	if (!seconds)
		return { keys: ['duration'], problem: 'must be a whole number of seconds such as "6"' };
	if (
		resolution === null ||
		(typeof resolution === 'string' && /^[A-Za-z0-9]{1,16}$/.test(resolution))
	) {
		return undefined;
	}
	return { keys: ['resolution'], problem: 'must be a resolution such as "768P"' };
}

type Problem = { field: string; problem: string } | undefined;

/** A broken rule against the field to name: the "Extra Body Fields" key it concerns, or the node's own field. */
function named(broken: Broken, sources: Record<string, string>): Problem {
	if (!broken) return undefined;
	const extraKey = broken.keys.find((key) => sources[key] === EXTRA);
	if (extraKey !== undefined) return { field: EXTRA, problem: `"${extraKey}" ${broken.problem}` };
	return { field: sources[broken.keys[0]] ?? broken.keys[0], problem: broken.problem };
}

function sizeProblem({ body, sources }: RequestBody): Problem {
	const bytes = Buffer.byteLength(JSON.stringify(body), 'utf8');
	if (bytes <= MAX_BODY_BYTES) return undefined;
	const megabytes = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
	return {
		field: Object.values(sources).includes(EXTRA) ? EXTRA : imageSourceField.property.displayName,
		problem: `the request would be ${megabytes(bytes)}; at most ${megabytes(MAX_BODY_BYTES)} is sent`,
	};
}

/**
 * Checks the body as it will be sent, once. A problem in a key that "Extra Body Fields" set is
 * reported against that field, naming the key; otherwise against the node's own field. An input
 * file still to be read is left to addImageFile, with the body's size, which depends on it.
 */
export function checkRequestBody(request: RequestBody): Problem {
	const later = fileToCome(request);
	return (
		named(brokenRule(request, !later), request.sources) ??
		(later ? undefined : sizeProblem(request))
	);
}

/**
 * The body with the input file's image, once read, and what that adds: the image rule and the
 * body's size (the rest passed checkRequestBody before the file was read).
 */
export function addImageFile(
	request: RequestBody,
	dataUrl: string,
): { body: IDataObject; problem: Problem } {
	// "Extra Body Fields" gave the image: the body was checked whole already.
	if (!fileToCome(request)) return { body: request.body, problem: undefined };
	const sent = { ...request, body: { ...request.body, image: dataUrl } };
	return { body: sent.body, problem: named(imageRule(sent), sent.sources) ?? sizeProblem(sent) };
}
