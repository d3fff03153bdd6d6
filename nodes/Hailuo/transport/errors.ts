import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { redact } from '../guards/redact';

const RATE_LIMIT_CODES = new Set(['429', '1002']);
const AUTH_CODES = new Set(['401', '403', '1004']);
const CREDIT_CODES = new Set(['402', '1008', '4002', '40201']);
const CONTENT_CODES = new Set(['1026', '1027']);
/** How sellers without a numeric code say it (e.g. `{"code": "rate_limit_exceeded"}`). */
const RATE_LIMIT_TEXT = /\brate[ _-]?limit|too many requests|\bthrottl/i;
const CREDIT_TEXT = /insufficient|balance|credit/i;

export const errorMessage = (error: unknown) =>
	error instanceof Error ? error.message : String(error);

interface ErrorFacts {
	status?: number;
	/** Set when n8n's SSRF protection refused the destination. */
	blockedBy?: string;
	code?: string;
	/** The code in an error answer's body, when the HTTP status is what counts. */
	upstreamCode?: string;
	upstreamMessage?: string;
	retryAfterSeconds?: number;
}

/** Turns a failed answer into the error a user can act on. */
export function mapApiError(node: INode, facts: ErrorFacts, apiKey: string): NodeApiError {
	const upstream = facts.upstreamMessage ? redact(facts.upstreamMessage, apiKey).slice(0, 500) : '';
	const stated = facts.code ?? (facts.status ? String(facts.status) : 'network');
	// A refusal for the pace in words is one in numbers, so the batch slows down for it too. Only
	// for answers that refused the request (2xx envelopes, 4xx): after a 5xx the job may exist.
	const refused = facts.status === undefined ? stated !== 'network' : facts.status < 500;
	const saysRateLimited =
		refused &&
		![RATE_LIMIT_CODES, AUTH_CODES, CREDIT_CODES, CONTENT_CODES].some((codes) =>
			codes.has(stated),
		) &&
		!CREDIT_TEXT.test(upstream) &&
		RATE_LIMIT_TEXT.test(`${stated} ${facts.upstreamCode ?? ''} ${upstream}`);
	const code = saysRateLimited ? '429' : stated;
	const detail = upstream ? ` The API said: "${upstream}".` : '';
	let message: string;
	let description: string;
	if (AUTH_CODES.has(code)) {
		message = 'API key rejected by the Hailuo API';
		description =
			`Check the API key in the "Hailuo (API in One) API" credential; ` +
			`it may be mistyped, revoked or for another account.${detail}`;
	} else if (CREDIT_CODES.has(code) || CREDIT_TEXT.test(upstream)) {
		message = 'Not enough credits for this Hailuo request';
		description = `Top up your API in One balance, then run again. Nothing was generated.${detail}`;
	} else if (RATE_LIMIT_CODES.has(code)) {
		const wait =
			facts.retryAfterSeconds !== undefined
				? ` The API asks to wait ${facts.retryAfterSeconds} s.`
				: '';
		message = 'Rate limited by the Hailuo API';
		description =
			`Too many requests at once, even after the node slowed down.${wait} Lower "Max Creates per ` +
			`Second" or "Max Task Reads per Second" under Options, or run again later.${detail}`;
	} else if (CONTENT_CODES.has(code)) {
		message = 'The Hailuo API refused the prompt or image as sensitive content';
		description = `Change the prompt or the image and run again.${detail}`;
	} else if (facts.blockedBy) {
		message = "n8n's SSRF protection blocked the request to the Hailuo API";
		description =
			`${facts.blockedBy}. The credential's Base URL points at an address this n8n may not reach; ` +
			'ask your n8n administrator to allow it (N8N_SSRF_ALLOWED_HOSTNAMES or N8N_SSRF_ALLOWED_IP_RANGES).';
	} else if (code === 'network') {
		message = 'Could not reach the Hailuo API';
		description =
			`The connection failed or was dropped (${upstream || 'no answer'}). ` +
			`Check the credential's Base URL and your network, then run again.`;
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
		httpCode: saysRateLimited || !facts.status ? code : String(facts.status),
	});
	if (facts.retryAfterSeconds !== undefined)
		error.context.retryAfterSeconds = facts.retryAfterSeconds;
	return error;
}

/** Whether an error from `apiRequest` is worth another try for a read (never for a create). */
export function isTransient(error: unknown): error is NodeApiError {
	if (!(error instanceof NodeApiError)) return false;
	if (error.context.retryable === true) return true;
	const code = String(error.httpCode ?? '');
	return code === '429' || code === '1002' || code === 'network' || /^5\d\d$/.test(code);
}

/**
 * n8n's SSRF protection refuses some destinations (private ranges, listed hosts); its error may
 * arrive wrapped, so the cause chain is searched. Returns n8n's own explanation.
 */
export function ssrfRefusal(error: unknown): string | undefined {
	for (let cause = error, depth = 0; cause instanceof Error && depth < 5; depth++) {
		if (/^Ssrf/.test(cause.name) || /request was blocked because/i.test(cause.message)) {
			return cause.message;
		}
		cause = (cause as { cause?: unknown }).cause;
	}
	return undefined;
}

/** Whether the API refused a request for the pace (HTTP 429 or MiniMax's 1002 envelope). */
export function isRateLimited(error: unknown): error is NodeApiError {
	return error instanceof NodeApiError && RATE_LIMIT_CODES.has(String(error.httpCode ?? ''));
}

/** The wait a 429 asked for, in seconds, if it said. */
export function retryAfterSeconds(error: unknown): number | undefined {
	const asked = error instanceof NodeApiError ? error.context.retryAfterSeconds : undefined;
	return typeof asked === 'number' ? asked : undefined;
}
