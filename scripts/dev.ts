/**
 * `npm run dev`: the package in a real n8n while you change it. Builds in watch mode, starts the
 * sandbox API and the cached n8n (scripts/n8n-versions.txt's default) with this checkout linked as
 * a community package, a credential pointed at the sandbox and the example workflows imported, and
 * prints the editor's URL and login. A saved change to nodes/, credentials/ or icons/ is rebuilt
 * and n8n restarted. Ctrl+C (or SIGTERM, or closing the terminal) stops all of it; only the data
 * folder (.dev/) stays.
 *
 *   npm run dev [-- --fresh] [-- --port <n>]
 */
import { createServer } from 'node:net';
import { relative } from 'node:path';

import { freePort, N8nInstance } from '../test/e2e/instance';
import { N8N_VERSION } from '../test/e2e/machine';
import { PACKAGE_ROOT } from '../test/paths';
import { SandboxApi } from '../test/sandbox/server';
import type { Build } from './dev/build-watch';
import { BuildWatch, SOURCE_FOLDERS } from './dev/build-watch';
import { DataFolder, DEV_CREDENTIAL, importWorkflows, localExamples } from './dev/data-folder';
import { N8nServer } from './dev/n8n-server';

const USAGE =
	"Usage: npm run dev [-- --fresh] [-- --port <n>] (by default the last run's port, or 5678)";

/** What the loop has started, to stop in reverse order. */
const started: {
	sandbox?: SandboxApi;
	build?: BuildWatch;
	server?: N8nServer;
	data?: DataFolder;
} = {};

let stopping = false;

/** A set-up step that runs an n8n CLI command, which a stop waits for (it ends in seconds). */
let step: Promise<unknown> | undefined;

const say = (line = '') => console.log(line);
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

function parseFlags(args: string[]): { fresh: boolean; port?: number } {
	const flags: { fresh: boolean; port?: number } = { fresh: false };
	for (let i = 0; i < args.length; i++) {
		const [name, inline] = args[i].split('=', 2);
		if (name === '--fresh') flags.fresh = true;
		else if (name === '--port') {
			flags.port = Number(inline ?? args[++i]);
			if (!Number.isInteger(flags.port) || flags.port < 1 || flags.port > 65535) {
				throw new Error(`--port needs a port number (1-65535). ${USAGE}`);
			}
		} else throw new Error(`Unknown option ${args[i]}. ${USAGE}`);
	}
	return flags;
}

async function portFree(port: number): Promise<boolean> {
	return await new Promise((resolve) => {
		const server = createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

/** The port asked for, else the one of the last run, else n8n's usual 5678, else any free one. */
async function choosePort(asked: number | undefined, last: number | undefined): Promise<number> {
	if (asked !== undefined) {
		if (await portFree(asked)) return asked;
		throw new Error(`port ${asked} is in use on 127.0.0.1; choose another with --port.`);
	}
	for (const port of [last, 5678]) if (port && (await portFree(port))) return port;
	return await freePort();
}

/** Rebuilds arrive while n8n restarts; each restart takes in all that came before it. */
let restarting: Promise<void> | undefined;
let pending: Build[] = [];

/** Set once n8n first answers: until then a save only waits in `pending` (n8n is starting). */
let ready = false;

function onBuild(build: Build): void {
	const what = build.changed.length > 0 ? build.changed.join(', ') : 'a source file';
	if (!build.ok) {
		say(`Build failed after a change to ${what}; n8n keeps running the last good build:`);
		for (const line of build.errors) say(`  ${line}`);
		return;
	}
	pending.push(build);
	if (ready) restartPending();
}

function restartPending(): void {
	restarting ??= restartLoop().finally(() => (restarting = undefined));
}

async function restartLoop(): Promise<void> {
	while (pending.length > 0 && !stopping) {
		const builds = pending;
		pending = [];
		const since = Math.min(...builds.map((build) => build.since));
		const changed = [...new Set(builds.flatMap((build) => build.changed))];
		const what = changed.length > 0 ? changed.join(', ') : 'a source file';
		try {
			await started.server?.restart();
			if (!stopping) say(`Rebuilt after a change to ${what}; n8n restarted (${seconds(since)})`);
		} catch (error) {
			if (!stopping) say(`Rebuilt after a change to ${what}, but ${(error as Error).message}`);
		}
	}
}

async function main(): Promise<void> {
	const flags = parseFlags(process.argv.slice(2));
	const data = new DataFolder(PACKAGE_ROOT);
	const holder = data.holder();
	if (holder !== undefined) {
		throw new Error(`another npm run dev (pid ${holder}) is using ${data.root}; stop it first.`);
	}
	const port = await choosePort(flags.port, flags.fresh ? undefined : data.port);
	data.claim(flags.fresh);
	data.port = port;
	started.data = data;
	const setUpStarted = Date.now();

	say(
		`Preparing n8n ${N8N_VERSION} with ${relative(process.cwd(), PACKAGE_ROOT) || 'this checkout'} linked...`,
	);
	const n8n = await N8nInstance.linked(data.root, PACKAGE_ROOT, port);
	if (stopping) return;
	const sandbox = await new SandboxApi().start();
	started.sandbox = sandbox;
	const jobSeconds = Number(process.env.SANDBOX_JOB_MS ?? 6000) / 1000;
	sandbox.configure({ jobMs: jobSeconds * 1000 });

	say('Building (tsc --watch, gulp build)...');
	const build = new BuildWatch(PACKAGE_ROOT, onBuild);
	started.build = build;
	const first = await build.start();
	if (!first.ok) {
		say('The first build failed; n8n starts with what was built. Fix it and save:');
		for (const line of first.errors) say(`  ${line}`);
	}
	if (stopping) return;

	const isNew = data.isNew(n8n);
	const examples = isNew ? localExamples(PACKAGE_ROOT, n8n) : [];
	say(
		isNew
			? 'Importing the credential and the example workflows...'
			: 'Pointing the credential at the sandbox...',
	);
	step = n8n
		.importCredentials([
			{ ...DEV_CREDENTIAL, data: { apiKey: sandbox.apiKey, baseUrl: sandbox.baseUrl } },
		])
		.then(async () => isNew && !stopping && (await importWorkflows(n8n, examples)));
	await step;
	if (stopping) return;

	say('Starting n8n...');
	const server = new N8nServer(n8n, data.logFile, (why) => {
		if (!stopping)
			say(`${why}; the end of its log is in ${data.logFile}. It starts again on your next save.`);
	});
	started.server = server;
	await server.start();
	if (stopping) return;
	const owner = data.owner() ?? (await data.createOwner(n8n.baseUrl));

	const shown = (path: string) => relative(process.cwd(), path) || '.';
	say();
	say(`n8n-nodes-hailuo in n8n ${N8N_VERSION}, ready in ${seconds(setUpStarted)}`);
	say(`  Editor:      ${n8n.baseUrl}`);
	say(
		owner
			? `  Login:       ${owner.email} / ${owner.password}`
			: `  Login:       the owner set up before (its login file is gone; --fresh starts over)`,
	);
	say(
		`  Sandbox API: ${sandbox.baseUrl} (credential "${DEV_CREDENTIAL.name}"; jobs take ${jobSeconds} s)`,
	);
	say(`  Workflows:   ${isNew ? `${examples.length} examples imported` : 'as you left them'}`);
	say(`  Data folder: ${data.root} (kept between runs; npm run dev -- --fresh wipes it)`);
	say(`  n8n's log:   ${shown(data.logFile)}`);
	say(
		`Watching ${SOURCE_FOLDERS.map((folder) => `${folder}/`).join(', ')}: a save rebuilds and restarts n8n.`,
	);
	say('Ctrl+C stops everything.');
	ready = true;
	if (pending.length > 0) restartPending();
}

/**
 * Stops what was started, newest first. Ctrl+C reaches this process twice (from the terminal and
 * passed on by npm), so a second signal changes nothing; a process that ignores SIGTERM gets
 * SIGKILL after a grace period. A step that fails does not keep the later ones from running.
 */
async function shutdown(code: number): Promise<void> {
	if (stopping) return;
	stopping = true;
	if (started.sandbox) say('Stopping n8n, the build watch and the sandbox...');
	const steps = [
		() => step,
		() => started.server?.close(),
		() => started.build?.stop(),
		() => started.sandbox?.stop(),
		() => started.data?.release(started.server === undefined),
	];
	for (const stop of steps) {
		try {
			await stop();
		} catch {
			// One that fails (a set-up step's error was shown by main) must not leave the rest running.
		}
	}
	process.exit(code);
}

// The children run in their own process groups, so nothing else stops them: a closed terminal
// (SIGHUP) and a crash of this process stop them too.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
	process.on(signal, () => void shutdown(0));
}
const crashed = (error: unknown) => {
	console.error('npm run dev crashed:', error);
	void shutdown(1);
};
process.on('uncaughtException', crashed);
process.on('unhandledRejection', crashed);

main().catch((error: unknown) => {
	if (stopping) return;
	console.error(
		`npm run dev cannot run: ${error instanceof Error ? error.message : String(error)}`,
	);
	void shutdown(1);
});
