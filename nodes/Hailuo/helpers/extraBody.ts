import type { IDataObject } from 'n8n-workflow';
import { z } from 'zod';

/** The most "Extra Body Fields" may hold once serialised. */
export const EXTRA_BODY_KB = 64;
const MAX_EXTRA_BODY_BYTES = EXTRA_BODY_KB * 1024;
const MAX_EXTRA_BODY_DEPTH = 32;

const JSON_OBJECT = 'must be a JSON object such as {"key": "value"}';

/** How deeply a JSON value nests, counted without recursion and given up past `limit`. */
function nestingDepth(value: unknown, limit: number): number {
	let deepest = 0;
	const pending: Array<[unknown, number]> = [[value, 0]];
	while (pending.length > 0) {
		const [current, depth] = pending.pop() ?? [null, 0];
		if (current === null || typeof current !== 'object') continue;
		deepest = Math.max(deepest, depth + 1);
		if (deepest > limit) return deepest;
		for (const child of Object.values(current)) pending.push([child, depth + 1]);
	}
	return deepest;
}

const kilobytes = (bytes: number) => `${Math.ceil(bytes / 1024)} KB`;

/**
 * "Extra Body Fields": n8n hands it over as text or (from an expression) as an object. The
 * result is exactly what will be sent: plain JSON, at most 64 KB once serialised.
 */
export const extraBodySchema = z.unknown().transform((value, ctx): IDataObject => {
	const refuse = (message: string) => {
		ctx.addIssue({ code: z.ZodIssueCode.custom, message });
		return z.NEVER;
	};
	if (value === undefined || value === null || value === '') return {};
	let parsed: unknown = value;
	if (typeof value === 'string') {
		// Far past the limit: refused without parsing it.
		if (value.length > 16 * MAX_EXTRA_BODY_BYTES) {
			return refuse(
				`is ${kilobytes(value.length)}; at most ${kilobytes(MAX_EXTRA_BODY_BYTES)} is allowed`,
			);
		}
		try {
			parsed = JSON.parse(value);
		} catch {
			return refuse(JSON_OBJECT);
		}
	}
	if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
		return refuse(JSON_OBJECT);
	if (Object.prototype.hasOwnProperty.call(parsed, '__proto__')) {
		return refuse('must not have a "__proto__" key');
	}
	if (nestingDepth(parsed, MAX_EXTRA_BODY_DEPTH) > MAX_EXTRA_BODY_DEPTH) {
		return refuse(`must nest at most ${MAX_EXTRA_BODY_DEPTH} levels deep`);
	}
	let text: string;
	try {
		text = JSON.stringify(parsed);
	} catch {
		return refuse(`${JSON_OBJECT}, holding only JSON values`);
	}
	const bytes = Buffer.byteLength(text, 'utf8');
	if (bytes > MAX_EXTRA_BODY_BYTES) {
		return refuse(
			`is ${kilobytes(bytes)} once serialised; at most ${kilobytes(MAX_EXTRA_BODY_BYTES)} is allowed ` +
				"(send images through the node's own Image Source)",
		);
	}
	// Re-read from the serialised text: what is checked is what is sent (no functions, dates as text).
	const sent = z.record(z.unknown()).safeParse(JSON.parse(text));
	// Values that came out of JSON.parse are JSON values, which is what IDataObject describes.
	return sent.success ? (sent.data as IDataObject) : refuse(JSON_OBJECT);
});
