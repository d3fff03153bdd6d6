import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';

import { prepare } from '../../../../../nodes/Hailuo/actions/video/generateVideo.operation';

const node = { name: 'Hailuo', type: 'n8n-nodes-hailuo.hailuo' } as INode;
const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]);
const fileItem: INodeExecutionData = {
	json: {},
	binary: { data: { data: '', mimeType: 'image/jpeg', fileName: 'cup.jpg', bytes: 6 } as never },
};
const valid: IDataObject = {
	prompt: 'Steam rises from the cup [Push in]',
	imageSource: 'binary',
	binaryPropertyName: 'data',
};

/** Generate Video's prepare with these parameters and input items; how often the file was loaded. */
async function prepared(
	parameters: IDataObject,
	items: INodeExecutionData[] = [fileItem],
	more: IDataObject = {},
) {
	const loads: string[] = [];
	const context = {
		getNode: () => node,
		getInputData: () => items,
		getNodeParameter: (name: string, _i: number, fallback: unknown) => parameters[name] ?? fallback,
		helpers: {
			getBinaryDataBuffer: async (_i: number, name: string) => {
				loads.push(name);
				return jpeg;
			},
		},
		...more,
	} as unknown as IExecuteFunctions;
	try {
		return { result: await prepare.call(context, 0), loads };
	} catch (error) {
		return { error: (error as Error).message, loads };
	}
}

describe('Generate Video prepare: the cheap checks first, the input file last', () => {
	test('a valid binary input is loaded once and sent inline', async () => {
		const { result, loads } = await prepared(valid);
		expect(loads).toEqual(['data']);
		expect(result?.body.image).toBe(`data:image/jpeg;base64,${jpeg.toString('base64')}`);
	});

	test('an empty prompt is refused before the file is loaded', async () => {
		expect(await prepared({ ...valid, prompt: '  ' })).toEqual({
			error: expect.stringMatching(/^Invalid "Prompt": must not be empty/),
			loads: [],
		});
	});

	test('an empty prompt is named before a missing binary field', async () => {
		const { error } = await prepared({ ...valid, prompt: '', binaryPropertyName: 'photo' });
		expect(error).toMatch(/^Invalid "Prompt": must not be empty/);
	});

	test('10 s × 1080P is refused before the file is loaded', async () => {
		const { error, loads } = await prepared({ ...valid, duration: '10', resolution: '1080P' });
		expect(error).toContain('10 s is only available at 768P');
		expect(loads).toEqual([]);
	});

	test('a file declared over the limit is refused from its metadata, not loaded', async () => {
		const big = { ...fileItem.binary!.data, bytes: 11 * 1024 * 1024 };
		const { error, loads } = await prepared(valid, [{ json: {}, binary: { data: big } }]);
		expect(error).toBe(
			'Invalid "Input Binary Field": the image is 11.0 MB; at most 10 MB is allowed',
		);
		expect(loads).toEqual([]);
	});
});

describe('Generate Video prepare: Image Source', () => {
	test('an expression may give it in any letter case', async () => {
		expect((await prepared({ ...valid, imageSource: ' Binary ' })).loads).toEqual(['data']);
		const { result } = await prepared({
			...valid,
			imageSource: 'URL',
			imageUrl: 'https://example.com/cup.jpg',
		});
		expect(result?.body.image).toBe('https://example.com/cup.jpg');
	});

	test('an unknown value is refused with the allowed ones', async () => {
		expect(await prepared({ ...valid, imageSource: 'file' })).toEqual({
			error: 'Invalid "Image Source": allowed: "url", "binary"',
			loads: [],
		});
	});
});

describe('Generate Video prepare: what Wait for Callback refuses, before anything is read', () => {
	const callback = { ...valid, waitMode: 'callback' };

	test('more than one input item', async () => {
		expect(await prepared(callback, [fileItem, fileItem])).toEqual({
			error: expect.stringMatching(
				/^Invalid "Wait Mode": "Wait for Callback" takes one item per run; use "Wait Until Done \(Poll\)"/,
			),
			loads: [],
		});
	});

	test('a Callback URL of its own', async () => {
		const options = { callbackUrl: 'https://hooks.example.com/hailuo' };
		expect(await prepared({ ...callback, options })).toEqual({
			error:
				'Invalid "Callback URL": leave it empty with "Wait for Callback": the node sends its own resume URL',
			loads: [],
		});
	});

	test('one item and an empty Callback URL pass: the resume URL is sent', async () => {
		const resumeUrl = 'https://n8n.example.com/webhook-waiting/7?signature=abc';
		const { result } = await prepared({ ...callback, options: { callbackUrl: '  ' } }, [fileItem], {
			evaluateExpression: () => resumeUrl,
			getCredentials: async () => ({ apiKey: 'k', baseUrl: 'https://apiin.one/api/v1' }),
		});
		expect(result?.body.callback_url).toBe(resumeUrl);
	});
});
