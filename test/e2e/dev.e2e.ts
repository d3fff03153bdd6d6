/**
 * `npm run dev` end to end, on a scratch copy of the package: n8n starts with the copy linked, a
 * saved change to the node's description is rebuilt and reaches n8n's node types, and Ctrl+C (a
 * SIGINT to its process group, as a terminal sends it) stops every process it started and leaves
 * only its data folder; a second run keeps the owner's login and the workflows.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import {
	cpSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	symlinkSync,
	writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

import { eventually } from '../harness/eventually';
import { HAILUO_TYPE } from '../harness/workflows';
import { PACKAGE_ROOT } from '../paths';
import { freePort } from './instance';

/** What the dev loop needs of the package: its sources, build and tool configuration. */
const COPIED = [
	'package.json',
	'tsconfig.json',
	'tsconfig.build.json',
	'tsconfig.tools.json',
	'gulpfile.js',
	'nodes',
	'credentials',
	'icons',
	'examples',
	'scripts',
	'test',
];

const NODE_SOURCE = join('nodes', 'Hailuo', 'Hailuo.node.ts');

/** A process as /proc shows it; its start time tells it from a later one with the same pid. */
interface Proc {
	pid: number;
	pgid: number;
	ppid: number;
	start: string;
	command: string;
}

function processes(): Proc[] {
	const found: Proc[] = [];
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			// The command name is in parentheses and may hold spaces; the fields follow it.
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
			found.push({
				pid: Number(entry),
				ppid: Number(fields[1]),
				pgid: Number(fields[2]),
				start: fields[19],
				command,
			});
		} catch {
			// It ended while being read.
		}
	}
	return found;
}

/** The dev loop as a terminal runs it, with every process it starts noted while it runs. */
class DevRun {
	readonly child: ChildProcess;

	output = '';

	/** Every process seen under it, by pid and start time. */
	readonly seen = new Map<string, Proc>();

	private readonly timer: NodeJS.Timeout;

	readonly exited: Promise<number | null>;

	constructor(
		readonly folder: string,
		args: string[],
		tmp: string,
	) {
		// Its own process group, like a terminal's foreground job; TMPDIR shows what it leaves there.
		this.child = spawn('npm', ['run', 'dev', '--', ...args], {
			cwd: folder,
			detached: true,
			env: { ...process.env, TMPDIR: tmp, NODE_ENV: undefined },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		this.child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
		this.child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
		this.exited = new Promise((resolve) => this.child.once('exit', resolve));
		this.timer = setInterval(() => this.note(), 250);
	}

	private note(): void {
		const all = processes();
		const under = new Set([this.child.pid]);
		// Parents come before children often but not always: repeat until nothing is added.
		for (let added = true; added;) {
			added = false;
			for (const proc of all) {
				if (!under.has(proc.pid) && (under.has(proc.ppid) || under.has(proc.pgid))) {
					under.add(proc.pid);
					added = true;
				}
			}
		}
		for (const proc of all) {
			const key = `${proc.pid}/${proc.start}`;
			// An ended process that is not reaped yet shows no command line: keep the one seen before.
			if (under.has(proc.pid) && !this.seen.get(key)?.command) this.seen.set(key, proc);
		}
	}

	async waitFor(pattern: RegExp, what: string, timeoutMs = 480_000): Promise<RegExpMatchArray> {
		const missing = () =>
			new Error(`npm run dev did not print ${what}; it printed:\n${this.output.slice(-4000)}`);
		const match = await eventually(
			() => {
				const found = this.output.match(pattern);
				if (!found && this.child.exitCode !== null) throw missing();
				return found;
			},
			timeoutMs,
			250,
		);
		if (!match) throw missing();
		return match;
	}

	/** Ctrl+C: SIGINT to the whole foreground group (npm and the dev loop). */
	async interrupt(): Promise<number | null> {
		this.note();
		process.kill(-this.child.pid!, 'SIGINT');
		const code = await this.exited;
		clearInterval(this.timer);
		return code;
	}

	/**
	 * The processes it started that are still there, and groups of them with anything left in,
	 * given a few seconds for the system to reap the last ones.
	 */
	async leftOver(): Promise<string[]> {
		let left: string[] = [];
		await eventually(() => (left = this.stillThere()).length === 0, 10_000, 250);
		return left;
	}

	private stillThere(): string[] {
		const now = processes();
		const alive = new Set(now.map((proc) => `${proc.pid}/${proc.start}`));
		const groups = new Set([...this.seen.values()].map((proc) => proc.pgid));
		return [
			...[...this.seen.entries()]
				.filter(([key]) => alive.has(key))
				.map(([, proc]) => `pid ${proc.pid}: ${proc.command}`),
			...now
				.filter((proc) => groups.has(proc.pgid) && !this.seen.has(`${proc.pid}/${proc.start}`))
				.map((proc) => `pid ${proc.pid} in group ${proc.pgid}: ${proc.command}`),
		];
	}

	/** After a failed test: nothing it started may outlive the suite. */
	kill(): void {
		clearInterval(this.timer);
		for (const proc of this.seen.values()) {
			try {
				process.kill(proc.pid, 'SIGKILL');
			} catch {
				// Gone already.
			}
		}
	}
}

async function login(baseUrl: string, email: string, password: string): Promise<string> {
	const response = await fetch(`${baseUrl}/rest/login`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', 'browser-id': 'hailuo-dev-e2e' },
		body: JSON.stringify({ emailOrLdapLoginId: email, password }),
	});
	if (response.status !== 200) throw new Error(`Login answered ${response.status}`);
	const cookie = response.headers.getSetCookie().find((value) => value.startsWith('n8n-auth='));
	if (!cookie) throw new Error('Login set no n8n-auth cookie');
	return cookie.split(';')[0];
}

/** The Hailuo node's description as n8n's editor loads it (node types answer only when signed in). */
async function nodeDescription(baseUrl: string, cookie: string): Promise<string | undefined> {
	const response = await fetch(`${baseUrl}/types/nodes.json`, { headers: { cookie } });
	if (response.status !== 200) throw new Error(`/types/nodes.json answered ${response.status}`);
	const types = (await response.json()) as Array<{ name: string; description: string }>;
	return types.find((type) => type.name === HAILUO_TYPE)?.description;
}

const runs: DevRun[] = [];
let scratch: string;
let tmp: string;
let before: string[];

beforeAll(() => {
	const cache = join(PACKAGE_ROOT, '.cache');
	mkdirSync(cache, { recursive: true });
	scratch = mkdtempSync(join(cache, 'dev-e2e-'));
	for (const entry of COPIED)
		cpSync(join(PACKAGE_ROOT, entry), join(scratch, entry), { recursive: true });
	symlinkSync(join(PACKAGE_ROOT, 'node_modules'), join(scratch, 'node_modules'), 'dir');
	tmp = join(scratch, 'tmp-watched');
	mkdirSync(tmp);
	before = readdirSync(scratch).sort();
});

afterAll(() => {
	for (const run of runs) run.kill();
	if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('npm run dev', () => {
	let baseUrl: string;
	let email: string;
	let password: string;

	it('rebuilds a saved change, restarts n8n with it, and stops everything on Ctrl+C', async () => {
		const port = await freePort();
		const run = new DevRun(scratch, ['--port', String(port)], tmp);
		runs.push(run);
		[, baseUrl] = await run.waitFor(/Editor:\s+(\S+)/, 'the editor URL');
		[, email, password] = await run.waitFor(/Login:\s+(\S+) \/ (\S+)/, 'the login');
		expect(baseUrl).toBe(`http://127.0.0.1:${port}`);
		expect(run.output).toMatch(/Workflows:\s+\d+ examples imported/);

		let cookie = await login(baseUrl, email, password);
		const original = await nodeDescription(baseUrl, cookie);
		const source = readFileSync(join(scratch, NODE_SOURCE), 'utf8');
		expect(original).toBeTruthy();
		expect(source.split(`'${original}'`)).toHaveLength(2);

		const changed = `${original} (changed by the dev-loop test)`;
		writeFileSync(join(scratch, NODE_SOURCE), source.replace(`'${original}'`, `'${changed}'`));
		const [line] = await run.waitFor(
			/Rebuilt after a change to nodes\/Hailuo\/Hailuo\.node\.ts; n8n restarted \([\d.]+ s\)/,
			'that it rebuilt and restarted n8n',
		);
		console.log(line);
		cookie = await login(baseUrl, email, password);
		expect(await nodeDescription(baseUrl, cookie)).toBe(changed);

		expect(await run.interrupt()).toBe(0);
		expect(run.output).toContain('Stopping n8n, the build watch and the sandbox');
		// What must be gone: the build watch and both n8n (before and after the restart).
		const started = [...run.seen.values()].map((proc) => proc.command);
		expect(started).toEqual(
			expect.arrayContaining([expect.stringContaining('tsc -p tsconfig.build.json --watch')]),
		);
		expect(
			started.filter((command) => command.endsWith('n8n start')).length,
		).toBeGreaterThanOrEqual(2);
		expect(await run.leftOver()).toEqual([]);

		const added = readdirSync(scratch).filter((entry) => !before.includes(entry));
		expect(added.sort()).toEqual(['.build', '.dev', 'dist']);
		expect(existsSync(join(scratch, '.dev', 'user', '.n8n', 'database.sqlite'))).toBe(true);
		expect(existsSync(join(scratch, '.dev', 'dev.pid'))).toBe(false);
		expect(readdirSync(tmp)).toEqual([]);
	});

	it('keeps the owner login and the workflows in its data folder for the next run', async () => {
		expect(password).toBeTruthy();
		const run = new DevRun(scratch, ['--port', String(await freePort())], tmp);
		runs.push(run);
		const [, url] = await run.waitFor(/Editor:\s+(\S+)/, 'the editor URL');
		await run.waitFor(/Login:/, 'the login');
		expect(run.output).toContain(`Login:       ${email} / ${password}`);
		expect(run.output).toContain('Workflows:   as you left them');
		const cookie = await login(url, email, password);
		const workflows = await fetch(`${url}/rest/workflows`, {
			headers: { cookie, 'browser-id': 'hailuo-dev-e2e' },
		}).then(async (response) => (await response.json()) as { data: Array<{ id: string }> });
		const examples = readdirSync(join(scratch, 'examples'))
			.filter((file) => file.endsWith('.json'))
			.map(
				(file) =>
					(JSON.parse(readFileSync(join(scratch, 'examples', file), 'utf8')) as { id: string }).id,
			);
		expect(workflows.data.map((workflow) => workflow.id).sort()).toEqual(examples.sort());

		expect(await run.interrupt()).toBe(0);
		expect(await run.leftOver()).toEqual([]);
	});
});
