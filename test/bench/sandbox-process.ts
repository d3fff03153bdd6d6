/**
 * The sandbox in a process of its own, so the times it records are when requests arrive, not when
 * a busy benchmark process gets round to them. Speaks one JSON line per command on stdin/stdout:
 * {"op":"reset"|"configure"|"stats","change"?:{...}} → the result as one line.
 */
import { createInterface } from 'node:readline';

import type { Behaviour } from '../sandbox/server';
import { SandboxApi } from '../sandbox/server';

async function main() {
	const sandbox = await new SandboxApi().start();
	console.log(JSON.stringify({ baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey }));
	for await (const line of createInterface({ input: process.stdin })) {
		const command = JSON.parse(line) as { op: string; change?: Partial<Behaviour> };
		if (command.op === 'reset') sandbox.reset().configure(command.change ?? {});
		const stats = {
			peakCreatesPerSecond: sandbox.peakPerSecond('create'),
			peakReadsPerSecond: sandbox.peakPerSecond('task'),
			rateLimited: sandbox.rateLimited.create + sandbox.rateLimited.task,
		};
		console.log(JSON.stringify(command.op === 'stats' ? stats : { ok: true }));
	}
	await sandbox.stop();
}

void main();
