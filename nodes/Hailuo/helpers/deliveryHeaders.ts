import type { IDataObject } from 'n8n-workflow';

import type { Headers } from './verify';

// Headers that carry credentials or signatures never reach the output item.
const SECRET_HEADERS = new Set([
	'authorization',
	'cookie',
	'x-api-key',
	'webhook-signature',
	'x-webhook-signature',
	'x-webhook-secret',
	'x-signature',
	'x-hub-signature',
	'x-hub-signature-256',
]);

/** The delivery's headers as the output item shows them: nothing that carries a secret. */
export function publicHeaders(
	headers: Headers,
	extraSecret: string | undefined,
	secrets: string[],
): IDataObject {
	const kept: IDataObject = {};
	for (const [name, value] of Object.entries(headers)) {
		if (SECRET_HEADERS.has(name) || name === extraSecret?.toLowerCase() || value === undefined)
			continue;
		const text = Array.isArray(value) ? value.join(', ') : value;
		if (secrets.some((secret) => secret !== '' && text.includes(secret))) continue;
		kept[name] = text;
	}
	return kept;
}
