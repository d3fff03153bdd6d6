import { eventually } from '../harness/eventually';
import { readBinary, runWorkflow } from '../harness/n8n';
import { useSandbox } from '../harness/sandbox';
import { useWebhookServer } from '../harness/webhooks';
import { generateVideoNode } from '../harness/workflows';

const { sandbox, credentials } = useSandbox();
const server = useWebhookServer();

const callbackWorkflow = (options: Record<string, unknown> = {}) => [
	generateVideoNode({ waitMode: 'callback', options }),
];

/** The sandbox records a callback's answer after the run has already resumed. */
async function callbacksAnswered(count: number) {
	await eventually(() => sandbox.callbackResults.length >= count, 5000, 20);
	return sandbox.callbackResults;
}

describe('Wait for Callback', () => {
	test('the run waits, the API calls the resume URL when the job ends, the run finishes with the video', async () => {
		sandbox.configure({ jobMs: 300 });
		const { first, finished, executionId } = await server.run(callbackWorkflow(), {
			credentials: credentials(),
		});
		expect(first.error).toBeUndefined();
		expect(first.run.status).toBe('waiting');
		expect(first.run.waitTill).toBeInstanceOf(Date);

		const [create] = sandbox.requestsTo('create');
		const callbackUrl = (create.json as { callback_url: string }).callback_url;
		expect(callbackUrl.startsWith(`${server.baseUrl}/webhook-waiting/${executionId}`)).toBe(true);

		const result = await finished;
		expect(result.error).toBeUndefined();
		const [item] = result.output();
		expect(item.json).toMatchObject({ status: 'succeeded', estimatedCredits: 30 });
		expect((await readBinary(item)).equals(sandbox.fixtureBytes)).toBe(true);
		// No polling: the callback carried the result.
		expect(sandbox.requestsTo('task')).toHaveLength(0);
		expect(await callbacksAnswered(1)).toEqual([expect.objectContaining({ status: 200 })]);
	});

	test('a challenge handshake is echoed and the run keeps waiting for the result', async () => {
		sandbox.configure({ jobMs: 200, callbackChallenge: true });
		const { finished } = await server.run(callbackWorkflow({ download: false }), {
			credentials: credentials(),
		});
		const result = await finished;
		expect(result.output()[0].json.status).toBe('succeeded');
		expect(result.output()[0].binary).toBeUndefined();
		const [challenge, final] = await callbacksAnswered(2);
		expect(JSON.parse(challenge.body)).toMatchObject({
			challenge: expect.stringMatching(/^challenge-/),
		});
		expect(final.status).toBe(200);
	});

	test('progress reports keep the run waiting; the final state resumes it', async () => {
		sandbox.configure({ callbacks: false });
		const { first, finished, executionId } = await server.run(
			callbackWorkflow({ download: false }),
			{ credentials: credentials() },
		);
		expect(first.run.status).toBe('waiting');
		const callbackUrl = (sandbox.requestsTo('create')[0].json as { callback_url: string })
			.callback_url;
		const post = async (body: unknown) => await server.deliver(callbackUrl, JSON.stringify(body));

		const progress = await post({ code: 200, data: { task_id: 'task_cb', status: 'IN_PROGRESS' } });
		expect(progress.body).toEqual({ received: true });
		// Handled to its end, the report left the execution parked.
		expect(server.isWaiting(executionId)).toBe(true);

		await post({
			code: 200,
			data: { task_id: 'task_cb', status: 'SUCCESS', video_url: 'https://cdn.example.com/cb.mp4' },
		});
		expect((await finished).output()[0].json).toMatchObject({
			taskId: 'task_cb',
			status: 'succeeded',
			videoUrl: 'https://cdn.example.com/cb.mp4',
		});
	});

	test('a failed job resumes the run with the failure and its reason', async () => {
		sandbox.configure({ jobMs: 100, failWith: 'Image rejected by moderation' });
		const { finished } = await server.run(callbackWorkflow(), { credentials: credentials() });
		expect((await finished).output()[0].json).toMatchObject({
			status: 'failed',
			error: 'Image rejected by moderation',
		});
	});

	test('more than one item is refused before any request', async () => {
		const result = await runWorkflow(callbackWorkflow(), {
			credentials: credentials(),
			items: [{ json: {} }, { json: {} }],
		});
		expect(result.error?.message).toContain('Invalid "Wait Mode"');
		expect(sandbox.requests).toHaveLength(0);
	});

	test('a Callback URL option cannot be combined with it', async () => {
		const result = await runWorkflow(
			callbackWorkflow({ callbackUrl: 'https://example.com/hook' }),
			{
				credentials: credentials(),
			},
		);
		expect(result.error?.message).toContain('Invalid "Callback URL"');
		expect(sandbox.requests).toHaveLength(0);
	});
});
