import { z } from 'zod';

// JSON from outside (an API answer, a delivery), read without trusting its shape.

const record = z.record(z.unknown());

export type JsonObject = z.infer<typeof record>;

/** The value as an object with keys, or undefined for anything else (an array included). */
export const asObject = (value: unknown): JsonObject | undefined => {
	const parsed = record.safeParse(value);
	return parsed.success && !Array.isArray(value) ? parsed.data : undefined;
};

/** Text with something in it, trimmed, or a number as its digits; undefined for anything else. */
export const textOf = (value: unknown): string | undefined =>
	typeof value === 'string' && value.trim() !== ''
		? value.trim()
		: typeof value === 'number'
			? String(value)
			: undefined;

/** What an error value says: the text itself, or an object's `message` (`msg`, `detail`, `error`). */
export const errorTextOf = (value: unknown): string | undefined => {
	const object = asObject(value);
	if (!object) return textOf(value);
	return (
		textOf(object.message) ?? textOf(object.msg) ?? textOf(object.detail) ?? textOf(object.error)
	);
};
