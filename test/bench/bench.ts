/**
 * Benchmark against the sandbox API on loopback. Prints figures with ratios against baselines
 * measured in the same run; asserts nothing (timings belong to no unit test). The tables in
 * docs/performance.md are written from these figures by `npm run readme:figures -- bench`.
 *   1. A batch of 20 jobs through the node vs the same jobs item after item, with the pace raised
 *      (only the waiting is measured), and the same batch at the default pace.
 *   2. A 200 MB result streamed into n8n's binary-data store vs the same download buffered.
 *   3. Large batches (300 and 1000 items) at the default pace, and 300 against an API that allows
 *      fewer requests than that: wall time against its bound, peak requests per second, 429s.
 *      Skipped with --no-large (it takes about ten minutes).
 *   4. Bounds the integration tests check without a clock, timed (bounds.ts); --bounds-only runs
 *      just these.
 */
import '../harness/env';

import { execFile, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { join } from 'node:path';

import { runWorkflow } from '../harness/n8n';
import type { BoundFigures } from './bounds';
import { bounds, printBounds } from './bounds';
import { generateVideoNode } from '../harness/workflows';
import { SandboxApi } from '../sandbox/server';

export const JOBS = 20;
export const JOB_MS = 3000;
export const INTERVAL_S = 2;
export const VIDEO_MB = 200;

/** The node's default pace (actions/batch.ts) and a marketing-sized job. */
export const LARGE = {
	createsPerSecond: 5,
	readsPerSecond: 10,
	jobMs: 15_000,
	intervalS: 10,
	stormLimit: 3,
};

/** The most the options allow: with it, section 1 measures waiting in parallel, not the pace. */
export const RAISED_PACE = { createsPerSecond: 100, readsPerSecond: 100 };

/** What the figures must meet (printed beside them, and in docs/performance.md's table). */
export const TARGETS = {
	batchMs: 1.2 * (JOB_MS + INTERVAL_S * 1000),
	// The same, plus starting every job at the default pace (a "second" of 1.1 s, governor.ts).
	defaultPaceMs: 1.2 * (JOB_MS + INTERVAL_S * 1000) + (JOBS * 1100) / LARGE.createsPerSecond,
	speedUp: 10,
	pollsPerJob: JOB_MS / 1000 / INTERVAL_S + 2,
	streamedMb: 50,
};

interface Download {
	peakMb: number;
	ms: number;
}

export interface LargeBatch {
	items: number;
	wallMs: number;
	boundMs: number;
	peakCreatesPerSecond: number;
	peakReadsPerSecond: number;
	rateLimited: number;
	failed: number;
	peakRssMb: number;
}

export interface BenchFigures {
	batch?: { togetherMs: number; defaultPaceMs: number; oneByOneMs: number; pollsPerJob: number };
	memory?: { streamed: Download; buffered: Download };
	large?: { batches: LargeBatch[]; storm: LargeBatch; stormLimit: number };
	bounds?: BoundFigures;
}

/** The sandbox in its own process (see sandbox-process.ts), driven one JSON line at a time. */
async function remoteSandbox() {
	const child = spawn(process.execPath, [join(__dirname, 'sandbox-process.js')], {
		stdio: ['pipe', 'pipe', 'inherit'],
	});
	const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
	const next = async () =>
		JSON.parse(String((await lines.next()).value)) as Record<string, unknown>;
	const { baseUrl, apiKey } = (await next()) as { baseUrl: string; apiKey: string };
	const send = async (command: object) => {
		child.stdin.write(`${JSON.stringify(command)}\n`);
		return await next();
	};
	return {
		credentials: { hailuoApi: { apiKey, baseUrl } },
		reset: async (change: object) => await send({ op: 'reset', change }),
		stats: async () =>
			(await send({ op: 'stats' })) as Pick<
				LargeBatch,
				'peakCreatesPerSecond' | 'peakReadsPerSecond' | 'rateLimited'
			>,
		stop: () => child.kill(),
	};
}

/** One large batch through the engine at the default pace and poll interval. */
async function largeBatch(
	sandbox: Awaited<ReturnType<typeof remoteSandbox>>,
	items: number,
	limit?: number,
): Promise<LargeBatch> {
	await sandbox.reset({ jobMs: LARGE.jobMs, rateLimitPerSecond: limit });
	const workflow = [
		generateVideoNode({
			prompt: '={{ "product shot " + $json.n }}',
			waitMode: 'poll',
			options: { download: false, maxWait: 3600 },
		}),
	];
	const baseRss = process.memoryUsage().rss;
	let peakRss = baseRss;
	const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
	const started = Date.now();
	const result = await runWorkflow(workflow, {
		credentials: sandbox.credentials,
		items: Array.from({ length: items }, (_, n) => ({ json: { n } })),
	});
	const wallMs = Date.now() - started;
	clearInterval(sampler);
	const createsPerSecond = Math.min(LARGE.createsPerSecond, limit ?? Infinity);
	const readsPerSecond = Math.min(LARGE.readsPerSecond, limit ?? Infinity);
	return {
		items,
		wallMs,
		// Creating all, one job, one interval, and one full round of reads to notice the last video.
		boundMs:
			(items / createsPerSecond + LARGE.jobMs / 1000 + LARGE.intervalS + items / readsPerSecond) *
			1000,
		...(await sandbox.stats()),
		failed: result.error
			? items
			: result.output().filter((item) => item.json.status !== 'succeeded').length,
		peakRssMb: (peakRss - baseRss) / 1024 / 1024,
	};
}

function printLarge(label: string, run: LargeBatch): void {
	console.log(
		`   ${label.padEnd(24)} wall ${seconds(run.wallMs)} s (bound ${seconds(run.boundMs)} s)   ` +
			`peak ${run.peakCreatesPerSecond} creates/s, ${run.peakReadsPerSecond} reads/s   ` +
			`429s ${run.rateLimited}   failed ${run.failed}   peak RSS +${run.peakRssMb.toFixed(0)} MB`,
	);
}

const seconds = (ms: number) => (ms / 1000).toFixed(2);

async function batch(sandbox: SandboxApi): Promise<NonNullable<BenchFigures['batch']>> {
	const credentials = { hailuoApi: { apiKey: sandbox.apiKey, baseUrl: sandbox.baseUrl } };
	const workflow = (pace: object = RAISED_PACE) => [
		generateVideoNode({
			prompt: '={{ "product shot " + $json.n }}',
			waitMode: 'poll',
			options: { pollInterval: INTERVAL_S, download: false, ...pace },
		}),
	];
	const items = Array.from({ length: JOBS }, (_, n) => ({ json: { n } }));

	sandbox.reset().configure({ jobMs: JOB_MS });
	let started = Date.now();
	const result = await runWorkflow(workflow(), { credentials, items });
	const togetherMs = Date.now() - started;
	if (result.error || result.output().some((item) => item.json.status !== 'succeeded')) {
		throw new Error(`batch run failed: ${result.error?.message}`);
	}
	const pollsPerJob = sandbox.requestsTo('task').length / JOBS;

	sandbox.reset().configure({ jobMs: JOB_MS });
	started = Date.now();
	await runWorkflow(workflow({}), { credentials, items });
	const defaultPaceMs = Date.now() - started;

	// The baseline: one item at a time, each waiting for its own job, as a plain polling loop does.
	sandbox.reset().configure({ jobMs: JOB_MS });
	started = Date.now();
	for (const item of items) await runWorkflow(workflow(), { credentials, items: [item] });
	return { togetherMs, defaultPaceMs, oneByOneMs: Date.now() - started, pollsPerJob };
}

/** Runs one download in a fresh process so its peak memory is its own (the sandbox stays here). */
async function download(mode: 'streamed' | 'buffered', sandbox: SandboxApi): Promise<Download> {
	const probe = join(__dirname, 'download-probe.js');
	const { stdout } = await promisify(execFile)(
		process.execPath,
		[probe, mode, sandbox.baseUrl, sandbox.apiKey],
		{
			encoding: 'utf8',
			maxBuffer: 1024 * 1024,
		},
	);
	return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Download;
}

async function memory(sandbox: SandboxApi): Promise<{ streamed: Download; buffered: Download }> {
	sandbox.reset().configure({ jobMs: 0, videoBytes: VIDEO_MB * 1024 * 1024 });
	return {
		streamed: await download('streamed', sandbox),
		buffered: await download('buffered', sandbox),
	};
}

/**
 * Measures and prints the sections (only the download's with `memoryOnly`, only the bounds with
 * `boundsOnly`); returns the figures.
 */
export async function runBench({
	memoryOnly = false,
	boundsOnly = false,
	large = true,
} = {}): Promise<BenchFigures> {
	const sandbox = await new SandboxApi().start();
	try {
		const figures: BenchFigures = {};
		if (boundsOnly) {
			figures.bounds = await bounds(sandbox);
			printBounds(figures.bounds);
			return figures;
		}
		if (!memoryOnly) {
			const measured = await batch(sandbox);
			figures.batch = measured;
			console.log(
				`\n1. Batch of ${JOBS} jobs, each ${JOB_MS / 1000} s, poll interval ${INTERVAL_S} s`,
			);
			console.log(
				`   node (all in flight)     ${seconds(measured.togetherMs)} s   target <= ${seconds(TARGETS.batchMs)} s` +
					`   (pace raised to ${RAISED_PACE.createsPerSecond}/s)`,
			);
			console.log(
				`   node at default pace     ${seconds(measured.defaultPaceMs)} s   target <= ${seconds(TARGETS.defaultPaceMs)} s`,
			);
			console.log(`   item after item          ${seconds(measured.oneByOneMs)} s`);
			console.log(
				`   speed-up                 ${(measured.oneByOneMs / measured.togetherMs).toFixed(1)}x   target >= ${TARGETS.speedUp}x`,
			);
			console.log(
				`   polls per job            ${measured.pollsPerJob.toFixed(2)}   target <= ${TARGETS.pollsPerJob.toFixed(2)}`,
			);
		}
		const { streamed, buffered } = await memory(sandbox);
		figures.memory = { streamed, buffered };
		console.log(`\n2. ${VIDEO_MB} MB result into n8n's binary-data store (filesystem mode)`);
		console.log(
			`   streamed by the node     peak RSS +${streamed.peakMb.toFixed(1)} MB in ${seconds(streamed.ms)} s   target < ${TARGETS.streamedMb} MB`,
		);
		console.log(
			`   buffered in memory       peak RSS +${buffered.peakMb.toFixed(1)} MB in ${seconds(buffered.ms)} s`,
		);
		console.log(
			`   memory ratio             ${(buffered.peakMb / Math.max(streamed.peakMb, 0.1)).toFixed(1)}x less when streamed`,
		);
		if (!memoryOnly && large) {
			console.log(
				`\n3. Large batches: jobs of ${LARGE.jobMs / 1000} s, poll interval ${LARGE.intervalS} s, ` +
					`default pace ${LARGE.createsPerSecond} creates/s and ${LARGE.readsPerSecond} reads/s`,
			);
			const remote = await remoteSandbox();
			try {
				const batches: LargeBatch[] = [];
				for (const items of [300, 1000]) {
					const run = await largeBatch(remote, items);
					batches.push(run);
					printLarge(`${items} items`, run);
				}
				const storm = await largeBatch(remote, 300, LARGE.stormLimit);
				printLarge(`300, API allows ${LARGE.stormLimit}/s`, storm);
				figures.large = { batches, storm, stormLimit: LARGE.stormLimit };
			} finally {
				remote.stop();
			}
		}
		if (!memoryOnly) {
			figures.bounds = await bounds(sandbox);
			printBounds(figures.bounds);
		}
		return figures;
	} finally {
		await sandbox.stop();
	}
}

// `npm run bench` runs this file; scripts/readme-figures.ts imports it.
if (require.main === module) {
	runBench({
		memoryOnly: process.argv.includes('--memory-only'),
		boundsOnly: process.argv.includes('--bounds-only'),
		large: !process.argv.includes('--no-large'),
	}).catch((error: unknown) => {
		console.error(error);
		process.exitCode = 1;
	});
}
