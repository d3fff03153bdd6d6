import {
	jsonNestingExceeds,
	MAX_JSON_DEPTH,
} from '../../../../../nodes/Hailuo/helpers/trigger/jsonDepth';

const nested = (depth: number, open = '{"a":', close = '}', inner = '1') =>
	Buffer.from(`${open.repeat(depth - 1)}{"v":${inner}}${close.repeat(depth - 1)}`);

test('64 levels pass, 65 do not', () => {
	expect(MAX_JSON_DEPTH).toBe(64);
	expect(jsonNestingExceeds(nested(64))).toBe(false);
	expect(jsonNestingExceeds(nested(65))).toBe(true);
	expect(jsonNestingExceeds(nested(65, '[', ']'))).toBe(true);
	expect(jsonNestingExceeds(nested(40, '[{"x":', '}]'))).toBe(true);
});

test('brackets inside strings, escaped quotes included, do not count', () => {
	const text = `{"s":"${'{['.repeat(200)}\\"${'[{'.repeat(200)}","n":${nested(3).toString()}}`;
	expect(JSON.parse(text)).toBeTruthy();
	expect(jsonNestingExceeds(Buffer.from(text))).toBe(false);
	expect(jsonNestingExceeds(Buffer.from(`{"s":"\\\\",${'['.repeat(70)}${']'.repeat(70)}}`))).toBe(
		true,
	);
});

test('a million levels are measured without recursion', () => {
	expect(jsonNestingExceeds(Buffer.from('['.repeat(1_000_000)))).toBe(true);
	expect(jsonNestingExceeds(Buffer.from('[]'.repeat(500_000)))).toBe(false);
});
