/**
 * n8n in queue mode on loopback, as examples/queue-mode/docker-compose.yml runs it: PostgreSQL,
 * Redis, a main process, two workers and two webhook processes, with a small load balancer in front
 * that sends webhooks to the webhook processes and the rest to main (the compose file's Caddy). The
 * package is packed and installed once into the user folder every process shares.
 *
 * Everything runs as plain child processes this module owns: stopped by process id at the end, and
 * killed with the test process if it dies first (Linux: `setpriv --pdeathsig`). Its run folder goes
 * with it.
 */
import type { ChildProcess } from 'node:child_process';
import { execFile, spawn } from 'node:child_process';
import {
	chmodSync,
	chownSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { eventually } from '../harness/eventually';
import { killOnExit } from './guard';
import { freePort, N8nInstance } from './instance';
import { installSystemPackages } from './machine';

const run = promisify(execFile);

/** How many of each process, and the settings every n8n process gets (the compose file has the same). */
export const QUEUE_TOPOLOGY = { workers: 2, webhookProcesses: 2, workerConcurrency: 10 };

export const QUEUE_ENV = {
	EXECUTIONS_MODE: 'queue',
	DB_TYPE: 'postgresdb',
	// n8n's queue-mode default, set anyway: per-host filesystem storage would strand files on one host.
	N8N_DEFAULT_BINARY_DATA_MODE: 'database',
	DB_POSTGRESDB_DATABASE: 'n8n',
	DB_POSTGRESDB_USER: 'n8n',
} as const;

/** Only workers answer health checks on their own port. */
export const WORKER_ENV = { QUEUE_HEALTH_CHECK_ACTIVE: 'true' } as const;

/** The paths the load balancer sends to the webhook processes; everything else goes to main. */
export const WEBHOOK_PROCESS_PATHS = ['/webhook/', '/webhook-waiting/'];

interface Binaries {
	postgresBin: string;
	redisServer: string;
}

async function which(command: string): Promise<string | undefined> {
	try {
		return (await run('sh', ['-c', `command -v ${command}`])).stdout.trim() || undefined;
	} catch {
		return undefined;
	}
}

/** Debian keeps PostgreSQL's programs in /usr/lib/postgresql/<version>/bin; the newest is used. */
async function findBinaries(): Promise<Partial<Binaries>> {
	const debian = '/usr/lib/postgresql';
	const versions = existsSync(debian)
		? readdirSync(debian)
				.filter((version) => existsSync(join(debian, version, 'bin', 'initdb')))
				.sort((a, b) => Number(b) - Number(a))
		: [];
	const initdb = versions.length
		? join(debian, versions[0], 'bin', 'initdb')
		: await which('initdb');
	return {
		postgresBin: initdb ? join(initdb, '..') : undefined,
		redisServer: await which('redis-server'),
	};
}

/** Finds PostgreSQL and Redis, installing Debian's packages with apt when missing and allowed. */
export async function ensureServices(): Promise<Binaries> {
	let found = await findBinaries();
	const missing = () =>
		[!found.postgresBin && 'postgresql', !found.redisServer && 'redis-server'].filter(
			(name): name is string => Boolean(name),
		);
	if (missing().length > 0) {
		await installSystemPackages(missing(), 'the queue-mode e2e tests');
		found = await findBinaries();
	}
	if (missing().length > 0)
		throw new Error(`Debian's ${missing().join(' and ')} installed no server.`);
	return found as Binaries;
}

/** A child process of the cluster, its output kept for the tests to read. */
export class OwnedProcess {
	log = '';

	readonly exited: Promise<void>;

	constructor(
		readonly name: string,
		readonly child: ChildProcess,
	) {
		const keep = (chunk: Buffer) => {
			this.log += chunk.toString();
			// Enough for the tests' searches; a long run does not grow without bound.
			if (this.log.length > 4_000_000) this.log = this.log.slice(-2_000_000);
		};
		child.stdout?.on('data', keep);
		child.stderr?.on('data', keep);
		this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
	}

	get running(): boolean {
		return this.child.exitCode === null && this.child.signalCode === null;
	}

	/** Stops it by its process id: `signal`, then SIGKILL after `graceMs`. */
	async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 20_000): Promise<void> {
		if (!this.running) return;
		this.child.kill(signal);
		const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
		await this.exited;
		clearTimeout(timer);
	}
}

/** Runs `file args` so that it dies with this process, optionally as another user (root only). */
function spawnOwned(
	name: string,
	file: string,
	args: string[],
	env: NodeJS.ProcessEnv,
	asUser?: string,
): OwnedProcess {
	const setpriv = existsSync('/usr/bin/setpriv') ? '/usr/bin/setpriv' : undefined;
	if (!setpriv) return new OwnedProcess(name, spawn(file, args, { env }));
	const user = asUser ? [`--reuid=${asUser}`, `--regid=${asUser}`, '--init-groups'] : [];
	return new OwnedProcess(
		name,
		spawn(setpriv, [...user, '--pdeathsig', 'KILL', '--', file, ...args], { env }),
	);
}

async function waitUntil(what: string, check: () => Promise<boolean>, process?: OwnedProcess) {
	const ready = await eventually(
		async () => {
			if (process && !process.running) {
				throw new Error(`${what} exited while starting:\n${process.log.slice(-3000)}`);
			}
			return await check();
		},
		180_000,
		300,
	);
	if (!ready) {
		throw new Error(
			`${what} did not become ready in 3 minutes:\n${process?.log.slice(-3000) ?? ''}`,
		);
	}
}

const answers = async (url: string) =>
	await fetch(url).then(
		(response) => response.ok,
		() => false,
	);

export class QueueCluster {
	readonly root = mkdtempSync(join(tmpdir(), 'hailuo-queue-'));

	readonly n8n: N8nInstance;

	readonly processes: OwnedProcess[] = [];

	main?: OwnedProcess;

	workers: OwnedProcess[] = [];

	webhooks: OwnedProcess[] = [];

	/** Ports of the webhook processes, in order. */
	webhookPorts: number[] = [];

	/** Requests the load balancer passed on, by upstream port. */
	readonly balanced = new Map<number, number>();

	private balancer?: Server;

	private balancerPort = 0;

	private postgresPort = 0;

	private redisPort = 0;

	private workerPorts: number[] = [];

	private next = 0;

	/** Forgets the last resort once `stop` has done its work. */
	private readonly release: () => void;

	private constructor(
		n8n: N8nInstance,
		private readonly binaries: Binaries,
	) {
		this.n8n = n8n;
		this.release = killOnExit(() => this.killNow());
	}

	/**
	 * Installs what is missing, starts PostgreSQL, Redis and the load balancer, packs and installs
	 * the package. n8n itself starts with `startN8n`, once workflows are imported.
	 */
	static async create(): Promise<QueueCluster> {
		const [services, instance] = await Promise.allSettled([ensureServices(), N8nInstance.create()]);
		if (services.status === 'rejected') {
			if (instance.status === 'fulfilled') instance.value.remove();
			throw services.reason;
		}
		if (instance.status === 'rejected') throw instance.reason;
		const n8n = instance.value;
		const cluster = new QueueCluster(n8n, services.value);
		try {
			await Promise.all([cluster.startPostgres(), cluster.startRedis(), cluster.startBalancer()]);
			Object.assign(n8n.extraEnv, QUEUE_ENV, {
				DB_POSTGRESDB_HOST: '127.0.0.1',
				DB_POSTGRESDB_PORT: String(cluster.postgresPort),
				DB_POSTGRESDB_PASSWORD: 'n8n',
				QUEUE_BULL_REDIS_HOST: '127.0.0.1',
				QUEUE_BULL_REDIS_PORT: String(cluster.redisPort),
				// Every process, workers included, builds resume URLs from it: the load balancer's.
				N8N_WEBHOOK_URL: `${cluster.publicUrl}/`,
				N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
				N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
			});
			return cluster;
		} catch (error) {
			await cluster.stop();
			throw error;
		}
	}

	/** PostgreSQL's and Redis's versions, e.g. "PostgreSQL 15.14, Redis 7.0.15". */
	async versions(): Promise<string> {
		const [postgres, redis] = await Promise.all([
			run(join(this.binaries.postgresBin, 'postgres'), ['--version']),
			run(this.binaries.redisServer, ['--version']),
		]);
		const version = (text: string, pattern: RegExp) => pattern.exec(text)?.[1] ?? '?';
		return (
			`PostgreSQL ${version(postgres.stdout, /(\d+(?:\.\d+)+)/)}, ` +
			`Redis ${version(redis.stdout, /v=(\d+(?:\.\d+)+)/)}`
		);
	}

	/** The address the outside world uses (N8N_WEBHOOK_URL): the load balancer. */
	get publicUrl(): string {
		return `http://127.0.0.1:${this.balancerPort}`;
	}

	get mainUrl(): string {
		return this.n8n.baseUrl;
	}

	webhookUrl(index: number): string {
		return `http://127.0.0.1:${this.webhookPorts[index]}`;
	}

	/** Runs SQL on n8n's database; rows as arrays of text fields. */
	async sql(query: string): Promise<string[][]> {
		const { stdout } = await run(
			join(this.binaries.postgresBin, 'psql'),
			[
				...['-h', '127.0.0.1', '-p', String(this.postgresPort), '-U', 'n8n', '-d', 'n8n'],
				...['-v', 'ON_ERROR_STOP=1', '-AtF', '\t', '-c', query],
			],
			{ env: { ...process.env, PGCONNECT_TIMEOUT: '10' }, maxBuffer: 64 * 1024 * 1024 },
		);
		return stdout === ''
			? []
			: stdout
					.trim()
					.split('\n')
					.map((line) => line.split('\t'));
	}

	private async startPostgres(): Promise<void> {
		this.postgresPort = await freePort();
		const data = join(this.root, 'postgres');
		const socketDir = join(this.root, 'postgres-socket');
		mkdirSync(data);
		mkdirSync(socketDir);
		// PostgreSQL refuses to run as root: as root, its files belong to the "postgres" user.
		const asUser = process.getuid?.() === 0 ? this.postgresUser() : undefined;
		if (asUser) {
			chmodSync(this.root, 0o711);
			const { uid, gid } = await this.idsOf(asUser);
			chownSync(data, uid, gid);
			chownSync(socketDir, uid, gid);
		}
		const initdb = spawnOwned(
			'initdb',
			join(this.binaries.postgresBin, 'initdb'),
			['-D', data, '-U', 'n8n', '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync'],
			process.env,
			asUser,
		);
		await initdb.exited;
		if (initdb.child.exitCode !== 0) throw new Error(`initdb failed:\n${initdb.log.slice(-3000)}`);
		const postgres = spawnOwned(
			'postgres',
			join(this.binaries.postgresBin, 'postgres'),
			[
				'-D',
				data,
				'-p',
				String(this.postgresPort),
				'-k',
				socketDir,
				'-c',
				'listen_addresses=127.0.0.1',
				// A throw-away database: durability is not needed, speed is.
				'-c',
				'fsync=off',
				'-c',
				'synchronous_commit=off',
				'-c',
				'full_page_writes=off',
				'-c',
				'max_connections=200',
			],
			process.env,
			asUser,
		);
		this.processes.push(postgres);
		const psql = join(this.binaries.postgresBin, 'psql');
		const base = ['-h', '127.0.0.1', '-p', String(this.postgresPort), '-U', 'n8n'];
		await waitUntil(
			'PostgreSQL',
			async () =>
				await run(psql, [...base, '-d', 'postgres', '-c', 'SELECT 1']).then(
					() => true,
					() => false,
				),
			postgres,
		);
		await run(psql, [...base, '-d', 'postgres', '-c', 'CREATE DATABASE n8n']);
	}

	private postgresUser(): string {
		return existsSync('/usr/lib/postgresql') ? 'postgres' : 'nobody';
	}

	private async idsOf(user: string): Promise<{ uid: number; gid: number }> {
		const [uid, gid] = await Promise.all(
			['-u', '-g'].map(async (flag) => Number((await run('id', [flag, user])).stdout.trim())),
		);
		return { uid, gid };
	}

	private async startRedis(): Promise<void> {
		this.redisPort = await freePort();
		const redis = spawnOwned(
			'redis',
			this.binaries.redisServer,
			[
				'--port',
				String(this.redisPort),
				'--bind',
				'127.0.0.1',
				'--save',
				'',
				'--appendonly',
				'no',
				'--daemonize',
				'no',
				'--dir',
				this.root,
			],
			process.env,
		);
		this.processes.push(redis);
		await waitUntil('Redis', async () => redis.log.includes('Ready to accept connections'), redis);
	}

	/** Webhooks and resume URLs to the webhook processes in turn, the rest to main (the compose's Caddy). */
	private async startBalancer(): Promise<void> {
		this.balancerPort = await freePort();
		this.balancer = createServer((req: IncomingMessage, res: ServerResponse) => {
			const toWebhooks = WEBHOOK_PROCESS_PATHS.some((path) => (req.url ?? '').startsWith(path));
			const port =
				toWebhooks && this.webhookPorts.length > 0
					? this.webhookPorts[this.next++ % this.webhookPorts.length]
					: this.n8n.port;
			this.balanced.set(port, (this.balanced.get(port) ?? 0) + 1);
			const upstream = request(
				{ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers },
				(answer) => {
					res.writeHead(answer.statusCode ?? 502, answer.headers);
					answer.pipe(res);
				},
			);
			upstream.on('error', () => {
				if (!res.headersSent) res.writeHead(502);
				res.end();
			});
			req.pipe(upstream);
		});
		await new Promise<void>((resolve) =>
			this.balancer?.listen(this.balancerPort, '127.0.0.1', resolve),
		);
	}

	private spawnN8n(name: string, args: string[], env: NodeJS.ProcessEnv): OwnedProcess {
		const { node24, n8nBin } = this.n8n.runtimePaths;
		const owned = spawnOwned(name, node24, [n8nBin, ...args], { ...this.n8n.env(), ...env });
		this.processes.push(owned);
		return owned;
	}

	/** Starts main (registering the published workflows' webhooks), then the workers and webhook processes. */
	async startN8n(): Promise<void> {
		const ports = async (count: number) =>
			await Promise.all(Array.from({ length: count }, async () => await freePort()));
		this.webhookPorts = await ports(QUEUE_TOPOLOGY.webhookProcesses);
		this.workerPorts = await ports(QUEUE_TOPOLOGY.workers);
		// Workers only take jobs, so they start with main; webhook processes serve the webhooks
		// main registers when it activates the workflows, so they start once main is ready.
		this.main = this.spawnN8n('main', ['start'], {});
		const main = this.main;
		const webhooks = async () => {
			await waitUntil(
				'n8n main',
				async () => await answers(`${this.mainUrl}/healthz/readiness`),
				main,
			);
			this.webhooks = await Promise.all(
				this.webhookPorts.map(
					async (port, i) =>
						await this.spawnN8n(`webhook-${i + 1}`, ['webhook'], {
							N8N_PORT: String(port),
							N8N_RUNNERS_BROKER_PORT: String(await freePort()),
						}),
				),
			);
			await Promise.all(
				this.webhooks.map(
					async (owned, i) =>
						await waitUntil(
							owned.name,
							async () => await answers(`${this.webhookUrl(i)}/healthz/readiness`),
							owned,
						),
				),
			);
		};
		await Promise.all([
			...this.workerPorts.map(async (_, i) => await this.startWorker(i)),
			webhooks(),
		]);
	}

	/** Starts worker `index` (again, after stopping it) and waits until it takes jobs. */
	async startWorker(index: number): Promise<OwnedProcess> {
		const worker = this.spawnN8n(
			`worker-${index + 1}`,
			['worker', `--concurrency=${QUEUE_TOPOLOGY.workerConcurrency}`],
			{
				...WORKER_ENV,
				QUEUE_HEALTH_CHECK_PORT: String(this.workerPorts[index]),
				N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			},
		);
		this.workers[index] = worker;
		await waitUntil(
			worker.name,
			async () => await answers(`http://127.0.0.1:${this.workerPorts[index]}/healthz/readiness`),
			worker,
		);
		return worker;
	}

	/** The worker whose log says it started this execution (from its first run to `since`). */
	workersThatRan(executionId: string): string[] {
		const line = new RegExp(`Worker started execution ${executionId} \\(`);
		return this.processes
			.filter((owned) => owned.name.startsWith('worker-') && line.test(owned.log))
			.map((owned) => owned.name);
	}

	/**
	 * Stops everything it started, by process id, and removes its run folder. With
	 * `HAILUO_QUEUE_LOGS=<folder>`, each process's output is written there first (for debugging).
	 */
	async stop(): Promise<void> {
		const n8nProcesses = this.processes.filter(
			(owned) => !['postgres', 'redis'].includes(owned.name),
		);
		await Promise.all(n8nProcesses.map(async (owned) => await owned.stop('SIGTERM', 15_000)));
		// Postgres: SIGINT is its fast shutdown (SIGTERM waits for every client to leave).
		await Promise.all(
			this.processes
				.filter((owned) => ['postgres', 'redis'].includes(owned.name))
				.map(async (owned) => await owned.stop(owned.name === 'postgres' ? 'SIGINT' : 'SIGTERM')),
		);
		this.balancer?.closeAllConnections();
		await new Promise<void>((resolve) =>
			this.balancer ? this.balancer.close(() => resolve()) : resolve(),
		);
		const logs = process.env.HAILUO_QUEUE_LOGS;
		if (logs) {
			mkdirSync(logs, { recursive: true });
			for (const owned of this.processes) writeFileSync(join(logs, `${owned.name}.log`), owned.log);
		}
		this.removeFolders();
		this.release();
	}

	/** The last resort when the test process exits without `stop`: kill by pid, remove folders. */
	private killNow(): void {
		for (const owned of this.processes) if (owned.running) owned.child.kill('SIGKILL');
		this.removeFolders();
	}

	private removeFolders(): void {
		rmSync(this.root, { recursive: true, force: true });
		this.n8n.remove();
	}
}
