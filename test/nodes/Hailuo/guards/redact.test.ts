import { redact, redactJson } from '../../../../nodes/Hailuo/guards/redact';

const KEY = 'aio_secret_key_0123456789';

test('removes the API key from every text and key, at any depth, leaving the rest alone', () => {
	const json = {
		error: `upstream said: Bearer ${KEY} is invalid`,
		raw: { data: { list: [`x${KEY}y`, 3, null, true, { [KEY]: KEY }] } },
		count: 2,
	};
	const redacted = redactJson(json, KEY);
	expect(JSON.stringify(redacted)).not.toContain(KEY);
	expect(redacted).toEqual({
		error: 'upstream said: Bearer *** is invalid',
		raw: { data: { list: ['x***y', 3, null, true, { '***': '***' }] } },
		count: 2,
	});
	expect(json.error).toContain(KEY);
});

test('no key, nothing changes', () => {
	const json = { a: 'aio_', b: ['c'] };
	expect(redactJson(json, '')).toEqual(json);
});

test('redact replaces every occurrence, and leaves text alone for a key too short to be one', () => {
	expect(redact(`${KEY}/${KEY}`, KEY)).toBe('***/***');
	expect(redact('abc', '')).toBe('abc');
});
