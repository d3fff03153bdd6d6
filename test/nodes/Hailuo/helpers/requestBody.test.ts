import type { IDataObject } from 'n8n-workflow';

import {
	buildRequestBody,
	checkRequestBody,
	MAX_BODY_BYTES,
	sentImageProblem,
	unreachableResumeOrigin,
} from '../../../../nodes/Hailuo/helpers/requestBody';
import type { GenerateVideoParameters } from '../../../../nodes/Hailuo/helpers/schemas';

const parameters: GenerateVideoParameters = {
	prompt: 'Steam rises from the cup [Push in]',
	model: 'hailuo/2-3-image-to-video-standard',
	duration: '6',
	resolution: '768P',
	callbackUrl: undefined,
	extraBody: {},
};
const image = 'https://example.com/cup.jpg';
const png = `data:image/png;base64,${Buffer.from('\x89PNG\r\n\x1a\nrest').toString('base64')}`;

/** The body the node would send with these Extra Body Fields, and what the check says of it. */
const withExtra = (extraBody: IDataObject, callbackUrl?: string) =>
	checkRequestBody(
		buildRequestBody({ ...parameters, extraBody }, image, callbackUrl),
		new Set(Object.keys(extraBody)),
	);

describe('buildRequestBody', () => {
	test('the node fields, the callback URL, then Extra Body Fields merged last', () => {
		expect(
			buildRequestBody(
				{ ...parameters, extraBody: { seed: 42, duration: '10' } },
				image,
				'https://n8n.example.com/hook',
			),
		).toEqual({
			model: 'hailuo/2-3-image-to-video-standard',
			prompt: 'Steam rises from the cup [Push in]',
			image,
			duration: '10',
			resolution: '768P',
			callback_url: 'https://n8n.example.com/hook',
			seed: 42,
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
		const body = buildRequestBody(
			{ ...parameters, duration: '10', extraBody: { resolution: '1080P' } },
			image,
			undefined,
		);
		expect(checkRequestBody(body, new Set(['resolution']))).toEqual({
			field: 'Extra Body Fields',
			problem: expect.stringContaining('"resolution" 10 s is only available at 768P'),
		});
	});

	test("a problem in the node's own fields names the field", () => {
		const body = buildRequestBody(
			{ ...parameters, duration: '10', resolution: '1080P' },
			image,
			undefined,
		);
		expect(checkRequestBody(body, new Set())).toEqual({
			field: 'Duration',
			problem: expect.stringContaining('only available at 768P'),
		});
	});

	test('the whole body is capped', () => {
		const body: IDataObject = { ...buildRequestBody(parameters, png, undefined) };
		body.padding = 'x'.repeat(MAX_BODY_BYTES);
		expect(checkRequestBody(body, new Set())?.problem).toMatch(/the request would be .* MB/);
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
		expect(
			checkRequestBody(buildRequestBody(parameters, png, undefined), new Set()),
		).toBeUndefined();
	});
});

describe('sentImageProblem', () => {
	test('an inline image of exactly 10 MB passes', () => {
		const bytes = 10 * 1024 * 1024;
		const base64 = 'A'.repeat(Math.floor(bytes / 3) * 4) + 'AA==';
		expect(sentImageProblem(`data:image/jpeg;base64,${base64}`)).toBeUndefined();
	});
});

describe('unreachableResumeOrigin: a resume URL the API could never call', () => {
	const resume = (origin: string) => `${origin}/webhook-waiting/42?signature=abc`;

	test('a resume URL on this machine only, with the API elsewhere, is named by its origin alone', () => {
		expect(
			unreachableResumeOrigin(resume('http://localhost:5678'), 'https://apiin.one/api/v1'),
		).toBe('http://localhost:5678');
		expect(
			unreachableResumeOrigin(resume('http://127.0.0.1:5678'), 'https://proxy.example.com/v1'),
		).toBe('http://127.0.0.1:5678');
		expect(unreachableResumeOrigin(resume('http://[::1]:80'), 'http://10.0.0.9/api/v1')).toBe(
			'http://[::1]',
		);
	});

	test('an API on this machine too (the sandbox, a local proxy) can call it', () => {
		for (const api of ['http://127.0.0.1:8787/api/v1', 'http://localhost/api/v1']) {
			expect(unreachableResumeOrigin(resume('http://localhost:5678'), api)).toBeUndefined();
		}
	});

	test('a resume URL on a network address or a public name is left to the operator', () => {
		for (const origin of [
			'https://n8n.example.com',
			'http://10.0.0.5:5678',
			'http://n8n-main:5678',
		]) {
			expect(unreachableResumeOrigin(resume(origin), 'https://apiin.one/api/v1')).toBeUndefined();
		}
	});
});
