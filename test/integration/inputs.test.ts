/**
 * Odd and hostile input through n8n's real engine: refused before any request (the sandbox
 * records nothing), or accepted with exactly what the node then sends.
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';

import type { InputItem } from '../harness/n8n';
import { runWorkflow } from '../harness/n8n';
import { useSandbox } from '../harness/sandbox';
import { generateVideoNode, getTaskNode, SAMPLE } from '../harness/workflows';

const { sandbox, credentials } = useSandbox();

const PRO = 'hailuo/2-3-image-to-video-pro';

const generate = (parameters: Record<string, unknown> = {}, change = {}) => [
	generateVideoNode({ waitMode: 'none', ...parameters }, change),
];

const sent = () =>
	sandbox.requestsTo('create').map((request) => request.json as Record<string, unknown>);

/** Runs, and checks the run was refused with `message` before any request. */
async function expectRefused(
	parameters: Record<string, unknown>,
	message: string,
	items?: InputItem[],
) {
	const result = await runWorkflow(generate(parameters), { credentials: credentials(), items });
	expect(result.error?.message).toContain(message);
	expect(result.error?.description).toContain('no credits were used');
	expect(sandbox.requests).toHaveLength(0);
	return result;
}

/** n8n's log lines from this package during `run`. */
async function logged<T>(run: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
	const info = jest.spyOn(Container.get(Logger), 'info');
	try {
		const result = await run();
		const lines = info.mock.calls
			.map(([message]) => String(message))
			.filter((line) => line.startsWith('Hailuo'));
		return { result, lines };
	} finally {
		info.mockRestore();
	}
}

describe('Image URL must be a public address', () => {
	test.each([
		['http://127.0.0.1/cup.jpg', '127.0.0.1 is a loopback address'],
		['http://127.0.0.1:9/cup.jpg', '127.0.0.1 is a loopback address'],
		['http://localhost/cup.jpg', 'localhost is a local name'],
		['http://api.localhost/cup.jpg', 'is a local name'],
		['http://[::1]/cup.jpg', '[::1] is a loopback address'],
		['http://0.0.0.0/cup.jpg', 'unspecified'],
		['http://10.0.0.8/cup.jpg', 'a private network address'],
		['http://172.20.1.1/cup.jpg', 'a private network address'],
		['http://192.168.1.1/cup.jpg', 'a private network address'],
		['http://169.254.169.254/latest/meta-data/', 'link-local'],
		['http://100.64.1.1/cup.jpg', 'carrier-grade NAT'],
		['http://[fd00::1]/cup.jpg', 'unique local'],
		['http://[fe80::1]/cup.jpg', 'link-local'],
		['http://[::ffff:127.0.0.1]/cup.jpg', 'an IPv6 form of a loopback address'],
		['http://[::ffff:a9fe:a9fe]/cup.jpg', 'an IPv6 form of a link-local address'],
		['http://2130706433/cup.jpg', '127.0.0.1 is a loopback address'],
		['http://0x7f.1/cup.jpg', '127.0.0.1 is a loopback address'],
		['http://0177.0.0.1/cup.jpg', '127.0.0.1 is a loopback address'],
		['http://user:pw@127.0.0.1/cup.jpg', '127.0.0.1 is a loopback address'],
		['={{ "http://127.0.0.1/" + "cup.jpg" }}', '127.0.0.1 is a loopback address'],
		[`https://example.com/${'a'.repeat(2040)}.jpg`, 'at most 2048 characters'],
	])('%s is refused', async (imageUrl, reason) => {
		const result = await expectRefused({ imageUrl }, 'Invalid "Image URL"');
		expect(result.error?.message).toContain(reason);
		if (!reason.includes('2048')) {
			expect(result.error?.message).toContain(
				'the provider fetches the image from the internet, so it must be a public address',
			);
		}
	});

	test('a public URL of exactly 2048 characters is sent as given', async () => {
		const imageUrl = `https://cdn.example.com/${'a'.repeat(2048 - 28)}.jpg`;
		expect(imageUrl).toHaveLength(2048);
		const result = await runWorkflow(generate({ imageUrl }), { credentials: credentials() });
		expect(result.error).toBeUndefined();
		expect(sent()[0].image).toBe(imageUrl);
	});
});

describe('Prompt is counted as a person counts it', () => {
	test.each([
		['1001 emoji', '😀'.repeat(1001)],
		['2000 emoji', '🎬'.repeat(2000)],
		['2000 family emoji', '👨‍👩‍👧‍👦'.repeat(2000)],
		['2000 letters with combining accents', 'é'.normalize('NFD').repeat(2000)],
	])('%s are accepted and sent unchanged', async (_, prompt) => {
		const result = await runWorkflow(generate({ prompt }), { credentials: credentials() });
		expect(result.error).toBeUndefined();
		expect(sent()[0].prompt).toBe(prompt);
	});

	test.each([
		['2001 emoji', '😀'.repeat(2001), 'at most 2000 characters (it has 2001)'],
		['zero-width spaces', '\u200b\u200b\u200b', 'must not be empty'],
		['zero-width joiners and BOM', '\u200d\u200c\ufeff\u2060', 'must not be empty'],
		['soft hyphens and spaces', ' \u00ad \u00ad ', 'must not be empty'],
		['a lone combining mark', '\u0301', 'must not be empty'],
		['bidi overrides', '\u202e\u202d', 'must not be empty'],
		['an expression of invisible text', '={{ "\\u200b".repeat(50) }}', 'must not be empty'],
	])('%s are refused', async (_, prompt, problem) => {
		const result = await expectRefused({ prompt }, 'Invalid "Prompt"');
		expect(result.error?.message).toContain(problem);
	});
});

describe('Get Task accepts an id an expression yields as a number', () => {
	test.each([
		['={{ 123456789012345 }}', '123456789012345'],
		['={{ $json.id }}', '90071992547409'],
	])('%s is read as task %s', async (taskId, text) => {
		const result = await runWorkflow([getTaskNode(taskId)], {
			credentials: credentials(),
			items: [{ json: { id: 90071992547409 } }],
		});
		// The sandbox knows no such task: the point is what was asked for.
		expect(result.error?.message).toContain('Not found');
		expect(sandbox.requestsTo('task').map((request) => request.path)).toEqual([
			`/api/v1/tasks/${text}`,
		]);
	});

	test.each([
		['={{ 123456789012345678 }}', 'larger than JavaScript holds exactly'],
		['={{ 2 ** 53 }}', 'larger than JavaScript holds exactly'],
		['={{ 12.5 }}', 'must be text or a whole number'],
		['={{ -4 }}', 'must be text or a whole number'],
		['={{ 1 / 0 }}', 'must be text or a whole number'],
		['={{ true }}', 'must be text or a whole number'],
		['={{ [1, 2] }}', 'must be text or a whole number'],
	])('%s is refused without a request', async (taskId, problem) => {
		const result = await runWorkflow([getTaskNode(taskId)], {
			credentials: credentials(),
		});
		expect(result.error?.message).toContain('Invalid "Task ID"');
		expect(result.error?.message).toContain(problem);
		expect(sandbox.requests).toHaveLength(0);
	});
});

describe('Extra Body Fields are held to every rule the node knows', () => {
	const extra = (value: unknown, parameters: Record<string, unknown> = {}) => ({
		...parameters,
		options: { extraBody: typeof value === 'string' ? value : JSON.stringify(value) },
	});

	test.each<[unknown, string, Record<string, unknown>?]>([
		[{ prompt: '' }, '"prompt" must not be empty'],
		[{ prompt: '\u200b\u200b' }, '"prompt" must not be empty'],
		[{ prompt: '😀'.repeat(2001) }, '"prompt" must be at most 2000 characters'],
		[{ image: 'file:///etc/passwd' }, '"image" must be a public http:// or https:// URL'],
		[{ image: 'http://169.254.169.254/latest/meta-data/' }, 'link-local'],
		[{ image: 'http://[::ffff:127.0.0.1]/a.jpg' }, 'loopback'],
		[{ image: 'data:text/html;base64,PGgxPg==' }, 'not a base64 JPEG, PNG or WebP'],
		[{ duration: '10', resolution: '1080P' }, '10 s is only available at 768P'],
		[{ resolution: '1080P' }, '"resolution" 10 s is only available at 768P', { duration: '10' }],
		[{ duration: 6 }, '"duration" allowed: "6", "10" (as text)'],
		[{ resolution: '4K' }, '"resolution" allowed: "768P", "1080P"'],
		[{ model: '../../admin' }, '"model" must be a model slug'],
		[{ callback_url: 'javascript:alert(1)' }, '"callback_url" must be an http:// or https:// URL'],
		[{ callback_url: 'file:///tmp/hook' }, '"callback_url" must be an http:// or https:// URL'],
		[{ pad: 'x'.repeat(5 * 1024 * 1024) }, 'at most 64 KB is allowed'],
		['{"a":' + '['.repeat(5000) + ']'.repeat(5000) + '}', 'at most 32 levels'],
		['{"__proto__": {"admin": true}}', '"__proto__"'],
	])('%j is refused, naming the field and the key', async (value, problem, parameters = {}) => {
		const result = await expectRefused(extra(value, parameters), 'Invalid "Extra Body Fields"');
		expect(result.error?.message).toContain(problem);
	});

	test('an expression that yields an oversized object is refused too', async () => {
		const result = await expectRefused(
			{ options: { extraBody: '={{ { pad: "x".repeat(70000) } }}' } },
			'Invalid "Extra Body Fields"',
		);
		expect(result.error?.message).toContain('at most 64 KB is allowed');
	});

	test('with "Wait for Callback" it cannot replace the resume URL', async () => {
		const result = await expectRefused(
			{ waitMode: 'callback', ...extra({ callback_url: 'https://elsewhere.example.com/hook' }) },
			'Invalid "Extra Body Fields"',
		);
		expect(result.error?.message).toContain(
			'"callback_url" cannot be set with "Wait for Callback"',
		);
		expect(result.run.status).not.toBe('waiting');
	});

	test('switching to Pro through it gives the Pro estimate', async () => {
		const result = await runWorkflow(generate(extra({ model: PRO })), {
			credentials: credentials(),
		});
		expect(result.error).toBeUndefined();
		expect(sent()[0].model).toBe(PRO);
		expect(result.output()[0].json.estimatedCredits).toEqual({ min: 45, max: 85 });
	});

	test('switching to 10 s through it gives the 10 s estimate', async () => {
		const result = await runWorkflow(generate(extra({ duration: '10' })), {
			credentials: credentials(),
		});
		expect(result.error).toBeUndefined();
		expect(sent()[0].duration).toBe('10');
		expect(result.output()[0].json.estimatedCredits).toBe(45);
	});

	test('a model the node does not know yet passes, with no estimate and a note', async () => {
		const result = await runWorkflow(
			generate(extra({ model: 'hailuo/3-0-image-to-video', duration: '8', resolution: '2K' })),
			{ credentials: credentials() },
		);
		expect(result.error).toBeUndefined();
		expect(sent()[0]).toEqual({
			model: 'hailuo/3-0-image-to-video',
			prompt: SAMPLE.prompt,
			image: SAMPLE.imageUrl,
			duration: '8',
			resolution: '2K',
		});
		const json = result.output()[0].json;
		expect(json.estimatedCredits).toBeNull();
		expect(json.estimateNote).toContain('No published price for model "hailuo/3-0-image-to-video"');
	});

	test('new fields, an inline image and an object from an expression are sent as given', async () => {
		const png = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==';
		const result = await runWorkflow(
			generate({
				options: { extraBody: `={{ { seed: 7, prompt_optimizer: false, image: "${png}" } }}` },
			}),
			{ credentials: credentials() },
		);
		expect(result.error).toBeUndefined();
		expect(sent()[0]).toMatchObject({ seed: 7, prompt_optimizer: false, image: png });
	});

	test('just under 64 KB is sent', async () => {
		const pad = 'x'.repeat(64 * 1024 - 20);
		const result = await runWorkflow(generate(extra({ pad })), { credentials: credentials() });
		expect(result.error).toBeUndefined();
		expect(sent()[0].pad).toBe(pad);
	});
});

describe('Max Credits per Run', () => {
	const batch = (count: number) => Array.from({ length: count }, (_, n) => ({ json: { n } }));

	test('over the limit, the run is refused with the total, the limit and the item count', async () => {
		const { result, lines } = await logged(() =>
			expectRefused(
				{ options: { maxCredits: 500 } },
				'Over "Max Credits per Run" (500)',
				batch(20),
			),
		);
		expect(result.error?.message).toContain('20 videos may cost up to 600 credits (about $6.00)');
		expect(lines).toEqual(['Hailuo estimate: 20 videos may cost up to 600 credits (about $6.00)']);
	});

	test('Pro counts at its maximum', async () => {
		const result = await expectRefused(
			{ model: PRO, options: { maxCredits: 500 } },
			'6 videos may cost up to 510 credits',
			batch(6),
		);
		expect(result.error?.message).toContain('(500)');
	});

	test('a model without a known price counts at the highest known price, and says so', async () => {
		const result = await expectRefused(
			{ options: { maxCredits: 100, extraBody: '{"model": "hailuo/3-0-image-to-video"}' } },
			'2 videos may cost up to 170 credits',
			batch(2),
		);
		expect(result.error?.message).toContain('counting 2 with an unpriced model at 85 credits each');
	});

	test('a Pro switch through Extra Body Fields is counted as Pro', async () => {
		await expectRefused(
			{ options: { maxCredits: 300, extraBody: `{"model": "${PRO}"}` } },
			'4 videos may cost up to 340 credits',
			batch(4),
		);
	});

	test('under "Continue On Fail" every item is an error item and nothing is sent', async () => {
		const result = await runWorkflow(
			generate({ options: { maxCredits: 50 } }, { onError: 'continueRegularOutput' }),
			{ credentials: credentials(), items: batch(3) },
		);
		expect(result.error).toBeUndefined();
		const output = result.output();
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		for (const item of output) expect(item.json.error).toContain('Over "Max Credits per Run" (50)');
		expect(sandbox.requests).toHaveLength(0);
	});

	test('at the limit, the run goes ahead', async () => {
		const { result, lines } = await logged(() =>
			runWorkflow(generate({ options: { maxCredits: 90 } }), {
				credentials: credentials(),
				items: batch(3),
			}),
		);
		expect(result.error).toBeUndefined();
		expect(sent()).toHaveLength(3);
		expect(lines).toContain('Hailuo estimate: 3 videos may cost up to 90 credits (about $0.90)');
	});

	test('without a limit the log still says what the batch may cost before it starts', async () => {
		const { result, lines } = await logged(() =>
			runWorkflow(generate({ model: PRO }), { credentials: credentials(), items: batch(20) }),
		);
		expect(result.error).toBeUndefined();
		expect(sent()).toHaveLength(20);
		expect(lines).toEqual([
			'Hailuo estimate: 20 videos may cost up to 1700 credits (about $17.00)',
		]);
	});

	test.each([[-1], ['={{ "lots" }}']])('a limit of %p is refused', async (maxCredits) => {
		await expectRefused({ options: { maxCredits } }, 'Invalid "Max Credits per Run"');
	});
});
