/**
 * `npm run demo`: the package working inside a real n8n, in one command. Starts the sandbox API
 * (or uses the real service when HAILUO_API_KEY is set), installs n8n once, installs the packed
 * package into it, imports the example workflow and a credential, runs it and shows the result.
 * It leaves one thing behind on purpose: the run folder with the saved MP4 (removed if it fails).
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { CREDENTIAL, N8nInstance, nodeOutput } from '../test/e2e/instance';
import type { Workflow } from '../test/e2e/instance';
import { N8N_VERSION } from '../test/e2e/machine';
import { PACKAGE_ROOT } from '../test/paths';
import { SandboxApi } from '../test/sandbox/server';

const say = (line = '') => console.log(line);

async function main() {
	const realKey = process.env.HAILUO_API_KEY;
	const sandbox = realKey ? undefined : await new SandboxApi().start();
	sandbox?.configure({ jobMs: 6000 });
	const apiKey = realKey ?? sandbox?.apiKey ?? '';
	const baseUrl = realKey
		? (process.env.HAILUO_BASE_URL ?? 'https://apiin.one/api/v1')
		: (sandbox?.baseUrl ?? '');
	say(realKey ? `Using the real API at ${baseUrl}` : `Sandbox API running at ${baseUrl}`);

	say(`Preparing n8n ${N8N_VERSION} and installing the packed package into it...`);
	let n8n: N8nInstance | undefined;
	try {
		n8n = await N8nInstance.create();
		await n8n.importCredentials([{ ...CREDENTIAL, type: 'hailuoApi', data: { apiKey, baseUrl } }]);
		const workflow = JSON.parse(
			readFileSync(join(PACKAGE_ROOT, 'examples', 'animate-product-photo.json'), 'utf8'),
		) as Workflow;
		for (const node of workflow.nodes) {
			if (node.credentials) node.credentials = { hailuoApi: CREDENTIAL };
			if (node.name === 'Animate Photo') {
				if (process.env.HAILUO_IMAGE_URL) node.parameters.imageUrl = process.env.HAILUO_IMAGE_URL;
				node.parameters.options = { pollInterval: realKey ? 10 : 2, maxWait: 900 };
			}
			if (node.name === 'Save MP4')
				node.parameters.fileName = `={{ '${n8n.filesDir}/hailuo-' + $json.taskId + '.mp4' }}`;
		}
		await n8n.importWorkflow(workflow);

		say(`Running "${workflow.name}" in n8n...`);
		const run = await n8n.execute(workflow.id);
		const error = run.data.resultData.error;
		if (error) throw new Error(`The workflow failed: ${error.message}`);
		const [item] = nodeOutput(run, 'Animate Photo');
		const task = item.json as {
			taskId: string;
			status: string;
			estimatedCredits: unknown;
			wait?: { states: string[]; seconds: number };
		};
		const file = join(n8n.filesDir, `hailuo-${task.taskId}.mp4`);
		const credits = task.estimatedCredits;
		say();
		say(`Task ID:     ${task.taskId}`);
		say(`States:      ${(task.wait?.states ?? []).join(' → ')} (${task.wait?.seconds ?? '?'} s)`);
		say(`Final state: ${task.status}`);
		say(
			`Credits:     ${typeof credits === 'number' ? credits : JSON.stringify(credits)} (about $${typeof credits === 'number' ? (credits / 100).toFixed(2) : '?'})${realKey ? '' : ' — the sandbox charged nothing'}`,
		);
		say(`Saved MP4:   ${file} (${statSync(file).size} bytes)`);
		say(`Run folder:  ${n8n.root} (kept for you to look at; delete it when done)`);
	} catch (error) {
		n8n?.remove();
		throw error;
	} finally {
		await sandbox?.stop();
	}
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? error.message : error);
	process.exitCode = 1;
});
