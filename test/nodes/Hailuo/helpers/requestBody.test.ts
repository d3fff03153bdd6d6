import type { IDataObject } from 'n8n-workflow';

import type { RequestFields } from '../../../../nodes/Hailuo/helpers/requestBody';
import {
	addImageFile,
	buildRequestBody,
	checkRequestBody,
} from '../../../../nodes/Hailuo/helpers/requestBody';
import { imageProblem } from '../../../../nodes/Hailuo/helpers/imageRules';

const fields: RequestFields = {
	prompt: 'Steam rises from the cup [Push in]',
	model: 'hailuo/2-3-image-to-video-standard',
	duration: '6',
	resolution: '768P',
	callbackUrl: undefined,
	extraBody: {},
};
const url = 'https://example.com/cup.jpg';
const fromUrlField = (value: unknown = url) => ({ value, field: 'Image URL' });
const png = `data:image/png;base64,${Buffer.from('\x89PNG\r\n\x1a\nrest').toString('base64')}`;
const fromBinary = { value: png, field: 'Input Binary Field' };

/** What the check says of the body the node would send with these fields. */
const check = (change: Partial<RequestFields>, image = fromUrlField(), callbackUrl?: unknown) =>
	checkRequestBody(buildRequestBody({ ...fields, ...change }, image, callbackUrl));

/** The same, with these Extra Body Fields. */
const withExtra = (extraBody: IDataObject, callbackUrl?: string) =>
	check({ extraBody }, fromUrlField(), callbackUrl);

describe('buildRequestBody', () => {
	test('the node fields, the callback URL, then Extra Body Fields merged last', () => {
		expect(
			buildRequestBody(
				{ ...fields, extraBody: { seed: 42, duration: '10' } },
				fromUrlField(),
				'https://n8n.example.com/hook',
			),
		).toEqual({
			body: {
				model: 'hailuo/2-3-image-to-video-standard',
				prompt: 'Steam rises from the cup [Push in]',
				image: url,
				duration: '10',
				resolution: '768P',
				callback_url: 'https://n8n.example.com/hook',
				seed: 42,
			},
			sources: {
				model: 'Model',
				prompt: 'Prompt',
				image: 'Image URL',
				duration: 'Extra Body Fields',
				resolution: 'Resolution',
				callback_url: 'Callback URL',
				seed: 'Extra Body Fields',
			},
		});
	});
});

describe('checkRequestBody: what Extra Body Fields may not send', () => {
	const tooLargeImage = `data:image/png;base64,${'A'.repeat(Math.ceil((10 * 1024 * 1024 + 3) / 3) * 4)}`;
	test.each([
		[{ prompt: '' }, '"prompt" must not be empty'],
		[{ prompt: '   ' }, '"prompt" must not be empty'],
		[{ prompt: '\u200b\u200d\ufeff' }, '"prompt" must not be empty'],
		[{ prompt: '\u00ad\u2060' }, '"prompt" must not be empty'],
		[{ prompt: '😀'.repeat(2001) }, '"prompt" must be at most 2000 characters (it has 2001)'],
		[{ prompt: 7 }, '"prompt" must be text'],
		[{ prompt: null }, '"prompt" must be text'],
		[{ prompt: ['a'] }, '"prompt" must be text'],
		[{ image: 'file:///etc/passwd' }, '"image" must be a public http:// or https:// URL'],
		[{ image: 'javascript:alert(1)' }, '"image" must be a public http:// or https:// URL'],
		[{ image: 'ftp://example.com/a.jpg' }, '"image" must be a public http:// or https:// URL'],
		[{ image: 'gopher://127.0.0.1:25/' }, '"image" must be a public http:// or https:// URL'],
		[{ image: ' https://example.com/a.jpg' }, '"image" must be a public http:// or https:// URL'],
		[{ image: '' }, '"image" must be a public http:// or https:// URL'],
		[{ image: null }, '"image" must be text'],
		[{ image: 'http://127.0.0.1/a.jpg' }, '"image" its host 127.0.0.1 is a loopback address'],
		[{ image: 'http://localhost/a.jpg' }, 'is a local name'],
		[{ image: 'http://[::1]:8080/a.jpg' }, 'loopback'],
		[{ image: 'http://169.254.169.254/latest/' }, 'link-local'],
		[{ image: 'http://0x7f.1/a.jpg' }, 'loopback'],
		[{ image: 'http://2130706433/a.jpg' }, 'loopback'],
		[{ image: 'http://[::ffff:127.0.0.1]/a.jpg' }, 'loopback'],
		[{ image: `https://example.com/${'a'.repeat(2100)}` }, 'at most 2048 characters'],
		[{ image: 'data:text/html;base64,PGgxPg==' }, 'not a base64 JPEG, PNG or WebP'],
		[{ image: 'data:image/svg+xml;base64,PHN2Zz4=' }, 'not a base64 JPEG, PNG or WebP'],
		[{ image: 'data:image/png,rawbytes' }, 'not a base64 JPEG, PNG or WebP'],
		[{ image: 'data:image/png;base64,@@@@' }, 'not a base64 JPEG, PNG or WebP'],
		[{ image: 'data:image/png;base64,abc' }, 'not a base64 JPEG, PNG or WebP'],
		[{ image: tooLargeImage }, 'at most 10 MB'],
		[{ duration: '10', resolution: '1080P' }, '"duration" 10 s is only available at 768P'],
		[{ resolution: '1080P', duration: '10' }, '10 s is only available at 768P'],
		[{ duration: 6 }, '"duration" allowed: "6", "10" (as text)'],
		[{ duration: '8' }, '"duration" allowed: "6", "10"'],
		[{ duration: null }, '"duration" allowed: "6", "10"'],
		[{ resolution: '4K' }, '"resolution" allowed: "768P", "1080P"'],
		[{ resolution: '1080p' }, '"resolution" allowed: "768P", "1080P"'],
		[{ model: '' }, '"model" must be a model slug'],
		[{ model: '../../admin' }, '"model" must be a model slug'],
		[{ model: 'hailuo//pro' }, '"model" must be a model slug'],
		[{ model: 'hailuo pro' }, '"model" must be a model slug'],
		[{ model: 'a'.repeat(101) }, '"model" must be at most 100 characters'],
		[{ model: 42 }, '"model" must be text'],
		[{ model: 'hailuo/3-0-new', duration: '-1' }, '"duration" must be a whole number of seconds'],
		[{ model: 'hailuo/3-0-new', duration: 6.5 }, '"duration" must be a whole number of seconds'],
		[{ model: 'hailuo/3-0-new', resolution: '<b>' }, '"resolution" must be a resolution'],
		[{ callback_url: 'javascript:alert(1)' }, '"callback_url" must be an http:// or https:// URL'],
		[{ callback_url: 'file:///tmp/x' }, '"callback_url" must be an http:// or https:// URL'],
		[{ callback_url: 'data:text/plain,hi' }, '"callback_url" must be an http:// or https:// URL'],
		[{ callback_url: '//example.com/hook' }, '"callback_url" must be an http:// or https:// URL'],
		[{ callback_url: null }, '"callback_url" must be text'],
		[{ callback_url: `https://example.com/${'a'.repeat(2100)}` }, 'at most 2048 characters'],
	])('%j is refused', (extra, problem) => {
		const found = withExtra(extra);
		expect(found?.field).toBe('Extra Body Fields');
		expect(found?.problem).toContain(problem);
	});

	test('a 10 s × 1080P mix of the node field and an extra key names the extra key', () => {
		expect(check({ duration: '10', extraBody: { resolution: '1080P' } })).toEqual({
			field: 'Extra Body Fields',
			problem: expect.stringContaining('"resolution" 10 s is only available at 768P'),
		});
	});

	test('the whole body is capped', () => {
		const found = check({ extraBody: { padding: 'x'.repeat(14 * 1024 * 1024) } }, fromBinary);
		expect(found).toEqual({
			field: 'Extra Body Fields',
			problem: expect.stringMatching(/^the request would be 14\.0 MB; at most .* MB is sent$/),
		});
	});
});

describe('checkRequestBody: what Extra Body Fields may send', () => {
	test.each([
		[{}],
		[{ seed: 42, prompt_optimizer: false, nested: { a: [1, 2] } }],
		[{ model: 'hailuo/2-3-image-to-video-pro', duration: '10' }],
		[{ model: 'hailuo/3-0-image-to-video', duration: '8', resolution: '2K' }],
		[{ model: 'MiniMax-Hailuo-02', duration: 10, resolution: null }],
		[{ model: 'vendor.v2/model_x-1' }],
		[{ image: png }],
		[{ image: 'https://cdn.example.com/a.webp?sig=abc' }],
		[{ prompt: 'Camera pans 😀'.repeat(100) }],
		[{ callback_url: 'https://hooks.example.com/hailuo?token=abc' }],
		// The sandbox and a self-hosted proxy call back on a local address: allowed for callbacks.
		[{ callback_url: 'http://127.0.0.1:5678/webhook/hailuo' }],
	])('%j passes', (extra) => {
		expect(withExtra(extra)).toBeUndefined();
	});

	test('an inline image from Binary File From Input passes', () => {
		expect(check({}, fromBinary)).toBeUndefined();
	});
});

describe('the input file: the body checked without it, then what it adds (addImageFile)', () => {
	const pending = (change: Partial<RequestFields> = {}) =>
		buildRequestBody({ ...fields, ...change }, undefined, undefined);

	test('the rest of the body is checked before the file is read', () => {
		expect(checkRequestBody(pending())).toBeUndefined();
		expect(checkRequestBody(pending({ prompt: '' }))?.field).toBe('Prompt');
	});

	test('the file once read: in the body, its image rule and the body size checked', () => {
		expect(addImageFile(pending(), png)).toEqual({
			body: expect.objectContaining({ image: png, prompt: fields.prompt }),
			problem: undefined,
		});
		const large = `data:image/png;base64,${'A'.repeat(Math.ceil((10 * 1024 * 1024 + 3) / 3) * 4)}`;
		expect(addImageFile(pending(), large).problem).toEqual({
			field: 'Input Binary Field',
			problem: expect.stringContaining('at most 10 MB'),
		});
		const padded = pending({ extraBody: { padding: 'x'.repeat(14 * 1024 * 1024) } });
		expect(checkRequestBody(padded)).toBeUndefined();
		expect(addImageFile(padded, png).problem?.problem).toMatch(/^the request would be 14\.0 MB/);
	});

	test('an image from Extra Body Fields is checked with the body, and stays', () => {
		expect(checkRequestBody(pending({ extraBody: { image: 'ftp://x/a.jpg' } }))?.field).toBe(
			'Extra Body Fields',
		);
		const request = pending({ extraBody: { image: url } });
		expect(addImageFile(request, png)).toEqual({ body: request.body, problem: undefined });
	});
});

describe('imageProblem', () => {
	test('an inline image of exactly 10 MB passes, one byte more does not', () => {
		const bytes = 10 * 1024 * 1024;
		const base64 = 'A'.repeat(Math.floor(bytes / 3) * 4) + 'AA==';
		expect(imageProblem(`data:image/jpeg;base64,${base64}`)).toBeUndefined();
		expect(imageProblem(`data:image/jpeg;base64,${base64.slice(0, -4)}AAA=`)).toContain(
			'at most 10 MB',
		);
	});
});

describe("checkRequestBody: the node's own fields, named as the node shows them", () => {
	test('shaped fields that keep every rule pass', () => {
		expect(check({ duration: '10' })).toBeUndefined();
		expect(check({ model: 'hailuo/2-3-image-to-video-pro', resolution: '1080P' })).toBeUndefined();
	});

	test.each([
		[{ prompt: '' }, 'Prompt', 'must not be empty'],
		[{ prompt: undefined }, 'Prompt', 'a value is required'],
		[{ prompt: '   \n ' }, 'Prompt', 'must not be empty'],
		[{ prompt: 'x'.repeat(2001) }, 'Prompt', 'at most 2000 characters'],
		[{ prompt: 5 }, 'Prompt', 'must be text'],
		[{ duration: undefined }, 'Duration', 'allowed: "6", "10"'],
		[{ duration: '10', resolution: '1080P' }, 'Duration', 'only available at 768P'],
		[{ duration: '8' }, 'Duration', 'allowed: "6", "10"'],
		[{ resolution: '4K' }, 'Resolution', 'allowed: "768P", "1080P"'],
		// The Model field offers its choices only; a new model goes through Extra Body Fields.
		[{ model: 'hailuo-2-3' }, 'Model', 'allowed: "hailuo/2-3-image-to-video-standard"'],
		[{ model: undefined }, 'Model', 'allowed: "hailuo/2-3-image-to-video-standard"'],
	])('refuses %j naming "%s"', (change, label, problem) => {
		const found = check(change);
		expect(found?.field).toBe(label);
		expect(found?.problem).toContain(problem);
		// A dropdown's value is text by then: no "(as text)" for the node's own field.
		expect(found?.problem).not.toContain('(as text)');
	});

	test.each([
		['mailto:me@example.com', 'must be an http:// or https:// URL'],
		[`https://example.com/${'a'.repeat(2100)}`, 'at most 2048 characters'],
		[5, 'must be text'],
	])('refuses the Callback URL %p', (callbackUrl, problem) => {
		expect(check({}, fromUrlField(), callbackUrl)).toEqual({
			field: 'Callback URL',
			problem: expect.stringContaining(problem),
		});
	});

	test.each([
		'',
		'ftp://example.com/a.jpg',
		'not a url',
		'javascript:alert(1)',
		'file:///etc/passwd',
		'data:image/png;base64,iVBORw0KGgo=',
	])('refuses the Image URL %p, pointing files to the other Image Source', (imageUrl) => {
		expect(check({}, fromUrlField(imageUrl))).toEqual({
			field: 'Image URL',
			problem: expect.stringMatching(
				/^must be a public http:\/\/ or https:\/\/ URL .*set "Image Source" to "Binary File From Input"$/,
			),
		});
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
	])('refuses the Image URL %p as not public', (imageUrl, reason) => {
		const found = check({}, fromUrlField(imageUrl));
		expect(found?.field).toBe('Image URL');
		expect(found?.problem).toMatch(
			new RegExp(
				`^its host .*${reason.replace(/[[\]().]/g, '\\$&')}.*` +
					'the provider fetches the image from the internet, so it must be a public address',
			),
		);
	});

	test('an Image URL of 2048 characters passes, of 2049 not', () => {
		const at = (length: number) => url + 'a'.repeat(length - url.length);
		expect(check({}, fromUrlField(at(2048)))).toBeUndefined();
		expect(check({}, fromUrlField(at(2049)))?.problem).toBe(
			'must be at most 2048 characters (it has 2049)',
		);
	});
});
