/**
 * The dev loop's data folder (`.dev/` in the checkout, ignored by git): n8n's user folder with its
 * database, the files the example workflows save, n8n's log and the owner's login. It is kept
 * between runs, so workflows made in the editor and the login stay; `--fresh` wipes it first.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { N8nInstance, Workflow } from '../../test/e2e/instance';
import { TRIGGER_TYPE } from '../../test/harness/workflows';

export const DATA_FOLDER = '.dev';

/** The credential the examples name (by id), pointed at this run's sandbox. */
export const DEV_CREDENTIAL = {
	id: 'hailuoExampleCred',
	name: 'Hailuo sandbox (npm run dev)',
	type: 'hailuoApi',
};

export interface Owner {
	email: string;
	firstName: string;
	lastName: string;
	password: string;
}

export class DataFolder {
	readonly root: string;

	constructor(packageDir: string) {
		this.root = join(packageDir, DATA_FOLDER);
	}

	private get lockFile(): string {
		return join(this.root, 'dev.pid');
	}

	private get ownerFile(): string {
		return join(this.root, 'owner.json');
	}

	/** The port n8n had last time, so the editor's address (and the examples' callback URL) stay. */
	get port(): number | undefined {
		const file = join(this.root, 'port');
		return existsSync(file) ? Number(readFileSync(file, 'utf8')) : undefined;
	}

	set port(port: number) {
		writeFileSync(join(this.root, 'port'), String(port));
	}

	get logFile(): string {
		return join(this.root, 'n8n.log');
	}

	/** The pid of another dev loop still running on this folder, if any. */
	holder(): number | undefined {
		if (!existsSync(this.lockFile)) return undefined;
		const pid = Number(readFileSync(this.lockFile, 'utf8'));
		if (!Number.isInteger(pid) || pid === process.pid) return undefined;
		try {
			process.kill(pid, 0);
			return pid;
		} catch {
			return undefined;
		}
	}

	/** Whether this run made the folder (it did not exist, or --fresh wiped it). */
	private made = false;

	/** Takes the folder for this process (after an optional wipe). */
	claim(fresh: boolean): void {
		if (fresh) rmSync(this.root, { recursive: true, force: true });
		this.made = !existsSync(this.root);
		mkdirSync(this.root, { recursive: true });
		writeFileSync(this.lockFile, String(process.pid));
	}

	/**
	 * Gives the folder up; one this run made goes too when n8n never started in it (a set-up that
	 * could not go on leaves nothing behind, and a failed n8n start leaves its log).
	 */
	release(n8nNeverStarted: boolean): void {
		if (this.made && n8nNeverStarted) rmSync(this.root, { recursive: true, force: true });
		else rmSync(this.lockFile, { force: true });
	}

	/** Whether n8n has never run here (so the examples are still to be imported). */
	isNew(n8n: N8nInstance): boolean {
		return !existsSync(join(n8n.userFolder, '.n8n', 'database.sqlite'));
	}

	owner(): Owner | undefined {
		return existsSync(this.ownerFile)
			? (JSON.parse(readFileSync(this.ownerFile, 'utf8')) as Owner)
			: undefined;
	}

	/** Sets up n8n's owner through its REST API (as the editor's first screen does) and keeps the login. */
	async createOwner(baseUrl: string): Promise<Owner | undefined> {
		const owner: Owner = {
			email: 'owner@example.com',
			firstName: 'Dev',
			lastName: 'Owner',
			password: `Hailuo-${randomBytes(6).toString('hex')}-1`,
		};
		const setup = await fetch(`${baseUrl}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', 'browser-id': 'hailuo-dev-loop' },
			body: JSON.stringify(owner),
		});
		// Anything but 200 means an owner exists already (its login file was deleted).
		if (setup.status !== 200) return undefined;
		writeFileSync(this.ownerFile, `${JSON.stringify(owner, null, '\t')}\n`);
		return owner;
	}
}

/**
 * The example workflows as they run here: files saved to n8n's files folder, and the callback URL
 * aimed at this n8n (so "start a video and let the trigger pick it up" works end to end).
 */
export function localExamples(packageDir: string, n8n: N8nInstance): Workflow[] {
	const folder = join(packageDir, 'examples');
	return readdirSync(folder)
		.filter((file) => file.endsWith('.json'))
		.map((file) => {
			const text = readFileSync(join(folder, file), 'utf8')
				.replaceAll('https://your-n8n.example.com/', `${n8n.baseUrl}/`)
				.replaceAll('/home/node/.n8n-files/', `${n8n.filesDir}/`);
			return JSON.parse(text) as Workflow;
		});
}

/** Imports workflows with one n8n CLI run and publishes those that start with a Hailuo Trigger. */
export async function importWorkflows(n8n: N8nInstance, workflows: Workflow[]): Promise<void> {
	const folder = join(n8n.root, 'tmp', 'examples');
	mkdirSync(folder, { recursive: true });
	for (const workflow of workflows) {
		writeFileSync(join(folder, `${workflow.id}.json`), JSON.stringify(workflow));
	}
	await n8n.cli(['import:workflow', '--separate', `--input=${folder}`]);
	rmSync(folder, { recursive: true, force: true });
	for (const workflow of workflows) {
		if (workflow.nodes.some((node) => node.type === TRIGGER_TYPE)) {
			await n8n.publish(workflow.id);
		}
	}
}
