import type { IDataObject } from 'n8n-workflow';

/** Removes the API key from anything that is about to reach a user. */
export function redact(value: string, apiKey: string): string {
	return apiKey.length >= 4 ? value.split(apiKey).join('***') : value;
}

// Deeper than any body the trigger accepts (64 levels) plus the item's own wrapping.
const MAX_WALK_DEPTH = 128;

function redactValue(value: unknown, apiKey: string, depth: number): unknown {
	if (typeof value === 'string') return redact(value, apiKey);
	if (value === null || typeof value !== 'object') return value;
	if (depth > MAX_WALK_DEPTH) return '[nested too deeply]';
	if (Array.isArray(value)) return value.map((entry) => redactValue(entry, apiKey, depth + 1));
	const copy: IDataObject = {};
	for (const [key, entry] of Object.entries(value)) {
		copy[redact(key, apiKey)] = redactValue(entry, apiKey, depth + 1) as IDataObject[string];
	}
	return copy;
}

/** A copy of an output item's JSON with the API key removed from every text and key in it. */
export function redactJson(json: IDataObject, apiKey: string): IDataObject {
	return redactValue(json, apiKey, 0) as IDataObject;
}
