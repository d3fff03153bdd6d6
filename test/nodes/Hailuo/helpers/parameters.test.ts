import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { downloadChoice, downloadFields } from '../../../../nodes/Hailuo/helpers/downloadOptions';
import { numberField, optionsField } from '../../../../nodes/Hailuo/helpers/fields';
import { readOptions, readParameter } from '../../../../nodes/Hailuo/helpers/parameters';

const node = { name: 'Hailuo', type: 'n8n-nodes-hailuo.hailuo' } as INode;

/** An execute context whose node has these parameters (n8n's fallback when one is unset). */
const contextWith = (parameters: IDataObject) =>
	({
		getNode: () => node,
		getInputData: () => [{ json: {} }],
		getNodeParameter: (name: string, _i: number, fallback: unknown) => parameters[name] ?? fallback,
	}) as unknown as IExecuteFunctions;

const interval = numberField({
	displayName: 'Check Every (Seconds)',
	name: 'interval',
	type: 'number',
	default: 10,
	typeOptions: { minValue: 2, maxValue: 600 },
	displayOptions: { show: { '/mode': ['poll'] } },
});
const mode = optionsField({
	displayName: 'Mode',
	name: 'mode',
	type: 'options',
	default: 'poll',
	options: [
		{ name: 'Poll', value: 'poll' },
		{ name: 'None', value: 'none' },
	],
});
const fields = [interval, ...downloadFields(false)] as const;

const refusal = (run: () => unknown): NodeOperationError => {
	try {
		run();
	} catch (error) {
		return error as NodeOperationError;
	}
	throw new Error('expected a refusal');
};

describe('readOptions: the Options collection in one pass', () => {
	test('options not added read as their declared defaults', () => {
		expect(readOptions(contextWith({ mode: 'poll' }), fields)).toEqual({
			interval: 10,
			download: false,
			downloadTimeout: 300,
			maxVideoMb: 200,
			binaryPropertyOutput: 'data',
		});
	});

	test('what the user set is read with its field, numbers given as text included', () => {
		const options = {
			interval: '30',
			download: true,
			maxVideoMb: 50,
			binaryPropertyOutput: ' video ',
		};
		const values = readOptions(contextWith({ mode: 'poll', options }), fields);
		expect(values).toMatchObject({ interval: 30, maxVideoMb: 50, binaryPropertyOutput: 'video' });
		expect(downloadChoice(values)).toEqual({
			field: 'video',
			maxBytes: 50 * 1024 * 1024,
			timeoutMs: 300_000,
		});
	});

	test('a bad option is refused by its label, with what is allowed, before anything is sent', () => {
		const error = refusal(() =>
			readOptions(contextWith({ mode: 'poll', options: { interval: 1 } }), fields, 2),
		);
		expect(error.message).toBe('Invalid "Check Every (Seconds)": must be a number from 2 to 600');
		expect(error.description).toContain('Nothing was sent to the API and no credits were used');
		expect(error.context.itemIndex).toBe(2);
	});

	test('an option n8n does not show is not used, so not checked: it reads as its default', () => {
		// Interval shows only in poll mode; the download settings only while downloading.
		const options = { interval: 1, maxVideoMb: 0, binaryPropertyOutput: 'a b' };
		expect(readOptions(contextWith({ mode: 'none', options }), fields)).toMatchObject({
			interval: 10,
			maxVideoMb: 200,
			binaryPropertyOutput: 'data',
		});
		const shown = contextWith({ mode: 'none', options: { ...options, download: true } });
		expect(refusal(() => readOptions(shown, fields)).message).toBe(
			'Invalid "Max Video Size (MB)": must be a number from 1 to 4096',
		);
	});

	test('other defaults for unset options (a tool call) give way to what the user set', () => {
		const unset = { interval: 2, download: true };
		expect(readOptions(contextWith({ mode: 'poll' }), fields, 0, unset)).toMatchObject(unset);
		const set = contextWith({ mode: 'poll', options: { interval: 20 } });
		expect(readOptions(set, fields, 0, unset)).toMatchObject({ interval: 20, download: true });
	});
});

describe('readParameter', () => {
	test('a dropdown takes its listed values only, and says which when refusing', () => {
		expect(readParameter(contextWith({ mode: 'none' }), mode)).toBe('none');
		expect(readParameter(contextWith({}), mode)).toBe('poll');
		expect(refusal(() => readParameter(contextWith({ mode: 'wait' }), mode)).message).toBe(
			'Invalid "Mode": allowed: "poll", "none"',
		);
	});
});
