/**
 * A child started as the leader of its own process group, so that stopping it also stops whatever
 * it started (n8n's task runner, tsc's workers) and Ctrl+C in the terminal reaches only the dev
 * loop, which then stops the groups in order.
 */
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { spawn } from 'node:child_process';

export interface Group {
	readonly child: ChildProcess;
	/** The group's id (its leader's pid). */
	readonly pgid: number;
}

export function startGroup(command: string, args: string[], options: SpawnOptions): Group {
	const child = spawn(command, args, { ...options, detached: true });
	if (child.pid === undefined) throw new Error(`Could not start ${command}`);
	return { child, pgid: child.pid };
}

/** Whether any process of the group is still there. */
export function groupAlive(pgid: number): boolean {
	try {
		process.kill(-pgid, 0);
		return true;
	} catch (error) {
		// EPERM: it exists but belongs to someone else, so it is still there.
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pgid, signal);
	} catch {
		// Already gone.
	}
}

/**
 * SIGTERM to the whole group, SIGKILL to what is left after `graceMs`; resolves once it is empty
 * (or, should a killed process never be reaped, a few seconds after the SIGKILL).
 */
export async function stopGroup(group: Group, graceMs = 15_000): Promise<void> {
	signalGroup(group.pgid, 'SIGTERM');
	const killAt = Date.now() + graceMs;
	while (groupAlive(group.pgid) && Date.now() < killAt + 5000) {
		if (Date.now() >= killAt) signalGroup(group.pgid, 'SIGKILL');
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}
