/**
 * The node run as an AI Agent's tool, through the real engine: n8n 2.x runs a tool call as a node
 * of the "hailuoTool" type with the model's arguments as its input item, and `$fromAI()` reads
 * them from there. The agent itself is in the end-to-end suite (test/e2e/agent.e2e.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { INode } from 'n8n-workflow';

import { FIXTURES } from '../paths';
import { eventually } from '../harness/eventually';
import { loadPackage, runWorkflow } from '../harness/n8n';
import { useSandbox } from '../harness/sandbox';
import { generateVideoNode, getTaskNode, HAILUO_TYPE } from '../harness/workflows';

const { sandbox, credentials } = useSandbox();

/** The type n8n derives from `usableAsTool` (createAiTools): the same node code under "…Tool". */
const HAILUO_TOOL_TYPE = `${HAILUO_TYPE}Tool`;

beforeAll(async () => {
	const { types } = await loadPackage();
	types[HAILUO_TOOL_TYPE] = types[HAILUO_TYPE];
});

const PROMPT = "={{ $fromAI('Prompt', 'What should happen in the video', 'string') }}";
const IMAGE_URL = "={{ $fromAI('Image_URL', 'Public link to the first frame', 'string') }}";
const TASK_ID = "={{ $fromAI('Task_ID', 'The taskId Generate Video returned', 'string') }}";

/** What the model passes, as the agent hands it to the tool. */
const modelArguments = {
	Prompt: 'The sneaker turns slowly [Push in]',
	Image_URL: 'https://example.com/sneaker.jpg',
	toolCallId: 'call_1',
};

/** The Hailuo node typed as n8n's tool variant (or as the plain node). */
const as = (asTool: boolean) => (asTool ? { type: HAILUO_TOOL_TYPE } : {});

const generate = (parameters: Record<string, unknown> = {}, asTool = true) => [
	generateVideoNode(
		{ resource: 'video', prompt: PROMPT, imageUrl: IMAGE_URL, ...parameters },
		as(asTool),
	),
];

const getTask = () => [getTaskNode(TASK_ID, { resource: 'video' }, as(true))];

const run = async (nodes: INode[], json: Record<string, string> = modelArguments) =>
	await runWorkflow(nodes, { credentials: credentials(), items: [{ json }] });

describe('Generate Video as a tool', () => {
	test('answers the model with the task ID, state, video URL, error and cost, nothing more', async () => {
		sandbox.configure({ jobMs: 1500 });
		const result = await run(generate());
		expect(result.error).toBeUndefined();
		const [item] = result.output();
		const taskId = String(item.json.taskId);
		expect(item.json).toEqual({
			taskId,
			status: 'succeeded',
			videoUrl: expect.stringMatching(new RegExp(`/files/${taskId}\\.mp4$`)),
			error: null,
			estimatedCredits: 30,
			nextStep: 'The video is ready at videoUrl; the link lasts a few hours.',
		});
		expect(item.binary).toBeUndefined();
		expect(sandbox.requestsTo('video')).toHaveLength(0);
		expect(sandbox.requestsTo('create')[0].json).toEqual({
			model: 'hailuo/2-3-image-to-video-standard',
			prompt: 'The sneaker turns slowly [Push in]',
			image: 'https://example.com/sneaker.jpg',
			duration: '6',
			resolution: '768P',
		});
	});

	test('the same node in a normal run keeps the whole answer (raw), the wait trace and the file', async () => {
		sandbox.configure({ jobMs: 0 });
		const result = await run(generate({}, false));
		expect(result.error).toBeUndefined();
		const [item] = result.output();
		expect(item.json).toHaveProperty('raw');
		expect(item.json).toHaveProperty('wait');
		expect(item.json).not.toHaveProperty('nextStep');
		expect(item.binary?.data).toMatchObject({ mimeType: 'video/mp4' });
	});

	test('polls every 2 s unless told otherwise, so a short job answers as soon as it is done', async () => {
		sandbox.configure({ stuckState: 'IN_PROGRESS' });
		const running = run(generate());
		const reads = () => sandbox.requestsTo('task').map((request) => request.at);
		expect(await eventually(() => reads().length >= 2, 30_000, 20)).toBe(true);
		const [first, second] = reads();
		// Spaced by the tool's 2 s, not the node's own default of 10 s (timed by the sandbox's clock).
		expect(second - first).toBeGreaterThanOrEqual(1900);
		expect(second - first).toBeLessThan(9000);
		const readsBeforeDone = reads().length;
		sandbox.configure({ stuckState: undefined, jobMs: 0 });
		const result = await running;
		expect(result.output()[0].json.status).toBe('succeeded');
		// The next read after the job is done is the last.
		expect(reads().length).toBeLessThanOrEqual(readsBeforeDone + 1);
	});

	test('the options a user set still win: a download asked for, a Poll Interval chosen', async () => {
		sandbox.configure({ jobMs: 1500 });
		const result = await run(generate({ options: { download: true, pollInterval: 3 } }));
		expect(result.error).toBeUndefined();
		const [item] = result.output();
		expect(item.binary?.data).toMatchObject({ mimeType: 'video/mp4' });
		expect(Object.keys(item.json)).toEqual([
			'taskId',
			'status',
			'videoUrl',
			'error',
			'estimatedCredits',
			'nextStep',
		]);
		const [first, second] = sandbox.requestsTo('task').map((request) => request.at);
		expect(second - first).toBeGreaterThanOrEqual(2900);
	});

	test('Return Task Immediately: the model gets the task ID and how to read it later', async () => {
		const result = await run(
			generate({ waitMode: 'none', model: 'hailuo/2-3-image-to-video-pro' }),
		);
		expect(result.output()[0].json).toEqual({
			taskId: expect.stringMatching(/^task_/),
			status: 'running',
			videoUrl: null,
			error: null,
			estimatedCredits: { min: 45, max: 85 },
			nextStep: expect.stringContaining('Hailuo Get Task tool'),
		});
	});

	test('at Max Wait the running task is handed back (with timedOut), not an error', async () => {
		sandbox.configure({ stuckState: 'IN_PROGRESS' });
		const result = await run(generate({ options: { maxWait: 1 } }));
		expect(result.error).toBeUndefined();
		expect(result.output()[0].json).toMatchObject({
			status: 'running',
			timedOut: true,
			nextStep: expect.stringContaining('Read it again later by this taskId'),
		});
	});

	test('an error tells the model what to do, not only what went wrong', async () => {
		sandbox.configure({ jobMs: 0, failWith: 'sensitive content' });
		const result = await run(generate());
		expect(result.error?.message).toMatch(
			/^Hailuo task task_\w+ failed: sensitive content\n\nDetails: /,
		);
		expect(result.error?.message).toContain('Failed jobs are not billed');
	});

	test('a missing argument is refused before any request, and the model is told so', async () => {
		const result = await run(generate(), { Image_URL: 'https://example.com/a.jpg' });
		expect(result.error?.message).toMatch(/^Invalid "Prompt": a value is required\n\nDetails: /);
		expect(result.error?.message).toContain('no credits were used');
		expect(sandbox.requests).toHaveLength(0);
	});
});

describe('choices a tool cannot honour are refused before any request', () => {
	test('Wait for Callback', async () => {
		const result = await run(generate({ waitMode: 'callback' }));
		expect(result.error?.message).toMatch(
			/^This Hailuo tool is set to Wait Mode "Wait for Callback", which cannot answer an AI Agent/,
		);
		expect(result.error?.message).toContain(
			'Nothing was sent to the API and no credits were used. Tell the user to set',
		);
		expect(sandbox.requests).toHaveLength(0);
	});

	test('Binary File From Input, even with a file at hand', async () => {
		const result = await runWorkflow(generate({ imageSource: 'binary' }), {
			credentials: credentials(),
			items: [
				{
					json: modelArguments,
					binary: {
						data: {
							data: readFileSync(join(FIXTURES, 'product.png')),
							mimeType: 'image/png',
							fileName: 'product.png',
						},
					},
				},
			],
		});
		expect(result.error?.message).toMatch(
			/^This Hailuo tool is set to Image Source "Binary File From Input", which cannot work in a tool/,
		);
		expect(result.error?.message).toContain('set the tool\'s Image Source to "Image URL"');
		expect(sandbox.requests).toHaveLength(0);
	});

	test('outside a tool both still work as before (the refusal is for tools only)', async () => {
		sandbox.configure({ callbacks: false });
		const result = await run(generate({ waitMode: 'callback' }, false));
		expect(result.error).toBeUndefined();
		expect(sandbox.requestsTo('create')).toHaveLength(1);
	});
});

describe('Get Task as a tool', () => {
	test('reads the task the model names and answers compactly', async () => {
		const { taskId } = sandbox.finishedTask();
		const result = await run(getTask(), { Task_ID: taskId });
		expect(result.error).toBeUndefined();
		const [item] = result.output();
		expect(item.json).toEqual({
			taskId,
			status: 'succeeded',
			videoUrl: expect.stringContaining(`/files/${taskId}.mp4`),
			error: null,
			nextStep: expect.any(String),
		});
		expect(item.binary).toBeUndefined();
	});

	test('a task still running says when and how to look again', async () => {
		const { taskId } = sandbox.finishedTask();
		sandbox.setPhase(taskId, 'running');
		const result = await run(getTask(), { Task_ID: taskId });
		expect(result.output()[0].json).toMatchObject({
			status: 'running',
			videoUrl: null,
			nextStep: expect.stringMatching(/^Not finished yet/),
		});
	});
});
