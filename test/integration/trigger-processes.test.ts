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
import { triggerNode } from '../harness/workflows';
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
	triggerNode({ verification: 'standardWebhooks', secret: WHSEC, events: 'all' }),
];

/** An n8n process: its webhook server and the trigger's URL there. */
interface Process {
	server: WebhookServer;
	url: string;
}

/** One database's static data, and the processes that share it. */
let database: Map<string, IDataObject>;
let processA: Process;
let processB: Process;
let workflowCount = 0;

/** Two processes with a fresh workflow (so fresh memories), sharing a database or not. */
async function startProcesses(sharedDatabase: boolean) {
	database = new Map();
	const workflowId = `queue-workflow-${++workflowCount}`;
	const start = async (server: WebhookServer): Promise<Process> => {
		await server.start();
		return { server, url: await server.activate(trigger, credentials(), workflowId) };
	};
	processA = await start(new WebhookServer({ staticData: database }));
	processB = await start(
		new WebhookServer({
			staticData: sharedDatabase ? database : new Map(),
			packageRoot: copyRoot,
		}),
	);
}

let copyRoot: string;
beforeAll(() => {
	copyRoot = packageCopy();
});

afterEach(async () => {
	await processA?.server.stop();
	await processB?.server.stop();
});

const delivery = (taskId: string, state = 'SUCCESS', id = `msg_${randomUUID()}`) => {
	const raw = JSON.stringify(taskBody('apiinone', taskId, state, null, null));
	return {
		raw,
		headers: signCallback({ scheme: 'standardWebhooks', secret: WHSEC }, raw, id, now()),
	};
};
const now = () => Math.floor(Date.now() / 1000);

/** Delivers to a process; resolves once the execution it started (if any) has run. */
const send = async (to: Process, { raw, headers }: ReturnType<typeof delivery>) =>
	await to.server.deliver(to.url, raw, headers);

/** The task of each execution both processes started. */
const executions = () =>
	[...processA.server.executions, ...processB.server.executions].map((run) =>
		String(run.output('Hailuo Trigger')[0]?.json.taskId),
	);

describe('a retry reaching another n8n process', () => {
	test('the same delivery (same webhook-id) to process A, then B, starts one execution', async () => {
		await startProcesses(true);
		const copy = delivery('task_same_id');
		expect(await send(processA, copy)).toMatchObject({ status: 200, body: { received: true } });
		expect(executions()).toEqual(['task_same_id']);
		expect(await send(processB, copy)).toMatchObject({ status: 200, body: { duplicate: true } });
		expect(await send(processA, copy)).toMatchObject({ status: 200, body: { duplicate: true } });
		expect(executions()).toEqual(['task_same_id']);
	});

	test('the same task in the same state, sent again with a new webhook-id to B, starts none', async () => {
		await startProcesses(true);
		await send(processA, delivery('task_same_state', 'SUCCESS', 'msg_first'));
		const again = await send(processB, delivery('task_same_state', 'success', 'msg_second'));
		expect(again.body).toEqual({ received: true, duplicate: true });
		// Another state of the same task is another event.
		await send(processB, delivery('task_same_state', 'FAILED', 'msg_third'));
		expect(executions()).toEqual(['task_same_state', 'task_same_state']);
	});

	test('the test can fail: processes that share no database start the copy twice', async () => {
		await startProcesses(false);
		const copy = delivery('task_not_shared');
		await send(processA, copy);
		expect(await send(processB, copy)).toMatchObject({ status: 200, body: { received: true } });
		expect(executions()).toEqual(['task_not_shared', 'task_not_shared']);
	});
});

describe('different events at the same moment in different processes', () => {
	test('all start executions; a memory lost to the last writer only lets a retry through', async () => {
		await startProcesses(true);
		const events = Array.from({ length: 40 }, (_, n) => delivery(`task_moment_${n}`));
		const answers = await Promise.all(
			events.map(async (event, n) => await send(n % 2 === 0 ? processA : processB, event)),
		);
		expect(answers.every((answer) => answer.status === 200 && !answer.body.duplicate)).toBe(true);
		const started = executions();
		expect(new Set(started).size).toBe(40);
		expect(started).toHaveLength(40);

		// What the shared memory kept of the first round: each started delivery is remembered by
		// two keys (its task in its state, its webhook-id), saved together.
		const memory = () =>
			Object.keys(
				([...database.values()][0]['node:Hailuo Trigger'] as IDataObject)
					.startedDeliveries as object,
			).length;
		const remembered = memory() / 2;
		expect(remembered).toBeGreaterThanOrEqual(1);

		// Each retry goes to the other process. None is lost; one runs again only when the memory of
		// its first delivery was lost to a later save, so at most 40 - remembered run twice.
		const retries = await Promise.all(
			events.map(async (event, n) => await send(n % 2 === 0 ? processB : processA, event)),
		);
		const ranAgain = retries.filter((retry) => retry.started > 0).length;
		const after = executions();
		expect(new Set(after).size).toBe(40);
		expect(after).toHaveLength(40 + ranAgain);
		expect(retries.every((retry) => retry.started === (retry.body.duplicate ? 0 : 1))).toBe(true);
		expect(ranAgain).toBeLessThanOrEqual(40 - remembered);
	});

	test('the shared memory holds only hashes: no task ids, webhook-ids, bodies or secrets', async () => {
		await startProcesses(true);
		await send(processA, delivery('task_private_1', 'SUCCESS', 'msg_private_1'));
		await send(processB, delivery('task_private_2', 'SUCCESS', 'msg_private_2'));
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
