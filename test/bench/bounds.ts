/**
 * The bench's section on bounds: what the tests check without a clock (a create or a read that
 * never answers ends, a cancel stops the wait, a callback is answered before its download, a
 * download that never ends is given up), timed here where a figure may be slow on a loaded machine
 * without failing anything. The create's 60 s limit is timed only here.
 */
import { eventually } from '../harness/eventually';
import { videoHost } from '../harness/loopback';
import { runWorkflow } from '../harness/n8n';
import { WebhookServer } from '../harness/webhooks';
import { generateVideoNode, triggerNode } from '../harness/workflows';
import type { SandboxApi } from '../sandbox/server';
import { taskBody } from '../sandbox/server';

/** Max Wait for the hanging read, and the grace a read gets past it (waitForVideo.ts). */
export const HANGING_READ = { maxWaitS: 3, graceS: 3 };

export interface BoundFigures {
	/** How long a run whose create never answers holds the node, and how many creates it sent. */
	hangingCreate: { ms: number; creates: number };
	/** How long a run whose task read never answers holds the node, Max Wait 3 s. */
	hangingReadMs: number;
	/** From the cancel to the end of a run waiting 10 minutes between reads. */
	cancelMs: number;
	/** How long the API's callback waits for its answer while the download is held. */
	callbackAnswerMs: number;
	/** How long a delivery whose video never arrives waits for its 500, Download Timeout 1 s. */
	downloadTimeoutMs: number;
}

export async function bounds(sandbox: SandboxApi): Promise<BoundFigures> {
	const credentials = { hailuoApi: { apiKey: sandbox.apiKey, baseUrl: sandbox.baseUrl } };
	const video = videoHost(sandbox.fixtureBytes);
	const server = new WebhookServer();
	await Promise.all([video.start(), server.start()]);
	try {
		sandbox.reset().fault({ endpoint: 'create', kind: 'hang' });
		let started = Date.now();
		await runWorkflow([generateVideoNode()], { credentials });
		const hangingCreate = {
			ms: Date.now() - started,
			creates: sandbox.requestsTo('create').length,
		};

		sandbox.reset().configure({ jobMs: 0 });
		sandbox.fault({ endpoint: 'task', kind: 'hang' });
		started = Date.now();
		await runWorkflow([generateVideoNode({ options: { maxWait: HANGING_READ.maxWaitS } })], {
			credentials,
		});
		const hangingReadMs = Date.now() - started;

		sandbox.reset().configure({ stuckState: 'generating' });
		let canceledAt = 0;
		await runWorkflow([generateVideoNode({ options: { pollInterval: 600, maxWait: 3600 } })], {
			credentials,
			onStart: (execution) =>
				void eventually(() => sandbox.requestsTo('task').length > 0, 30_000, 5).then(() => {
					canceledAt = Date.now();
					execution.cancel();
				}),
		});
		const cancelMs = Date.now() - canceledAt;

		sandbox.reset().configure({ callbacks: false });
		video.holding = true;
		const { finished } = await server.run([generateVideoNode({ waitMode: 'callback' })], {
			credentials,
		});
		const { callback_url: callbackUrl } = sandbox.requestsTo('create')[0].json as {
			callback_url: string;
		};
		started = Date.now();
		// Not `deliver`, which would wait for the resumed run, and so for the held download.
		await fetch(callbackUrl, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify(taskBody('apiinone', 'task_bench', 'SUCCESS', video.url(), null)),
		});
		const callbackAnswerMs = Date.now() - started;
		await video.next();
		video.holding = false;
		video.release();
		await finished;

		sandbox.reset().fault({ endpoint: 'video', kind: 'hang', times: 1 });
		const url = await server.activate(
			[triggerNode({ verification: 'none', options: { download: true, downloadTimeout: 1 } })],
			credentials,
		);
		started = Date.now();
		await server.deliver(url, sandbox.finishedTask().body);
		const downloadTimeoutMs = Date.now() - started;

		return { hangingCreate, hangingReadMs, cancelMs, callbackAnswerMs, downloadTimeoutMs };
	} finally {
		await Promise.all([video.stop(), server.stop()]);
	}
}

export function printBounds(figures: BoundFigures): void {
	const seconds = (ms: number) => (ms / 1000).toFixed(2);
	const { maxWaitS, graceS } = HANGING_READ;
	console.log('\n4. Bounds the tests check without a clock, timed');
	console.log(
		`   a create never answers      held ${seconds(figures.hangingCreate.ms)} s   ` +
			`(its limit 60 s; ${figures.hangingCreate.creates} create sent, never retried)`,
	);
	console.log(
		`   a task read never answers   held ${seconds(figures.hangingReadMs)} s   ` +
			`(Max Wait ${maxWaitS} s + grace ${graceS} s)`,
	);
	console.log(`   canceled between reads      stopped ${seconds(figures.cancelMs)} s after`);
	console.log(`   callback, download held     answered in ${seconds(figures.callbackAnswerMs)} s`);
	console.log(
		`   video never arrives         500 after ${seconds(figures.downloadTimeoutMs)} s ` +
			'(Download Timeout 1 s)',
	);
}
