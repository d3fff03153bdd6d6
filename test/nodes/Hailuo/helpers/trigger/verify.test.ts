import { createHmac, randomBytes } from 'node:crypto';

import {
	safeEqual,
	standardWebhookKey,
	verifyHmacHeader,
	verifyStandardWebhook,
	verifyUrlToken,
} from '../../../../../nodes/Hailuo/helpers/trigger/verify';

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

/** base64 of the same bytes in a spelling Node's lenient decoder accepts but the spec does not. */
function lenientSpellings(canonical: string): Array<[string, string]> {
	const bytes = Buffer.from(canonical, 'base64');
	// A 32-byte value ends in one data character whose last two bits are unused; setting them keeps
	// the bytes and changes the text.
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
	const last = alphabet.indexOf(canonical[42]);
	const loose = `${canonical.slice(0, 42)}${alphabet[last | 1]}=`;
	return [
		['without its padding', canonical.replace(/=+$/, '')],
		['with extra padding', `${canonical}=`],
		['with trailing junk', `${canonical}junk`],
		['with a space inside', `${canonical.slice(0, 10)} ${canonical.slice(10)}`],
		['in base64url', bytes.toString('base64url')],
		['with unused bits set', loose],
		['with a 33rd byte', Buffer.concat([bytes, Buffer.from([0])]).toString('base64')],
	];
}

describe('standardWebhookKey: the secret must decode, strictly, to at least 16 bytes', () => {
	test.each([
		['whsec_'],
		['whsec_===='],
		['****************'],
		[''],
		[`whsec_${randomBytes(15).toString('base64')}`],
		[`whsec_${randomBytes(24).toString('base64')}!`],
		[`whsec_${randomBytes(24).toString('base64url')}_`],
	])('refuses %j', (weak) => {
		expect('key' in standardWebhookKey(weak)).toBe(false);
	});

	test('accepts 16 bytes and more, with or without the whsec_ prefix', () => {
		const sixteen = randomBytes(16).toString('base64');
		expect(standardWebhookKey(`whsec_${sixteen}`)).toEqual({
			key: Buffer.from(sixteen, 'base64'),
		});
		expect('key' in standardWebhookKey(sixteen)).toBe(true);
		expect('key' in standardWebhookKey(secret)).toBe(true);
	});
});

describe('verifyStandardWebhook: forged and loosely spelled deliveries', () => {
	test.each([['whsec_'], ['whsec_===='], ['****************'], ['whsec_AAAA']])(
		'with the unusable secret %j, a delivery signed with the key it would decode to is refused',
		(weak) => {
			const key = Buffer.from(weak.replace(/^whsec_/, ''), 'base64');
			const signature = createHmac('sha256', key).update(`m.${now}.${body}`).digest('base64');
			const headers = {
				'webhook-id': 'm',
				'webhook-timestamp': String(now),
				'webhook-signature': `v1,${signature}`,
			};
			const verdict = verifyStandardWebhook(Buffer.from(body), headers, weak, now);
			expect(verdict).toMatchObject({ ok: false, reason: expect.stringContaining('secret') });
		},
	);

	const good = standardHeaders(secret, body, 'm', now);
	const signature = good['webhook-signature'].slice(3);
	test.each(lenientSpellings(signature))('refuses the right signature %s', (_case, spelled) => {
		expect(
			Buffer.from(spelled, 'base64').subarray(0, 32).equals(Buffer.from(signature, 'base64')),
		).toBe(true);
		const headers = { ...good, 'webhook-signature': `v1,${spelled}` };
		expect(verifyStandardWebhook(Buffer.from(body), headers, secret, now).ok).toBe(false);
	});

	test.each([
		['an entry with a third part', `v1,${signature},x`],
		['a version in capitals', `V1,${signature}`],
		['no version', signature],
	])('refuses %s', (_case, value) => {
		const headers = { ...good, 'webhook-signature': value };
		expect(verifyStandardWebhook(Buffer.from(body), headers, secret, now).ok).toBe(false);
	});

	test.each([
		['webhook-signature', ['v1,AAAA', good['webhook-signature']]],
		['webhook-id', ['m', 'other']],
		['webhook-timestamp', [String(now), String(now)]],
	])('refuses a %s header that came twice', (name, values) => {
		const headers = { ...good, [name]: values };
		expect(verifyStandardWebhook(Buffer.from(body), headers, secret, now).ok).toBe(false);
	});

	test('accepts a header given once as a one-value list, and extra spaces between signatures', () => {
		const headers = {
			...good,
			'webhook-id': ['m'],
			'webhook-signature': `  v1,AAAA  ${good['webhook-signature']} `,
		};
		expect(verifyStandardWebhook(Buffer.from(body), headers, secret, now).ok).toBe(true);
	});
});

describe('verifyHmacHeader: exactly one 32-byte signature', () => {
	const key = 'shared-secret-123';
	const hex = createHmac('sha256', key).update(body).digest('hex');
	const base64 = createHmac('sha256', key).update(body).digest('base64');
	const hexOptions = { secret: key, headerName: 'X-Signature', encoding: 'hex' as const };
	const base64Options = { ...hexOptions, encoding: 'base64' as const };

	test.each([
		['capital hex', hex.toUpperCase()],
		['a SHA256= prefix', `SHA256=${hex}`],
		['surrounding spaces', ` sha256=${hex} `],
	])('accepts %s', (_case, value) => {
		expect(verifyHmacHeader(Buffer.from(body), { 'x-signature': value }, hexOptions).ok).toBe(true);
	});

	test.each([
		['trailing junk', `${hex}zz`],
		['an extra digit', `${hex}0`],
		['a missing digit', hex.slice(0, 63)],
		['a second value joined by a comma', `${hex}, ${hex}`],
		['a second value joined with no space', `${hex},${hex}`],
		['the prefix twice', `sha256=sha256=${hex}`],
		['spaces inside', `${hex.slice(0, 32)} ${hex.slice(32)}`],
		['the base64 spelling', base64],
	])('refuses hex with %s', (_case, value) => {
		expect(verifyHmacHeader(Buffer.from(body), { 'x-signature': value }, hexOptions).ok).toBe(
			false,
		);
	});

	test('refuses a header that came twice, even when both values are right', () => {
		expect(verifyHmacHeader(Buffer.from(body), { 'x-signature': [hex, hex] }, hexOptions).ok).toBe(
			false,
		);
		expect(verifyHmacHeader(Buffer.from(body), { 'x-signature': [hex] }, hexOptions).ok).toBe(true);
	});

	test.each(lenientSpellings(base64))('refuses base64 %s', (_case, value) => {
		expect(verifyHmacHeader(Buffer.from(body), { 'x-signature': value }, base64Options).ok).toBe(
			false,
		);
	});

	test('refuses even a right signature made with a secret under 16 characters', () => {
		const weak = 'short-secret';
		const signature = createHmac('sha256', weak).update(body).digest('hex');
		const verdict = verifyHmacHeader(
			Buffer.from(body),
			{ 'x-signature': signature },
			{ ...hexOptions, secret: weak },
		);
		expect(verdict).toMatchObject({ ok: false, reason: expect.stringContaining('secret') });
	});
});
