/**
 * `npm run readme:figures -- <block>`: measures what the docs quote and rewrites the marked block
 * (`<!-- figures:<block> -->` … `<!-- /figures:<block> -->`) of docs/performance.md, the one page
 * that holds them (the README links to it), so no figure is copied by hand.
 *   pack          the tarball `npm pack` makes: size and file count (seconds)
 *   bench         the batch and memory tables, from `npm run bench`'s measurements (about 2 minutes)
 *   load [runs]   the webhook load figures, from the single-n8n e2e suite run `runs` times (default 12,
 *                 about 4 minutes each; installs n8n on first use)
 *   queue [runs]  the queue-mode figures, from the queue-mode e2e suite run `runs` times (default 3,
 *                 about 3–5 minutes each; installs PostgreSQL and Redis with apt when missing)
 *   check         fails when the page's pack figures disagree with `npm pack` (`npm run verify`)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { N8N_VERSION } from '../test/e2e/machine';
import { PACKAGE_ROOT } from '../test/paths';

const FIGURES_PAGE = 'docs/performance.md';

/** The page's marked block (its inner text), and a function that replaces it. */
function block(name: string) {
	const page = readFileSync(join(PACKAGE_ROOT, FIGURES_PAGE), 'utf8');
	const open = `<!-- figures:${name} -->\n`;
	const close = `<!-- /figures:${name} -->`;
	const start = page.indexOf(open);
	const end = page.indexOf(close, start);
	if (start < 0 || end < 0) throw new Error(`${FIGURES_PAGE} has no ${open.trim()} … block`);
	return {
		text: page.slice(start + open.length, end),
		write(text: string) {
			writeFileSync(
				join(PACKAGE_ROOT, FIGURES_PAGE),
				page.slice(0, start + open.length) + text + page.slice(end),
			);
			console.log(`${FIGURES_PAGE}: ${name} figures written`);
		},
	};
}

/** What `npm pack` makes of the built package (the same tarball `npm publish` uploads). */
function packFigures(): { kB: number; files: number } {
	const stdout = execFileSync('npm', ['pack', '--dry-run', '--json', '--silent'], {
		cwd: PACKAGE_ROOT,
		encoding: 'utf8',
	});
	const [pack] = JSON.parse(stdout) as Array<{ size: number; entryCount: number }>;
	return { kB: Math.round(pack.size / 100) / 10, files: pack.entryCount };
}

const packText = ({ kB, files }: { kB: number; files: number }) =>
	`The packed tarball is **${kB.toFixed(1)} kB** (${files} files): the compiled nodes, credential, icons and codex files.\n`;

function checkPack() {
	const measured = packFigures();
	const quoted = /\*\*([\d.]+) kB\*\* \((\d+) files\)/.exec(block('pack').text);
	// gzip output may differ by a few bytes between zlib versions, so the size gets 0.1 kB of slack.
	const agrees =
		quoted !== null &&
		Number(quoted[2]) === measured.files &&
		Math.abs(Number(quoted[1]) - measured.kB) <= 0.1 + 1e-9;
	if (!agrees) {
		console.error(
			`FAIL ${FIGURES_PAGE} quotes ${quoted ? `${quoted[1]} kB (${quoted[2]} files)` : 'no pack figures'}, npm pack makes ${measured.kB.toFixed(1)} kB (${measured.files} files): run \`npm run readme:figures -- pack\``,
		);
		process.exitCode = 1;
		return;
	}
	console.log(
		`PASS ${FIGURES_PAGE}'s pack figures match npm pack: ${measured.kB.toFixed(1)} kB, ${measured.files} files`,
	);
}

async function benchText(): Promise<string> {
	// Imported only here: the bench brings n8n's engine and its throw-away folders with it.
	const { INTERVAL_S, JOB_MS, JOBS, LARGE, RAISED_PACE, TARGETS, VIDEO_MB, runBench } =
		await import('../test/bench/bench');
	const { batch, memory, large } = await runBench();
	if (!batch || !memory || !large) throw new Error('The bench returned no figures');
	const s = (ms: number, digits = 1) => `${(ms / 1000).toFixed(digits)} s`;
	return [
		`Measured with \`npm run bench\` on a ${availableParallelism()}-core machine against the sandbox on loopback (figures from one run):`,
		'',
		'| Measure | Result | Target |',
		'|---|---|---|',
		`| ${JOBS} jobs of ${JOB_MS / 1000} s, poll interval ${INTERVAL_S} s, pace raised to ${RAISED_PACE.createsPerSecond}/s: node wall time | ${s(batch.togetherMs, 2)} | ≤ ${s(TARGETS.batchMs)} (1.2 × (job + interval)) |`,
		`| Same ${JOBS} jobs at the default pace (${LARGE.createsPerSecond} creates/s) | ${s(batch.defaultPaceMs, 2)} | ≤ ${s(TARGETS.defaultPaceMs)} (the same + ${JOBS} creates at that pace) |`,
		`| Same ${JOBS} jobs item after item | ${s(batch.oneByOneMs)} | — |`,
		`| Speed-up | ${(batch.oneByOneMs / batch.togetherMs).toFixed(1)}× | ≥ ${TARGETS.speedUp}× |`,
		`| Polls per job | ${batch.pollsPerJob.toFixed(1)} | ≤ ${TARGETS.pollsPerJob.toFixed(1)} |`,
		`| ${VIDEO_MB} MB result streamed into the binary-data store: peak RSS increase | +${memory.streamed.peakMb.toFixed(1)} MB | < ${TARGETS.streamedMb} MB |`,
		`| Same download buffered in memory | +${memory.buffered.peakMb.toFixed(0)} MB (${(memory.buffered.peakMb / memory.streamed.peakMb).toFixed(0)}× more) | — |`,
		'',
		`Large batches, jobs of ${LARGE.jobMs / 1000} s, poll interval ${LARGE.intervalS} s, the default pace ` +
			`(${LARGE.createsPerSecond} creates/s, ${LARGE.readsPerSecond} task reads/s); the bound is creating every ` +
			'item at that pace + one job + one interval + one round of reads at that pace:',
		'',
		'| Batch | Wall time | Bound | Peak creates/s | Peak reads/s | 429s | Failed | Peak RSS |',
		'|---|---|---|---|---|---|---|---|',
		...[...large.batches, large.storm].map(
			(run, i) =>
				`| ${run.items} items${i === large.batches.length ? `, API allows ${large.stormLimit}/s` : ''} ` +
				`| ${s(run.wallMs)} | ${s(run.boundMs)} | ${run.peakCreatesPerSecond} | ${run.peakReadsPerSecond} ` +
				`| ${run.rateLimited} | ${run.failed} | +${run.peakRssMb.toFixed(0)} MB |`,
		),
		'',
		`In the last row the peaks count every request that arrived, the refused ones (429s) included; the sandbox accepted at most ${large.stormLimit} per second.`,
		'',
	].join('\n');
}

/** One run of an e2e suite: what it printed, or an error with the end of it when it failed. */
function runE2eSuite(suite: string, what: string): string {
	const jest = spawnSync(
		process.execPath,
		[require.resolve('jest/bin/jest'), '-c', 'jest.e2e.config.js', suite],
		{ cwd: PACKAGE_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
	);
	if (jest.status !== 0) throw new Error(`${what} failed:\n${jest.stderr.slice(-3000)}`);
	return `${jest.stdout}${jest.stderr}`;
}

/** "low–high" of the values, or one value when they agree at that precision. */
function range(values: number[], digits: number): string {
	const [low, high] = [Math.min(...values), Math.max(...values)].map((v) => v.toFixed(digits));
	return low === high ? low : `${low}–${high}`;
}

/**
 * Runs the single-n8n e2e suite `runs` times and reads the figures its load test prints on its
 * LOAD line. The whole suite, as CI runs it: the load test alone starts before n8n serves the
 * trigger's webhook.
 */
function loadText(runs: number): string {
	const results: Array<{ total: number; perSecond: number; p95Ms: number }> = [];
	for (let run = 1; run <= runs; run++) {
		console.log(`End-to-end run ${run} of ${runs}...`);
		const what = `End-to-end run ${run}`;
		const line =
			/LOAD: (\d+) webhooks in [\d.]+ s = ([\d.]+) deliveries\/s; p95 answer (\d+) ms; executions (\d+), unique (\d+)/.exec(
				runE2eSuite('test/e2e/real-n8n', what),
			);
		if (!line) throw new Error(`${what} printed no LOAD line`);
		results.push({ total: Number(line[1]), perSecond: Number(line[2]), p95Ms: Number(line[3]) });
		console.log(`  ${line[0]}`);
	}
	const { total } = results[0];
	return [
		`Webhook load, from \`test/e2e/real-n8n.e2e.ts\` (real n8n ${N8N_VERSION}, SQLite, ${availableParallelism()} cores): ${total} signed completion`,
		`webhooks fired at an active Hailuo Trigger in bursts — all ${total} answered \`200\`, ${total} executions,`,
		`0 lost, 0 duplicated in every run; **${range(
			results.map((r) => r.perSecond),
			0,
		)} deliveries/s**, **p95 answer time ${range(
			results.map((r) => r.p95Ms / 1000),
			1,
		)} s** over ${runs} run${runs > 1 ? 's' : ''} on one machine (the n8n process, its SQLite database and the test's sender share its cores). Each`,
		'delivery verifies a Standard Webhooks signature and starts an execution that makes one HTTP request.',
		'',
	].join('\n');
}

/**
 * Runs the queue-mode e2e suite `runs` times and reads what it prints: the cluster line (versions,
 * set-up time) and the QUEUE-MODE LOAD line (500 deliveries over both webhook processes).
 */
function queueText(runs: number): string {
	const results: Array<{ perSecond: number; p95Ms: number; suiteS: number }> = [];
	let total = 0;
	let services = '';
	for (let run = 1; run <= runs; run++) {
		console.log(`Queue-mode run ${run} of ${runs}...`);
		const what = `Queue-mode run ${run}`;
		const output = runE2eSuite('test/e2e/queue', what);
		const line =
			/QUEUE-MODE LOAD: (\d+) deliveries to \d+ webhook processes in [\d.]+ s = ([\d.]+) deliveries\/s; p95 answer (\d+) ms; executions (\d+), unique (\d+), lost 0, duplicated 0/.exec(
				output,
			);
		const ready = /Queue-mode cluster ready in \d+ s \(([^)]*)\)/.exec(output);
		const time = /^Time:\s+([\d.]+) s/m.exec(output);
		if (!line || !ready || !time) throw new Error(`${what} printed no figures`);
		total = Number(line[1]);
		services = ready[1];
		results.push({ perSecond: Number(line[2]), p95Ms: Number(line[3]), suiteS: Number(time[1]) });
		console.log(`  ${line[0]}`);
	}
	return [
		`Queue mode, from \`test/e2e/queue.e2e.ts\` (real n8n ${N8N_VERSION}: main, 2 workers with \`--concurrency=10\`, 2 webhook`,
		`processes, ${services}, all on the same ${availableParallelism()} cores): ${total} signed completion webhooks fired in`,
		`bursts of 25, alternately at the two webhook processes — all ${total} answered \`200\`, ${total} executions on the`,
		`workers, 0 lost, 0 duplicated in every run; **${range(
			results.map((r) => r.perSecond),
			0,
		)} deliveries/s**, **p95 answer time ${range(
			results.map((r) => r.p95Ms / 1000),
			1,
		)} s** over ${runs} run${runs > 1 ? 's' : ''}. The whole suite, set-up included, takes ${range(
			results.map((r) => r.suiteS / 60),
			1,
		)} minutes.`,
		'',
	].join('\n');
}

async function main() {
	const [what, runs] = process.argv.slice(2);
	// Measure first, then read and write the page, so edits made meanwhile are kept.
	if (what === 'pack') block('pack').write(packText(packFigures()));
	else if (what === 'check') checkPack();
	else if (what === 'bench') {
		const text = await benchText();
		block('bench').write(text);
	} else if (what === 'load') {
		const text = loadText(Number(runs ?? 12));
		block('load').write(text);
	} else if (what === 'queue') {
		const text = queueText(Number(runs ?? 3));
		block('queue').write(text);
	} else {
		throw new Error(
			'Usage: npm run readme:figures -- pack | bench | load [runs] | queue [runs] | check',
		);
	}
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? error.message : error);
	process.exitCode = 1;
});
