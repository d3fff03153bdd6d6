/**
 * The trigger's duplicate drop across n8n processes (queue mode: webhook processes and main), in
 * process: two webhook servers, each with its own copy of the package (so its own in-memory
 * memory, as another process has), sharing one store of workflow static data the way n8n
 * processes share the database: read on each request, saved whole afterwards.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { IDataObject, INode } from 'n8n-workflow';

import { PACKAGE_ROOT } from '../paths';
import { useSandbox } from '../harness/sandbox';
import { WebhookServer } from '../harness/webhooks';
import { signCallback, taskBody } from '../sandbox/server';

const { credentials } = useSandbox();

const WHSEC = `whsec_${randomBytes(24).toString('base64')}`;

/** The package again, in a folder of its own: loading it gives the node classes fresh module state. */
function packageCopy(): string {
	const root = mkdtempSync(join(process.env.HAILUO_TEST_TMP ?? tmpdir(), 'hailuo-copy-'));
	cpSync(join(PACKAGE_ROOT, 'dist'), join(root, 'dist'), { recursive: true });
	cpSync(join(PACKAGE_ROOT, 'package.json'), join(root, 'package.json'));
	symlinkSync(join(PACKAGE_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
	return root;
}

const trigger: INode[] = [
	{
		id: 'trigger',
		name: 'Hailuo Trigger',
		type: 'n8n-nodes-hailuo.hailuoTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: { verification: 'standardWebhooks', secret: WHSEC, events: 'all' },
		credentials: { hailuoApi: { id: '1', name: 'Hailuo sandbox' } },
	},
];

/** One database's static data, and the processes that share it. */
let database: Map<string, IDataObject>;
let processA: WebhookServer;
let processB: WebhookServer;
let urlA: string;
let urlB: string;
let workflowCount = 0;

/** Two processes with a fresh workflow (so fresh memories), sharing a database or not. */
async function startProcesses(sharedDatabase: boolean) {
	database = new Map();
	processA = await new WebhookServer({ staticData: database }).start();
	processB = await new WebhookServer({
		staticData: sharedDatabase ? database : new Map(),
		packageRoot: copyRoot,
	}).start();
	const workflowId = `queue-workflow-${++workflowCount}`;
	urlA = await processA.activate(trigger, credentials(), workflowId);
	urlB = await processB.activate(trigger, credentials(), workflowId);
}

let copyRoot: string;
beforeAll(() => {
	copyRoot = packageCopy();
});

afterEach(async () => {
	await processA?.stop();
	await processB?.stop();
});

const delivery = (taskId: string, state = 'SUCCESS', id = `msg_${randomUUID()}`) => {
	const raw = JSON.stringify(taskBody('apiinone', taskId, state, null, null));
	return {
		raw,
		headers: signCallback({ scheme: 'standardWebhooks', secret: WHSEC }, raw, id, now()),
	};
};
const now = () => Math.floor(Date.now() / 1000);

async function send(
	url: string,
	{ raw, headers }: { raw: string; headers: Record<string, string> },
) {
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', ...headers },
		body: raw,
	});
	return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The task of each execution both processes started, once at least `expected` have run (and a bit). */
async function executions(expected: number): Promise<string[]> {
	const all = () => [...processA.executions, ...processB.executions];
	for (let waited = 0; all().length < expected && waited < 5000; waited += 20) {
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
	await new Promise((resolve) => setTimeout(resolve, 300));
	return all().map((run) => String(run.output('Hailuo Trigger')[0]?.json.taskId));
}

describe('a retry reaching another n8n process', () => {
	test('the same delivery (same webhook-id) to process A, then B, starts one execution', async () => {
		await startProcesses(true);
		const copy = delivery('task_same_id');
		expect(await send(urlA, copy)).toMatchObject({ status: 200, body: { received: true } });
		expect(await executions(1)).toEqual(['task_same_id']);
		expect(await send(urlB, copy)).toMatchObject({ status: 200, body: { duplicate: true } });
		expect(await send(urlA, copy)).toMatchObject({ status: 200, body: { duplicate: true } });
		expect(await executions(1)).toEqual(['task_same_id']);
	});

	test('the same task in the same state, sent again with a new webhook-id to B, starts none', async () => {
		await startProcesses(true);
		await send(urlA, delivery('task_same_state', 'SUCCESS', 'msg_first'));
		const again = await send(urlB, delivery('task_same_state', 'success', 'msg_second'));
		expect(again.body).toEqual({ received: true, duplicate: true });
		// Another state of the same task is another event.
		await send(urlB, delivery('task_same_state', 'FAILED', 'msg_third'));
		expect(await executions(2)).toEqual(['task_same_state', 'task_same_state']);
	});

	test('the test can fail: processes that share no database start the copy twice', async () => {
		await startProcesses(false);
		const copy = delivery('task_not_shared');
		await send(urlA, copy);
		expect(await send(urlB, copy)).toMatchObject({ status: 200, body: { received: true } });
		expect(await executions(2)).toEqual(['task_not_shared', 'task_not_shared']);
	});
});

describe('different events at the same moment in different processes', () => {
	test('all start executions; a memory lost to the last writer only lets a retry through', async () => {
		await startProcesses(true);
		const events = Array.from({ length: 40 }, (_, n) => delivery(`task_moment_${n}`));
		const answers = await Promise.all(
			events.map(async (event, n) => await send(n % 2 === 0 ? urlA : urlB, event)),
		);
		expect(answers.every((answer) => answer.status === 200 && !answer.body.duplicate)).toBe(true);
		const started = await executions(40);
		expect(new Set(started).size).toBe(40);
		expect(started).toHaveLength(40);

		// Each retry goes to the other process. None is lost; a few may run twice, never fewer.
		await Promise.all(events.map(async (event, n) => await send(n % 2 === 0 ? urlB : urlA, event)));
		const after = await executions(40);
		expect(new Set(after).size).toBe(40);
		expect(after.length).toBeGreaterThanOrEqual(40);
	});

	test('the shared memory holds only hashes: no task ids, webhook-ids, bodies or secrets', async () => {
		await startProcesses(true);
		await send(urlA, delivery('task_private_1', 'SUCCESS', 'msg_private_1'));
		await send(urlB, delivery('task_private_2', 'SUCCESS', 'msg_private_2'));
		await executions(2);
		const saved = JSON.stringify([...database.values()]);
		expect(saved).toMatch(/startedDeliveries/);
		for (const secret of ['task_private', 'msg_private', WHSEC, 'SUCCESS']) {
			expect(saved).not.toContain(secret);
		}
		const [staticData] = [...database.values()];
		const memory = (staticData['node:Hailuo Trigger'] as IDataObject).startedDeliveries as object;
		expect(Object.keys(memory).every((key) => /^[A-Za-z0-9_-]{22}$/.test(key))).toBe(true);
		expect(Object.keys(memory).length).toBeGreaterThanOrEqual(2);
	});
});
