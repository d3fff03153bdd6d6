import type { IExecuteFunctions, IHttpRequestOptions, INode } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { apiRequest, createTask, readTask } from '../../../../nodes/Hailuo/transport';

const node = { name: 'Hailuo', type: 'n8n-nodes-hailuo.hailuo' } as INode;
const key = 'aio_secret_key_123456';

/** A context whose API does what `answer` does, keeping what each request was sent with. */
function apiContext(answer: (options: IHttpRequestOptions) => Promise<unknown>) {
	const sent: IHttpRequestOptions[] = [];
	const context = {
		getNode: () => node,
		getCredentials: async () => ({ apiKey: key, baseUrl: 'https://api.example.com/api/v1/' }),
		helpers: {
			httpRequestWithAuthentication: async (_name: string, options: IHttpRequestOptions) => {
				sent.push(options);
				return await answer(options);
			},
		},
	} as unknown as IExecuteFunctions;
	return { context, sent };
}

/** An API that never answers: the request ends only when its own signal fires. */
const silentApi = () =>
	apiContext(
		async (options) =>
			await new Promise((_resolve, reject) =>
				(options.abortSignal as AbortSignal).addEventListener('abort', () =>
					reject(new Error('aborted')),
				),
			),
	);

/** An API that answers at once with a created task. */
const answeringApi = () =>
	apiContext(async () => ({ statusCode: 200, headers: {}, body: '{"data":{"task_id":"task_1"}}' }));

// The create's own limit (60 s) is timed by the bench (`npm run bench -- --bounds-only`); here a
// short limit shows what any request that gets no answer in time turns into.
describe('a request that gets no answer in time', () => {
	test('a create says the job may exist and is not retryable; the key appears nowhere', async () => {
		const { context, sent } = silentApi();
		const error = await apiRequest
			.call(context, 'POST', '/videos/generations', { body: { prompt: 'x' }, timeoutMs: 1000 })
			.catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(NodeApiError);
		const apiError = error as NodeApiError;
		expect(apiError.message).toBe('The Hailuo API did not answer within 1 s');
		expect(apiError.description).toMatch(/may have been accepted/);
		expect(apiError.description).toMatch(/not retried/);
		expect(apiError.context.retryable).toBe(false);
		expect(sent).toHaveLength(1);
		expect(sent[0].timeout).toBe(1000);
		expect(JSON.stringify({ ...apiError, message: apiError.message })).not.toContain(key);
	});

	test('a read is retryable and says the job keeps running', async () => {
		const { context } = silentApi();
		const error = (await apiRequest
			.call(context, 'GET', '/tasks/task_1', { timeoutMs: 1000 })
			.catch((caught: unknown) => caught)) as NodeApiError;
		expect(error.message).toBe('The Hailuo API did not answer within 1 s');
		expect(error.description).toMatch(/keeps running upstream/);
		expect(error.context.retryable).toBe(true);
	});
});

describe('the limit each call gives its request', () => {
	test('a create waits up to 60 s for its answer (never retried, so it gets the longest)', async () => {
		const { context, sent } = answeringApi();
		await createTask.call(context, { prompt: 'x' });
		expect(sent).toMatchObject([
			{ method: 'POST', url: 'https://api.example.com/api/v1/videos/generations', timeout: 60_000 },
		]);
	});

	test('a task read waits up to 30 s unless its caller gives less', async () => {
		const { context, sent } = answeringApi();
		await readTask.call(context, 'task_1');
		await readTask.call(context, 'task_1', 4000);
		expect(sent.map((options) => options.timeout)).toEqual([30_000, 4000]);
		expect(sent[0].url).toBe('https://api.example.com/api/v1/tasks/task_1');
	});
});
