import type {
	IExecuteFunctions,
	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { router } from './actions/router';
import * as video from './actions/video';
import { resume } from './actions/video/resume';
import { completionWebhook } from './helpers/webhook';

export class Hailuo implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Hailuo',
		name: 'hailuo',
		icon: { light: 'file:../../icons/hailuo.svg', dark: 'file:../../icons/hailuo.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] === "getTask" ? "Get Task" : "Generate Video"}}',
		description: 'Animate images into videos with MiniMax Hailuo 2.3 through API in One',
		defaults: { name: 'Hailuo' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'hailuoApi', required: true }],
		// "Wait for Callback" parks the run; API in One resumes it by POSTing to this webhook.
		webhooks: [
			{
				...completionWebhook,
				path: '',
				restartWebhook: true,
				isFullPath: true,
			},
		],
		properties: [
			// Where n8n puts the credential: first, before the price callout would otherwise take it.
			{ displayName: 'Credentials', name: 'credentials', type: 'credentials', default: '' },
			...video.description,
		],
	};

	// The resume URL is n8n's own per-execution URL: nothing to register with the API. n8n never
	// calls these for a restart webhook; the community lint rule (webhook-lifecycle-complete) and
	// n8n's verification scanner require them whenever `webhooks` is declared.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await resume.call(this);
	}

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
