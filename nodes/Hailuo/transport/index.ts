import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	INode,
	IWebhookFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { findEnvelopeError } from '../helpers/task';

export const CREDENTIAL_NAME = 'hailuoApi';

export type HailuoContext = IExecuteFunctions | IWebhookFunctions;

export interface ApiConnection {
	baseUrl: string;
	apiKey: string;
}

const RATE_LIMIT_CODES = new Set(['429', '1002']);
const AUTH_CODES = new Set(['401', '403', '1004']);
const CREDIT_CODES = new Set(['402', '1008', '4002', '40201']);
const CONTENT_CODES = new Set(['1026', '1027']);

export async function getConnection(this: HailuoContext): Promise<ApiConnection> {
	const credentials = await this.getCredentials<{ apiKey?: string; baseUrl?: string }>(CREDENTIAL_NAME);
	const baseUrl = String(credentials.baseUrl ?? '').trim().replace(/\/+$/, '');
	if (!/^https?:\/\/[^/\s]+/i.test(baseUrl)) {
		throw new NodeOperationError(this.getNode(), 'Invalid "Base URL" in the Hailuo credential', {
			description: 'It must be an http:// or https:// address such as https://apiin.one/api/v1.',
		});
	}
	return { baseUrl, apiKey: String(credentials.apiKey ?? '') };
}

/** Removes the API key from anything that is about to reach a user. */
export function redact(value: string, apiKey: string): string {
	return apiKey.length >= 4 ? value.split(apiKey).join('***') : value;
}

interface ErrorFacts {
	status?: number;
	code?: string;
	upstreamMessage?: string;
	retryAfterSeconds?: number;
}

/** Turns a failed answer into the error a user can act on. */
export function mapApiError(node: INode, facts: ErrorFacts, apiKey: string): NodeApiError {
	const code = facts.code ?? (facts.status ? String(facts.status) : 'network');
	const upstream = facts.upstreamMessage ? redact(facts.upstreamMessage, apiKey).slice(0, 500) : '';
	const detail = upstream ? ` The API said: "${upstream}".` : '';
	let message: string;
	let description: string;
	if (AUTH_CODES.has(code)) {
		message = 'API key rejected by the Hailuo API';
		description = `Check the API key in the "Hailuo (API in One) API" credential; it may be mistyped, revoked or for another account.${detail}`;
	} else if (CREDIT_CODES.has(code) || /insufficient|balance|credit/i.test(upstream)) {
		message = 'Not enough credits for this Hailuo request';
		description = `Top up your API in One balance, then run again. Nothing was generated.${detail}`;
	} else if (RATE_LIMIT_CODES.has(code)) {
		const wait = facts.retryAfterSeconds !== undefined ? ` The API asks to wait ${facts.retryAfterSeconds} s.` : '';
		message = 'Rate limited by the Hailuo API';
		description = `Too many requests at once.${wait} Lower "Parallel Create Requests" or run again later.${detail}`;
	} else if (CONTENT_CODES.has(code)) {
		message = 'The Hailuo API refused the prompt or image as sensitive content';
		description = `Change the prompt or the image and run again.${detail}`;
	} else if (code === 'network') {
		message = 'Could not reach the Hailuo API';
		description = `The connection failed or was dropped (${upstream || 'no answer'}). Check the credential's Base URL and your network, then run again.`;
	} else if (facts.status !== undefined && facts.status >= 500) {
		message = `The Hailuo API failed upstream (HTTP ${facts.status})`;
		description = `This is a problem on the provider's side; run again in a few minutes.${detail}`;
	} else if (facts.status === 404) {
		message = 'Not found at the Hailuo API (HTTP 404)';
		description = `Check the task id, and that the credential's Base URL ends in /api/v1.${detail}`;
	} else {
		message = `The Hailuo API refused the request (${facts.status ? `HTTP ${facts.status}` : `code ${code}`})`;
		description = `Check the node's fields and "Extra Body Fields".${detail}`;
	}
	const response: JsonObject = { code, message: upstream || message };
	if (facts.retryAfterSeconds !== undefined) response.retryAfterSeconds = facts.retryAfterSeconds;
	const error = new NodeApiError(node, response, {
		message,
		description,
		httpCode: facts.status ? String(facts.status) : code,
	});
	if (facts.retryAfterSeconds !== undefined) error.context.retryAfterSeconds = facts.retryAfterSeconds;
	return error;
}

function parseRetryAfter(header: unknown): number | undefined {
	if (typeof header !== 'string' && typeof header !== 'number') return undefined;
	const seconds = Number(header);
	if (Number.isFinite(seconds)) return Math.max(0, seconds);
	const date = Date.parse(String(header));
	return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

const messageOf = (body: unknown): string | undefined => {
	if (typeof body === 'string') return body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim() || undefined;
	const envelope = findEnvelopeError(body);
	if (envelope) return envelope.message;
	if (body && typeof body === 'object' && 'message' in body) return String(body.message);
	return undefined;
};

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

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
		abortSignal: 'getExecutionCancelSignal' in this ? this.getExecutionCancelSignal() : undefined,
	};
	if (body) {
		options.body = body;
		options.headers = { ...options.headers, 'Content-Type': 'application/json' };
	}

	let response: { statusCode: number; headers: IDataObject; body: unknown };
	try {
		response = await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_NAME, options);
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
				status: /^[45]\d\d$/.test(String(envelopeError.code)) ? Number(envelopeError.code) : undefined,
				code: String(envelopeError.code),
				upstreamMessage: envelopeError.message,
			},
			apiKey,
		);
	}
	return parsed;
}

/** Whether an error from `apiRequest` is worth another try for a read (never for a create). */
export function isTransient(error: unknown): error is NodeApiError {
	if (!(error instanceof NodeApiError)) return false;
	const code = String(error.httpCode ?? '');
	return code === '429' || code === '1002' || code === 'network' || /^5\d\d$/.test(code);
}

/** The wait a 429 asked for, in seconds, if it said. */
export function retryAfterSeconds(error: unknown): number | undefined {
	const asked = error instanceof NodeApiError ? error.context.retryAfterSeconds : undefined;
	return typeof asked === 'number' ? asked : undefined;
}
