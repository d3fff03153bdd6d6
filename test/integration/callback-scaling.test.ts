/**
 * Wait for Callback where n8n is spread over processes: a resume URL the API could never reach is
 * refused before anything is sent, and the API's callback is answered before the video is fetched.
 */
import { videoHost } from '../harness/loopback';
import { readBinary, runWorkflow } from '../harness/n8n';
import { useSandbox } from '../harness/sandbox';
import { useWebhookServer } from '../harness/webhooks';
import { generateVideoNode } from '../harness/workflows';
import { taskBody } from '../sandbox/server';

const { sandbox, credentials } = useSandbox();
const server = useWebhookServer();

const callbackWorkflow = () => [generateVideoNode({ waitMode: 'callback' })];

describe('a resume URL the API could never reach', () => {
	test('on this machine only, with the API elsewhere: refused before any request, naming N8N_WEBHOOK_URL', async () => {
		const result = await runWorkflow(callbackWorkflow(), {
			credentials: credentials({ baseUrl: 'https://api.example.invalid/api/v1' }),
			webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		});
		expect(result.error?.message).toBe(
			'"Wait for Callback" cannot work here: n8n\'s resume URL for this run starts with ' +
				'http://localhost:5678, which only this machine can reach, so the API at ' +
				'api.example.invalid could never call back',
		);
		expect(result.error?.description).toContain('Set N8N_WEBHOOK_URL');
		expect(result.error?.description).toContain('no credits were used');
		expect(result.run.status).not.toBe('waiting');
	});

	test('a public resume URL is sent, and so is a local one when the API is local too', async () => {
		sandbox.configure({ callbacks: false });
		const published = await runWorkflow(callbackWorkflow(), {
			credentials: credentials(),
			webhookWaitingBaseUrl: 'https://n8n.example.com/webhook-waiting',
		});
		expect(published.run.status).toBe('waiting');
		const local = await runWorkflow(callbackWorkflow(), {
			credentials: credentials(),
			webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		});
		expect(local.run.status).toBe('waiting');
		expect(
			sandbox
				.requestsTo('create')
				.map((request) => new URL((request.json as { callback_url: string }).callback_url).origin),
		).toEqual(['https://n8n.example.com', 'http://127.0.0.1:5678']);
	});
});

describe("the API's callback is answered before the video is fetched", () => {
	// The video host holds the download until the test releases it: an answer that waited for the
	// download would never come.
	const video = videoHost(sandbox.fixtureBytes);
	beforeAll(async () => await video.start());
	afterAll(async () => await video.stop());

	async function parkAndCallBack() {
		sandbox.configure({ callbacks: false });
		video.holding = true;
		const { first, finished, executionId } = await server.run(callbackWorkflow(), {
			credentials: credentials(),
		});
		expect(first.run.status).toBe('waiting');
		const create = sandbox.requestsTo('create')[0];
		const callbackUrl = (create.json as { callback_url: string }).callback_url;
		const answer = await fetch(callbackUrl, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify(
				taskBody('apiinone', 'task_slow', 'SUCCESS', video.url('/slow.mp4'), null),
			),
		});
		const body = await answer.json();
		// Answered; the run stays parked until its download is done.
		await video.next();
		expect(server.isWaiting(executionId)).toBe(true);
		video.release();
		return { answer, body, finished };
	}

	test('a slow download: 200 at once, then the run resumes with the whole video', async () => {
		video.status = 200;
		const { answer, body, finished } = await parkAndCallBack();
		expect({ status: answer.status, body }).toEqual({ status: 200, body: { received: true } });
		const result = await finished;
		expect(result.error).toBeUndefined();
		const [item] = result.output();
		expect(item.json).toMatchObject({ taskId: 'task_slow', status: 'succeeded' });
		expect((await readBinary(item)).equals(sandbox.fixtureBytes)).toBe(true);
	});

	test('a download that fails after the answer resumes the run without the file, saying why', async () => {
		video.status = 404;
		const { answer, finished } = await parkAndCallBack();
		expect(answer.status).toBe(200);
		const result = await finished;
		expect(result.error).toBeUndefined();
		const [item] = result.output();
		expect(item.binary).toBeUndefined();
		expect(item.json).toMatchObject({
			taskId: 'task_slow',
			status: 'succeeded',
			downloadError: {
				message: 'The video link for task task_slow has expired or is gone (HTTP 404)',
				description: expect.stringContaining('Get Task'),
			},
		});
	});
});
