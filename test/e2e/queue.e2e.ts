/**
 * End to end in n8n's queue mode (test/e2e/queue-cluster.ts): PostgreSQL, Redis, a main process,
 * two workers and two webhook processes behind a load balancer, the packed package installed once
 * for all. Workflows are started through production webhooks, so the executions run on workers;
 * results come back over HTTP (JSON to the collector, files to the video receiver) and from n8n's
 * database.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';

import { eventually } from '../harness/eventually';
import { LoopbackServer, readBody, videoHost } from '../harness/loopback';
import { generateVideoNode, getTaskNode, triggerNode } from '../harness/workflows';
import { signCallback, taskBody } from '../sandbox/server';
import { Collector, collectNode } from './collector';
import type { Workflow } from './instance';
import { QueueCluster } from './queue-cluster';
import { useE2eSession } from './session';

const WHSEC = `whsec_${randomBytes(24).toString('base64')}`;
const ELSEWHERE = { id: 'hailuoQueueRemote1', name: 'Hailuo elsewhere' };
const TRIGGER_WORKFLOW = 'queueTrigger0001';
const TRIGGER_DOWNLOAD_WORKFLOW = 'queueTriggerDl01';
const TRIGGER_LOAD_WORKFLOW = 'queueTriggerLd01';

/** Receives the files workflows send (an HTTP Request node posting the binary itself). */
class VideoReceiver extends LoopbackServer {
	readonly received: Array<{ execution: string; bytes: Buffer }> = [];

	get url(): string {
		return `${this.origin}/video`;
	}

	protected async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const bytes = await readBody(req);
		this.received.push({ execution: String(req.headers['x-execution']), bytes });
		res.writeHead(200, { 'Content-Type': 'application/json' });
		res.end('{"ok":true}');
	}

	async waitFor(execution: string, timeoutMs: number) {
		return await eventually(
			() => this.received.find((entry) => entry.execution === execution),
			timeoutMs,
		);
	}
}

const collector = new Collector();
const videos = new VideoReceiver();
const session = useE2eSession({
	sandbox: { jobMs: 1500 },
	servers: [collector, videos],
	credentials: (sandbox) => [
		{
			...ELSEWHERE,
			type: 'hailuoApi',
			data: { apiKey: sandbox.apiKey, baseUrl: 'https://api.example.invalid/api/v1' },
		},
	],
	deploy: QueueCluster.create,
});
const { sandbox } = session;
let cluster: QueueCluster;

const slowHost = videoHost(sandbox.fixtureBytes);

const started = (path: string) => ({
	id: `start-${path}`,
	name: 'Start',
	type: 'n8n-nodes-base.webhook',
	typeVersion: 2,
	position: [0, 0],
	webhookId: path,
	parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
});

/** Posts the incoming item's file as the request body, naming the execution in a header. */
const sendVideo = (position: [number, number]) => ({
	id: 'send-video',
	name: 'Send Video',
	type: 'n8n-nodes-base.httpRequest',
	typeVersion: 4.2,
	position,
	parameters: {
		method: 'POST',
		url: videos.url,
		sendHeaders: true,
		headerParameters: { parameters: [{ name: 'x-execution', value: '={{ $execution.id }}' }] },
		sendBody: true,
		contentType: 'binaryData',
		inputDataFieldName: 'data',
		options: {},
	},
});

/** Connections from one node's output to each of `to`. */
const link = (...to: string[]) => ({
	main: [to.map((node) => ({ node, type: 'main', index: 0 }))],
});

function workflows(getTaskId: string): Workflow[] {
	const poll = generateVideoNode({ options: { pollInterval: 2, maxWait: 120 } });
	const report = {
		...collectNode('Report', collector.url, [480, -120]),
		parameters: {
			...collectNode('Report', collector.url, [480, -120]).parameters,
			jsonBody:
				'={{ JSON.stringify({ report: "poll", taskId: $json.taskId, binaryId: $binary.data?.id, ' +
				'bytes: $binary.data?.bytes, execution: $execution.id, resumeUrl: $execution.resumeUrl }) }}',
		},
	};
	return [
		{
			id: 'queuePoll0000001',
			name: 'queue poll',
			nodes: [
				started('q-poll'),
				poll,
				report,
				{
					id: 'wait',
					name: 'Wait',
					type: 'n8n-nodes-base.wait',
					typeVersion: 1.1,
					position: [480, 120],
					webhookId: 'q-poll-wait',
					parameters: { resume: 'webhook', httpMethod: 'POST', options: {} },
				},
				{
					// The Wait node puts out the resuming request; the item with the video is the Hailuo node's.
					id: 'restore',
					name: 'Restore Video',
					type: 'n8n-nodes-base.code',
					typeVersion: 2,
					position: [720, 120],
					parameters: { jsCode: "return $('Hailuo').all();" },
				},
				sendVideo([960, 120]),
			],
			connections: {
				Start: link('Hailuo'),
				Hailuo: link('Report', 'Wait'),
				Wait: link('Restore Video'),
				'Restore Video': link('Send Video'),
			},
		},
		{
			id: 'queueCallback001',
			name: 'queue callback',
			nodes: [
				started('q-callback'),
				generateVideoNode({ waitMode: 'callback', options: { maxWait: 300 } }),
				collectNode('Report', collector.url, [480, -120]),
				sendVideo([480, 120]),
			],
			connections: {
				Start: link('Hailuo'),
				Hailuo: link('Report', 'Send Video'),
			},
		},
		{
			id: 'queueRefused0001',
			name: 'queue callback refused',
			nodes: [
				started('q-refused'),
				generateVideoNode({ waitMode: 'callback' }, { credentials: { hailuoApi: ELSEWHERE } }),
			],
			connections: { Start: link('Hailuo') },
		},
		{
			id: 'queueGetTask0001',
			name: 'queue get task',
			nodes: [
				started('q-get-task'),
				getTaskNode(getTaskId, { options: { download: true } }),
				sendVideo([480, 0]),
			],
			connections: { Start: link('Hailuo'), Hailuo: link('Send Video') },
		},
		// The load test has a trigger workflow of its own, so it counts only its own executions.
		...[
			[TRIGGER_WORKFLOW, 'q-trigger'],
			[TRIGGER_LOAD_WORKFLOW, 'q-trigger-load'],
		].map(([id, webhookId]) => ({
			id,
			name: `queue trigger ${webhookId}`,
			nodes: [
				triggerNode(
					{ verification: 'standardWebhooks', secret: WHSEC, events: 'final' },
					{ webhookId },
				),
				collectNode('Collect', collector.url, [240, 0]),
			],
			connections: { 'Hailuo Trigger': link('Collect') },
		})),
		{
			id: TRIGGER_DOWNLOAD_WORKFLOW,
			name: 'queue trigger with download',
			nodes: [
				triggerNode(
					{
						verification: 'standardWebhooks',
						secret: WHSEC,
						events: 'final',
						options: { download: true },
					},
					{ webhookId: 'q-trigger-dl' },
				),
				sendVideo([240, 0]),
			],
			connections: { 'Hailuo Trigger': link('Send Video') },
		},
	];
}

/** What the n8n processes logged about an execution, and any errors: shown when a test fails. */
const logsAbout = (execution: string) =>
	cluster.processes.flatMap((owned) =>
		owned.log
			.split('\n')
			.filter((line) => line.includes(`execution ${execution}`) || /error|fail/i.test(line))
			.slice(-8)
			.map((line) => `${owned.name}: ${line.slice(0, 300)}`),
	);

/** The execution sent the receiver the sandbox's whole video (its logs shown when not). */
async function expectWholeVideo(execution: string): Promise<void> {
	const video = await videos.waitFor(execution, 60_000);
	expect({
		same: video?.bytes.equals(sandbox.fixtureBytes),
		logs: logsAbout(execution),
	}).toMatchObject({ same: true });
}

const pause = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

/** Starts a workflow through the load balancer (a webhook process takes it, a worker runs it). */
async function start(path: string): Promise<void> {
	const response = await fetch(`${cluster.publicUrl}/webhook/${path}`, { method: 'POST' });
	expect(response.status).toBe(200);
}

async function executionStatus(id: string): Promise<string> {
	return (
		(await cluster.sql(`SELECT status FROM execution_entity WHERE id = ${Number(id)}`))[0]?.[0] ??
		''
	);
}

async function waitForStatus(id: string, statuses: string[], timeoutMs: number): Promise<string> {
	let status = '';
	await eventually(
		async () => statuses.includes((status = await executionStatus(id))),
		timeoutMs,
		250,
	);
	return status;
}

/** The newest execution of a workflow. */
async function latestExecution(workflowId: string, after = 0): Promise<string | undefined> {
	const rows = await cluster.sql(
		`SELECT id FROM execution_entity WHERE "workflowId" = '${workflowId}' AND id > ${after} ORDER BY id DESC LIMIT 1`,
	);
	return rows[0]?.[0];
}

async function waitForExecution(workflowId: string, after: number, timeoutMs: number) {
	const id = await eventually(async () => await latestExecution(workflowId, after), timeoutMs, 250);
	if (!id) throw new Error(`No execution of ${workflowId} after ${after} within ${timeoutMs} ms`);
	return id;
}

const maxExecutionId = async () =>
	Number((await cluster.sql('SELECT COALESCE(MAX(id), 0) FROM execution_entity'))[0]?.[0] ?? 0);

/** Executions of the trigger workflow that reported this task to the collector. */
const reportsOf = (taskId: string) =>
	collector.received.filter((entry) => (entry.item as { taskId?: string })?.taskId === taskId);

const signed = (taskId: string, deliveryId: string, state = 'SUCCESS') => {
	const raw = JSON.stringify(
		taskBody('apiinone', taskId, state, `https://cdn.example.com/${taskId}.mp4`, null),
	);
	return {
		raw,
		headers: {
			'Content-Type': 'application/json',
			...signCallback(
				{ scheme: 'standardWebhooks', secret: WHSEC },
				raw,
				deliveryId,
				Math.floor(Date.now() / 1000),
			),
		},
	};
};

async function deliver(baseUrl: string, delivery: ReturnType<typeof signed>, path = 'q-trigger') {
	const response = await fetch(`${baseUrl}/webhook/${path}/hailuo`, {
		method: 'POST',
		headers: delivery.headers,
		body: delivery.raw,
	});
	return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

let getTaskId = '';

beforeAll(
	async () => {
		// The session has started the services, packed and installed the package and imported the
		// credentials (the first command against the new database runs n8n's migrations).
		const began = Date.now() - session.setUpMs;
		await slowHost.start();
		getTaskId = sandbox.finishedTask().taskId;

		const phases = [
			`services, pack, install and migrations ${(session.setUpMs / 1000).toFixed(0)} s`,
		];
		let mark = Date.now();
		const phase = (name: string) => {
			phases.push(`${name} ${((Date.now() - mark) / 1000).toFixed(0)} s`);
			mark = Date.now();
		};
		cluster = session.deployment;
		const { n8n } = cluster;
		const all = workflows(getTaskId).map((workflow) => ({
			active: false,
			settings: { executionOrder: 'v1' },
			pinData: {},
			...workflow,
		}));
		const file = join(n8n.root, 'queue-workflows.json');
		writeFileSync(file, JSON.stringify(all));
		await n8n.cli(['import:workflow', `--input=${file}`]);
		await Promise.all(all.map(async ({ id }) => await n8n.publish(id)));
		phase('workflows');
		await cluster.startN8n();
		phase('n8n processes');
		console.log(
			`Queue-mode cluster ready in ${((Date.now() - began) / 1000).toFixed(0)} s ` +
				`(${await cluster.versions()}): ${phases.join(', ')}`,
		);
	},
	10 * 60 * 1000,
);

afterAll(async () => {
	await slowHost.stop();
});

describe('queue mode: main, 2 workers, 2 webhook processes, PostgreSQL and Redis', () => {
	test(
		'poll mode runs on a worker, the video lands in the database, and the next node on the other worker reads the same bytes',
		async () => {
			const before = collector.received.length;
			await start('q-poll');
			const isReport = (entry: Record<string, unknown>) => entry.report === 'poll';
			await collector.waitFor((all) => all.slice(before).some(isReport), 90_000);
			const item = collector.received.slice(before).find(isReport) as {
				taskId: string;
				binaryId: string;
				bytes: number;
				execution: string;
				resumeUrl: string;
			};
			expect(item).toMatchObject({
				taskId: expect.stringMatching(/^task_/),
				bytes: sandbox.fixtureBytes.length,
			});

			// The file is in n8n's database binary store, not on a host's disk.
			expect(item.binaryId).toMatch(/^database:[0-9a-f-]{36}$/);
			const [[size, digest]] = await cluster.sql(
				`SELECT "fileSize", encode(sha256(data), 'hex') FROM binary_data WHERE "fileId" = '${item.binaryId.split(':')[1]}'`,
			);
			expect(Number(size)).toBe(sandbox.fixtureBytes.length);
			const { createHash } = await import('node:crypto');
			expect(digest).toBe(createHash('sha256').update(sandbox.fixtureBytes).digest('hex'));

			// The run parks at the Wait node; the worker that ran the Hailuo node is stopped, so the
			// rest can only run on the other one.
			expect(await waitForStatus(item.execution, ['waiting'], 30_000)).toBe('waiting');
			const [first] = cluster.workersThatRan(item.execution);
			expect(first).toMatch(/^worker-[12]$/);
			const index = Number(first.slice(-1)) - 1;
			await cluster.workers[index].stop();
			try {
				expect(
					item.resumeUrl.startsWith(`${cluster.publicUrl}/webhook-waiting/${item.execution}`),
				).toBe(true);
				const resumed = await fetch(item.resumeUrl, { method: 'POST' });
				expect(resumed.status).toBe(200);
				await expectWholeVideo(item.execution);
				expect(cluster.workersThatRan(item.execution).sort()).toEqual(['worker-1', 'worker-2']);
				expect(await waitForStatus(item.execution, ['success'], 30_000)).toBe('success');
			} finally {
				await cluster.startWorker(index);
			}
		},
		5 * 60 * 1000,
	);

	test('Get Task runs on a worker and stores the video where the next node reads it', async () => {
		const after = await maxExecutionId();
		await start('q-get-task');
		const execution = await waitForExecution('queueGetTask0001', after, 30_000);
		await expectWholeVideo(execution);
		expect(cluster.workersThatRan(execution)).toHaveLength(1);
	}, 120_000);

	test(
		"Wait for Callback: the API's callback is answered at once, the run resumes on a worker with the whole video",
		async () => {
			sandbox.configure({ callbacks: false });
			const after = await maxExecutionId();
			const creates = sandbox.requestsTo('create').length;
			await start('q-callback');
			const execution = await waitForExecution('queueCallback001', after, 30_000);
			expect(await waitForStatus(execution, ['waiting'], 60_000)).toBe('waiting');
			const create = sandbox.requestsTo('create')[creates];
			const callbackUrl = (create.json as { callback_url: string }).callback_url;
			// The worker built the resume URL from N8N_WEBHOOK_URL: the load balancer, not its own host.
			expect(callbackUrl.startsWith(`${cluster.publicUrl}/webhook-waiting/${execution}`)).toBe(
				true,
			);

			// The host holds the download until the test releases it: an answer that waited for the
			// download would never come.
			const videoUrl = slowHost.url('/v.mp4');
			slowHost.status = 200;
			slowHost.holding = true;
			try {
				const answer = await fetch(callbackUrl, {
					method: 'POST',
					headers: { 'Content-Type': 'application/json' },
					body: JSON.stringify(taskBody('apiinone', 'task_queue_cb', 'SUCCESS', videoUrl, null)),
				});
				expect({ status: answer.status, body: await answer.json() }).toEqual({
					status: 200,
					body: { received: true },
				});
				await slowHost.next();
				expect(await executionStatus(execution)).toBe('waiting');
				slowHost.release();
			} finally {
				slowHost.holding = false;
				slowHost.release();
			}
			await expectWholeVideo(execution);
			// Started on a worker, parked, resumed as a new job on a worker.
			expect(cluster.workersThatRan(execution).length).toBeGreaterThanOrEqual(1);
			const runs = cluster.workers
				.map(
					(worker) =>
						worker.log.match(new RegExp(`Worker started execution ${execution} \\(`, 'g'))
							?.length ?? 0,
				)
				.reduce((sum, count) => sum + count, 0);
			expect(runs).toBe(2);
			expect(await waitForStatus(execution, ['success'], 30_000)).toBe('success');
		},
		3 * 60 * 1000,
	);

	test('Wait for Callback: a download failing after the answer resumes the run without the file, saying why', async () => {
		const after = await maxExecutionId();
		const creates = sandbox.requestsTo('create').length;
		await start('q-callback');
		const execution = await waitForExecution('queueCallback001', after, 30_000);
		expect(await waitForStatus(execution, ['waiting'], 60_000)).toBe('waiting');
		const callbackUrl = (sandbox.requestsTo('create')[creates].json as { callback_url: string })
			.callback_url;
		slowHost.status = 404;
		const videoUrl = slowHost.url('/gone.mp4');
		try {
			const answer = await fetch(callbackUrl, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify(taskBody('apiinone', 'task_queue_gone', 'SUCCESS', videoUrl, null)),
			});
			expect(answer.status).toBe(200);
			const isThis = (entry: Record<string, unknown>) => String(entry.execution) === execution;
			await collector.waitFor((all) => all.some(isThis), 60_000);
			expect(collector.received.find(isThis)?.item).toMatchObject({
				taskId: 'task_queue_gone',
				status: 'succeeded',
				downloadError: {
					message: 'The video link for task task_queue_gone has expired or is gone (HTTP 404)',
				},
			});
			for (let i = 0; i < cluster.webhookPorts.length; i++) {
				expect((await fetch(`${cluster.webhookUrl(i)}/healthz/readiness`)).status).toBe(200);
			}
		} finally {
			slowHost.status = 200;
		}
	}, 120_000);

	test('Wait for Callback with a loopback resume URL and an API elsewhere is refused before any request', async () => {
		const after = await maxExecutionId();
		const requests = sandbox.requests.length;
		await start('q-refused');
		const execution = await waitForExecution('queueRefused0001', after, 30_000);
		expect(await waitForStatus(execution, ['error'], 60_000)).toBe('error');
		const [[data]] = await cluster.sql(
			`SELECT data FROM execution_data WHERE "executionId" = ${Number(execution)}`,
		);
		expect(data).toContain('which only this machine can reach');
		expect(data).toContain('Set N8N_WEBHOOK_URL');
		expect(sandbox.requests.length).toBe(requests);
	}, 120_000);

	test('trigger deliveries to either webhook process start executions on workers', async () => {
		for (const [index, taskId] of ['task_q_wh1', 'task_q_wh2'].entries()) {
			const answer = await deliver(cluster.webhookUrl(index), signed(taskId, `msg_${taskId}`));
			expect(answer).toEqual({ status: 200, body: { received: true } });
		}
		await collector.waitFor(
			() => reportsOf('task_q_wh1').length + reportsOf('task_q_wh2').length >= 2,
			30_000,
		);
		for (const taskId of ['task_q_wh1', 'task_q_wh2']) {
			const [report] = reportsOf(taskId);
			expect(report).toBeDefined();
			expect(cluster.workersThatRan(String(report.execution))).toHaveLength(1);
		}
	}, 120_000);

	test('a trigger with Download Video stores the file in the database; the worker sends the same bytes', async () => {
		const after = await maxExecutionId();
		const raw = JSON.stringify(
			taskBody('apiinone', 'task_q_dl', 'SUCCESS', slowHost.url('/dl.mp4'), null),
		);
		const headers = signCallback(
			{ scheme: 'standardWebhooks', secret: WHSEC },
			raw,
			'msg_q_dl',
			Math.floor(Date.now() / 1000),
		);
		const answer = await fetch(`${cluster.webhookUrl(1)}/webhook/q-trigger-dl/hailuo`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', ...headers },
			body: raw,
		});
		expect(answer.status).toBe(200);
		const execution = await waitForExecution(TRIGGER_DOWNLOAD_WORKFLOW, after, 30_000);
		await expectWholeVideo(execution);
		expect(cluster.workersThatRan(execution)).toHaveLength(1);
	}, 120_000);

	test('a retry reaching another webhook process or main starts no second execution', async () => {
		const first = signed('task_q_retry', 'msg_q_retry');
		const answers = [await deliver(cluster.webhookUrl(0), first)];
		const staticData = await cluster.sql(
			`SELECT "staticData" FROM workflow_entity WHERE id = '${TRIGGER_WORKFLOW}'`,
		);
		// The sender's retries: the same webhook-id to the other webhook process and to main, then
		// the same task in the same state under a new webhook-id, then another state (a new event).
		answers.push(await deliver(cluster.webhookUrl(1), first));
		answers.push(await deliver(cluster.mainUrl, first));
		answers.push(await deliver(cluster.webhookUrl(1), signed('task_q_retry', 'msg_q_retry_2')));
		answers.push(
			await deliver(cluster.webhookUrl(1), signed('task_q_retry', 'msg_q_retry_3', 'FAILED')),
		);
		const fresh = { status: 200, body: { received: true } };
		const duplicate = { status: 200, body: { received: true, duplicate: true } };
		expect({ answers, staticData }).toMatchObject({
			answers: [fresh, duplicate, duplicate, duplicate, fresh],
		});
		await collector.waitFor(() => reportsOf('task_q_retry').length >= 2, 30_000);
		await pause(3000);
		expect(
			reportsOf('task_q_retry')
				.map((entry) => (entry.item as { status: string }).status)
				.sort(),
		).toEqual(['failed', 'succeeded']);
	}, 120_000);

	test(
		'load: 500 signed deliveries spread over both webhook processes, none lost, none duplicated',
		async () => {
			const total = 500;
			const burst = 25;
			const times: number[] = [];
			const statuses = new Map<number, number>();
			const began = Date.now();
			for (let offset = 0; offset < total; offset += burst) {
				await Promise.all(
					Array.from({ length: Math.min(burst, total - offset) }, async (_, k) => {
						const n = offset + k;
						const sent = performance.now();
						const { status } = await deliver(
							cluster.webhookUrl(n % 2),
							signed(`task_qload_${n}`, `msg_qload_${n}`),
							'q-trigger-load',
						);
						times.push(performance.now() - sent);
						statuses.set(status, (statuses.get(status) ?? 0) + 1);
					}),
				);
			}
			const seconds = (Date.now() - began) / 1000;
			const countNow = async () =>
				Number(
					(
						await cluster.sql(
							`SELECT count(*) FROM execution_entity WHERE "workflowId" = '${TRIGGER_LOAD_WORKFLOW}' AND status = 'success'`,
						)
					)[0]?.[0] ?? 0,
				);
			await eventually(async () => (await countNow()) >= total, 4 * 60_000, 500);
			// Time for a duplicate to show up.
			await pause(3000);
			const executions = await countNow();
			await collector.waitFor(
				() =>
					collector.received.filter((e) =>
						String((e.item as { taskId?: string } | undefined)?.taskId).startsWith('task_qload_'),
					).length >= total,
				60_000,
			);
			const ids = collector.received
				.map((entry) => String((entry.item as { taskId?: string } | undefined)?.taskId))
				.filter((id) => id.startsWith('task_qload_'));
			const unique = new Set(ids).size;
			times.sort((a, b) => a - b);
			const p95 = times[Math.floor(times.length * 0.95)];
			console.log(
				`QUEUE-MODE LOAD: ${total} deliveries to 2 webhook processes in ${seconds.toFixed(1)} s = ` +
					`${(total / seconds).toFixed(1)} deliveries/s; p95 answer ${p95.toFixed(0)} ms; ` +
					`executions ${executions}, unique ${unique}, lost ${total - unique}, duplicated ${ids.length - unique}`,
			);
			expect(Object.fromEntries(statuses)).toEqual({ 200: total });
			expect(unique).toBe(total);
			expect(ids).toHaveLength(total);
			expect(executions).toBe(total);
		},
		8 * 60 * 1000,
	);

	test("no n8n process logged the API key or the trigger's secret", () => {
		for (const owned of cluster.processes) {
			for (const secret of [sandbox.apiKey, WHSEC]) expect(owned.log).not.toContain(secret);
		}
	});
});
