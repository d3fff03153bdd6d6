import type { INode } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import {
	isTransient,
	mapApiError,
	retryAfterSeconds,
} from '../../../../nodes/Hailuo/transport/errors';

const node = { name: 'Hailuo', type: 'n8n-nodes-hailuo.hailuo' } as INode;
const key = 'aio_secret_key_123456';

describe('mapApiError', () => {
	test.each([
		[{ status: 401 }, 'API key rejected', 'Check the API key'],
		[{ status: 403 }, 'API key rejected', 'Check the API key'],
		[{ code: '1004' }, 'API key rejected', 'Check the API key'],
		[{ status: 402 }, 'Not enough credits', 'Top up'],
		[{ code: '1008' }, 'Not enough credits', 'Top up'],
		[
			{ status: 400, upstreamMessage: 'Insufficient balance for this model' },
			'Not enough credits',
			'Top up',
		],
		[{ status: 429, retryAfterSeconds: 7 }, 'Rate limited', 'wait 7 s'],
		[{ code: '1002' }, 'Rate limited', 'Too many requests'],
		[{ code: 'rate_limit_exceeded' }, 'Rate limited', 'Max Creates per Second'],
		[{ status: 400, upstreamMessage: 'Too Many Requests, slow down' }, 'Rate limited', 'slow down'],
		[{ status: 401, upstreamMessage: 'rate limit of this key' }, 'API key rejected', 'Check'],
		[
			{ status: 400, upstreamCode: 'rate_limit_exceeded', upstreamMessage: 'Please wait' },
			'Rate limited',
			'Please wait',
		],
		// Not a refusal for the pace: after a 5xx the job may exist; a quota; a credit refusal.
		[
			{ status: 502, upstreamMessage: 'upstream throttled' },
			'failed upstream (HTTP 502)',
			'provider',
		],
		[
			{ status: 400, upstreamMessage: 'daily generate limit reached' },
			'refused the request (HTTP 400)',
			'generate limit',
		],
		[
			{ status: 400, upstreamMessage: 'Rate limit: insufficient credits' },
			'Not enough credits',
			'Top up',
		],
		[{ status: 500 }, 'failed upstream (HTTP 500)', 'provider'],
		[{ status: 503 }, 'failed upstream (HTTP 503)', 'provider'],
		[{ code: '1026' }, 'sensitive content', 'Change the prompt'],
		[{ upstreamMessage: 'socket hang up' }, 'Could not reach', 'socket hang up'],
		[{ status: 404 }, 'Not found', 'task id'],
		[
			{ status: 422, upstreamMessage: 'image too small' },
			'refused the request (HTTP 422)',
			'image too small',
		],
	])('%j → "%s"', (facts, message, description) => {
		const error = mapApiError(node, facts, key);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toContain(message);
		expect(error.description).toContain(description);
	});

	test('never repeats the API key that an upstream message echoes', () => {
		const error = mapApiError(node, { status: 401, upstreamMessage: `key ${key} is invalid` }, key);
		expect(
			JSON.stringify({ ...error, message: error.message, description: error.description }),
		).not.toContain(key);
		expect(error.description).toContain('key *** is invalid');
	});

	test('keeps Retry-After for the poller', () => {
		expect(retryAfterSeconds(mapApiError(node, { status: 429, retryAfterSeconds: 3 }, key))).toBe(
			3,
		);
		expect(retryAfterSeconds(mapApiError(node, { status: 429 }, key))).toBeUndefined();
		expect(retryAfterSeconds(new Error('boom'))).toBeUndefined();
	});
});

describe('isTransient', () => {
	test.each([
		[{ status: 429 }, true],
		[{ code: 'RATE_LIMITED' }, true],
		[{ status: 400, upstreamMessage: 'Rate limit: insufficient credits' }, false],
		[{ status: 502 }, true],
		[{ upstreamMessage: 'ECONNRESET' }, true],
		[{ status: 401 }, false],
		[{ status: 402 }, false],
		[{ status: 404 }, false],
	])('%j → %p', (facts, expected) => {
		expect(isTransient(mapApiError(node, facts, key))).toBe(expected);
	});

	test('other errors are not transient', () => {
		expect(isTransient(new Error('boom'))).toBe(false);
	});
});
