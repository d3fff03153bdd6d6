import { createHmac, randomBytes } from 'node:crypto';

import {
	safeEqual,
	verifyHmacHeader,
	verifyStandardWebhook,
	verifyUrlToken,
} from '../../../../nodes/Hailuo/helpers/verify';

/** Signs like a Standard Webhooks sender (the test's own implementation of the spec). */
function standardHeaders(
	secret: string,
	body: string,
	id: string,
	timestamp: number,
	extraSignatures: string[] = [],
) {
	const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
	const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
	return {
		'webhook-id': id,
		'webhook-timestamp': String(timestamp),
		'webhook-signature': [...extraSignatures, `v1,${signature}`].join(' '),
	};
}

const secret = `whsec_${randomBytes(24).toString('base64')}`;
const otherSecret = `whsec_${randomBytes(24).toString('base64')}`;
const body = JSON.stringify({ code: 200, data: { task_id: 't1', status: 'SUCCESS' } });
const now = 1_760_000_000;

describe('verifyStandardWebhook', () => {
	test('accepts a good delivery and reports its id', () => {
		const headers = standardHeaders(secret, body, 'msg_1', now);
		expect(verifyStandardWebhook(Buffer.from(body), headers, secret, now)).toEqual({
			ok: true,
			deliveryId: 'msg_1',
		});
	});

	test('accepts when one of several signatures matches (key rotation)', () => {
		const headers = standardHeaders(secret, body, 'msg_2', now, [
			'v1,bm90IHRoZSBzaWduYXR1cmU=',
			'v2,whatever',
		]);
		expect(verifyStandardWebhook(Buffer.from(body), headers, secret, now).ok).toBe(true);
	});

	test.each([
		[
			'a wrong secret',
			() => standardHeaders(otherSecret, body, 'm', now),
			body,
			'no signature matches',
		],
		[
			'a tampered body',
			() => standardHeaders(secret, body, 'm', now),
			body.replace('SUCCESS', 'FAILED'),
			'no signature matches',
		],
		[
			'a changed id',
			() => ({ ...standardHeaders(secret, body, 'm', now), 'webhook-id': 'other' }),
			body,
			'no signature matches',
		],
		[
			'an old timestamp',
			() => standardHeaders(secret, body, 'm', now - 301),
			body,
			'more than 5 minutes',
		],
		[
			'a future timestamp',
			() => standardHeaders(secret, body, 'm', now + 301),
			body,
			'more than 5 minutes',
		],
		[
			'a timestamp that is not a number',
			() => ({ ...standardHeaders(secret, body, 'm', now), 'webhook-timestamp': 'soon' }),
			body,
			'not a number',
		],
		[
			'no signature header',
			() => ({ 'webhook-id': 'm', 'webhook-timestamp': String(now) }),
			body,
			'missing',
		],
		['no headers at all', () => ({}), body, 'missing'],
		[
			'only a v2 signature',
			() => ({ ...standardHeaders(secret, body, 'm', now), 'webhook-signature': 'v2,abc' }),
			body,
			'no signature matches',
		],
		[
			'an empty v1 signature',
			() => ({ ...standardHeaders(secret, body, 'm', now), 'webhook-signature': 'v1,' }),
			body,
			'no signature matches',
		],
	])('rejects %s', (_case, headers, deliveredBody, reason) => {
		const verdict = verifyStandardWebhook(Buffer.from(deliveredBody), headers(), secret, now);
		expect(verdict.ok).toBe(false);
		if (!verdict.ok) expect(verdict.reason).toContain(reason);
	});

	test('accepts a timestamp just inside the tolerance', () => {
		const headers = standardHeaders(secret, body, 'm', now - 299);
		expect(verifyStandardWebhook(Buffer.from(body), headers, secret, now).ok).toBe(true);
	});
});

describe('verifyHmacHeader', () => {
	const key = 'shared-secret-123';
	const hex = createHmac('sha256', key).update(body).digest('hex');
	const base64 = createHmac('sha256', key).update(body).digest('base64');
	const options = { secret: key, headerName: 'X-Signature', encoding: 'hex' as const };

	test.each([
		['hex', { 'x-signature': hex }, 'hex'],
		['hex with a sha256= prefix', { 'x-signature': `sha256=${hex}` }, 'hex'],
		['base64', { 'x-signature': base64 }, 'base64'],
	] as const)('accepts %s', (_case, headers, encoding) => {
		expect(verifyHmacHeader(Buffer.from(body), headers, { ...options, encoding }).ok).toBe(true);
	});

	test.each([
		[
			'a wrong secret',
			{ 'x-signature': createHmac('sha256', 'other').update(body).digest('hex') },
			body,
		],
		['a tampered body', { 'x-signature': hex }, `${body} `],
		['a truncated signature', { 'x-signature': hex.slice(0, 32) }, body],
		['a missing header', {}, body],
		['garbage', { 'x-signature': 'zz-not-hex' }, body],
	])('rejects %s', (_case, headers, deliveredBody) => {
		expect(verifyHmacHeader(Buffer.from(deliveredBody), headers, options).ok).toBe(false);
	});
});

describe('verifyUrlToken and safeEqual', () => {
	const token = 'a'.repeat(8) + 'Token_12345678';
	test('accepts the token, refuses anything else', () => {
		expect(verifyUrlToken(token, token).ok).toBe(true);
		expect(verifyUrlToken(`${token}x`, token).ok).toBe(false);
		expect(verifyUrlToken(token.slice(1), token).ok).toBe(false);
		expect(verifyUrlToken(undefined, token).ok).toBe(false);
		expect(verifyUrlToken('', token).ok).toBe(false);
	});

	test('never treats two empty values as equal', () => {
		expect(safeEqual('', '')).toBe(false);
		expect(safeEqual(Buffer.alloc(0), Buffer.alloc(0))).toBe(false);
	});
});
