import { createHmac, timingSafeEqual } from 'node:crypto';

/** Pure checks of a webhook delivery: (raw body, headers, secret, now) → verdict. */
export type Verdict = { ok: true; deliveryId?: string } | { ok: false; reason: string };

export type Headers = Record<string, string | string[] | undefined>;

export const TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;

const header = (headers: Headers, name: string): string | undefined => {
	const value = headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
};

/** Constant-time comparison; a length mismatch is refused first, as timingSafeEqual requires. */
export function safeEqual(presented: string | Buffer, expected: string | Buffer): boolean {
	const a = Buffer.isBuffer(presented) ? presented : Buffer.from(presented);
	const b = Buffer.isBuffer(expected) ? expected : Buffer.from(expected);
	return a.length === b.length && a.length > 0 && timingSafeEqual(a, b);
}

/** The secret token the node put in its own URL. */
export function verifyUrlToken(presented: string | undefined, token: string): Verdict {
	if (!presented) return { ok: false, reason: 'the URL carries no token' };
	return safeEqual(presented, token)
		? { ok: true }
		: { ok: false, reason: 'the URL token does not match' };
}

/**
 * Standard Webhooks (Svix, Replicate, …): HMAC-SHA256 of `{id}.{timestamp}.{raw body}` with the
 * base64 key after `whsec_`, sent as space-separated `v1,<base64>` signatures; ±5 minutes.
 */
export function verifyStandardWebhook(
	rawBody: Buffer,
	headers: Headers,
	secret: string,
	nowSeconds: number,
): Verdict {
	const id = header(headers, 'webhook-id');
	const timestamp = header(headers, 'webhook-timestamp');
	const signatures = header(headers, 'webhook-signature');
	if (!id || !timestamp || !signatures) {
		return {
			ok: false,
			reason: 'missing webhook-id, webhook-timestamp or webhook-signature header',
		};
	}
	if (!/^\d{1,12}$/.test(timestamp))
		return { ok: false, reason: 'the timestamp is not a number of seconds' };
	if (Math.abs(nowSeconds - Number(timestamp)) > TIMESTAMP_TOLERANCE_SECONDS) {
		return { ok: false, reason: 'the timestamp is more than 5 minutes away from now' };
	}
	const key = Buffer.from(secret.trim().replace(/^whsec_/, ''), 'base64');
	const expected = createHmac('sha256', key)
		.update(Buffer.concat([Buffer.from(`${id}.${timestamp}.`), rawBody]))
		.digest();
	const matches = signatures
		.split(' ')
		.map((entry) => entry.split(','))
		.some(
			([version, signature]) =>
				version === 'v1' && !!signature && safeEqual(Buffer.from(signature, 'base64'), expected),
		);
	return matches ? { ok: true, deliveryId: id } : { ok: false, reason: 'no signature matches' };
}

/** HMAC-SHA256 of the raw body in a header the user names, hex or base64 (a `sha256=` prefix is allowed). */
export function verifyHmacHeader(
	rawBody: Buffer,
	headers: Headers,
	options: { secret: string; headerName: string; encoding: 'hex' | 'base64' },
): Verdict {
	const presented = header(headers, options.headerName)
		?.trim()
		.replace(/^sha256=/i, '');
	if (!presented) return { ok: false, reason: `missing ${options.headerName} header` };
	const expected = createHmac('sha256', options.secret).update(rawBody).digest();
	const decoded = Buffer.from(presented, options.encoding);
	return safeEqual(decoded, expected)
		? { ok: true }
		: { ok: false, reason: 'the signature does not match' };
}
