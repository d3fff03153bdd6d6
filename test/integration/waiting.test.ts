import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';

import { FIXTURES } from '../paths';
import { eventually } from '../harness/eventually';
import { readBinary, runWorkflow } from '../harness/n8n';
import { useSandbox } from '../harness/sandbox';
import { generateVideoNode } from '../harness/workflows';

const { sandbox, credentials } = useSandbox();

const png = readFileSync(join(FIXTURES, 'product.png'));
const jpeg = readFileSync(join(FIXTURES, 'product.jpg'));

const poll = (parameters: Record<string, unknown> = {}, options: Record<string, unknown> = {}) => [
	generateVideoNode({ waitMode: 'poll', ...parameters, options: { pollInterval: 2, ...options } }),
];

/** Resolves once the sandbox has seen `count` task reads (or 30 s have passed). */
const reads = async (count: number) =>
	await eventually(() => sandbox.requestsTo('task').length >= count, 30_000, 20);

describe('Wait Until Done (Poll)', () => {
	test('polls to success and outputs the MP4 as a file, sending no API key to the CDN', async () => {
		// The job stays queued until the node has read it once, then it is done.
		sandbox.configure({ stuckState: 'PENDING' });
		const running = runWorkflow(poll(), { credentials: credentials() });
		await reads(1);
		sandbox.configure({ stuckState: undefined, jobMs: 0 });
		const result = await running;
		expect(result.error).toBeUndefined();
		const [item] = result.output();
		const taskId = String(item.json.taskId);
		expect(item.json).toMatchObject({ status: 'succeeded', estimatedCredits: 30 });
		expect(item.json.wait).toMatchObject({
			polls: sandbox.requestsTo('task').length,
			states: ['PENDING', 'SUCCESS'],
		});
		expect(item.binary?.data).toMatchObject({
			fileName: `hailuo-${taskId}.mp4`,
			mimeType: 'video/mp4',
		});
		expect((await readBinary(item)).equals(sandbox.fixtureBytes)).toBe(true);

		expect(sandbox.requestsTo('task').length).toBeGreaterThanOrEqual(2);
		const downloads = sandbox.requestsTo('video');
		expect(downloads).toHaveLength(1);
		expect(downloads[0].host).toBe('cdn');
		expect(downloads[0].headers.authorization).toBeUndefined();
		expect(JSON.stringify(downloads[0].headers)).not.toContain(sandbox.apiKey);
	});

	test('a video on the API host is fetched with the key (the API may require it)', async () => {
		sandbox.configure({ jobMs: 0, videoOnApiHost: true });
		const result = await runWorkflow(poll(), { credentials: credentials() });
		expect(result.error).toBeUndefined();
		const [download] = sandbox.requestsTo('video');
		expect(download.host).toBe('api');
		expect(download.headers.authorization).toBe(`Bearer ${sandbox.apiKey}`);
	});

	test('download can be turned off and the field renamed', async () => {
		sandbox.configure({ jobMs: 0 });
		const off = await runWorkflow(poll({}, { download: false }), { credentials: credentials() });
		expect(off.output()[0].binary).toBeUndefined();
		expect(sandbox.requestsTo('video')).toHaveLength(0);
		const renamed = await runWorkflow(poll({}, { binaryPropertyOutput: 'clip' }), {
			credentials: credentials(),
		});
		expect(Object.keys(renamed.output()[0].binary ?? {})).toEqual(['clip']);
	});

	test('a failed job is an error naming the upstream reason and the task', async () => {
		sandbox.configure({ jobMs: 0, failWith: 'Sensitive content detected in the image' });
		const result = await runWorkflow(poll(), { credentials: credentials() });
		expect(result.error?.message).toMatch(
			/Hailuo task task_\w+ failed: Sensitive content detected in the image/,
		);
		expect(sandbox.requestsTo('create')).toHaveLength(1);
	});

	test('timeout fails by default, naming the task id and saying how to fetch it later', async () => {
		sandbox.configure({ stuckState: 'RENDER_BACKLOG' });
		const result = await runWorkflow(poll({}, { maxWait: 3 }), { credentials: credentials() });
		const taskId = sandbox.requestsTo('task')[0].path.split('/').pop();
		expect(result.error?.message).toContain(`Hailuo task ${taskId} was not finished after 3 s`);
		expect(result.error?.message).toContain('RENDER_BACKLOG');
		expect(result.error?.description).toContain(`Get Task with ID ${taskId}`);
		// One poll at the start, one per interval, one at the deadline.
		expect(sandbox.requestsTo('task').length).toBeLessThanOrEqual(3);
	});

	test('timeout can output the still-running task instead', async () => {
		sandbox.configure({ stuckState: 'generating' });
		const result = await runWorkflow(poll({}, { maxWait: 2, onTimeout: 'output' }), {
			credentials: credentials(),
		});
		expect(result.error).toBeUndefined();
		expect(result.output()[0].json).toMatchObject({
			status: 'running',
			rawStatus: 'generating',
			timedOut: true,
		});
		expect(result.output()[0].binary).toBeUndefined();
	});

	test('an undocumented state keeps polling and shows the raw state', async () => {
		sandbox.configure({ stuckState: 'POST_PROCESSING' });
		const result = await runWorkflow(poll({}, { maxWait: 2, onTimeout: 'output' }), {
			credentials: credentials(),
		});
		expect(result.output()[0].json).toMatchObject({
			status: 'unknown',
			rawStatus: 'POST_PROCESSING',
		});
		expect(sandbox.requestsTo('task').length).toBeGreaterThanOrEqual(2);
	});

	test('a 429 on a poll is retried after Retry-After, then succeeds; the create is not repeated', async () => {
		sandbox.configure({ jobMs: 0 });
		sandbox.fault({ endpoint: 'task', status: 429, retryAfter: '1', times: 1 });
		sandbox.fault({ endpoint: 'task', status: 503, times: 1 });
		const result = await runWorkflow(poll(), { credentials: credentials() });
		expect(result.error).toBeUndefined();
		expect(result.output()[0].json.status).toBe('succeeded');
		const polls = sandbox.requestsTo('task');
		expect(polls).toHaveLength(3);
		expect(polls[1].at - polls[0].at).toBeGreaterThanOrEqual(900);
		expect(sandbox.requestsTo('create')).toHaveLength(1);
	});

	test('a dropped connection on a poll is retried', async () => {
		sandbox.configure({ jobMs: 0 });
		sandbox.fault({ endpoint: 'task', kind: 'drop', times: 1 });
		const result = await runWorkflow(poll(), { credentials: credentials() });
		expect(result.error).toBeUndefined();
		expect(sandbox.requestsTo('task')).toHaveLength(2);
	});

	test('stops promptly when the execution is canceled', async () => {
		sandbox.configure({ stuckState: 'generating' });
		// Canceled while it sleeps between reads: the sleep (10 minutes) would outlast this test.
		const result = await runWorkflow(poll({}, { pollInterval: 600, maxWait: 3600 }), {
			credentials: credentials(),
			onStart: (execution) => void reads(1).then(() => execution.cancel()),
		});
		expect(result.run.status).toBe('canceled');
		expect(sandbox.requestsTo('task')).toHaveLength(1);
	});

	test('an expired video link is a clear error', async () => {
		sandbox.configure({ jobMs: 0, videoExpired: true });
		const result = await runWorkflow(poll(), { credentials: credentials() });
		expect(result.error?.message).toMatch(/video link for task task_\w+ has expired/);
		expect(result.error?.description).toContain('Get Task');
	});
});

describe('batches', () => {
	test('all items are in flight together; output order and pairedItem follow the input', async () => {
		sandbox.configure({ jobMs: 1000, failWhenPromptContains: '[fail]' });
		const logged = jest.spyOn(Container.get(Logger), 'info');
		const prompts = ['one', 'two [fail]', 'three', 'four', 'five [fail]', 'six'];
		const result = await runWorkflow(
			[
				generateVideoNode(
					{ prompt: '={{ $json.prompt }}', waitMode: 'poll', options: { pollInterval: 2 } },
					{ onError: 'continueRegularOutput' },
				),
			],
			{ credentials: credentials(), items: prompts.map((prompt) => ({ json: { prompt } })) },
		);
		expect(result.error).toBeUndefined();
		const output = result.output();
		expect(output.map((item) => item.pairedItem)).toEqual(prompts.map((_, i) => ({ item: i })));
		output.forEach((item, i) => {
			if (prompts[i].includes('[fail]')) expect(item.json.error).toContain('failed');
			else expect(item.json.status).toBe('succeeded');
		});
		// Each output belongs to its own input's job.
		const promptOfTask = new Map(
			sandbox
				.requestsTo('create')
				.map((request, i) => [i, (request.json as { prompt: string }).prompt]),
		);
		expect([...promptOfTask.values()].sort()).toEqual([...prompts].sort());
		// Every create went out before the first poll came back finished.
		const creates = sandbox.requestsTo('create');
		const lastCreate = Math.max(...creates.map((request) => request.at));
		const polls = sandbox.requestsTo('task');
		expect(polls.length).toBeLessThanOrEqual(prompts.length * 2 + 2);
		expect(Math.min(...polls.slice(-prompts.length).map((request) => request.at))).toBeGreaterThan(
			lastCreate,
		);
		// Progress for the batch in n8n's log, one line per finished video.
		const progress = logged.mock.calls
			.map(([message]) => String(message))
			.filter((line) => line.startsWith('Hailuo:'));
		expect(progress).toHaveLength(prompts.length);
		expect(progress.at(-1)).toMatch(/^Hailuo: 6\/6 videos ready after \d+ s/);
		logged.mockRestore();
	});

	test('create requests are bounded by "Parallel Create Requests"', async () => {
		sandbox.configure({ createDelayMs: 600 });
		await runWorkflow(
			[generateVideoNode({ waitMode: 'none', options: { createConcurrency: 2 } })],
			{ credentials: credentials(), items: Array.from({ length: 6 }, () => ({ json: {} })) },
		);
		expect(sandbox.requestsTo('create')).toHaveLength(6);
		expect(sandbox.maxConcurrentCreates).toBe(2);
	});
});

describe('image from an earlier node', () => {
	const fromBinary = (field = 'data') => [
		generateVideoNode({ imageSource: 'binary', binaryPropertyName: field, waitMode: 'none' }),
	];

	test.each([
		['PNG', png, 'image/png'],
		['JPEG', jpeg, 'image/jpeg'],
	])('sends a %s as a data URL with its bytes', async (_kind, bytes, mimeType) => {
		const result = await runWorkflow(fromBinary('photo'), {
			credentials: credentials(),
			items: [
				{
					binary: {
						photo: { data: bytes, mimeType: 'application/octet-stream', fileName: 'x.bin' },
					},
				},
			],
		});
		expect(result.error).toBeUndefined();
		const image = (sandbox.requestsTo('create')[0].json as { image: string }).image;
		expect(image.startsWith(`data:${mimeType};base64,`)).toBe(true);
		expect(Buffer.from(image.split(',')[1], 'base64').equals(bytes)).toBe(true);
	});

	test('sends WebP', async () => {
		const webp = Buffer.concat([
			Buffer.from('RIFF'),
			Buffer.alloc(4),
			Buffer.from('WEBPVP8 '),
			Buffer.alloc(32),
		]);
		const result = await runWorkflow(fromBinary(), {
			credentials: credentials(),
			items: [{ binary: { data: { data: webp, mimeType: 'image/webp', fileName: 'a.webp' } } }],
		});
		expect(result.error).toBeUndefined();
		expect((sandbox.requestsTo('create')[0].json as { image: string }).image).toMatch(
			/^data:image\/webp;base64,/,
		);
	});

	test.each([
		[
			'a GIF',
			Buffer.from('GIF89a' + 'x'.repeat(40)),
			'image/gif',
			'is not a JPEG, PNG or WebP image',
		],
		[
			'a PDF named .png',
			Buffer.from('%PDF-1.7 ' + 'x'.repeat(40)),
			'image/png',
			'is not a JPEG, PNG or WebP image',
		],
		[
			'an 11 MB PNG',
			Buffer.concat([png, Buffer.alloc(11 * 1024 * 1024)]),
			'image/png',
			'at most 10 MB',
		],
	])('refuses %s before any request', async (_kind, data, mimeType, message) => {
		const result = await runWorkflow(fromBinary(), {
			credentials: credentials(),
			items: [{ binary: { data: { data, mimeType, fileName: 'upload' } } }],
		});
		expect(result.error?.message).toContain('Invalid "Input Binary Field"');
		expect(result.error?.message).toContain(message);
		expect(sandbox.requests).toHaveLength(0);
	});

	test('a missing binary field names the fields the item has', async () => {
		const result = await runWorkflow(fromBinary('image'), {
			credentials: credentials(),
			items: [{ binary: { data: { data: png, mimeType: 'image/png', fileName: 'a.png' } } }],
		});
		expect(result.error?.message).toContain('no binary field "image" (it has: data)');
		expect(sandbox.requests).toHaveLength(0);
	});
});
