import type {
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { receive, refuseUnusableSettings } from './actions/trigger/receive';
import { EVENT_ACTIONS, triggerProperties } from './helpers/trigger/triggerFields';
import { completionWebhook } from './helpers/webhook';

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
			...triggerProperties,
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
