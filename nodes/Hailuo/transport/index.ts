import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	IWebhookFunctions,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { findEnvelopeError } from './envelope';
import { mapApiError, redact } from './errors';
import { isHttpUrl } from './url';

export { isTransient, mapApiError, redact, retryAfterSeconds } from './errors';

export const CREDENTIAL_NAME = 'hailuoApi';

export type HailuoContext = IExecuteFunctions | IWebhookFunctions;

export interface ApiConnection {
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

/** The execution's cancel signal; a webhook call has none. */
export const cancelSignal = (context: HailuoContext): AbortSignal | undefined =>
	'getExecutionCancelSignal' in context ? context.getExecutionCancelSignal() : undefined;

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

export const errorMessage = (error: unknown) =>
	error instanceof Error ? error.message : String(error);

/**
 * The one way this package talks to the API: base URL from the credential, Bearer auth by n8n,
 * errors (HTTP statuses, error envelopes, bodies that are not JSON) mapped to `NodeApiError`.
 */
export async function apiRequest(
	this: HailuoContext,
	method: IHttpRequestMethods,
	path: string,
	body?: IDataObject,
): Promise<unknown> {
	const { baseUrl, apiKey } = await getConnection.call(this);
	const node = this.getNode();
	const options: IHttpRequestOptions = {
		method,
		url: `${baseUrl}${path}`,
		headers: { Accept: 'application/json' },
		encoding: 'text',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		abortSignal: cancelSignal(this),
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
		// Never hand n8n the original error: its request config carries the Authorization header.
		throw mapApiError(node, { upstreamMessage: errorMessage(error) }, apiKey);
	}

	const rawText = typeof response.body === 'string' ? response.body : '';
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
				upstreamMessage: messageOf(parsed),
				retryAfterSeconds: parseRetryAfter(response.headers['retry-after']),
			},
			apiKey,
		);
	}
	if (!isJson) {
		throw new NodeApiError(
			node,
			{ message: redact(rawText.slice(0, 200), apiKey) },
			{
				message: 'The Hailuo API answered with something that is not JSON',
				description:
					"Check the credential's Base URL (it should end in /api/v1). A proxy or maintenance page may be in the way.",
				httpCode: String(statusCode),
			},
		);
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
	return await apiRequest.call(this, 'POST', '/videos/generations', body);
}

/** Reads one task; the id is encoded so it cannot reach another path. */
export async function readTask(this: HailuoContext, taskId: string): Promise<unknown> {
	return await apiRequest.call(this, 'GET', `/tasks/${encodeURIComponent(taskId)}`);
}
