/**
 * A real n8n 2.x on loopback with this package installed the way users get it: `npm pack`, then
 * installed from the tarball into n8n's community-nodes folder. Used by the end-to-end tests and
 * the demo. n8n and the Node 24 it needs come from scripts/n8n-env.sh (cached outside the repo).
 * Everything else an instance writes stays in its run folder (`root`).
 */
import type { ChildProcess } from 'node:child_process';
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

import { eventually } from '../harness/eventually';
import { CREDENTIAL } from '../harness/workflows';
import { PACKAGE_ROOT } from '../paths';
import { N8N_VERSION } from './machine';

const run = promisify(execFile);

export { CREDENTIAL };

/** The credential the workflows name (CREDENTIAL), as `importCredentials` takes it: the sandbox's. */
export const sandboxCredential = (sandbox: { apiKey: string; baseUrl: string }) => ({
	...CREDENTIAL,
	type: 'hailuoApi',
	data: { apiKey: sandbox.apiKey, baseUrl: sandbox.baseUrl },
});

export interface Workflow {
	id: string;
	name: string;
	nodes: Array<
		Record<string, unknown> & { name: string; type: string; parameters: Record<string, unknown> }
	>;
	connections: Record<string, unknown>;
	[key: string]: unknown;
}

/**
 * Installs (first time) and locates n8n N8N_VERSION and the Node it runs on. The script's progress,
 * or the one line saying why it cannot run here, goes straight to the terminal.
 */
export async function n8nRuntime(): Promise<{ node24: string; n8nBin: string }> {
	if (process.platform === 'win32') {
		throw new Error(
			'The demo and the end-to-end tests need Linux or macOS (on Windows, run them in WSL 2).',
		);
	}
	const script = spawn('bash', [join(PACKAGE_ROOT, 'scripts', 'n8n-env.sh')], {
		stdio: ['ignore', 'pipe', 'inherit'],
		env: { ...process.env, HAILUO_N8N_VERSION: N8N_VERSION },
	});
	let stdout = '';
	script.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
	const code = await new Promise<number | null>((resolve, reject) => {
		script.once('error', reject);
		script.once('close', resolve);
	});
	if (code !== 0)
		throw new Error(
			`scripts/n8n-env.sh could not set up n8n (exit code ${code}); its reason is printed above.`,
		);
	const value = (name: string) => stdout.match(new RegExp(`^${name}=(.*)$`, 'm'))?.[1] ?? '';
	return { node24: value('NODE24'), n8nBin: value('N8N_BIN') };
}

/**
 * The modules n8n need not load here (no outbound look-ups, a faster start), as far as this n8n has
 * them: it refuses to start when told to disable one it does not know (2.11 knows only some).
 */
function unneededModules(n8nBin: string): string {
	const modules = join(n8nBin, '../../../@n8n/backend-common/dist/modules/modules.config.js');
	const known = readFileSync(modules, 'utf8');
	return ['workflow-builder', 'instance-ai', 'mcp-registry', 'chat-hub', 'insights']
		.filter((name) => known.includes(`'${name}'`))
		.join(',');
}

/** Packs the built package as `npm publish` would; returns the tarball's path. */
async function packPackage(destination: string): Promise<string> {
	const { stdout } = await run('npm', ['pack', '--silent', '--pack-destination', destination], {
		cwd: PACKAGE_ROOT,
	});
	return join(destination, stdout.trim().split('\n').pop() ?? '');
}

const packageName = (packageDir: string): string =>
	(JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { name: string }).name;

export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
}

export class N8nInstance {
	get userFolder(): string {
		return join(this.root, 'user');
	}

	/** The only folder n8n's file nodes may touch. */
	get filesDir(): string {
		return join(this.root, 'files');
	}

	/** n8n's temporary folder (it makes e.g. n8nDataTableUploads there), so that it goes with the run. */
	private get tmpDir(): string {
		return join(this.root, 'tmp');
	}

	private server?: ChildProcess;

	private serverLog = '';

	/** Environment added to every n8n process of this instance (e.g. queue mode's database and Redis). */
	readonly extraEnv: NodeJS.ProcessEnv = {};

	private constructor(
		private readonly runtime: { node24: string; n8nBin: string },
		readonly port: number,
		private readonly brokerPort: number,
		/** The run folder: a fresh temporary one, or one kept between runs (`linked`). */
		readonly root = mkdtempSync(join(tmpdir(), 'hailuo-real-n8n-')),
	) {
		mkdirSync(this.filesDir, { recursive: true });
		mkdirSync(this.tmpDir, { recursive: true });
	}

	/**
	 * A fresh n8n user folder with this package packed and installed as a community node. A failed
	 * set-up removes its run folder.
	 */
	static async create(): Promise<N8nInstance> {
		const instance = new N8nInstance(await n8nRuntime(), await freePort(), await freePort());
		try {
			const tarball = await packPackage(instance.root);
			const nodesDir = join(instance.userFolder, '.n8n', 'nodes');
			mkdirSync(nodesDir, { recursive: true });
			writeFileSync(
				join(nodesDir, 'package.json'),
				JSON.stringify({ name: 'installed-nodes', private: true }),
			);
			await run(
				'npm',
				['install', '--omit=peer', '--ignore-scripts', '--no-audit', '--no-fund', tarball],
				{
					cwd: nodesDir,
				},
			);
			return instance;
		} catch (error) {
			instance.remove();
			throw error;
		}
	}

	/**
	 * An n8n whose run folder is `root`, kept between runs, with the package folder `packageDir`
	 * linked (a symlink, not a copy) where n8n finds installed community packages: node types keep
	 * the package's name, and what is rebuilt in its dist/ is what n8n loads when it next starts.
	 */
	static async linked(root: string, packageDir: string, port: number): Promise<N8nInstance> {
		const instance = new N8nInstance(await n8nRuntime(), port, await freePort(), root);
		const nodesDir = join(instance.userFolder, '.n8n', 'nodes');
		const link = join(nodesDir, 'node_modules', packageName(packageDir));
		mkdirSync(dirname(link), { recursive: true });
		writeFileSync(
			join(nodesDir, 'package.json'),
			JSON.stringify({ name: 'installed-nodes', private: true }),
		);
		rmSync(link, { recursive: true, force: true });
		symlinkSync(packageDir, link, 'dir');
		return instance;
	}

	/** Deletes the run folder (n8n must be stopped). */
	remove(): void {
		// A child that is still closing (n8n's task runner) may write one last file.
		rmSync(this.root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
	}

	get baseUrl(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	env(): NodeJS.ProcessEnv {
		return {
			...process.env,
			// Jest sets NODE_ENV=test, which changes how n8n behaves.
			NODE_ENV: 'production',
			PATH: `${dirname(this.runtime.node24)}:${process.env.PATH ?? ''}`,
			N8N_USER_FOLDER: this.userFolder,
			TMPDIR: this.tmpDir,
			N8N_ENCRYPTION_KEY: 'hailuo-e2e-throwaway-key',
			DB_TYPE: 'sqlite',
			N8N_HOST: '127.0.0.1',
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_PORT: String(this.port),
			N8N_RUNNERS_BROKER_PORT: String(this.brokerPort),
			N8N_WEBHOOK_URL: `${this.baseUrl}/`,
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_DISABLED_MODULES: unneededModules(this.runtime.n8nBin),
			// The default isolated-vm engine sometimes crashes the CLI on exit (N8N-RUNTIME.md).
			N8N_EXPRESSION_ENGINE: 'legacy',
			N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
			N8N_RESTRICT_FILE_ACCESS_TO: this.filesDir,
			N8N_LOG_LEVEL: 'info',
			N8N_SKIP_WEBHOOK_DEREGISTRATION_SHUTDOWN: 'true',
			...this.extraEnv,
		};
	}

	/** The Node that runs n8n and n8n's entry script, to start more n8n processes on this folder. */
	get runtimePaths(): { node24: string; n8nBin: string } {
		return { ...this.runtime };
	}

	/** Runs an n8n CLI command to its end. */
	async cli(args: string[], timeoutMs = 180_000): Promise<{ stdout: string; stderr: string }> {
		return await run(this.runtime.node24, [this.runtime.n8nBin, ...args], {
			env: this.env(),
			maxBuffer: 64 * 1024 * 1024,
			timeout: timeoutMs,
		});
	}

	async importCredentials(credentials: Array<Record<string, unknown>>): Promise<void> {
		const file = join(this.root, 'credentials.json');
		writeFileSync(file, JSON.stringify(credentials));
		try {
			await this.cli(['import:credentials', `--input=${file}`]);
		} finally {
			// It holds the API key in plain text; n8n keeps its own (encrypted) copy.
			rmSync(file, { force: true });
		}
	}

	async importWorkflow(workflow: Workflow): Promise<void> {
		const file = join(this.root, `workflow-${workflow.id}.json`);
		writeFileSync(
			file,
			JSON.stringify({
				active: false,
				settings: { executionOrder: 'v1' },
				pinData: {},
				...workflow,
			}),
		);
		await this.cli(['import:workflow', `--input=${file}`]);
	}

	/** Activates a workflow's production webhooks (n8n must be stopped). */
	async publish(id: string): Promise<void> {
		await this.cli(['publish:workflow', `--id=${id}`]);
	}

	/** Runs a workflow with the CLI; returns n8n's run data. */
	async execute(id: string): Promise<{
		data: { resultData: { runData: Record<string, RunEntry[]>; error?: { message: string } } };
	}> {
		let stdout = '';
		let stderr = '';
		try {
			({ stdout, stderr } = await this.cli(['execute', `--id=${id}`, '--rawOutput'], 600_000));
		} catch (error) {
			// A failed workflow makes the CLI exit non-zero; its run data is still on stdout.
			({ stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string });
		}
		// The run is pretty-printed JSON from a line that is exactly "{" to one that is exactly "}".
		const lines = stdout.split('\n');
		const start = lines.indexOf('{');
		const end = lines.indexOf('}', start);
		if (start < 0 || end < 0) {
			throw new Error(
				`n8n execute printed no run data:\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`,
			);
		}
		return JSON.parse(lines.slice(start, end + 1).join('\n')) as never;
	}

	async start(): Promise<void> {
		this.server = spawn(this.runtime.node24, [this.runtime.n8nBin, 'start'], { env: this.env() });
		this.server.stdout?.on('data', (chunk: Buffer) => (this.serverLog += chunk.toString()));
		this.server.stderr?.on('data', (chunk: Buffer) => (this.serverLog += chunk.toString()));
		const server = this.server;
		const ready = await this.untilReady(() => {
			if (server.exitCode !== null) throw new Error(`n8n exited:\n${this.serverLog.slice(-3000)}`);
		});
		if (!ready) throw new Error(`n8n did not become ready:\n${this.serverLog.slice(-3000)}`);
	}

	/**
	 * Waits up to 3 minutes for an n8n started on this folder to serve its editor and REST API;
	 * false if it did not. `check` throws to end the wait (e.g. when that n8n has exited).
	 */
	async untilReady(check: () => void): Promise<boolean> {
		const answers = async (path: string) =>
			await fetch(`${this.baseUrl}${path}`, { signal: AbortSignal.timeout(5000) }).then(
				(response) => response.ok,
				() => false,
			);
		return await eventually(
			async () => {
				check();
				// Older n8n (2.6, 2.11) answers readiness a few seconds before its REST API is mounted.
				return (await answers('/healthz/readiness')) && (await answers('/rest/settings'));
			},
			180_000,
			250,
		);
	}

	get log(): string {
		return this.serverLog;
	}

	/** The last resort when the test process exits first: kills n8n by process id, removes the folder. */
	killNow(): void {
		if (this.server?.exitCode === null) this.server.kill('SIGKILL');
		this.remove();
	}

	async stop(): Promise<void> {
		const server = this.server;
		if (!server || server.exitCode !== null) return;
		const exited = new Promise((resolve) => server.once('exit', resolve));
		server.kill('SIGTERM');
		const timer = setTimeout(() => server.kill('SIGKILL'), 20_000);
		await exited;
		clearTimeout(timer);
	}
}

export interface RunEntry {
	data?: {
		main?: Array<
			Array<{ json: Record<string, unknown>; binary?: Record<string, Record<string, unknown>> }>
		>;
	};
	error?: { message: string; description?: string };
}

/** The items a node put out in a CLI run. */
export function nodeOutput(run: Awaited<ReturnType<N8nInstance['execute']>>, nodeName: string) {
	return run.data.resultData.runData[nodeName]?.[0]?.data?.main?.[0] ?? [];
}
