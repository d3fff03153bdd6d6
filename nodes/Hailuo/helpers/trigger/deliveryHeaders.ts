import type { IDataObject } from 'n8n-workflow';

import type { Headers } from './verify';

// Headers that carry credentials, sessions or signatures never reach the output item.
const SECRET_HEADERS = new Set([
	'authorization',
	'proxy-authorization',
	'cookie',
	'set-cookie',
	'api-key',
	'x-api-key',
	'x-auth-token',
	'x-access-token',
	'webhook-signature',
	'x-webhook-signature',
	'x-webhook-secret',
	'x-signature',
	'x-hub-signature',
	'x-hub-signature-256',
]);

// Any header named like a credential: tokens, secrets, signatures, auth, keys, cookies, passwords.
const SECRET_NAME = /token|secret|signature|auth|cookie|api[-_]?key|passw|credential|session/i;

/** A secret as it may appear in a header: as given, URL-encoded, or a `whsec_` key's base64 alone. */
function spellings(secret: string): string[] {
	const forms = [secret, encodeURIComponent(secret), secret.replace(/^whsec_/, '')];
	// As `redact` does: a text this short would match by accident, and no usable secret is this short.
	return [...new Set(forms)].filter((form) => form.length >= 4).map((form) => form.toLowerCase());
}

/**
 * The delivery's headers as the output item shows them: nothing that carries a secret — by its
 * name, by being the signature header the user named, or by containing one of `secrets` (the URL
 * token, the signing secret, the API key).
 */
export function publicHeaders(
	headers: Headers,
	signatureHeader: string | undefined,
	secrets: string[],
): IDataObject {
	const hidden = secrets.flatMap(spellings);
	const named = signatureHeader?.toLowerCase();
	const kept: IDataObject = {};
	for (const [rawName, value] of Object.entries(headers)) {
		const name = rawName.toLowerCase();
		if (value === undefined || SECRET_HEADERS.has(name) || SECRET_NAME.test(name) || name === named)
			continue;
		const text = Array.isArray(value) ? value.join(', ') : value;
		const lower = text.toLowerCase();
		if (hidden.some((secret) => lower.includes(secret))) continue;
		kept[name] = text;
	}
	return kept;
}
