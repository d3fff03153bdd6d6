import type {
	IDataObject,
	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { taskToItem } from './actions/taskItem';
import { deliveryKeys, RecentDeliveries, SharedDeliveries } from './helpers/dedupe';
import { publicHeaders } from './helpers/deliveryHeaders';
import { jsonNestingExceeds, MAX_JSON_DEPTH } from './helpers/jsonDepth';
import type { DownloadChoice } from './helpers/options';
import { downloadChoice, downloadOptions, optionsCollection, readOptions } from './helpers/options';
import { redactJson } from './helpers/redactJson';
import type { NormalisedTask } from './helpers/task';
import { FINAL_STATUSES, normaliseTask } from './helpers/task';
import type { SettingsCheck, VerificationSettings } from './helpers/verificationSettings';
import { checkVerificationSettings } from './helpers/verificationSettings';
import type { Headers, Verdict } from './helpers/verify';
import { verifyHmacHeader, verifyStandardWebhook, verifyUrlToken } from './helpers/verify';
import { challengeOf, completionWebhook } from './helpers/webhook';
import { CREDENTIAL_NAME } from './transport';
import { downloadFailureOf } from './transport/download';

const MAX_BODY_BYTES = 1024 * 1024;
const DUPLICATE_WINDOW_MS = 10 * 60 * 1000;
const recentDeliveries = new RecentDeliveries(DUPLICATE_WINDOW_MS, 50_000);
/** Where, in the node's static data, the deliveries every n8n process sees are kept. */
const SHARED_MEMORY_KEY = 'startedDeliveries';
/** Seconds a copy of a delivery still being handled is asked to wait before it is sent again. */
const IN_PROGRESS_RETRY_AFTER_SECONDS = 5;

/** The trigger's events as a person reads them: its actions in the nodes panel and its subtitle. */
const EVENT_ACTIONS = {
	final: 'On video finished',
	succeeded: 'On video succeeded',
	failed: 'On video failed',
	all: 'On any video state change',
};

const EVENT_FILTERS: Record<string, (task: NormalisedTask) => boolean> = {
	final: (task) => FINAL_STATUSES.includes(task.status),
	succeeded: (task) => task.status === 'succeeded',
	failed: (task) => task.status === 'failed' || task.status === 'canceled',
	all: () => true,
};

/** The verification settings, checked the same way at activation and on every delivery. */
function verificationSettings(context: IHookFunctions | IWebhookFunctions): SettingsCheck {
	return checkVerificationSettings({
		verification: context.getNodeParameter('verification', 'urlToken'),
		urlToken: context.getNodeParameter('urlToken', ''),
		secret: context.getNodeParameter('secret', ''),
		signatureHeader: context.getNodeParameter('signatureHeader', 'x-signature'),
		signatureEncoding: context.getNodeParameter('signatureEncoding', 'hex'),
	});
}

/** The delivery checked by the chosen scheme, on the raw body. */
function verifyDelivery(
	settings: VerificationSettings,
	raw: Buffer,
	headers: Headers,
	path: string,
): Verdict {
	switch (settings.verification) {
		case 'urlToken':
			return verifyUrlToken(path.split('/').pop(), settings.secret);
		case 'standardWebhooks':
			return verifyStandardWebhook(raw, headers, settings.secret, Math.floor(Date.now() / 1000));
		case 'hmacHeader':
			return verifyHmacHeader(raw, headers, {
				secret: settings.secret,
				headerName: settings.signatureHeader,
				encoding: settings.encoding,
			});
		case 'none':
			return { ok: true };
	}
}

/** The credential's API key, to keep out of the output; none when no credential is set. */
async function credentialApiKey(context: IWebhookFunctions): Promise<string> {
	try {
		const credentials = await context.getCredentials<{ apiKey?: unknown }>(CREDENTIAL_NAME);
		return typeof credentials.apiKey === 'string' ? credentials.apiKey : '';
	} catch (error) {
		context.logger.debug(`Hailuo Trigger has no credential to read (${(error as Error).message})`);
		return '';
	}
}

/** n8n's own error types pass as they are; anything else is wrapped so the UI can show it. */
const asNodeError = (context: IWebhookFunctions, error: unknown) =>
	error instanceof NodeApiError || error instanceof NodeOperationError
		? error
		: new NodeOperationError(context.getNode(), error instanceof Error ? error : String(error));

/**
 * The output item. A download that can never work (too big, not a video, refused by n8n's SSRF
 * protection, no video URL) still starts the execution, with the reason in `downloadError`; any
 * other failure is thrown, so the delivery is answered 5xx and the sender tries again later.
 */
async function deliveryItem(
	context: IWebhookFunctions,
	task: NormalisedTask,
	download: DownloadChoice,
	extra: IDataObject,
): Promise<INodeExecutionData> {
	let reason: { message: string; description: string } | undefined;
	if (download && task.status === 'succeeded' && !task.videoUrl) {
		reason = {
			message: `Task ${task.taskId ?? '?'} succeeded but the delivery names no video URL`,
			description:
				'The delivery is in "raw"; use Get Task with its id to read the task from the API.',
		};
	} else {
		try {
			// A delivery's URL is never the API's own answer, so the API key is never sent with it.
			return await taskToItem.call(context, task, download, extra, undefined, 'delivery');
		} catch (error) {
			if (!(error instanceof NodeApiError) || downloadFailureOf(error) !== 'permanent') {
				throw asNodeError(context, error);
			}
			reason = { message: error.message, description: error.description ?? '' };
		}
	}
	context.logger.warn(`Hailuo Trigger started the workflow without the video: ${reason.message}`);
	return await taskToItem.call(
		context,
		task,
		null,
		{ ...extra, downloadError: reason },
		undefined,
		'delivery',
	);
}

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
			optionsCollection(downloadOptions(false)),
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
				const check = verificationSettings(this);
				if (!check.ok) {
					throw new NodeOperationError(
						this.getNode(),
						`Invalid "${check.field}": ${check.problem}`,
						{
							description: check.fix,
						},
					);
				}
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

		// 1. Verify, on the raw body, before anything else is read. Unusable settings refuse all.
		const check = verificationSettings(this);
		if (!check.ok) {
			this.logger.warn(
				`Hailuo Trigger refused a delivery: "${check.field}" is unusable (${check.problem})`,
			);
			return reply(401, { error: 'Unauthorized' });
		}
		const { settings } = check;
		const verdict = verifyDelivery(settings, raw, headers, String(request.path ?? ''));
		if (!verdict.ok) {
			this.logger.warn(`Hailuo Trigger refused a delivery: ${verdict.reason}`);
			return reply(401, { error: 'Unauthorized' });
		}

		// 2. Parse, tolerating any JSON object; anything else is the sender's error. Depth is checked
		// first, on the bytes, as n8n cannot store deeper data.
		if (jsonNestingExceeds(raw, MAX_JSON_DEPTH)) {
			return reply(400, { error: `The body is nested more than ${MAX_JSON_DEPTH} levels deep` });
		}
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
		const keys = deliveryKeys(scope, task, verdict.deliveryId, raw);
		const state = recentDeliveries.begin(keys, Date.now());
		if (state === 'duplicate') return reply(200, { received: true, duplicate: true });
		// A copy of a delivery still being handled (e.g. during its download) is not a duplicate yet:
		// the first may still fail. 503 with Retry-After makes the sender try it again, by which time
		// it is either a duplicate (the first started its execution) or new (the first failed).
		if (state === 'inProgress') {
			response.setHeader('Retry-After', String(IN_PROGRESS_RETRY_AFTER_SECONDS));
			return reply(503, { error: 'This event is being handled; retry shortly', retry: true });
		}
		// Another n8n process (queue mode: webhook processes, main) may have started it already.
		const staticData = this.getWorkflowStaticData('node');
		const shared = new SharedDeliveries(staticData[SHARED_MEMORY_KEY]);
		if (shared.has(keys, Date.now(), DUPLICATE_WINDOW_MS)) {
			recentDeliveries.settle(keys, Date.now());
			return reply(200, { received: true, duplicate: true });
		}

		// 5. Emit. A delivery that fails here is forgotten, so the sender's retry is not a "duplicate".
		let emitted = false;
		try {
			const apiKey = await credentialApiKey(this);
			const download = downloadChoice(this.getNode(), readOptions(this), false);
			const item = await deliveryItem(this, task, download, {
				receivedAt: new Date().toISOString(),
				headers: publicHeaders(
					headers,
					settings.verification === 'hmacHeader' ? settings.signatureHeader : undefined,
					[settings.secret, apiKey],
				),
			});
			item.json = redactJson(item.json, apiKey);
			recentDeliveries.settle(keys, Date.now());
			staticData[SHARED_MEMORY_KEY] = shared.remember(keys, Date.now(), DUPLICATE_WINDOW_MS);
			emitted = true;
			// Answered here: then n8n saves static data at once, before it registers the execution
			// (when n8n answers after registering, it has re-read the workflow and the change is lost).
			return { ...reply(200, { received: true }), workflowData: [[item]] };
		} finally {
			if (!emitted) recentDeliveries.forget(keys);
		}
	}
}
