import { publicHeaders } from '../../../../../nodes/Hailuo/helpers/trigger/deliveryHeaders';

const TOKEN = 'urltoken_0123456789abcdef';
const WHSEC = 'whsec_c2VjcmV0LWtleS1ieXRlcy0xMjM0NTY=';
const API_KEY = 'aio_live_key_0123456789';

test.each([
	['authorization', 'Bearer x'],
	['proxy-authorization', 'Basic eDp5'],
	['cookie', 'a=b'],
	['set-cookie', ['a=b', 'c=d']],
	['api-key', 'k'],
	['x-api-key', 'k'],
	['x-apikey', 'k'],
	['x-auth-token', 't'],
	['x-access-token', 't'],
	['x-amz-security-token', 't'],
	['x-csrf-token', 't'],
	['x-client-secret', 's'],
	['webhook-signature', 'v1,abc'],
	['x-hub-signature-256', 'sha256=abc'],
	['x-goog-authenticated-user-email', 'a@b'],
	['X-Custom-Auth', 'whatever'],
	['x-session-id', 's'],
	['x-password', 'p'],
])('drops the credential-like header %s', (name, value) => {
	const kept = publicHeaders({ [name]: value, 'x-request-id': 'r1' }, undefined, []);
	expect(kept).toEqual({ 'x-request-id': 'r1' });
});

test('drops the signature header the user named, in any letter case', () => {
	expect(publicHeaders({ 'x-hailuo-mac': 'abc', accept: '*/*' }, 'X-Hailuo-MAC', [])).toEqual({
		accept: '*/*',
	});
});

test.each([
	['the URL token', `https://example.com/cb/${TOKEN}`],
	['the URL token in capitals', TOKEN.toUpperCase()],
	['the signing secret', `echo ${WHSEC}`],
	["the signing secret's key without whsec_", WHSEC.slice('whsec_'.length)],
	['the URL-encoded signing secret', `?s=${encodeURIComponent(WHSEC)}`],
	['the API key', `key=${API_KEY}`],
	['the API key in a list value', ['one', `two ${API_KEY}`]],
])('drops any header whose value contains %s', (_case, value) => {
	const kept = publicHeaders({ 'x-forwarded-uri': value, 'user-agent': 'sender/1' }, undefined, [
		TOKEN,
		WHSEC,
		API_KEY,
	]);
	expect(kept).toEqual({ 'user-agent': 'sender/1' });
});

test('keeps ordinary headers (lists joined), ignores empty secrets', () => {
	expect(
		publicHeaders(
			{
				'content-type': 'application/json',
				'x-trace': ['a', 'b'],
				'webhook-id': 'msg_1',
				gone: undefined,
			},
			undefined,
			['', API_KEY],
		),
	).toEqual({ 'content-type': 'application/json', 'x-trace': 'a, b', 'webhook-id': 'msg_1' });
});
