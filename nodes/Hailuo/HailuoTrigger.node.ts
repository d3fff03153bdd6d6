import type {
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { receive, refuseUnusableSettings, triggerOptionFields } from './actions/trigger/receive';
import { optionsCollection } from './helpers/fields';
import { completionWebhook } from './helpers/webhook';

/** The trigger's events as a person reads them: its actions in the nodes panel and its subtitle. */
const EVENT_ACTIONS = {
	final: 'On video finished',
	succeeded: 'On video succeeded',
	failed: 'On video failed',
	all: 'On any video state change',
};

export class HailuoTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Hailuo Trigger',
		name: 'hailuoTrigger',
		icon: { light: 'file:../../icons/hailuo.svg', dark: 'file:../../icons/hailuo.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: `={{ ${JSON.stringify(EVENT_ACTIONS)}[$parameter["events"]] }}`,
		// n8n's nodes panel lists this trigger in the Hailuo node's entry (a trigger named after a
		// node joins it) and describes that entry with this text, so it speaks for both.
		description:
			'Generate videos from images with MiniMax Hailuo 2.3, and start workflows when they finish',
		defaults: { name: 'Hailuo Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		// Only a download uses the credential (for the API's address and to keep its key out).
		credentials: [
			{
				name: 'hailuoApi',
				required: true,
				displayOptions: { show: { 'options.download': [true] } },
			},
		],
		webhooks: [
			{
				...completionWebhook,
				// With no token yet, the URL shown says so instead of looking usable.
				path:
					'={{$parameter["verification"] !== "urlToken" ? "hailuo" : ' +
					'"hailuo/" + ($parameter["urlToken"] || "<URL Token missing>")}}',
			},
		],
		properties: [
			// Where n8n puts the credential (when shown): first, not after the callout below.
			{ displayName: 'Credentials', name: 'credentials', type: 'credentials', default: '' },
			{
				displayName:
					'Open Webhook URLs at the top, copy the Production URL into Generate Video → ' +
					'Options → Callback URL, then publish this workflow. Each finished video starts one ' +
					'execution.',
				name: 'callbackNotice',
				type: 'callout',
				default: '',
			},
			{
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
			},
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
			{
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
			},
			{
				displayName: 'Secret',
				name: 'secret',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				required: true,
				placeholder: 'whsec_…',
				description: 'The signing secret the sender uses',
				displayOptions: { show: { verification: ['standardWebhooks', 'hmacHeader'] } },
			},
			{
				displayName: 'Signature Header',
				name: 'signatureHeader',
				type: 'string',
				default: 'x-signature',
				description: 'The header that carries the HMAC of the raw body',
				displayOptions: { show: { verification: ['hmacHeader'] } },
			},
			{
				displayName: 'Signature Encoding',
				name: 'signatureEncoding',
				type: 'options',
				default: 'hex',
				options: [
					{ name: 'Hex', value: 'hex' },
					{ name: 'Base64', value: 'base64' },
				],
				displayOptions: { show: { verification: ['hmacHeader'] } },
			},
			{
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
			},
			optionsCollection(triggerOptionFields),
		],
	};

	// The URL is pasted by the user into Generate Video, so there is nothing to register upstream;
	// activation only checks that the chosen verification is usable, and refuses it otherwise.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return false;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				refuseUnusableSettings(this);
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receive.call(this);
	}
}
