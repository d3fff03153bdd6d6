import type { INode } from 'n8n-workflow';

import { readValue } from '../../../../nodes/Hailuo/helpers/parameters';
import { extraBodyField } from '../../../../nodes/Hailuo/helpers/requestFields';

const node = { name: 'Hailuo', type: 'n8n-nodes-hailuo.hailuo' } as INode;

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
		expect(() => readValue(node, extraBodyField, change.extraBody, 3)).toThrow(
			expect.objectContaining({
				message: expect.stringMatching(new RegExp(`^Invalid "Extra Body Fields": .*${problem}`)),
				description: expect.stringContaining('no credits were used'),
				context: expect.objectContaining({ itemIndex: 3 }),
			}),
		);
	});

	test('a cyclic object from an expression is refused, not a crash', () => {
		const cyclic: Record<string, unknown> = {};
		cyclic.self = cyclic;
		expect(() => readValue(node, extraBodyField, cyclic)).toThrow('at most 32 levels');
	});

	test('is what will be sent: plain JSON values only', () => {
		const value = { seed: 1, drop: undefined, when: new Date(0) };
		expect(readValue(node, extraBodyField, value)).toEqual({
			seed: 1,
			when: '1970-01-01T00:00:00.000Z',
		});
	});

	test('just under 64 KB is accepted', () => {
		const extraBody = JSON.stringify({ pad: 'x'.repeat(64 * 1024 - 20) });
		expect(readValue(node, extraBodyField, extraBody)).toEqual(JSON.parse(extraBody));
	});
});

test.each([
	['{"seed": 7}', { seed: 7 }],
	[{ seed: 7 }, { seed: 7 }],
	['', {}],
	[undefined, {}],
])('%p is read as %p', (value, parsed) => {
	expect(readValue(node, extraBodyField, value)).toEqual(parsed);
});

test.each(['[1, 2]', '{not json', '"text"'])('%p is not a JSON object', (value) => {
	expect(() => readValue(node, extraBodyField, value)).toThrow(
		'Invalid "Extra Body Fields": must be a JSON object',
	);
});
