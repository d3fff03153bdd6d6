/**
 * The Hailuo Trigger's deliveries: verified on the raw body, parsed, answered (challenge
 * handshake), filtered by event, de-duplicated across n8n processes, then turned into the item
 * that starts the workflow.
 */
import type {
	IDataObject,
	IHookFunctions,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { redactJson } from '../../guards/redact';
import type { DownloadChoice } from '../../helpers/downloadOptions';
import { downloadChoice } from '../../helpers/downloadOptions';
import { rawParameter, readOptions } from '../../helpers/parameters';
import type { NormalisedTask } from '../../helpers/task';
import { FINAL_STATUSES, normaliseTask } from '../../helpers/task';
import { deliveryKeys, RecentDeliveries, SharedDeliveries } from '../../helpers/trigger/dedupe';
import { publicHeaders } from '../../helpers/trigger/deliveryHeaders';
import { jsonNestingExceeds, MAX_JSON_DEPTH } from '../../helpers/trigger/jsonDepth';
import {
	readVerificationSettings,
	verifyDelivery,
} from '../../helpers/trigger/verificationSettings';
import { eventsField, triggerOptionFields } from '../../helpers/trigger/triggerFields';
import type { Headers } from '../../helpers/trigger/verify';
import { challengeOf } from '../../helpers/webhook';
import { CREDENTIAL_NAME } from '../../transport';
import { downloadFailureOf } from '../../transport/downloadError';
import { taskToItem } from '../taskItem';

const MAX_BODY_BYTES = 1024 * 1024;
const DUPLICATE_WINDOW_MS = 10 * 60 * 1000;
const recentDeliveries = new RecentDeliveries(DUPLICATE_WINDOW_MS, 50_000);
/** Where, in the node's static data, the deliveries every n8n process sees are kept. */
const SHARED_MEMORY_KEY = 'startedDeliveries';
/** Seconds a copy of a delivery still being handled is asked to wait before it is sent again. */
const IN_PROGRESS_RETRY_AFTER_SECONDS = 5;

const EVENT_FILTERS: Record<string, (task: NormalisedTask) => boolean> = {
	final: (task) => FINAL_STATUSES.includes(task.status),
	succeeded: (task) => task.status === 'succeeded',
	failed: (task) => task.status === 'failed' || task.status === 'canceled',
	all: () => true,
};

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
			return await taskToItem.call(context, task, { download, extra, source: 'delivery' });
		} catch (error) {
			if (!(error instanceof NodeApiError) || downloadFailureOf(error) !== 'permanent') {
				throw asNodeError(context, error);
			}
			reason = { message: error.message, description: error.description ?? '' };
		}
	}
	context.logger.warn(`Hailuo Trigger started the workflow without the video: ${reason.message}`);
	return await taskToItem.call(context, task, {
		extra: { ...extra, downloadError: reason },
		source: 'delivery',
	});
}

/** Refuses activation with settings no delivery could pass. */
export function refuseUnusableSettings(context: IHookFunctions): void {
	const check = readVerificationSettings(context);
	if (!check.ok) {
		throw new NodeOperationError(context.getNode(), `Invalid "${check.field}": ${check.problem}`, {
			description: check.fix,
		});
	}
}

/** One delivery to the trigger's webhook. */
export async function receive(this: IWebhookFunctions): Promise<IWebhookResponseData> {
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
	const check = readVerificationSettings(this);
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
	const events = String(rawParameter(this, eventsField));
	if (!(EVENT_FILTERS[events] ?? EVENT_FILTERS[eventsField.property.default])(task))
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
		const download = downloadChoice(readOptions(this, triggerOptionFields));
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
