/**
 * `n8n start` for the dev loop: in its own process group (with the task runner it starts), its
 * output in a log file in the data folder, started again on every rebuild.
 */
import { closeSync, openSync, readFileSync } from 'node:fs';

import type { N8nInstance } from '../../test/e2e/instance';
import type { Group } from './process-group';
import { groupAlive, startGroup, stopGroup } from './process-group';

const tail = (file: string, lines = 15) =>
	readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');

export class N8nServer {
	private current?: Group;

	private starts = 0;

	private closed = false;

	/** The stops under way: a restart's stop of the old n8n goes on while `current` is empty. */
	private stopped: Promise<unknown> = Promise.resolve();

	constructor(
		private readonly n8n: N8nInstance,
		readonly logFile: string,
		/** Told when n8n ends by itself (not stopped from here) after it was ready. */
		private readonly onExit: (why: string) => void,
	) {}

	/** The running n8n's process group. */
	get group(): Group | undefined {
		return this.current;
	}

	/** Starts n8n and resolves once it is ready; the log starts afresh with each `npm run dev`. */
	async start(): Promise<void> {
		if (this.closed) throw new Error('the dev loop is stopping');
		const log = openSync(this.logFile, this.starts++ === 0 ? 'w' : 'a');
		const { node24, n8nBin } = this.n8n.runtimePaths;
		const group = startGroup(node24, [n8nBin, 'start'], {
			env: this.n8n.env(),
			stdio: ['ignore', log, log],
		});
		closeSync(log);
		this.current = group;
		const ready = await this.n8n.untilReady(() => {
			if (group.child.exitCode !== null || group.child.signalCode !== null) {
				throw new Error(
					`n8n exited while starting; the end of ${this.logFile}:\n${tail(this.logFile)}`,
				);
			}
		});
		if (!ready) {
			throw new Error(
				`n8n was not ready after 3 minutes; the end of ${this.logFile}:\n${tail(this.logFile)}`,
			);
		}
		group.child.once('exit', (code, signal) => {
			if (this.current === group)
				this.onExit(`n8n ended by itself (${signal ?? `exit code ${code}`})`);
		});
	}

	/** Stops n8n and its task runner (the whole group); resolves once every stop begun is done. */
	async stop(): Promise<void> {
		const group = this.current;
		this.current = undefined;
		if (group && groupAlive(group.pgid))
			this.stopped = Promise.all([this.stopped, stopGroup(group)]);
		await this.stopped;
	}

	/** Stops n8n for good: a restart under way starts nothing more. */
	async close(): Promise<void> {
		this.closed = true;
		await this.stop();
	}

	async restart(): Promise<void> {
		await this.stop();
		await this.start();
	}
}
