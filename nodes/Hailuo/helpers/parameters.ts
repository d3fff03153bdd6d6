import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	INode,
	INodeParameters,
	INodeProperties,
	IWebhookFunctions,
	NodeParameterValue,
} from 'n8n-workflow';
import { NodeHelpers, NodeOperationError } from 'n8n-workflow';
import type { z } from 'zod';

import type { Field, ValueOf } from './fields';
import { OPTIONS } from './fields';

type Context = IExecuteFunctions | IWebhookFunctions | IHookFunctions;

/** Bad input, refused before anything is sent: the field as the user sees it, and what is allowed. */
export function failParameter(
	node: INode,
	label: string,
	problem: string,
	itemIndex?: number,
): never {
	throw new NodeOperationError(node, `Invalid "${label}": ${problem}`, {
		itemIndex,
		description:
			'Nothing was sent to the API and no credits were used. Fix the field and run again.',
	});
}

/** The first problem zod found, in the node's words. */
function problemOf(error: z.ZodError): string {
	const issue = error.issues[0];
	// zod's own word for a value that is not there at all (e.g. an AI tool call without it); fields
	// with choices or a range keep their own message, which says what is allowed.
	const missing =
		issue.code === 'invalid_type' && issue.received === 'undefined' && issue.message === 'Required';
	return missing ? 'a value is required' : issue.message;
}

/** Reads one value with its field's reader; a bad one is refused naming the field. */
export function readValue<F extends Field>(
	node: INode,
	entry: F,
	value: unknown,
	itemIndex?: number,
): ValueOf<F> {
	const result = entry.read.safeParse(value);
	if (!result.success) {
		failParameter(node, entry.property.displayName, problemOf(result.error), itemIndex);
	}
	return result.data as ValueOf<F>;
}

/** A parameter of the node as n8n hands it over, expressions resolved, the fallback when unset. */
function parameter(context: Context, name: string, itemIndex: number, fallback?: unknown): unknown {
	return 'getInputData' in context
		? context.getNodeParameter(name, itemIndex, fallback)
		: context.getNodeParameter(name, fallback);
}

/** One of the node's own parameters (not in a collection) as given, its default when unset. */
export const rawParameter = (context: Context, entry: Field, itemIndex = 0): unknown =>
	parameter(context, entry.property.name, itemIndex, entry.property.default);

/** Reads one of the node's own parameters (not in a collection) with its field's reader. */
export const readParameter = <F extends Field>(context: Context, entry: F, itemIndex = 0) =>
	readValue(context.getNode(), entry, rawParameter(context, entry, itemIndex), itemIndex);

type Values<F extends readonly Field[]> = {
	[E in F[number] as E['property']['name']]: ValueOf<E>;
};

/**
 * Whether n8n shows an option, by n8n's own display rules: on its siblings' values, and the node's
 * parameters its rules name ("/waitMode"), expressions resolved.
 */
function isShown(
	context: Context,
	property: INodeProperties,
	siblings: INodeParameters,
	itemIndex: number,
): boolean {
	const { show = {}, hide = {} } = property.displayOptions ?? {};
	const nodeKeys = [...Object.keys(show), ...Object.keys(hide)].filter((key) =>
		key.startsWith('/'),
	);
	const root = Object.fromEntries(
		nodeKeys.map((key) => [key.slice(1), parameter(context, key.slice(1), itemIndex)]),
	) as INodeParameters;
	return NodeHelpers.displayParameter(siblings, property, context.getNode(), null, root);
}

/**
 * The "Options" collection in one pass: each option read with its field's reader, its default
 * when unset. An option n8n does not show (e.g. the download settings while Download Video is off)
 * is not used, so it is not checked: it reads as its default. `unset` gives other defaults for
 * options the user did not add (an AI tool call's).
 */
export function readOptions<const F extends readonly Field[]>(
	context: Context,
	fields: F,
	itemIndex = 0,
	unset: IDataObject = {},
): Values<F> {
	const given = parameter(context, OPTIONS, itemIndex, {});
	const raw: IDataObject =
		given !== null && typeof given === 'object' && !Array.isArray(given)
			? { ...unset, ...(given as IDataObject) }
			: { ...unset };
	const current = (entry: Field) => raw[entry.property.name] ?? entry.property.default;
	const siblings = { ...raw } as INodeParameters;
	for (const entry of fields) siblings[entry.property.name] = current(entry) as NodeParameterValue;
	const values: IDataObject = {};
	for (const entry of fields) {
		const shown = isShown(context, entry.property, siblings, itemIndex);
		const read = readValue(
			context.getNode(),
			entry,
			shown ? current(entry) : entry.property.default,
			itemIndex,
		);
		values[entry.property.name] = read as IDataObject[string];
	}
	// Each value came out of its own field's reader, under its field's name.
	return values as Values<F>;
}
