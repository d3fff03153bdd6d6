/** The deepest nesting n8n can store an execution's data with; deeper bodies are refused. */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPENERS = new Set([0x7b, 0x5b]);
const CLOSERS = new Set([0x7d, 0x5d]);

/**
 * Whether JSON text nests objects and arrays more than `limit` levels deep, read in one pass over
 * the bytes (no recursion, so no stack to blow), skipping brackets inside strings.
 */
export function jsonNestingExceeds(raw: Buffer, limit = MAX_JSON_DEPTH): boolean {
	let depth = 0;
	let inString = false;
	let escaped = false;
	for (let index = 0; index < raw.length; index++) {
		const byte = raw[index];
		if (inString) {
			if (escaped) escaped = false;
			else if (byte === BACKSLASH) escaped = true;
			else if (byte === QUOTE) inString = false;
		} else if (byte === QUOTE) {
			inString = true;
		} else if (OPENERS.has(byte)) {
			if (++depth > limit) return true;
		} else if (CLOSERS.has(byte)) {
			depth--;
		}
	}
	return false;
}
