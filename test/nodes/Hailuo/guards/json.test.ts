import { asObject, errorTextOf, textOf } from '../../../../nodes/Hailuo/guards/json';

test('asObject takes objects with keys only: not arrays, null or text', () => {
	expect(asObject({ a: 1 })).toEqual({ a: 1 });
	for (const value of [[1], null, 'text', 3, undefined]) expect(asObject(value)).toBeUndefined();
});

test('textOf: trimmed text with something in it, or a number as its digits', () => {
	expect(textOf('  done ')).toBe('done');
	expect(textOf(1002)).toBe('1002');
	for (const value of ['   ', '', null, true, { a: 1 }]) expect(textOf(value)).toBeUndefined();
});

test('errorTextOf: the text itself, or the first message an error object carries', () => {
	expect(errorTextOf(' quota ')).toBe('quota');
	expect(errorTextOf({ msg: 'm', detail: 'd' })).toBe('m');
	expect(errorTextOf({ detail: 'd', error: 'e' })).toBe('d');
	expect(errorTextOf({ code: 5 })).toBeUndefined();
});
