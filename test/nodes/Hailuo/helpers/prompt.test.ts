import { countCharacters, promptProblem } from '../../../../nodes/Hailuo/helpers/prompt';

describe('Prompt, counted as a person counts characters', () => {
	test.each([
		['1001 emoji', '😀'.repeat(1001), 1001],
		['2000 family emoji (ZWJ sequences)', '👨‍👩‍👧‍👦'.repeat(2000), 2000],
		['2000 flags', '🇫🇷'.repeat(2000), 2000],
		['2000 accented letters written with combining marks', 'e\u0301'.repeat(2000), 2000],
		['2000 CJK characters', '猫'.repeat(2000), 2000],
	])('%s are accepted', (_, prompt, characters) => {
		expect(countCharacters(prompt)).toBe(characters);
		expect(promptProblem(prompt)).toBeUndefined();
	});

	test('a visible word among invisible characters is accepted as written', () => {
		expect(promptProblem('\u200bpush in\u200b')).toBeUndefined();
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
		expect(promptProblem(prompt)).toContain(problem);
	});
});
