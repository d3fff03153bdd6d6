import { createHmac, timingSafeEqual } from 'node:crypto';

/** Pure checks of a webhook delivery: (raw body, headers, secret, now) → verdict. */
export type Verdict = { ok: true; deliveryId?: string } | { ok: false; reason: string };

export type Headers = Record<string, string | string[] | undefined>;

const TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;

/** The fewest bytes a Standard Webhooks key and the fewest characters an HMAC secret may have. */
const MIN_SECRET_LENGTH = 16;

const SHA256_BYTES = 32;

/**
 * One header's value; `multiple` when it came more than once (an array, as a test or a proxy may
 * pass it), so a second value can never stand in for the first.
 */
function singleHeader(headers: Headers, name: string): string | undefined | 'multiple' {
	const value = headers[name.toLowerCase()];
	if (!Array.isArray(value)) return value;
	return value.length === 1 ? value[0] : value.length === 0 ? undefined : 'multiple';
}

/** Constant-time comparison; a length mismatch is refused first, as timingSafeEqual requires. */
export function safeEqual(presented: string | Buffer, expected: string | Buffer): boolean {
	const a = Buffer.isBuffer(presented) ? presented : Buffer.from(presented);
	const b = Buffer.isBuffer(expected) ? expected : Buffer.from(expected);
	return a.length === b.length && a.length > 0 && timingSafeEqual(a, b);
}

/**
 * Strict base64: only the canonical text of its bytes passes (padding included, nothing after it,
 * no stray characters that Node's lenient decoder would skip).
 */
function decodeCanonicalBase64(text: string): Buffer | undefined {
	if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
	const bytes = Buffer.from(text, 'base64');
	return bytes.toString('base64') === text ? bytes : undefined;
}

/** The HMAC key of a Standard Webhooks secret (`whsec_` + base64), or why it cannot be one. */
export function standardWebhookKey(secret: string): { key: Buffer } | { reason: string } {
	const encoded = secret.trim().replace(/^whsec_/, '');
	const key = decodeCanonicalBase64(encoded);
	if (!key) return { reason: 'it is not base64 after the optional "whsec_" prefix' };
	if (key.length < MIN_SECRET_LENGTH) {
		return {
			reason: `it decodes to ${key.length} bytes; at least ${MIN_SECRET_LENGTH} are needed`,
		};
	}
	return { key };
}

/** Why an HMAC secret is too weak to check signatures with, if it is. */
export function hmacSecretProblem(secret: string): string | undefined {
	return secret.length < MIN_SECRET_LENGTH
		? `it has ${secret.length} characters; at least ${MIN_SECRET_LENGTH} are needed`
		: undefined;
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
 * base64 key after `whsec_`, sent as space-separated `v1,<base64>` signatures; ±5 minutes. As the
 * reference library does, a signature counts only in its canonical base64 spelling.
 */
export function verifyStandardWebhook(
	rawBody: Buffer,
	headers: Headers,
	secret: string,
	nowSeconds: number,
): Verdict {
	const id = singleHeader(headers, 'webhook-id');
	const timestamp = singleHeader(headers, 'webhook-timestamp');
	const signatures = singleHeader(headers, 'webhook-signature');
	if (!id || !timestamp || !signatures) {
		return {
			ok: false,
			reason: 'missing webhook-id, webhook-timestamp or webhook-signature header',
		};
	}
	if (id === 'multiple' || timestamp === 'multiple' || signatures === 'multiple') {
		return {
			ok: false,
			reason: 'a webhook-id, webhook-timestamp or webhook-signature header came twice',
		};
	}
	if (!/^\d{1,12}$/.test(timestamp))
		return { ok: false, reason: 'the timestamp is not a number of seconds' };
	if (Math.abs(nowSeconds - Number(timestamp)) > TIMESTAMP_TOLERANCE_SECONDS) {
		return { ok: false, reason: 'the timestamp is more than 5 minutes away from now' };
	}
	const secretKey = standardWebhookKey(secret);
	if ('reason' in secretKey)
		return { ok: false, reason: `the secret is unusable: ${secretKey.reason}` };
	const expected = createHmac('sha256', secretKey.key)
		.update(Buffer.concat([Buffer.from(`${id}.${timestamp}.`), rawBody]))
		.digest();
	const matches = signatures.split(' ').some((entry) => {
		const parts = entry.split(',');
		if (parts.length !== 2 || parts[0] !== 'v1') return false;
		const presented = decodeCanonicalBase64(parts[1]);
		return presented?.length === SHA256_BYTES && safeEqual(presented, expected);
	});
	return matches ? { ok: true, deliveryId: id } : { ok: false, reason: 'no signature matches' };
}

/**
 * The signature bytes of an HMAC header value: exactly 64 hex digits (any letter case), or the
 * canonical base64 of 32 bytes; a `sha256=` prefix is allowed. Anything else (extra characters,
 * a second value joined by a comma) is no signature.
 */
function hmacSignatureBytes(presented: string, encoding: 'hex' | 'base64'): Buffer | undefined {
	const text = presented.trim().replace(/^sha256=/i, '');
	if (encoding === 'hex')
		return /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : undefined;
	const bytes = decodeCanonicalBase64(text);
	return bytes?.length === SHA256_BYTES ? bytes : undefined;
}

/** HMAC-SHA256 of the raw body in a header the user names, hex or base64 (a `sha256=` prefix is allowed). */
export function verifyHmacHeader(
	rawBody: Buffer,
	headers: Headers,
	options: { secret: string; headerName: string; encoding: 'hex' | 'base64' },
): Verdict {
	const presented = singleHeader(headers, options.headerName);
	if (!presented?.trim()) return { ok: false, reason: `missing ${options.headerName} header` };
	if (presented === 'multiple')
		return { ok: false, reason: `the ${options.headerName} header came twice` };
	const problem = hmacSecretProblem(options.secret);
	if (problem) return { ok: false, reason: `the secret is unusable: ${problem}` };
	const decoded = hmacSignatureBytes(presented, options.encoding);
	if (!decoded)
		return { ok: false, reason: `the signature is not ${options.encoding} of 32 bytes` };
	const expected = createHmac('sha256', options.secret).update(rawBody).digest();
	return safeEqual(decoded, expected)
		? { ok: true }
		: { ok: false, reason: 'the signature does not match' };
}
