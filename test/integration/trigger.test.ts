import { createHmac, randomBytes, randomUUID } from 'node:crypto';

import { HookContext } from 'n8n-core';
import type { INode, INodeType } from 'n8n-workflow';

import { videoHost } from '../harness/loopback';
import { loadPackage, prepareExecution, readBinary } from '../harness/n8n';
import { useSandbox } from '../harness/sandbox';
import { useWebhookServer } from '../harness/webhooks';
import { TRIGGER_TYPE, triggerNode } from '../harness/workflows';
import { signCallback, taskBody } from '../sandbox/server';

const { sandbox, credentials } = useSandbox();
const server = useWebhookServer();

const TOKEN = randomBytes(24).toString('hex');
const WHSEC = `whsec_${randomBytes(24).toString('base64')}`;
const HMAC_SECRET = 'hmac-secret-for-tests';

const trigger = (parameters: INode['parameters']): INode[] => [triggerNode(parameters)];

/** Activates a trigger workflow with these parameters; returns its URL. */
const activate = async (parameters: INode['parameters']) =>
	await server.activate(trigger(parameters), credentials());

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

/** Posts a delivery; once its execution (if any) has run, says what it started. */
const deliver = async (url: string, raw: string, headers: Record<string, string> = {}) =>
	await server.deliver(url, raw, headers);

describe('verification', () => {
	test('URL token: the URL carries the token; a wrong token gets no execution', async () => {
		const url = await activate({ verification: 'urlToken', urlToken: TOKEN });
		expect(url.endsWith(`/hailuo/${TOKEN}`)).toBe(true);
		const good = await deliver(url, finished());
		expect(good).toMatchObject({ status: 200, started: 1 });
		const wrong = await deliver(url.replace(TOKEN, TOKEN.replace(/^./, 'x')), finished());
		expect(wrong.started).toBe(0);
		expect(wrong.status).toBeGreaterThanOrEqual(400);
	});

	test('Standard Webhooks: good signature accepted; wrong secret, tampering, old timestamps get 401', async () => {
		const url = await activate({ verification: 'standardWebhooks', secret: WHSEC });
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
		const url = await activate({
			verification: 'hmacHeader',
			secret: HMAC_SECRET,
			signatureHeader: 'X-Hailuo-Signature',
			signatureEncoding: 'base64',
		});
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
		url = await activate({ verification: 'none', events: 'final' });
	});

	test('the output has the normalised task, receivedAt and headers without secrets', async () => {
		const response = await deliver(url, finished('task_output_1'), {
			Authorization: 'Bearer aio_should_not_leak',
			'X-Request-Id': 'req-1',
		});
		expect(response).toMatchObject({ status: 200, body: { received: true }, started: 1 });
		const [item] = response.executions[0].output('Hailuo Trigger');
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
		const signed = await activate({ verification: 'standardWebhooks', secret: WHSEC });
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
		expect(await deliver(url, raw, { 'Content-Type': contentType })).toMatchObject({
			status,
			started: 0,
		});
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
		const url = await activate({ verification: 'none', events });
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
	const url = await activate({
		verification: 'none',
		options: { download: true, binaryPropertyOutput: 'video' },
	});
	const delivered = await deliver(url, task);
	expect(delivered).toMatchObject({ status: 200, started: 1 });
	const [item] = delivered.executions[0].output('Hailuo Trigger');
	expect(item.binary?.video).toMatchObject({
		fileName: `hailuo-${taskId}.mp4`,
		mimeType: 'video/mp4',
	});
	expect((await readBinary(item, 'video')).equals(sandbox.fixtureBytes)).toBe(true);
	expect(sandbox.requestsTo('video')[0].headers.authorization).toBeUndefined();
});

test('download: a video that cannot be fetched answers 500 with no execution, and the retry still counts', async () => {
	const { body: task } = sandbox.finishedTask();
	const url = await activate({ verification: 'none', options: { download: true } });
	sandbox.configure({ videoExpired: true });
	expect(await deliver(url, task)).toMatchObject({ status: 500, started: 0 });
	sandbox.configure({ videoExpired: false });
	expect(await deliver(url, task)).toMatchObject({ status: 200, started: 1 });
});

/** Runs the trigger's activation as n8n does when a workflow is activated (webhookMethods.create). */
async function activation(parameters: INode['parameters']): Promise<unknown> {
	const nodes = trigger(parameters);
	const { workflow, additionalData } = await prepareExecution(nodes, {
		credentials: credentials(),
		mode: 'webhook',
	});
	const type = workflow.nodeTypes.getByNameAndVersion(nodes[0].type, nodes[0].typeVersion);
	const create = type.webhookMethods?.default?.create;
	if (!create) throw new Error('the trigger has no webhookMethods.default.create');
	const context = new HookContext(workflow, nodes[0], additionalData, 'webhook', 'activate');
	return await create.call(context);
}

/** Every delivery here is refused with 401 and starts nothing; returns how many were tried. */
async function expectAllRefused(url: string, deliveries: Array<[string, Record<string, string>]>) {
	for (const [raw, headers] of deliveries) {
		expect(await deliver(url, raw, headers)).toMatchObject({
			status: 401,
			started: 0,
			body: { error: 'Unauthorized' },
		});
	}
	return deliveries.length;
}

/** A delivery signed with a key the weak secret would decode to, plus unsigned variants. */
function forgedDeliveries(weakSecret: string): Array<[string, Record<string, string>]> {
	const raw = finished();
	const now = Math.floor(Date.now() / 1000);
	const weakKey = Buffer.from(weakSecret.replace(/^whsec_/, ''), 'base64');
	const signature = createHmac('sha256', weakKey).update(`msg_f.${now}.${raw}`).digest('base64');
	return [
		[
			raw,
			{
				'webhook-id': 'msg_f',
				'webhook-timestamp': String(now),
				'webhook-signature': `v1,${signature}`,
			},
		],
		[raw, { 'x-signature': createHmac('sha256', weakSecret).update(raw).digest('hex') }],
		[raw, {}],
	];
}

describe('verification fails closed', () => {
	test.each([['URLTOKEN'], ['None'], ['none '], [''], ['={{ "NONE" }}'], ['={{ $now.year }}']])(
		'Verification %j is refused at activation, and every delivery gets 401',
		async (verification) => {
			const parameters = { verification, urlToken: TOKEN, secret: WHSEC };
			await expect(activation(parameters)).rejects.toThrow(
				/Invalid "Verification".*"urlToken", "standardWebhooks", "hmacHeader", "none"/,
			);
			const url = await activate(parameters);
			await expectAllRefused(url, [[finished(), {}], ...forgedDeliveries(WHSEC)]);
		},
	);

	test.each([
		['standardWebhooks', 'whsec_'],
		['standardWebhooks', 'whsec_===='],
		['standardWebhooks', '****************'],
		['standardWebhooks', 'whsec_AAECAwQFBgcICQoLDA4P'],
		['hmacHeader', 'short-secret'],
		['hmacHeader', 'x'.repeat(15)],
	])(
		'%s with the secret %j is refused at activation, and forged deliveries get 401',
		async (verification, secret) => {
			const parameters = { verification, secret };
			await expect(activation(parameters)).rejects.toThrow(/Invalid "Secret"/);
			const url = await activate(parameters);
			await expectAllRefused(url, forgedDeliveries(secret));
		},
	);

	test('usable settings activate', async () => {
		await expect(activation({ verification: 'urlToken', urlToken: TOKEN })).resolves.toBe(true);
		await expect(activation({ verification: 'standardWebhooks', secret: WHSEC })).resolves.toBe(
			true,
		);
		await expect(
			activation({ verification: 'hmacHeader', secret: HMAC_SECRET, signatureEncoding: 'hex' }),
		).resolves.toBe(true);
		await expect(activation({ verification: 'none' })).resolves.toBe(true);
		await expect(activation({ verification: '={{ "urlToken" }}', urlToken: TOKEN })).resolves.toBe(
			true,
		);
	});

	test('None shows a warning in the panel that anyone with the URL can start the workflow', async () => {
		const { types } = await loadPackage();
		const { description } = types[TRIGGER_TYPE] as INodeType;
		const notices = description.properties.filter(
			(property) =>
				property.type === 'notice' &&
				property.displayOptions?.show?.verification?.includes('none') === true,
		);
		expect(notices).toHaveLength(1);
		expect(notices[0].displayName).toMatch(/anyone who knows this URL can start this workflow/i);
		expect(notices[0].displayName).toMatch(/download/i);
		expect(notices[0].displayOptions?.show?.verification).toEqual(['none']);
	});
});

describe('signatures are compared exactly', () => {
	test('HMAC hex: trailing junk, an extra digit or a second value do not pass', async () => {
		const url = await activate({
			verification: 'hmacHeader',
			secret: HMAC_SECRET,
			signatureHeader: 'x-sig',
		});
		const raw = finished();
		const hex = createHmac('sha256', HMAC_SECRET).update(raw).digest('hex');
		await expectAllRefused(url, [
			[raw, { 'x-sig': `${hex}zz` }],
			[raw, { 'x-sig': `${hex}0` }],
			[raw, { 'x-sig': `${hex}, ${hex}` }],
			[raw, { 'x-sig': `${hex},deadbeef` }],
			[raw, { 'x-sig': `sha256=${hex.slice(0, 63)}` }],
			[raw, { 'x-sig': Buffer.from(hex, 'hex').toString('base64') }],
		]);
		// A second header line reaches the node joined to the first, and is refused the same way.
		const twoLines = new Headers({ 'Content-Type': 'application/json' });
		twoLines.append('x-sig', hex);
		twoLines.append('x-sig', hex);
		const before = server.executions.length;
		expect((await fetch(url, { method: 'POST', headers: twoLines, body: raw })).status).toBe(401);
		expect(server.executions.length).toBe(before);
		expect(await deliver(url, raw, { 'x-sig': `SHA256=${hex.toUpperCase()}` })).toMatchObject({
			status: 200,
			started: 1,
		});
	});

	test('HMAC base64 and Standard Webhooks: only the canonical base64 of 32 bytes passes', async () => {
		const hmacUrl = await activate({
			verification: 'hmacHeader',
			secret: HMAC_SECRET,
			signatureEncoding: 'base64',
		});
		const raw = finished();
		const mac = createHmac('sha256', HMAC_SECRET).update(raw).digest();
		const loose = (bytes: Buffer) => [
			bytes.toString('base64url'),
			bytes.toString('base64').replace(/=$/, ''),
			`${bytes.toString('base64')}=`,
			`${bytes.toString('base64')}AA`,
			Buffer.concat([bytes, Buffer.from([1])]).toString('base64'),
		];
		await expectAllRefused(
			hmacUrl,
			loose(mac).map((signature): [string, Record<string, string>] => [
				raw,
				{ 'x-signature': signature },
			]),
		);

		const swUrl = await activate({ verification: 'standardWebhooks', secret: WHSEC });
		const now = Math.floor(Date.now() / 1000);
		const signed = signCallback(
			{ scheme: 'standardWebhooks', secret: WHSEC },
			raw,
			'msg_loose',
			now,
		);
		const bytes = Buffer.from(signed['webhook-signature'].slice(3), 'base64');
		await expectAllRefused(swUrl, [
			...loose(bytes).map((signature): [string, Record<string, string>] => [
				raw,
				{ ...signed, 'webhook-signature': `v1,${signature}` },
			]),
			[raw, { ...signed, 'webhook-signature': `${signed['webhook-signature']},extra` }],
			[raw, { ...signed, 'webhook-signature': signed['webhook-signature'].replace('v1,', 'v1=') }],
		]);
		expect(await deliver(swUrl, raw, signed)).toMatchObject({ status: 200, started: 1 });
	});
});

describe('bodies nested deeper than n8n can store', () => {
	const nestedTask = (depth: number) => {
		// The task object itself and `data` are two levels; the rest hangs below `extra`.
		let extra = '1';
		for (let level = 0; level < depth - 2; level++) extra = `{"x":${extra}}`;
		return `{"data":{"task_id":"task_deep_${depth}_${randomUUID().slice(0, 6)}","status":"FAILED","extra":${extra}}}`;
	};

	test('65 levels answer 400 with no execution; 64 levels are a task', async () => {
		const url = await activate({ verification: 'none' });
		expect(await deliver(url, nestedTask(65))).toMatchObject({
			status: 400,
			started: 0,
			body: { error: expect.stringContaining('64 levels') },
		});
		expect(await deliver(url, `[${'['.repeat(100_000)}${']'.repeat(100_000)}]`, {})).toMatchObject({
			status: 400,
			started: 0,
		});
		expect(await deliver(url, nestedTask(64))).toMatchObject({ status: 200, started: 1 });
	});

	test('verification still comes first: an unsigned deep body gets 401', async () => {
		const url = await activate({ verification: 'hmacHeader', secret: HMAC_SECRET });
		const raw = nestedTask(65);
		expect(await deliver(url, raw)).toMatchObject({ status: 401, started: 0 });
		const signature = createHmac('sha256', HMAC_SECRET).update(raw).digest('hex');
		expect(await deliver(url, raw, { 'x-signature': signature })).toMatchObject({
			status: 400,
			started: 0,
		});
	});
});

describe('nothing secret reaches the output', () => {
	test('credential-like headers and headers carrying a configured secret are dropped', async () => {
		// The credential is only in play (and its key known) when the trigger downloads.
		const url = await activate({
			verification: 'urlToken',
			urlToken: TOKEN,
			options: { download: true },
		});
		const response = await deliver(url, finished('task_headers_1', 'FAILED', null), {
			'Proxy-Authorization': 'Basic cHJveHk6cGFzcw==',
			'Api-Key': 'k1',
			'X-Api-Key': 'k2',
			'X-Auth-Token': 't1',
			'X-Access-Token': 't2',
			Cookie: 'session=abc',
			'X-Client-Secret': 's1',
			'X-Body-Signature': 'sig',
			'X-Authn': 'who',
			'X-Forwarded-Uri': `/webhook/x/hailuo/${TOKEN}`,
			'X-Echo': `key ${sandbox.apiKey}`,
			'X-Request-Id': 'req-2',
		});
		expect(response).toMatchObject({ status: 200, started: 1 });
		const [item] = response.executions[0].output('Hailuo Trigger');
		const headers = item.json.headers as Record<string, string>;
		expect(headers['x-request-id']).toBe('req-2');
		for (const name of [
			'proxy-authorization',
			'api-key',
			'x-api-key',
			'x-auth-token',
			'x-access-token',
			'cookie',
			'x-client-secret',
			'x-body-signature',
			'x-authn',
			'x-forwarded-uri',
			'x-echo',
		])
			expect(headers).not.toHaveProperty(name);
		const text = JSON.stringify(item.json);
		for (const secret of [TOKEN, sandbox.apiKey, 'cHJveHk6cGFzcw==', 'session=abc']) {
			expect(text).not.toContain(secret);
		}
	});

	test('the API key is redacted from the delivery body, its raw copy and its error text', async () => {
		const url = await activate({ verification: 'none', options: { download: true } });
		const key = sandbox.apiKey;
		const raw = JSON.stringify({
			code: 200,
			message: `echo: Bearer ${key}`,
			data: {
				task_id: 'task_redact_1',
				status: 'FAILED',
				fail_msg: `upstream rejected Authorization: Bearer ${key}`,
				nested: [{ [key]: `x${key}y` }],
			},
		});
		const delivered = await deliver(url, raw);
		expect(delivered).toMatchObject({ status: 200, started: 1 });
		const [item] = delivered.executions[0].output('Hailuo Trigger');
		expect(JSON.stringify(item.json)).not.toContain(key);
		expect(item.json).toMatchObject({
			taskId: 'task_redact_1',
			status: 'failed',
			error: 'upstream rejected Authorization: Bearer ***',
			raw: { message: 'echo: Bearer ***', data: { nested: [{ '***': 'x***y' }] } },
		});
	});
});

describe('trigger downloads', () => {
	const downloading = (options: Record<string, unknown> = {}) => ({
		verification: 'none',
		options: { download: true, ...options },
	});

	test('a video URL on the API host is fetched without the API key', async () => {
		sandbox.configure({ videoOnApiHost: true });
		const { body: task } = sandbox.finishedTask();
		expect(task).toContain(sandbox.baseUrl.replace('/api/v1', '/files/'));
		const url = await activate(downloading());
		const delivered = await deliver(url, task);
		expect(delivered).toMatchObject({ status: 200, started: 1 });
		const [item] = delivered.executions[0].output('Hailuo Trigger');
		expect((await readBinary(item, 'data')).equals(sandbox.fixtureBytes)).toBe(true);
		expect(sandbox.requestsTo('video')).toHaveLength(1);
		for (const request of sandbox.requests) {
			expect(request.headers.authorization).toBeUndefined();
			expect(JSON.stringify(request.headers)).not.toContain(sandbox.apiKey);
		}
	});

	test.each([
		[
			'too big (declared)',
			() => sandbox.configure({ videoBytes: 3 * 1024 * 1024 }),
			/over the 1 MB "Max Video Size"/,
		],
		[
			'too big (endless)',
			() => sandbox.fault({ endpoint: 'video', kind: 'endless' }),
			/over the 1 MB "Max Video Size"/,
		],
		[
			'an HTML page',
			() => sandbox.fault({ endpoint: 'video', kind: 'html', status: 200 }),
			/text\/html, not a video/,
		],
	])(
		'a permanent failure (%s) starts the execution with the task and the reason, no file',
		async (_case, arrange, reason) => {
			const { taskId, body: task } = sandbox.finishedTask();
			const url = await activate(downloading({ maxVideoMb: 1 }));
			arrange();
			const delivered = await deliver(url, task);
			expect(delivered).toMatchObject({
				status: 200,
				started: 1,
				body: { received: true },
			});
			const [item] = delivered.executions[0].output('Hailuo Trigger');
			expect(item.binary).toBeUndefined();
			expect(item.json).toMatchObject({
				taskId,
				status: 'succeeded',
				downloadError: { message: expect.stringMatching(reason), description: expect.any(String) },
			});
			// The event was delivered: a retry of it is a duplicate, not a second execution.
			expect(await deliver(url, task)).toMatchObject({
				status: 200,
				started: 0,
				body: { duplicate: true },
			});
		},
	);

	test('a finished task with no video URL starts the execution with the reason', async () => {
		const url = await activate(downloading());
		const delivered = await deliver(url, finished('task_no_url', 'SUCCESS', null));
		expect(delivered).toMatchObject({
			status: 200,
			started: 1,
		});
		const [item] = delivered.executions[0].output('Hailuo Trigger');
		expect(item.binary).toBeUndefined();
		expect(item.json.downloadError).toMatchObject({
			message: expect.stringContaining('no video URL'),
		});
	});

	test('a dropped connection is transient: 500, no execution, and the retry counts', async () => {
		const { body: task } = sandbox.finishedTask();
		const url = await activate(downloading());
		sandbox.fault({ endpoint: 'video', kind: 'drop', times: 1 });
		expect(await deliver(url, task)).toMatchObject({ status: 500, started: 0 });
		expect(await deliver(url, task)).toMatchObject({ status: 200, started: 1 });
	});

	test('a video host that never answers is transient: 500 at the download timeout, then the retry counts', async () => {
		const { body: task } = sandbox.finishedTask();
		const url = await activate(downloading({ downloadTimeout: 1 }));
		sandbox.fault({ endpoint: 'video', kind: 'hang', times: 1 });
		// Without the timeout this delivery would never be answered (the host never is).
		expect(await deliver(url, task)).toMatchObject({ status: 500, started: 0 });
		expect(await deliver(url, task)).toMatchObject({ status: 200, started: 1 });
	});
});

describe('duplicates are one event', () => {
	test('the same task in the same state, spelled SUCCESS, success or completed, starts one execution', async () => {
		const url = await activate({ verification: 'none' });
		const id = `task_spell_${randomUUID().slice(0, 6)}`;
		const spelled = (status: string) =>
			JSON.stringify({ data: { task_id: id, status, video_url: 'https://cdn.example.com/v.mp4' } });
		expect((await deliver(url, spelled('SUCCESS'))).started).toBe(1);
		for (const status of ['success', 'completed', 'Succeeded']) {
			expect(await deliver(url, spelled(status))).toMatchObject({
				status: 200,
				started: 0,
				body: { duplicate: true },
			});
		}
		expect((await deliver(url, spelled('fail'))).started).toBe(1);
		expect((await deliver(url, spelled('FAILED'))).started).toBe(0);
	});

	test('a delivery with neither a task id nor a webhook-id is known by its raw body', async () => {
		const url = await activate({ verification: 'none' });
		const raw = JSON.stringify({
			status: 'SUCCESS',
			video_url: `https://cdn.example.com/${randomUUID()}.mp4`,
		});
		expect((await deliver(url, raw)).started).toBe(1);
		expect(await deliver(url, raw)).toMatchObject({ started: 0, body: { duplicate: true } });
		expect((await deliver(url, raw.replace('.mp4', '.webm'))).started).toBe(1);
	});

	test('a copy arriving while the first downloads gets 503; once the first fails, the retry runs', async () => {
		const host = videoHost(sandbox.fixtureBytes);
		host.holding = true;
		await host.start();
		try {
			const url = await activate({ verification: 'none', options: { download: true } });
			const raw = finished(`task_inflight_${randomUUID().slice(0, 6)}`, 'SUCCESS', host.url());
			const first = deliver(url, raw);
			await host.next();
			expect(await deliver(url, raw)).toMatchObject({
				status: 503,
				started: 0,
				body: { retry: true },
			});
			host.breakOff();
			expect(await first).toMatchObject({ status: 500, started: 0 });

			const retry = deliver(url, raw);
			await host.next();
			host.release();
			expect(await retry).toMatchObject({ status: 200, started: 1 });
			expect(await deliver(url, raw)).toMatchObject({
				status: 200,
				started: 0,
				body: { duplicate: true },
			});
		} finally {
			await host.stop();
		}
	});
});
