import { createHmac, randomBytes, randomUUID } from 'node:crypto';

import type { INode } from 'n8n-workflow';

import { readBinary } from '../harness/n8n';
import { useSandbox } from '../harness/sandbox';
import { useWebhookServer } from '../harness/webhooks';
import { signCallback, taskBody } from '../sandbox/server';

const { sandbox, credentials } = useSandbox();
const server = useWebhookServer();

const TOKEN = randomBytes(24).toString('hex');
const WHSEC = `whsec_${randomBytes(24).toString('base64')}`;
const HMAC_SECRET = 'hmac-secret-for-tests';

const trigger = (parameters: INode['parameters']): INode[] => [
	{
		id: 'trigger',
		name: 'Hailuo Trigger',
		type: 'n8n-nodes-hailuo.hailuoTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters,
		credentials: { hailuoApi: { id: '1', name: 'Hailuo sandbox' } },
	},
];

const finished = (
	taskId = `task_${randomUUID().slice(0, 8)}`,
	state = 'SUCCESS',
	url: string | null = 'https://cdn.example.com/v.mp4',
) =>
	JSON.stringify(
		taskBody(
			'apiinone',
			taskId,
			state,
			state === 'SUCCESS' ? url : null,
			state === 'FAILED' ? 'nsfw' : null,
		),
	);

async function post(url: string, raw: string, headers: Record<string, string> = {}) {
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', ...headers },
		body: raw,
	});
	return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Runs a delivery and reports how many executions it started. */
async function deliver(url: string, raw: string, headers: Record<string, string> = {}) {
	const before = server.executions.length;
	const response = await post(url, raw, headers);
	return { ...response, started: server.executions.length - before };
}

describe('verification', () => {
	test('URL token: the URL carries the token; a wrong token gets no execution', async () => {
		const url = await server.activate(
			trigger({ verification: 'urlToken', urlToken: TOKEN }),
			credentials(),
		);
		expect(url.endsWith(`/hailuo/${TOKEN}`)).toBe(true);
		const good = await deliver(url, finished());
		expect(good).toMatchObject({ status: 200, started: 1 });
		const wrong = await deliver(url.replace(TOKEN, TOKEN.replace(/^./, 'x')), finished());
		expect(wrong.started).toBe(0);
		expect(wrong.status).toBeGreaterThanOrEqual(400);
	});

	test('Standard Webhooks: good signature accepted; wrong secret, tampering and old timestamps refused with 401', async () => {
		const url = await server.activate(
			trigger({ verification: 'standardWebhooks', secret: WHSEC }),
			credentials(),
		);
		const now = Math.floor(Date.now() / 1000);
		const raw = finished();
		const good = await deliver(
			url,
			raw,
			signCallback({ scheme: 'standardWebhooks', secret: WHSEC }, raw, 'msg_a', now),
		);
		expect(good).toMatchObject({ status: 200, started: 1 });

		const other = `whsec_${randomBytes(24).toString('base64')}`;
		const raw2 = finished();
		for (const headers of [
			signCallback({ scheme: 'standardWebhooks', secret: other }, raw2, 'msg_b', now),
			signCallback({ scheme: 'standardWebhooks', secret: WHSEC }, raw2, 'msg_c', now - 600),
			{},
		]) {
			expect(await deliver(url, raw2, headers)).toMatchObject({
				status: 401,
				started: 0,
				body: { error: 'Unauthorized' },
			});
		}
		const tampered = await deliver(
			url,
			raw2,
			signCallback(
				{ scheme: 'standardWebhooks', secret: WHSEC },
				raw2.replace('SUCCESS', 'FAILED'),
				'msg_d',
				now,
			),
		);
		expect(tampered).toMatchObject({ status: 401, started: 0 });
	});

	test('HMAC header: verified on the raw body, in the header the user named', async () => {
		const url = await server.activate(
			trigger({
				verification: 'hmacHeader',
				secret: HMAC_SECRET,
				signatureHeader: 'X-Hailuo-Signature',
				signatureEncoding: 'base64',
			}),
			credentials(),
		);
		// Whitespace the JSON parser would ignore is still part of what was signed.
		const raw = `  ${finished()}\n`;
		const signature = createHmac('sha256', HMAC_SECRET).update(raw).digest('base64');
		expect(await deliver(url, raw, { 'X-Hailuo-Signature': signature })).toMatchObject({
			status: 200,
			started: 1,
		});
		expect(await deliver(url, raw.trim(), { 'X-Hailuo-Signature': signature })).toMatchObject({
			status: 401,
			started: 0,
		});
		expect(await deliver(url, raw, { 'X-Other': signature })).toMatchObject({
			status: 401,
			started: 0,
		});
	});
});

describe('deliveries', () => {
	let url: string;
	beforeAll(async () => {
		url = await server.activate(trigger({ verification: 'none', events: 'final' }), credentials());
	});

	test('the output has the normalised task, receivedAt and headers without secrets', async () => {
		const before = server.executions.length;
		const response = await post(url, finished('task_output_1'), {
			Authorization: 'Bearer aio_should_not_leak',
			'X-Request-Id': 'req-1',
		});
		expect(response).toEqual({ status: 200, body: { received: true } });
		const [item] = server.executions[before].output('Hailuo Trigger');
		expect(item.json).toMatchObject({
			taskId: 'task_output_1',
			status: 'succeeded',
			rawStatus: 'SUCCESS',
			videoUrl: 'https://cdn.example.com/v.mp4',
		});
		expect(Date.parse(String(item.json.receivedAt))).not.toBeNaN();
		expect(item.json.headers).toMatchObject({ 'x-request-id': 'req-1' });
		expect(JSON.stringify(item.json)).not.toContain('aio_should_not_leak');
	});

	test('a MiniMax challenge is echoed at once and starts no execution', async () => {
		expect(await deliver(url, JSON.stringify({ challenge: 'abc-123' }))).toMatchObject({
			status: 200,
			body: { challenge: 'abc-123' },
			started: 0,
		});
	});

	test('the same event delivered twice starts one execution', async () => {
		const raw = finished('task_dup_1');
		expect((await deliver(url, raw)).started).toBe(1);
		expect(await deliver(url, raw)).toMatchObject({
			status: 200,
			started: 0,
			body: { duplicate: true },
		});
		// The same task in another state is a new event.
		expect((await deliver(url, finished('task_dup_1', 'FAILED'))).started).toBe(1);
	});

	test('the same webhook-id twice starts one execution, whatever the body', async () => {
		const signed = await server.activate(
			trigger({ verification: 'standardWebhooks', secret: WHSEC }),
			credentials(),
		);
		const now = Math.floor(Date.now() / 1000);
		const first = finished();
		const second = finished();
		const sign = (raw: string) =>
			signCallback({ scheme: 'standardWebhooks', secret: WHSEC }, raw, 'msg_same', now);
		expect((await deliver(signed, first, sign(first))).started).toBe(1);
		expect((await deliver(signed, second, sign(second))).started).toBe(0);
	});

	test.each([
		['not JSON', 'this is not json', 'text/plain', 400],
		['a JSON array', '[1,2,3]', 'text/plain', 400],
		['JSON that is no task', '{"hello":"world"}', 'application/json', 400],
		['broken JSON', '{"code":200,', 'application/json', 422],
	])('%s gets a 4xx and no execution', async (_case, raw, contentType, status) => {
		const before = server.executions.length;
		const response = await fetch(url, {
			method: 'POST',
			headers: { 'Content-Type': contentType },
			body: raw,
		});
		expect(response.status).toBe(status);
		expect(server.executions.length).toBe(before);
	});

	test('an oversize body gets 413 and no execution', async () => {
		const big = JSON.stringify({
			data: { task_id: 'big', status: 'SUCCESS', padding: 'x'.repeat(1_100_000) },
		});
		expect(await deliver(url, big)).toMatchObject({ status: 413, started: 0 });
	});
});

describe('event filters', () => {
	test.each([
		['final', ['SUCCESS', 'FAILED'], ['IN_PROGRESS', 'PENDING']],
		['succeeded', ['SUCCESS'], ['FAILED', 'IN_PROGRESS']],
		['failed', ['FAILED'], ['SUCCESS', 'IN_PROGRESS']],
		['all', ['SUCCESS', 'FAILED', 'IN_PROGRESS', 'PENDING'], []],
	])('%s', async (events, accepted, ignored) => {
		const url = await server.activate(trigger({ verification: 'none', events }), credentials());
		for (const state of accepted)
			expect((await deliver(url, finished(undefined, state))).started).toBe(1);
		for (const state of ignored) {
			expect(await deliver(url, finished(undefined, state))).toMatchObject({
				status: 200,
				started: 0,
				body: { ignored: true },
			});
		}
	});
});

test('download: the video lands as a file, fetched without the API key from the CDN', async () => {
	const { taskId, body: task } = sandbox.finishedTask();
	const url = await server.activate(
		trigger({ verification: 'none', options: { download: true, binaryPropertyOutput: 'video' } }),
		credentials(),
	);
	const before = server.executions.length;
	expect((await post(url, task)).status).toBe(200);
	const [item] = server.executions[before].output('Hailuo Trigger');
	expect(item.binary?.video).toMatchObject({
		fileName: `hailuo-${taskId}.mp4`,
		mimeType: 'video/mp4',
	});
	expect((await readBinary(item, 'video')).equals(sandbox.fixtureBytes)).toBe(true);
	expect(sandbox.requestsTo('video')[0].headers.authorization).toBeUndefined();
});

test('download: a video that cannot be fetched answers 500 with no execution, and the retry still counts', async () => {
	const { body: task } = sandbox.finishedTask();
	const url = await server.activate(
		trigger({ verification: 'none', options: { download: true } }),
		credentials(),
	);
	sandbox.configure({ videoExpired: true });
	expect(await deliver(url, task)).toMatchObject({ status: 500, started: 0 });
	sandbox.configure({ videoExpired: false });
	expect(await deliver(url, task)).toMatchObject({ status: 200, started: 1 });
});
