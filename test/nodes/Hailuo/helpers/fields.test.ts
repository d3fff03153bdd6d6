import type { IDataObject, IExecuteFunctions, INode, INodeProperties } from 'n8n-workflow';

import { Hailuo } from '../../../../nodes/Hailuo/Hailuo.node';
import { numberField } from '../../../../nodes/Hailuo/helpers/fields';
import { readOptions, readValue } from '../../../../nodes/Hailuo/helpers/parameters';
import { generateVideo } from '../../../../nodes/Hailuo/actions/video';
import { pollIntervalField } from '../../../../nodes/Hailuo/actions/video/waitForVideo';

const node = { name: 'Hailuo', type: 'n8n-nodes-hailuo.hailuo' } as INode;

/** Generate Video's options as the editor gets them, from the node's description. */
const generateVideoOptions = () =>
	new Hailuo().description.properties.find(
		(property) =>
			property.name === 'options' &&
			property.displayOptions?.show?.operation?.includes('generateVideo'),
	)?.options as INodeProperties[];

function describedPollInterval(): INodeProperties {
	const found = generateVideoOptions().find((option) => option.name === 'pollInterval');
	if (!found) throw new Error('Generate Video has no Poll Interval option');
	return found;
}

const poll = (options: Record<string, unknown>) =>
	({
		getNode: () => node,
		getInputData: () => [{ json: {} }],
		getNodeParameter: (name: string, _i: number, fallback: unknown) =>
			({ waitMode: 'poll', options })[name] ?? fallback,
	}) as unknown as IExecuteFunctions;

const problemFor = (run: () => unknown) => {
	try {
		run();
	} catch (error) {
		return (error as Error).message;
	}
	return undefined;
};

describe('one declaration per field: the editor, the reader and the message use the same numbers', () => {
	test("Poll Interval's described default, range and label are what its reader applies", () => {
		const described = describedPollInterval();
		const { minValue, maxValue } = described.typeOptions ?? {};
		expect([described.default, minValue, maxValue]).toEqual([10, 2, 600]);
		const read = (value: unknown) =>
			readOptions(poll({ pollInterval: value }), [pollIntervalField]).pollInterval;
		expect(read(undefined)).toBe(described.default);
		expect(read(minValue)).toBe(minValue);
		expect(read(maxValue)).toBe(maxValue);
		const message = `Invalid "${described.displayName}": must be a number from ${minValue} to ${maxValue}`;
		expect(problemFor(() => read(Number(minValue) - 0.5))).toBe(message);
		expect(problemFor(() => read(Number(maxValue) + 1))).toBe(message);
	});

	test('changing the declared default and range changes the property, the reader and the message', () => {
		const changed = numberField({
			...pollIntervalField.property,
			default: 30,
			typeOptions: { minValue: 5, maxValue: 60 },
		});
		expect(changed.property).toMatchObject({
			default: 30,
			typeOptions: { minValue: 5, maxValue: 60 },
		});
		expect(readOptions(poll({}), [changed]).pollInterval).toBe(30);
		expect(readValue(node, changed, 60)).toBe(60);
		expect(problemFor(() => readValue(node, changed, 4))).toBe(
			'Invalid "Poll Interval (Seconds)": must be a number from 5 to 60',
		);
		expect(problemFor(() => readValue(node, changed, 61))).toBe(
			'Invalid "Poll Interval (Seconds)": must be a number from 5 to 60',
		);
		expect(problemFor(() => readValue(node, pollIntervalField, 61))).toBeUndefined();
	});

	test("with no option set, Generate Video reads every option as the description's default", async () => {
		const described = Object.fromEntries(
			generateVideoOptions().map((option) => [option.name, option.default]),
		);
		const parameters: IDataObject = {
			waitMode: 'poll',
			prompt: 'Steam rises',
			imageSource: 'url',
			imageUrl: 'https://example.com/cup.jpg',
			model: 'hailuo/2-3-image-to-video-standard',
			duration: '6',
			resolution: '768P',
		};
		const context = {
			getNode: () => node,
			getInputData: () => [{ json: {} }],
			isToolExecution: () => false,
			getNodeParameter: (name: string, _i: number, fallback: unknown) =>
				parameters[name] ?? fallback,
		} as unknown as IExecuteFunctions;
		const prepared = await generateVideo.prepare.call(context, 0);
		expect(prepared.wait).toEqual({
			waitMode: 'poll',
			pollInterval: described.pollInterval,
			maxWait: described.maxWait,
			onTimeout: described.onTimeout,
		});
		expect(prepared.pace).toEqual({
			createsPerSecond: described.createsPerSecond,
			createConcurrency: described.createConcurrency,
			readsPerSecond: described.readsPerSecond,
		});
		expect(prepared.maxCredits).toBe(described.maxCredits);
		expect(prepared.download).toEqual({
			field: described.binaryPropertyOutput,
			maxBytes: Number(described.maxVideoMb) * 1024 * 1024,
			timeoutMs: Number(described.downloadTimeout) * 1000,
		});
		expect(described.download).toBe(true);
	});
});
