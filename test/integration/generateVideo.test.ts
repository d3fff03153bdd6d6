import { runWorkflow } from '../harness/n8n';
import { useSandbox } from '../harness/sandbox';
import { generateVideoNode, SAMPLE } from '../harness/workflows';

const { sandbox, credentials } = useSandbox();

const generate = (parameters: Record<string, unknown> = {}) => [
	generateVideoNode({ waitMode: 'none', ...parameters }),
];

describe('Generate Video (Return Task Immediately)', () => {
	test('creates a task and outputs its id, with the exact request the API documents', async () => {
		const result = await runWorkflow(generate(), { credentials: credentials() });
		expect(result.error).toBeUndefined();
		const [item] = result.output();
		expect(item.json).toMatchObject({
			status: 'running',
			rawStatus: 'IN_PROGRESS',
			estimatedCredits: 30,
		});
		expect(item.json.taskId).toMatch(/^task_/);
		expect(item.pairedItem).toEqual({ item: 0 });

		const [create] = sandbox.requestsTo('create');
		expect(create.headers.authorization).toBe(`Bearer ${sandbox.apiKey}`);
		expect(create.headers['content-type']).toContain('application/json');
		expect(create.json).toEqual({
			model: 'hailuo/2-3-image-to-video-standard',
			prompt: SAMPLE.prompt,
			image: SAMPLE.imageUrl,
			duration: '6',
			resolution: '768P',
		});
		expect(sandbox.requests).toHaveLength(1);
	});

	test('sends the chosen dropdowns, callback_url, and extraBody merged last', async () => {
		const result = await runWorkflow(
			generate({
				model: 'hailuo/2-3-image-to-video-pro',
				duration: '10',
				resolution: '768P',
				options: {
					callbackUrl: 'https://n8n.example.com/webhook/abc/hailuo',
					extraBody: '{"prompt_optimizer": false, "resolution": "768P", "seed": 42}',
				},
			}),
			{ credentials: credentials() },
		);
		expect(result.error).toBeUndefined();
		expect(result.output()[0].json.estimatedCredits).toEqual({ min: 45, max: 85 });
		expect(sandbox.requestsTo('create')[0].json).toEqual({
			model: 'hailuo/2-3-image-to-video-pro',
			prompt: SAMPLE.prompt,
			image: SAMPLE.imageUrl,
			duration: '10',
			resolution: '768P',
			callback_url: 'https://n8n.example.com/webhook/abc/hailuo',
			prompt_optimizer: false,
			seed: 42,
		});
	});

	test('reads the task id from every documented create shape', async () => {
		for (const shape of ['kie', 'piapi', 'wavespeed', 'replicate', 'minimax', 'fal'] as const) {
			sandbox.reset().configure({ shape });
			const result = await runWorkflow(generate(), { credentials: credentials() });
			expect(result.error).toBeUndefined();
			expect(result.output()[0].json.taskId).toMatch(/^task_/);
		}
	});

	test('one output item per input item, in order, each paired', async () => {
		const items = Array.from({ length: 4 }, (_, i) => ({ json: { n: i } }));
		const result = await runWorkflow(generate({ prompt: '={{ "clip " + $json.n }}' }), {
			credentials: credentials(),
			items,
		});
		expect(result.error).toBeUndefined();
		const output = result.output();
		expect(output.map((item) => item.pairedItem)).toEqual(items.map((_, i) => ({ item: i })));
		const prompts = sandbox
			.requestsTo('create')
			.map((request) => (request.json as { prompt: string }).prompt);
		expect(prompts.sort()).toEqual(['clip 0', 'clip 1', 'clip 2', 'clip 3']);
		const ids = output.map((item) => item.json.taskId);
		expect(new Set(ids).size).toBe(4);
	});
});

describe('refused input makes no request', () => {
	test.each([
		[{ prompt: '={{ "" }}' }, 'Invalid "Prompt"'],
		[{ prompt: '   ' }, 'Invalid "Prompt"'],
		[{ prompt: 'x'.repeat(2001) }, 'at most 2000 characters'],
		[{ imageUrl: 'ftp://example.com/a.jpg' }, 'Invalid "Image URL"'],
		[{ imageUrl: '/local/file.jpg' }, 'Invalid "Image URL"'],
		[{ imageUrl: 'data:image/png;base64,iVBORw0KGgo=' }, 'Binary File From Input'],
		[{ imageUrl: '={{ "" }}' }, 'Invalid "Image URL"'],
		[{ duration: '10', resolution: '1080P' }, 'only available at 768P'],
		[{ duration: '={{ 12 }}' }, 'Invalid "Duration": allowed: "6", "10"'],
		[{ resolution: '={{ "720P" }}' }, 'Invalid "Resolution"'],
		[{ model: '={{ "hailuo-02" }}' }, 'Invalid "Model"'],
		[{ options: { extraBody: '[1,2]' } }, 'Invalid "Extra Body Fields"'],
		[{ options: { extraBody: '{oops' } }, 'Invalid "Extra Body Fields"'],
	])('%j', async (change, message) => {
		const result = await runWorkflow(generate(change), { credentials: credentials() });
		expect(result.error?.message).toContain(message);
		expect(result.error?.description).toContain('no credits were used');
		expect(sandbox.requests).toHaveLength(0);
	});

	test('one bad item among good ones stops the batch before any request', async () => {
		const items = [{ json: { p: 'good' } }, { json: { p: '' } }, { json: { p: 'good too' } }];
		const result = await runWorkflow(generate({ prompt: '={{ $json.p }}' }), {
			credentials: credentials(),
			items,
		});
		expect(result.error?.message).toContain('Invalid "Prompt"');
		expect(sandbox.requests).toHaveLength(0);
	});

	test('a bad base URL in the credential is refused before a request', async () => {
		const result = await runWorkflow(generate(), {
			credentials: credentials({ baseUrl: 'apiin.one/api/v1' }),
		});
		expect(result.error?.message).toContain('Base URL');
		expect(sandbox.requests).toHaveLength(0);
	});
});

describe('API errors', () => {
	test.each([
		[{ status: 401 }, 'API key rejected'],
		[{ status: 403 }, 'API key rejected'],
		[{ status: 402 }, 'Not enough credits'],
		[{ status: 200, json: { code: 402, message: 'Insufficient credits' } }, 'Not enough credits'],
		[
			{
				status: 200,
				json: { base_resp: { status_code: 1008, status_msg: 'insufficient balance' } },
			},
			'Not enough credits',
		],
		[
			{ status: 200, json: { base_resp: { status_code: 1004, status_msg: 'auth failed' } } },
			'API key rejected',
		],
		[{ status: 500 }, 'failed upstream (HTTP 500)'],
		[{ status: 502, kind: 'html' as const }, 'failed upstream (HTTP 502)'],
		[{ status: 200, kind: 'malformed' as const }, 'not JSON'],
		[{ kind: 'drop' as const }, 'Could not reach the Hailuo API'],
	])('%j → %s, and the create is not repeated', async (fault, message) => {
		sandbox.fault({ endpoint: 'create', ...fault });
		const result = await runWorkflow(generate(), { credentials: credentials() });
		expect(result.error?.message).toContain(message);
		expect(result.error?.description).toBeTruthy();
		expect(sandbox.requestsTo('create')).toHaveLength(1);
	});

	test('a create refused for the pace (429) is sent again after Retry-After, making one job', async () => {
		sandbox.fault({ endpoint: 'create', status: 429, retryAfter: '1', times: 1 });
		const result = await runWorkflow(generate(), { credentials: credentials() });
		expect(result.error).toBeUndefined();
		const [refused, accepted] = sandbox.requestsTo('create');
		expect(sandbox.requestsTo('create')).toHaveLength(2);
		expect(accepted.at - refused.at).toBeGreaterThanOrEqual(1000);
		expect(accepted.body).toBe(refused.body);
	});

	test('a create refused for the pace every time fails as rate limited after a few tries', async () => {
		sandbox.fault({ endpoint: 'create', status: 429, retryAfter: '0' });
		const result = await runWorkflow(generate(), { credentials: credentials() });
		expect(result.error?.message).toContain('Rate limited');
		expect(sandbox.requestsTo('create')).toHaveLength(5);
	});

	test('a wrong key is rejected and never appears in the output or the error', async () => {
		const wrongKey = 'aio_wrong_key_987654321';
		sandbox.fault({
			endpoint: 'create',
			status: 401,
			json: { code: 401, message: `Invalid key ${wrongKey}` },
		});
		const result = await runWorkflow(generate(), {
			credentials: credentials({ apiKey: wrongKey }),
		});
		expect(result.error?.message).toContain('API key rejected');
		expect(JSON.stringify(result.run)).not.toContain(wrongKey);
		expect(JSON.stringify(result.error)).not.toContain(wrongKey);
	});

	test('the key never appears in a successful run either', async () => {
		const result = await runWorkflow(generate(), { credentials: credentials() });
		expect(result.error).toBeUndefined();
		expect(JSON.stringify(result.run)).not.toContain(sandbox.apiKey);
	});

	test('continueOnFail turns each failure into an error item, paired with its input', async () => {
		sandbox.fault({ endpoint: 'create', status: 402, times: 1 });
		const items = [{ json: { p: 'first' } }, { json: { p: '' } }, { json: { p: 'third' } }];
		const result = await runWorkflow(
			[
				generateVideoNode(
					{ prompt: '={{ $json.p }}', waitMode: 'none', options: { createConcurrency: 1 } },
					{ onError: 'continueRegularOutput' },
				),
			],
			{ credentials: credentials(), items },
		);
		expect(result.error).toBeUndefined();
		const output = result.output();
		expect(output).toHaveLength(3);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(output[0].json.error).toContain('Not enough credits');
		expect(output[1].json.error).toContain('Invalid "Prompt"');
		expect(output[2].json.taskId).toMatch(/^task_/);
		expect(sandbox.requestsTo('create')).toHaveLength(2);
	});
});
