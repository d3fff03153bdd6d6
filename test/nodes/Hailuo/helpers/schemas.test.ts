import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { z } from 'zod';

import {
	countCharacters,
	generateVideoSchema,
	imageUrlSchema,
	parseParameters,
	taskIdInputSchema,
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
		[{ prompt: undefined }, 'Prompt', 'a value is required'],
		[{ duration: undefined }, 'Duration', 'allowed: "6", "10"'],
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

describe('Prompt, counted as a person counts characters', () => {
	const parsePrompt = (prompt: string) =>
		parseParameters(node, generateVideoSchema, { ...valid, prompt }, 0).prompt;

	test.each([
		['1001 emoji', '😀'.repeat(1001), 1001],
		['2000 family emoji (ZWJ sequences)', '👨‍👩‍👧‍👦'.repeat(2000), 2000],
		['2000 flags', '🇫🇷'.repeat(2000), 2000],
		['2000 accented letters written with combining marks', 'e\u0301'.repeat(2000), 2000],
		['2000 CJK characters', '猫'.repeat(2000), 2000],
	])('%s are accepted', (_, prompt, characters) => {
		expect(countCharacters(prompt)).toBe(characters);
		expect(parsePrompt(prompt)).toBe(prompt);
	});

	test('a visible word among invisible characters is accepted as written', () => {
		expect(parsePrompt('\u200bpush in\u200b')).toBe('\u200bpush in\u200b');
	});

	test.each([
		['2001 emoji', '😀'.repeat(2001), 'at most 2000 characters (it has 2001)'],
		['2001 flags', '🇫🇷'.repeat(2001), 'at most 2000 characters (it has 2001)'],
		['one letter under 40,000 combining marks', 'e' + '\u0301'.repeat(40_000), 'UTF-16 code units'],
		['zero-width spaces', '\u200b\u200c\u200d', 'must not be empty'],
		['word joiner and BOM', '\u2060\ufeff', 'must not be empty'],
		['soft hyphens', '\u00ad\u00ad', 'must not be empty'],
		['bidi controls', '\u202e\u2066\u2069', 'must not be empty'],
		['Hangul fillers', '\u3164\u115f', 'must not be empty'],
		['lone combining marks', '\u0301\u0308', 'must not be empty'],
		['variation selectors', '\ufe0f\ufe0e', 'must not be empty'],
		['tag characters', '\u{e0041}\u{e0042}', 'must not be empty'],
		['non-breaking and ideographic spaces', '\u00a0\u3000\u2007', 'must not be empty'],
		['control characters', '\u0000\u0007\u007f', 'must not be empty'],
		['braille blank', '\u2800\u2800', 'must not be empty'],
		['a mix', ' \u200b\n\t\u00ad\ufeff ', 'must not be empty'],
	])('%s are refused', (_, prompt, problem) => {
		const error = errorFor({ ...valid, prompt });
		expect(error.message).toContain('Invalid "Prompt"');
		expect(error.message).toContain(problem);
	});
});

describe('Extra Body Fields as parsed', () => {
	test.each([
		[{ extraBody: `{"pad": "${'x'.repeat(70_000)}"}` }, 'at most 64 KB is allowed'],
		[{ extraBody: 'x'.repeat(5 * 1024 * 1024) }, 'at most 64 KB is allowed'],
		[{ extraBody: { pad: 'x'.repeat(70_000) } }, 'at most 64 KB is allowed'],
		[{ extraBody: '{"a":' + '['.repeat(40) + ']'.repeat(40) + '}' }, 'at most 32 levels'],
		[{ extraBody: '{"a":' + '['.repeat(30_000) + ']'.repeat(30_000) + '}' }, 'at most 32 levels'],
		[{ extraBody: '{"__proto__": {"polluted": true}}' }, '"__proto__"'],
		[{ extraBody: 'null' }, 'must be a JSON object'],
		[{ extraBody: '42' }, 'must be a JSON object'],
	])('refuses %#', (change, problem) => {
		const error = errorFor({ ...valid, ...change });
		expect(error.message).toContain('Invalid "Extra Body Fields"');
		expect(error.message).toContain(problem);
	});

	test('a cyclic object from an expression is refused, not a crash', () => {
		const cyclic: Record<string, unknown> = {};
		cyclic.self = cyclic;
		expect(errorFor({ ...valid, extraBody: cyclic }).message).toContain('at most 32 levels');
	});

	test('is what will be sent: plain JSON values only', () => {
		const parsed = parseParameters(
			node,
			generateVideoSchema,
			{ ...valid, extraBody: { seed: 1, drop: undefined, when: new Date(0) } as never },
			0,
		);
		expect(parsed.extraBody).toEqual({ seed: 1, when: '1970-01-01T00:00:00.000Z' });
	});

	test('just under 64 KB is accepted', () => {
		const extraBody = JSON.stringify({ pad: 'x'.repeat(64 * 1024 - 20) });
		expect(
			parseParameters(node, generateVideoSchema, { ...valid, extraBody }, 0).extraBody,
		).toEqual(JSON.parse(extraBody));
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

	test.each([
		['http://127.0.0.1/a.jpg', '127.0.0.1 is a loopback address'],
		['http://localhost:8080/a.jpg', 'localhost is a local name'],
		['http://[::1]/a.jpg', '[::1] is a loopback address'],
		['http://2130706433/a.jpg', '127.0.0.1 is a loopback address'],
		['http://0x7f.1/a.jpg', '127.0.0.1 is a loopback address'],
		['http://[::ffff:127.0.0.1]/a.jpg', 'an IPv6 form of a loopback address'],
		['https://169.254.169.254/latest/meta-data/', 'link-local'],
		['https://10.0.0.5/a.jpg', 'private network'],
		['https://192.168.0.2/a.jpg', 'private network'],
	])('refuses %p as not public', (imageUrl, reason) => {
		expect(() => parseParameters(node, imageUrlSchema, { imageUrl }, 0)).toThrow(
			new RegExp(
				`Invalid "Image URL": its host .*${reason.replace(/[[\]().]/g, '\\$&')}.*` +
					'the provider fetches the image from the internet, so it must be a public address',
			),
		);
	});

	test('refuses a URL over 2048 characters, accepts one of 2048', () => {
		const base = 'https://example.com/';
		const at = (length: number) => base + 'a'.repeat(length - base.length);
		expect(parseParameters(node, imageUrlSchema, { imageUrl: at(2048) }, 0).imageUrl).toHaveLength(
			2048,
		);
		expect(() => parseParameters(node, imageUrlSchema, { imageUrl: at(2049) }, 0)).toThrow(
			'must be at most 2048 characters (it has 2049)',
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

describe('taskIdInputSchema (the Task ID field)', () => {
	test.each([
		[123456789012345, '123456789012345'],
		[Number.MAX_SAFE_INTEGER, '9007199254740991'],
		[0, '0'],
		[BigInt('123456789012345678'), '123456789012345678'],
		['123456789012345678', '123456789012345678'],
		[' task_1 ', 'task_1'],
	])('accepts %p as %p', (value, text) => {
		expect(taskIdInputSchema.parse(value)).toBe(text);
	});

	test.each([
		[
			123456789012345678,
			'the expression gave the number 123456789012345680, larger than JavaScript holds exactly',
		],
		[Number.MAX_SAFE_INTEGER + 1, 'larger than JavaScript holds exactly'],
		[1e21, 'larger than JavaScript holds exactly'],
		[12.5, 'whole number; the expression gave 12.5'],
		[-7, 'whole number; the expression gave -7'],
		[NaN, 'whole number; the expression gave NaN'],
		[Infinity, 'whole number; the expression gave Infinity'],
		[true, 'must be text or a whole number'],
		[null, 'must be text or a whole number'],
		[{ id: 1 }, 'must be text or a whole number'],
	])('refuses %p', (value, problem) => {
		expect(() =>
			parseParameters(node, z.object({ taskId: taskIdInputSchema }), { taskId: value as never }, 0),
		).toThrow(new RegExp(`^Invalid "Task ID": .*${problem.replace(/[().+]/g, '\\$&')}`));
	});
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
