import type { Shape } from '../sandbox/server';
import { readBinary, runWorkflow } from '../harness/n8n';
import { useSandbox } from '../harness/sandbox';
import { generateVideoNode, getTaskNode } from '../harness/workflows';

const { sandbox, credentials } = useSandbox();

/** Starts a job in the sandbox through the node and returns its id. */
async function startJob(): Promise<string> {
	const result = await runWorkflow([generateVideoNode({ waitMode: 'none' })], {
		credentials: credentials(),
	});
	return String(result.output()[0].json.taskId);
}

const getTask = (taskId: string, options: Record<string, unknown> = {}) => [
	getTaskNode(taskId, { options }),
];

describe('Get Task', () => {
	const shapes: Shape[] = ['apiinone', 'kie', 'piapi', 'wavespeed', 'replicate', 'minimax', 'fal'];

	test.each(shapes)('reads queued, running and succeeded in the %s shape', async (shape) => {
		sandbox.configure({ shape });
		const taskId = await startJob();
		const states: string[] = [];
		for (const phase of ['queued', 'running', 'succeeded'] as const) {
			sandbox.setPhase(taskId, phase);
			const result = await runWorkflow(getTask(taskId), { credentials: credentials() });
			expect(result.error).toBeUndefined();
			const json = result.output()[0].json;
			expect(json.taskId).toBe(taskId);
			states.push(String(json.status));
			if (json.status === 'succeeded') expect(json.videoUrl).toMatch(/\/files\/task_.*\.mp4$/);
			else expect(json.videoUrl).toBeNull();
		}
		expect(states).toEqual(['queued', 'running', 'succeeded']);
		expect(sandbox.requestsTo('task')[0].path).toBe(`/api/v1/tasks/${taskId}`);
	});

	test.each(shapes)('reads a failed job with its reason in the %s shape', async (shape) => {
		sandbox.configure({ shape, jobMs: 0, failWith: 'Image aspect ratio out of range' });
		const taskId = await startJob();
		const result = await runWorkflow(getTask(taskId), { credentials: credentials() });
		expect(result.error).toBeUndefined();
		expect(result.output()[0].json).toMatchObject({
			status: 'failed',
			error: 'Image aspect ratio out of range',
		});
	});

	test('an undocumented state is "unknown" with the raw state kept', async () => {
		sandbox.configure({ stuckState: 'RE-RENDERING' });
		const taskId = await startJob();
		const result = await runWorkflow(getTask(taskId), { credentials: credentials() });
		expect(result.output()[0].json).toMatchObject({ status: 'unknown', rawStatus: 'RE-RENDERING' });
	});

	test('downloads the video when asked, bytes equal to what the server sent', async () => {
		sandbox.configure({ jobMs: 0 });
		const taskId = await startJob();
		const result = await runWorkflow(
			getTask(taskId, { download: true, binaryPropertyOutput: 'video' }),
			{
				credentials: credentials(),
			},
		);
		expect(result.error).toBeUndefined();
		const [item] = result.output();
		expect(item.binary?.video).toMatchObject({
			fileName: `hailuo-${taskId}.mp4`,
			mimeType: 'video/mp4',
		});
		expect((await readBinary(item, 'video')).equals(sandbox.fixtureBytes)).toBe(true);
		expect(item.json.status).toBe('succeeded');
	});

	test.each([
		['../secrets', 'Invalid "Task ID"'],
		['a/b', 'Invalid "Task ID"'],
		['={{ "id with spaces" }}', 'Invalid "Task ID"'],
		['={{ "" }}', 'Invalid "Task ID"'],
	])('refuses task id %p without a request', async (taskId, message) => {
		const result = await runWorkflow(getTask(taskId), { credentials: credentials() });
		expect(result.error?.message).toContain(message);
		expect(sandbox.requests).toHaveLength(0);
	});

	test('an unknown task is a clear 404 error', async () => {
		const result = await runWorkflow(getTask('task_missing'), { credentials: credentials() });
		expect(result.error?.message).toContain('Not found');
	});

	test.each([
		[401, 'API key rejected'],
		[429, 'Rate limited'],
		[503, 'failed upstream (HTTP 503)'],
	])('HTTP %p → %s', async (status, message) => {
		sandbox.fault({ endpoint: 'task', status });
		const result = await runWorkflow(getTask('task_x'), { credentials: credentials() });
		expect(result.error?.message).toContain(message);
	});
});
