import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { taskToItem } from './actions/taskItem';
import { RecentDeliveries } from './helpers/dedupe';
import { publicHeaders } from './helpers/deliveryHeaders';
import { downloadChoice, downloadOptions, optionsCollection, readOptions } from './helpers/options';
import type { NormalisedTask } from './helpers/task';
import { FINAL_STATUSES, normaliseTask } from './helpers/task';
import type { Headers, Verdict } from './helpers/verify';
import { verifyHmacHeader, verifyStandardWebhook, verifyUrlToken } from './helpers/verify';
import { challengeOf, completionWebhook } from './helpers/webhook';

const MAX_BODY_BYTES = 1024 * 1024;
const DUPLICATE_WINDOW_MS = 10 * 60 * 1000;
const recentDeliveries = new RecentDeliveries(DUPLICATE_WINDOW_MS, 50_000);

const EVENT_FILTERS: Record<string, (task: NormalisedTask) => boolean> = {
	final: (task) => FINAL_STATUSES.includes(task.status),
	succeeded: (task) => task.status === 'succeeded',
	failed: (task) => task.status === 'failed' || task.status === 'canceled',
	all: () => true,
};

type Verification = 'none' | 'urlToken' | 'standardWebhooks' | 'hmacHeader';

/** The secret the chosen scheme needs, refused when it is missing or unusable in a URL. */
function readSecret(
	context: IHookFunctions | IWebhookFunctions,
	verification: Verification,
): string {
	const name = verification === 'urlToken' ? 'urlToken' : 'secret';
	const secret = String(context.getNodeParameter(name, '')).trim();
	if (verification === 'urlToken' && !/^[A-Za-z0-9_-]{16,128}$/.test(secret)) {
		throw new NodeOperationError(context.getNode(), 'Invalid "URL Token"', {
			description:
				'Use 16 to 128 letters, digits, "-" or "_", e.g. the output of `openssl rand -hex 24`.',
		});
	}
	if (verification !== 'urlToken' && secret === '') {
		throw new NodeOperationError(context.getNode(), 'Invalid "Secret": it is empty', {
			description: 'Enter the signing secret the sender uses, or choose another verification.',
		});
	}
	return secret;
}

export class HailuoTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Hailuo Trigger',
		name: 'hailuoTrigger',
		icon: { light: 'file:../../icons/hailuo.svg', dark: 'file:../../icons/hailuo.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"On " + $parameter["events"] + " videos"}}',
		description:
			'Starts a workflow when a Hailuo video task reports its result (completion webhook)',
		defaults: { name: 'Hailuo Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'hailuoApi', required: true }],
		webhooks: [
			{
				...completionWebhook,
				path: '={{$parameter["verification"] === "urlToken" ? "hailuo/" + $parameter["urlToken"] : "hailuo"}}',
			},
		],
		properties: [
			{
				displayName:
					'Copy the Production URL above into Generate Video → Options → Callback URL, ' +
					'then activate this workflow. Each finished video starts one execution.',
				name: 'callbackNotice',
				type: 'notice',
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
				displayName: 'URL Token',
				name: 'urlToken',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				required: true,
				hint:
					'A long random string (16+ letters, digits, - or _), e.g. from ' +
					'`openssl rand -hex 24`. It becomes part of the URL above.',
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
				displayName: 'Events',
				name: 'events',
				type: 'options',
				default: 'final',
				options: [
					{ name: 'Finished (Succeeded, Failed or Canceled)', value: 'final' },
					{ name: 'Succeeded Only', value: 'succeeded' },
					{ name: 'Failed Only', value: 'failed', description: 'Failed or canceled' },
					{ name: 'Every State Change', value: 'all' },
				],
			},
			optionsCollection(downloadOptions(false)),
		],
	};

	// The URL is pasted by the user into Generate Video, so there is nothing to register upstream;
	// activation only checks that the chosen verification is usable.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return false;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const verification = this.getNodeParameter('verification') as Verification;
				if (verification !== 'none') readSecret(this, verification);
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const request = this.getRequestObject();
		const response = this.getResponseObject();
		const reply = (status: number, body: IDataObject): IWebhookResponseData => {
			response.status(status).json(body);
			return { noWebhookResponse: true };
		};
		const headers = this.getHeaderData() as Headers;
		const raw: Buffer = Buffer.isBuffer(request.rawBody)
			? request.rawBody
			: Buffer.from(JSON.stringify(this.getBodyData()));
		if (raw.length > MAX_BODY_BYTES) return reply(413, { error: 'Payload too large' });

		// 1. Verify, on the raw body, before anything else is read.
		const verification = this.getNodeParameter('verification', 'urlToken') as Verification;
		const secret = verification === 'none' ? '' : readSecret(this, verification);
		const signatureHeader = String(this.getNodeParameter('signatureHeader', 'x-signature'));
		let verdict: Verdict = { ok: true };
		if (verification === 'urlToken') {
			verdict = verifyUrlToken(
				String(request.path ?? '')
					.split('/')
					.pop(),
				secret,
			);
		} else if (verification === 'standardWebhooks') {
			verdict = verifyStandardWebhook(raw, headers, secret, Math.floor(Date.now() / 1000));
		} else if (verification === 'hmacHeader') {
			const encoding =
				this.getNodeParameter('signatureEncoding', 'hex') === 'base64' ? 'base64' : 'hex';
			verdict = verifyHmacHeader(raw, headers, { secret, headerName: signatureHeader, encoding });
		}
		if (!verdict.ok) {
			this.logger.warn(`Hailuo Trigger refused a delivery: ${verdict.reason}`);
			return reply(401, { error: 'Unauthorized' });
		}

		// 2. Parse, tolerating any JSON object; anything else is the sender's error.
		let body: unknown;
		try {
			body = JSON.parse(raw.toString('utf8'));
		} catch (error) {
			this.logger.warn(`Hailuo Trigger got a body that is not JSON (${(error as Error).message})`);
			return reply(400, { error: 'The body must be JSON' });
		}
		if (body === null || typeof body !== 'object' || Array.isArray(body)) {
			return reply(400, { error: 'The body must be a JSON object' });
		}

		// 3. Handshake: MiniMax checks the URL by asking for its challenge back.
		const challenge = challengeOf(body);
		if (challenge !== undefined) return reply(200, { challenge });

		const task = normaliseTask(body);
		if (task.taskId === null && task.rawStatus === null && task.videoUrl === null) {
			return reply(400, { error: 'The body is not a task status' });
		}

		// 4. Filter, then drop duplicates (a sender's retry of the same event).
		const events = String(this.getNodeParameter('events', 'final'));
		if (!(EVENT_FILTERS[events] ?? EVENT_FILTERS.final)(task))
			return reply(200, { received: true, ignored: true });
		const scope = `${this.getWorkflow().id ?? ''}:${this.getNode().id}`;
		const keys: string[] = [];
		if (task.taskId !== null)
			keys.push(`${scope}:task:${task.taskId}:${task.rawStatus ?? task.status}`);
		if (verdict.deliveryId) keys.push(`${scope}:delivery:${verdict.deliveryId}`);
		if (recentDeliveries.checkAndRemember(keys, Date.now()))
			return reply(200, { received: true, duplicate: true });

		// 5. Emit. A delivery that fails here is forgotten, so the sender's retry is not a "duplicate".
		let emitted = false;
		try {
			const download = downloadChoice(this.getNode(), readOptions(this), false);
			const item = await taskToItem.call(this, task, download, {
				receivedAt: new Date().toISOString(),
				headers: publicHeaders(
					headers,
					verification === 'hmacHeader' ? signatureHeader : undefined,
					[secret],
				),
			});
			emitted = true;
			return { workflowData: [[item]], webhookResponse: { received: true } };
		} finally {
			if (!emitted) recentDeliveries.forget(keys);
		}
	}
}
