/**
 * One measured download, in its own process: `streamed` runs the Hailuo node (Get Task with
 * download) through n8n's engine; `buffered` reads the same file whole into memory and stores it.
 * Prints {"peakMb", "ms"}: how far the process's peak RSS rose during the download.
 */
import '../harness/env';

import { Container } from '@n8n/di';
import { BinaryDataService } from 'n8n-core';

import { loadPackage, runWorkflow } from '../harness/n8n';
import { getTaskNode } from '../harness/workflows';

const [mode, baseUrl, apiKey] = process.argv.slice(2);
const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

async function createFinishedTask(): Promise<{ taskId: string; videoUrl: string }> {
	const headers = { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' };
	const created = (await (
		await fetch(`${baseUrl}/videos/generations`, {
			method: 'POST',
			headers,
			body: JSON.stringify({ prompt: 'bench', image: 'https://example.com/a.jpg' }),
		})
	).json()) as { data: { task_id: string } };
	const taskId = created.data.task_id;
	const task = (await (await fetch(`${baseUrl}/tasks/${taskId}`, { headers })).json()) as {
		data: { video_url: string };
	};
	return { taskId, videoUrl: task.data.video_url };
}

async function main() {
	await loadPackage();
	const { taskId, videoUrl } = await createFinishedTask();
	// Warm the engine with a tiny run so its own start-up memory is not counted.
	await runWorkflow([getTaskNode(taskId)], {
		credentials: { hailuoApi: { apiKey, baseUrl } },
	});
	const before = peakRssMb();
	const started = Date.now();
	if (mode === 'streamed') {
		const result = await runWorkflow([getTaskNode(taskId, { options: { download: true } })], {
			credentials: { hailuoApi: { apiKey, baseUrl } },
		});
		if (result.error || !result.output()[0].binary?.data)
			throw new Error(`download failed: ${result.error?.message}`);
	} else {
		const bytes = Buffer.from(await (await fetch(videoUrl)).arrayBuffer());
		await Container.get(BinaryDataService).store(
			{ type: 'execution', workflowId: 'bench', executionId: 'buffered' },
			bytes,
			{ mimeType: 'video/mp4', data: '', fileName: 'bench.mp4' },
		);
	}
	console.log(JSON.stringify({ peakMb: peakRssMb() - before, ms: Date.now() - started }));
}

void main();
