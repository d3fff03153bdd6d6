/**
 * The one start every end-to-end suite shares: the sandbox API and the suite's own loopback
 * servers, a real n8n with this package installed (one process, or a queue-mode cluster), the
 * sandbox credential and the suite's own credentials; torn down after the suite whatever happened,
 * and killed by process id should the test process end first. The suite then imports its
 * workflows and starts n8n in a `beforeAll` of its own.
 */
import type { Behaviour } from '../sandbox/server';
import { SandboxApi } from '../sandbox/server';
import { killOnExit } from './guard';
import { N8nInstance, sandboxCredential } from './instance';

/** The n8n a suite runs against. */
export interface Deployment {
	readonly n8n: N8nInstance;
	/** Stops every process it started, by process id, and removes its folders. */
	stop(): Promise<void>;
}

/** A loopback server a suite's workflows talk to (a collector, a scripted model…). */
interface Server {
	start(): Promise<unknown>;
	stop(): Promise<void>;
}

export interface SessionOptions<D extends Deployment> {
	/** How the sandbox behaves for the suite. */
	sandbox?: Partial<Behaviour>;
	/** Started before n8n, stopped after it. */
	servers?: Server[];
	/** Credentials besides the sandbox's (asked for once the servers are started). */
	credentials?: (sandbox: SandboxApi) => Array<Record<string, unknown>>;
	/** The n8n to run; one process (`singleN8n`) unless given. */
	deploy?: () => Promise<D>;
	/** How long the set-up may take (a first run installs n8n). */
	timeoutMs?: number;
}

/** One n8n process on a fresh user folder; the suite starts it with `n8n.start()`. */
export async function singleN8n(): Promise<Deployment> {
	const n8n = await N8nInstance.create();
	const release = killOnExit(() => n8n.killNow());
	return {
		n8n,
		stop: async () => {
			await n8n.stop();
			n8n.remove();
			release();
		},
	};
}

export function useE2eSession<D extends Deployment = Deployment>(options: SessionOptions<D> = {}) {
	const sandbox = new SandboxApi();
	const servers = options.servers ?? [];
	let deployment: D | undefined;
	let setUpMs = 0;
	const beforeStop: Array<() => Promise<void>> = [];

	beforeAll(
		async () => {
			const began = Date.now();
			await sandbox.start();
			for (const server of servers) await server.start();
			sandbox.configure(options.sandbox ?? {});
			deployment = await (options.deploy ?? (singleN8n as () => Promise<D>))();
			await deployment.n8n.importCredentials([
				sandboxCredential(sandbox),
				...(options.credentials?.(sandbox) ?? []),
			]);
			setUpMs = Date.now() - began;
		},
		options.timeoutMs ?? 20 * 60 * 1000,
	);

	afterAll(async () => {
		// What the suite opened on n8n's folders (a browser profile) closes before they are removed;
		// every step runs even when one fails, so nothing is left to hold the test process open.
		const steps = [
			...beforeStop.reverse(),
			async () => await deployment?.stop(),
			...[...servers].reverse().map((server) => async () => await server.stop()),
			async () => await sandbox.stop(),
		];
		const failures: unknown[] = [];
		for (const step of steps) await step().catch((error: unknown) => failures.push(error));
		if (failures.length > 0) throw failures[0];
	}, 120_000);

	return {
		sandbox,
		/** Runs `close` at the end of the suite, before n8n stops and its folders are removed. */
		closeFirst(close: () => Promise<void>): void {
			beforeStop.push(close);
		},
		/** How long the set-up took (services, pack and install, credentials). */
		get setUpMs(): number {
			return setUpMs;
		},
		get deployment(): D {
			if (!deployment) throw new Error('The end-to-end session is not set up');
			return deployment;
		},
		get n8n(): N8nInstance {
			return this.deployment.n8n;
		},
	};
}
