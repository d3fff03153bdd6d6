import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	INode,
	IWebhookFunctions,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { redact } from '../guards/redact';
import { isHttpUrl } from '../guards/url';
import { findEnvelopeError } from './envelope';
import { errorMessage, mapApiError, ssrfRefusal } from './errors';

export { isRateLimited, isTransient, retryAfterSeconds } from './errors';

export const CREDENTIAL_NAME = 'hailuoApi';

export type HailuoContext = IExecuteFunctions | IWebhookFunctions;

interface ApiConnection {
	baseUrl: string;
	apiKey: string;
}

export async function getConnection(this: HailuoContext): Promise<ApiConnection> {
	const credentials = await this.getCredentials<{ apiKey?: string; baseUrl?: string }>(
		CREDENTIAL_NAME,
	);
	const baseUrl = String(credentials.baseUrl ?? '')
		.trim()
		.replace(/\/+$/, '');
	if (!isHttpUrl(baseUrl)) {
		throw new NodeOperationError(this.getNode(), 'Invalid "Base URL" in the Hailuo credential', {
			description: 'It must be an http:// or https:// address such as https://apiin.one/api/v1.',
		});
	}
	return { baseUrl, apiKey: String(credentials.apiKey ?? '') };
}

/** The longest a create may take to answer; it is never retried, as the job may exist. */
const CREATE_TIMEOUT_MS = 60_000;

/** The longest one task read may take; polling shortens it to fit its own deadline. */
export const READ_TIMEOUT_MS = 30_000;

/**
 * Bounds one request: `timeout` for axios (n8n replaces `abortSignal` with the execution's cancel
 * signal on authenticated requests) plus a signal that also fires at the deadline, and a way to
 * tell a missed deadline from a cancel afterwards.
 */
export function requestDeadline(context: HailuoContext, timeoutMs: number) {
	const startedAt = Date.now();
	const cancel =
		'getExecutionCancelSignal' in context ? context.getExecutionCancelSignal() : undefined;
	const timeout = AbortSignal.timeout(timeoutMs);
	return {
		timeout: timeoutMs,
		signal: cancel ? AbortSignal.any([cancel, timeout]) : timeout,
		timedOut: () => !cancel?.aborted && Date.now() - startedAt >= timeoutMs - 50,
	};
}

/** The seconds a `Retry-After` header asks for: a number or an HTTP date. */
function parseRetryAfter(header: unknown): number | undefined {
	if (typeof header !== 'string' && typeof header !== 'number') return undefined;
	const seconds = Number(header);
	if (Number.isFinite(seconds)) return Math.max(0, seconds);
	const date = Date.parse(String(header));
	return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

const messageOf = (body: unknown): string | undefined => {
	if (typeof body === 'string')
		return (
			body
				.replace(/<[^>]*>/g, ' ')
				.replace(/\s+/g, ' ')
				.trim() || undefined
		);
	const envelope = findEnvelopeError(body);
	if (envelope) return envelope.message;
	if (body && typeof body === 'object' && 'message' in body) return String(body.message);
	return undefined;
};

/** The `code` an error answer's body carries, if any. */
const codeOf = (body: unknown): string | undefined => {
	const code = findEnvelopeError(body)?.code;
	return code === undefined ? undefined : String(code);
};

/**
 * The one way this package talks to the API: base URL from the credential, Bearer auth by n8n,
 * errors (HTTP statuses, error envelopes, bodies that are not JSON) mapped to `NodeApiError`.
 */
export async function apiRequest(
	this: HailuoContext,
	method: IHttpRequestMethods,
	path: string,
	{ body, timeoutMs = READ_TIMEOUT_MS }: { body?: IDataObject; timeoutMs?: number } = {},
): Promise<unknown> {
	const { baseUrl, apiKey } = await getConnection.call(this);
	const node = this.getNode();
	const { signal, timeout, timedOut } = requestDeadline(this, timeoutMs);
	const options: IHttpRequestOptions = {
		method,
		url: `${baseUrl}${path}`,
		headers: { Accept: 'application/json' },
		encoding: 'text',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout,
		abortSignal: signal,
	};
	if (body) {
		options.body = body;
		options.headers = { ...options.headers, 'Content-Type': 'application/json' };
	}

	let response: { statusCode: number; headers: IDataObject; body: unknown };
	try {
		response = await this.helpers.httpRequestWithAuthentication.call(
			this,
			CREDENTIAL_NAME,
			options,
		);
	} catch (error) {
		if (timedOut()) throw timeoutError(node, method, timeoutMs);
		// Never hand n8n the original error: its request config carries the Authorization header.
		const blockedBy = ssrfRefusal(error);
		throw mapApiError(node, { upstreamMessage: errorMessage(error), blockedBy }, apiKey);
	}

	// Whatever the API echoes, the key never travels further than this.
	const rawText = redact(typeof response.body === 'string' ? response.body : '', apiKey);
	let parsed: unknown;
	let isJson = true;
	try {
		parsed = rawText === '' ? {} : JSON.parse(rawText);
	} catch {
		isJson = false;
		parsed = rawText;
	}

	const { statusCode } = response;
	if (statusCode < 200 || statusCode >= 300) {
		throw mapApiError(
			node,
			{
				status: statusCode,
				upstreamCode: codeOf(parsed),
				upstreamMessage: messageOf(parsed),
				retryAfterSeconds: parseRetryAfter(response.headers['retry-after']),
			},
			apiKey,
		);
	}
	if (!isJson) {
		const error = new NodeApiError(
			node,
			{ message: rawText.slice(0, 200) },
			{
				message: 'The Hailuo API answered with something that is not JSON',
				description:
					"Check the credential's Base URL (it should end in /api/v1). " +
					'A proxy or maintenance page may be in the way.',
				httpCode: String(statusCode),
			},
		);
		// A task read tries again: one garbled answer is no verdict on the job.
		error.context.retryable = true;
		throw error;
	}
	const envelopeError = findEnvelopeError(parsed);
	if (envelopeError) {
		throw mapApiError(
			node,
			{
				// An envelope `code` that looks like an HTTP status is read as one.
				status: /^[45]\d\d$/.test(String(envelopeError.code))
					? Number(envelopeError.code)
					: undefined,
				code: String(envelopeError.code),
				upstreamMessage: envelopeError.message,
			},
			apiKey,
		);
	}
	return parsed;
}

/** Starts a video job. Never retried: a create costs money and has no idempotency key. */
export async function createTask(this: HailuoContext, body: IDataObject): Promise<unknown> {
	return await apiRequest.call(this, 'POST', '/videos/generations', {
		body,
		timeoutMs: CREATE_TIMEOUT_MS,
	});
}

/** Reads one task; the id is encoded so it cannot reach another path. */
export async function readTask(
	this: HailuoContext,
	taskId: string,
	timeoutMs = READ_TIMEOUT_MS,
): Promise<unknown> {
	return await apiRequest.call(this, 'GET', `/tasks/${encodeURIComponent(taskId)}`, { timeoutMs });
}

/** A request that got no answer in time: a read may try again, a create must not. */
function timeoutError(node: INode, method: IHttpRequestMethods, timeoutMs: number): NodeApiError {
	const seconds = Math.round(timeoutMs / 1000);
	const create = method === 'POST';
	const error = new NodeApiError(
		node,
		{ message: `no answer within ${seconds} s` },
		{
			message: `The Hailuo API did not answer within ${seconds} s`,
			description: create
				? 'The job may have been accepted and may still be billed if it succeeds. Look for it in your ' +
					'API in One dashboard (or wait for its callback) before running again; this request is not retried.'
				: 'The task read timed out; the job itself keeps running upstream.',
			httpCode: 'timeout',
		},
	);
	// Reads go again within their wait; a create never does (isTransient is only asked for reads).
	error.context.retryable = !create;
	return error;
}
