import type { INodeProperties } from 'n8n-workflow';

import { downloadFields } from '../downloadOptions';
import { optionsCollection, optionsField, textField } from '../fields';

// The trigger's own parameters, each declared once: its property in the node and the value read
// for a delivery (verification is checked as a whole in verificationSettings.ts).

/** The trigger's events as a person reads them: its actions in the nodes panel and its subtitle. */
export const EVENT_ACTIONS = {
	final: 'On video finished',
	succeeded: 'On video succeeded',
	failed: 'On video failed',
	all: 'On any video state change',
};

export const verificationField = optionsField({
	displayName: 'Verification',
	name: 'verification',
	type: 'options',
	default: 'urlToken',
	options: [
		{
			name: 'Secret Token in the URL',
			value: 'urlToken',
			description: 'The URL carries a secret token; deliveries to any other URL are refused',
		},
		{
			name: 'Standard Webhooks Signature',
			value: 'standardWebhooks',
			description:
				'Webhook-ID, webhook-timestamp and webhook-signature headers with a whsec_ secret',
		},
		{
			name: 'HMAC Signature Header',
			value: 'hmacHeader',
			description: 'HMAC-SHA256 of the raw body in a header you name',
		},
		{
			name: 'None',
			value: 'none',
			description: 'Accept every delivery (only for testing)',
		},
	],
});

/** What a delivery is verified with: the URL token, or the signing secret and its header. */
export const [urlTokenField, secretField, signatureHeaderField] = [
	textField({
		// Masked as n8n's verification rules want for any token; the hint says where it shows.
		displayName: 'URL Token',
		name: 'urlToken',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		required: true,
		placeholder: 'e.g. 9f2c7e41b0d85a36c4e1f7b29d03a6e8c15b47f0',
		hint:
			'16 or more letters, digits, - or _, e.g. from openssl rand -hex 20. The Production URL ' +
			'ends with it, so that URL is a secret too: share it only with API in One.',
		displayOptions: { show: { verification: ['urlToken'] } },
	}),
	textField({
		displayName: 'Secret',
		name: 'secret',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		required: true,
		placeholder: 'whsec_…',
		description: 'The signing secret the sender uses',
		displayOptions: { show: { verification: ['standardWebhooks', 'hmacHeader'] } },
	}),
	textField({
		displayName: 'Signature Header',
		name: 'signatureHeader',
		type: 'string',
		default: 'x-signature',
		description: 'The header that carries the HMAC of the raw body',
		displayOptions: { show: { verification: ['hmacHeader'] } },
	}),
] as const;

export const signatureEncodingField = optionsField({
	displayName: 'Signature Encoding',
	name: 'signatureEncoding',
	type: 'options',
	default: 'hex',
	options: [
		{ name: 'Hex', value: 'hex' },
		{ name: 'Base64', value: 'base64' },
	],
	displayOptions: { show: { verification: ['hmacHeader'] } },
});

export const eventsField = optionsField({
	// n8n's nodes panel offers one trigger action per option, named by its `action`.
	displayName: 'Trigger On',
	name: 'events',
	type: 'options',
	default: 'final',
	options: [
		{
			name: 'Video Finished',
			value: 'final',
			action: EVENT_ACTIONS.final,
			description: 'When a video task ends: succeeded, failed or canceled',
		},
		{
			name: 'Video Succeeded',
			value: 'succeeded',
			action: EVENT_ACTIONS.succeeded,
			description: 'When a video is ready',
		},
		{
			name: 'Video Failed',
			value: 'failed',
			action: EVENT_ACTIONS.failed,
			description: 'When a video task fails or is canceled',
		},
		{
			name: 'Any State Change',
			value: 'all',
			action: EVENT_ACTIONS.all,
			description: 'Every report, including queued and running',
		},
	],
});

/** The trigger's options: the video a delivery's task may save. */
export const triggerOptionFields = downloadFields(false);

/** The trigger's parameters in the order the node shows them, with the verification notices. */
export const triggerProperties: INodeProperties[] = [
	verificationField.property,
	{
		displayName:
			'With no verification, anyone who knows this URL can start this workflow and make it ' +
			'download any file they name. Use it only for testing, on a URL nobody else knows.',
		name: 'noVerificationNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { verification: ['none'] } },
	},
	{
		displayName:
			'Enter a URL Token below: until then this trigger has no URL to copy and cannot be ' +
			'published',
		name: 'missingTokenNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { verification: ['urlToken'], urlToken: [''] } },
	},
	urlTokenField.property,
	secretField.property,
	signatureHeaderField.property,
	signatureEncodingField.property,
	eventsField.property,
	optionsCollection(triggerOptionFields),
];
