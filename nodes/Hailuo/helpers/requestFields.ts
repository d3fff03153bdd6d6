import { z } from 'zod';

import { binaryFieldName } from './downloadOptions';
import { EXTRA_BODY_KB, extraBodySchema } from './extraBody';
import type { ValueOf } from './fields';
import { field, optionsField } from './fields';
import { MAX_PROMPT_LENGTH } from './prompt';

// These fields only shape the create request; what may be sent is checked once, on the body as
// sent (requestBody.ts), whichever field a value came from.

/** The largest image the API takes, and the same in words ("10 MB"). */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
export const MAX_IMAGE_SIZE = `${MAX_IMAGE_BYTES / 1024 / 1024} MB`;

const trimmed = (value: unknown) => (typeof value === 'string' ? value.trim() : value);

export const promptField = field(
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		required: true,
		default: '',
		typeOptions: { rows: 4 },
		placeholder: 'e.g. The camera slowly pushes in as steam rises from the coffee cup [Push in]',
		description: `What should happen in the video, at most ${MAX_PROMPT_LENGTH} characters`,
		hint: 'Camera commands in brackets such as [Pan left] or [Push in] are understood',
	},
	z.unknown().transform(trimmed),
);

export const imageSourceField = optionsField(
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
	// Accepted in any letter case, as an expression may give it ("URL").
	(text) => text.trim().toLowerCase(),
);

export const imageUrlField = field(
	{
		displayName: 'Image URL',
		name: 'imageUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'https://example.com/product.jpg',
		description: 'Public URL of the first frame (JPEG, PNG or WebP)',
		hint: `JPEG, PNG or WebP, under ${MAX_IMAGE_SIZE}, short side over 300 px, aspect ratio between 2:5 and 5:2`,
		displayOptions: { show: { imageSource: ['url'] } },
	},
	z.unknown().transform(trimmed),
);

export const inputBinaryField = field(
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		description: 'The incoming binary field that holds the image',
		hint: `JPEG, PNG or WebP, at most ${MAX_IMAGE_SIZE}; sent to the API inline as a data URL`,
		displayOptions: { show: { imageSource: ['binary'] } },
	},
	binaryFieldName,
);

export const modelField = optionsField({
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
});

export const durationField = optionsField({
	displayName: 'Duration',
	name: 'duration',
	type: 'options',
	default: '6',
	options: [
		{ name: '6 Seconds', value: '6' },
		{ name: '10 Seconds', value: '10', description: 'At 768P only' },
	],
});

export const resolutionField = optionsField(
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
	// Accepted in any letter case, as an expression may give it ("1080p").
	(text) => text.trim().toUpperCase(),
);

/** The one combination Hailuo 2.3 refuses: 10 s is made at 768P only. */
export const REFUSED_COMBINATION = { duration: '10', resolution: '1080P' } as const;

export type Model = ValueOf<typeof modelField>;
export type Duration = ValueOf<typeof durationField>;
export type Resolution = ValueOf<typeof resolutionField>;

const member =
	<T extends string>(values: readonly T[]) =>
	(value: unknown): value is T =>
		typeof value === 'string' && (values as readonly string[]).includes(value);

/** Whether a value is one of the node's known models, durations or resolutions, exactly. */
export const isModel = member(modelField.values);
export const isDuration = member(durationField.values);
export const isResolution = member(resolutionField.values);

export const callbackUrlField = field(
	{
		displayName: 'Callback URL',
		name: 'callbackUrl',
		type: 'string',
		default: '',
		placeholder: 'https://your-n8n.example.com/webhook/…',
		description:
			'Where API in One should POST the result, e.g. the production URL of a Hailuo Trigger node',
	},
	// Empty means none; anything else is checked where it is sent.
	z.unknown().transform((value) => {
		const url = trimmed(value);
		return url === '' ? undefined : url;
	}),
);

export const extraBodyField = field(
	{
		displayName: 'Extra Body Fields',
		name: 'extraBody',
		type: 'json',
		default: '{}',
		description:
			`A JSON object (at most ${EXTRA_BODY_KB} KB) merged into the request body last, to send ` +
			'fields or values this node does not know yet. The body as sent is checked with every rule the node knows.',
	},
	extraBodySchema,
);
