import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { z } from 'zod';

/**
 * One field of a node, declared once: the property n8n shows and the reader for its value, built
 * from the same declaration (default, range, choices), so changing one changes both. Errors name
 * the field by its display name.
 */
export interface Field<Name extends string = string, Value = unknown> {
	readonly property: INodeProperties & { name: Name };
	readonly read: z.ZodType<Value, z.ZodTypeDef, unknown>;
}

/** A field's value once read, by the field. */
export type ValueOf<F> = F extends Field<string, infer Value> ? Value : never;

type Declared<Name extends string> = INodeProperties & { name: Name };

/** What a field with choices says when the value is not one of them. */
export const oneOf = (values: readonly string[]) =>
	`allowed: ${values.map((value) => `"${value}"`).join(', ')}`;

/** A field whose value a schema of its own reads (text, JSON, an id). */
export const field = <const Name extends string, Value>(
	property: Declared<Name>,
	read: z.ZodType<Value, z.ZodTypeDef, unknown>,
): Field<Name, Value> => ({ property, read });

/** A text field read as given: what it may hold is checked where it is used. */
export const textField = <const Name extends string>(
	property: Declared<Name> & { type: 'string' },
): Field<Name, unknown> => ({ property, read: z.unknown() });

interface NumberProperty<Name extends string> extends Declared<Name> {
	type: 'number';
	default: number;
	typeOptions: { minValue: number; maxValue?: number; numberPrecision?: number };
}

// An expression may give the number as text ("5"); the field still means the number.
const numberFromText = (value: unknown) =>
	typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))
		? Number(value)
		: value;

/**
 * A number field: the reader accepts what the property's range allows, and the error says that
 * range, e.g. "must be a number from 2 to 600".
 */
export function numberField<const Name extends string>(
	property: NumberProperty<Name>,
	{ whole = false, note }: { whole?: boolean; note?: string } = {},
): Field<Name, number> & { property: NumberProperty<Name> } {
	const { minValue: min, maxValue: max } = property.typeOptions;
	const range = max === undefined ? `of ${min} or more` : `from ${min} to ${max}`;
	const problem = `must be ${whole ? 'a whole number' : 'a number'} ${range}${note ? ` (${note})` : ''}`;
	let number = z
		.number({ invalid_type_error: problem, required_error: problem })
		.finite(problem)
		.min(min, problem);
	if (max !== undefined) number = number.max(max, problem);
	if (whole) number = number.int(problem);
	return { property, read: z.preprocess(numberFromText, number) };
}

interface OptionsProperty<Name extends string, Value extends string> extends Declared<Name> {
	type: 'options';
	default: Value;
	options: Array<INodePropertyOptions & { value: Value }>;
}

/** A field with choices: its values, and how a value given otherwise is read as one of them. */
export interface ChoiceField<Name extends string, Value extends string> extends Field<Name, Value> {
	readonly property: OptionsProperty<Name, Value>;
	readonly values: readonly Value[];
	/** The value as the field means it (a number as text, in the choices' letter case), unchecked. */
	readonly shape: (value: unknown) => unknown;
}

/** A dropdown: the reader accepts exactly the listed values, and the error lists them. */
export function optionsField<const Name extends string, const Value extends string>(
	property: OptionsProperty<Name, Value>,
	normalise: (text: string) => string = (text) => text,
): ChoiceField<Name, Value> {
	const values = property.options.map((option) => option.value);
	const allowed = oneOf(values);
	const shape = (value: unknown) => {
		const text = typeof value === 'number' ? String(value) : value;
		return typeof text === 'string' ? normalise(text) : text;
	};
	const isValue = (text: string): text is Value => (values as readonly string[]).includes(text);
	const read = z.preprocess(
		shape,
		z.string({ invalid_type_error: allowed, required_error: allowed }).refine(isValue, allowed),
	);
	return { property, values, shape, read };
}

/** A switch: on only when it is exactly `true`. */
export const booleanField = <const Name extends string>(
	property: Declared<Name> & { type: 'boolean'; default: boolean },
): Field<Name, boolean> => ({ property, read: z.unknown().transform((value) => value === true) });

/** A collection's entries in alphabetical order, as n8n lists them in its own nodes. */
const alphabetical = (options: INodeProperties[]): INodeProperties[] =>
	[...options].sort((a, b) => a.displayName.localeCompare(b.displayName));

/** The name of every "Options" collection, where readOptions finds it. */
export const OPTIONS = 'options';

/** The "Options" collection of a node or operation, its entries in alphabetical order. */
export const optionsCollection = (fields: readonly Field[]): INodeProperties => ({
	displayName: 'Options',
	name: OPTIONS,
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: alphabetical(fields.map((entry) => entry.property)),
});
