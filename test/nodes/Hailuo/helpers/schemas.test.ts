import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	generateVideoSchema,
	imageUrlSchema,
	parseParameters,
	taskIdSchema,
	waitOptionsSchema,
} from '../../../../nodes/Hailuo/helpers/schemas';

const node = { name: 'Hailuo', type: 'n8n-nodes-hailuo.hailuo' } as INode;
const valid = {
	prompt: 'A cup of coffee steaming [Push in]',
	model: 'hailuo/2-3-image-to-video-standard',
	duration: '6',
	resolution: '768P',
	callbackUrl: '',
	extraBody: '{}',
};

const errorFor = (values: Record<string, unknown>) => {
	try {
		parseParameters(node, generateVideoSchema, values as never, 3);
	} catch (error) {
		return error as NodeOperationError;
	}
	throw new Error('expected a refusal');
};

describe('generateVideoSchema', () => {
	test('turns valid parameters into a typed request', () => {
		expect(
			parseParameters(
				node,
				generateVideoSchema,
				{ ...valid, prompt: '  spaced  ', duration: 10 as never, resolution: '768p' },
				0,
			),
		).toEqual({
			prompt: 'spaced',
			model: 'hailuo/2-3-image-to-video-standard',
			duration: '10',
			resolution: '768P',
			callbackUrl: undefined,
			extraBody: {},
		});
	});

	test('accepts an extraBody object', () => {
		const parsed = parseParameters(
			node,
			generateVideoSchema,
			{ ...valid, extraBody: { seed: 7 } as never },
			0,
		);
		expect(parsed.extraBody).toEqual({ seed: 7 });
	});

	test.each([
		[{ prompt: '' }, 'Prompt', 'must not be empty'],
		[{ prompt: '   \n ' }, 'Prompt', 'must not be empty'],
		[{ prompt: 'x'.repeat(2001) }, 'Prompt', 'at most 2000 characters'],
		[{ duration: '10', resolution: '1080P' }, 'Duration', 'only available at 768P'],
		[{ duration: '8' }, 'Duration', 'allowed: "6", "10"'],
		[{ resolution: '4K' }, 'Resolution', 'allowed: "768P", "1080P"'],
		[{ model: 'hailuo-2-3' }, 'Model', 'allowed: "hailuo/2-3-image-to-video-standard"'],
		[{ extraBody: '[1, 2]' }, 'Extra Body Fields', 'must be a JSON object'],
		[{ extraBody: '{not json' }, 'Extra Body Fields', 'must be a JSON object'],
		[{ extraBody: '"text"' }, 'Extra Body Fields', 'must be a JSON object'],
		[{ callbackUrl: 'mailto:me@example.com' }, 'Callback URL', 'http:// or https://'],
	])('refuses %j naming "%s"', (change, label, problem) => {
		const error = errorFor({ ...valid, ...change });
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toContain(`Invalid "${label}"`);
		expect(error.message).toContain(problem);
		expect(error.description).toContain('no credits were used');
		expect(error.context.itemIndex).toBe(3);
	});
});

describe('imageUrlSchema', () => {
	test('accepts a public http(s) link', () => {
		expect(
			parseParameters(node, imageUrlSchema, { imageUrl: ' https://example.com/a.jpg ' }, 0)
				.imageUrl,
		).toBe('https://example.com/a.jpg');
	});

	test.each([
		'',
		'ftp://example.com/a.jpg',
		'not a url',
		'javascript:alert(1)',
		'file:///etc/passwd',
		'data:image/png;base64,iVBORw0KGgo=',
	])('refuses %p, pointing binary images to the other Image Source', (imageUrl) => {
		expect(() => parseParameters(node, imageUrlSchema, { imageUrl }, 0)).toThrow(
			/Invalid "Image URL": must be a public http:\/\/ or https:\/\/ URL/,
		);
	});
});

describe('taskIdSchema', () => {
	test.each(['task_123', 'abc-DEF.9:x', '  padded  '])('accepts %p', (id) => {
		expect(taskIdSchema.parse(id)).toBe(id.trim());
	});
	test.each(['', '../secrets', 'a/b', 'id?x=1', 'id#frag', 'a b', '%2e%2e', '-leading'])(
		'refuses %p',
		(id) => {
			expect(taskIdSchema.safeParse(id).success).toBe(false);
		},
	);
});

describe('waitOptionsSchema', () => {
	const base = {
		waitMode: 'poll',
		pollInterval: 10,
		maxWait: 600,
		onTimeout: 'error',
		createConcurrency: 5,
	};
	test.each([
		[{ pollInterval: 1 }, 'at least 2 seconds'],
		[{ maxWait: 3601 }, 'at most 3600'],
		[{ waitMode: 'forever' }, 'allowed: "poll"'],
		[{ createConcurrency: 0 }, ''],
	])('refuses %j', (change, problem) => {
		const result = waitOptionsSchema.safeParse({ ...base, ...change });
		expect(result.success).toBe(false);
		if (!result.success) expect(result.error.issues[0].message).toContain(problem);
	});
});
