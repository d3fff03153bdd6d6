import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { readBinary, runWorkflow } from '../harness/n8n';
import { useSandbox } from '../harness/sandbox';
import { generateVideoNode } from '../harness/workflows';

// Waits, requests and downloads stay bounded whatever the API or a video host does.
const { sandbox, credentials } = useSandbox();

const poll = (options: Record<string, unknown> = {}) => [
	generateVideoNode({ waitMode: 'poll', options: { pollInterval: 2, ...options } }),
];

/** Every file under the binary-data store, so a test can see nothing partial was left behind. */
function storedFiles(dir = process.env.N8N_BINARY_DATA_STORAGE_PATH ?? ''): string[] {
	const found: string[] = [];
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) found.push(...storedFiles(path));
		else found.push(path);
	}
	return found;
}

const storedBytes = () => storedFiles().reduce((sum, file) => sum + statSync(file).size, 0);

describe('polling is never faster than the interval', () => {
	test.each([
		['0', '0'],
		['negative', '-5'],
		['a date in the past', 'Wed, 21 Oct 2015 07:28:00 GMT'],
		['garbage', 'soon'],
	])('a 429 whose Retry-After is %s', async (_label, retryAfter) => {
		sandbox.configure({ stuckState: 'PENDING' });
		sandbox.fault({ endpoint: 'task', status: 429, retryAfter });
		const result = await runWorkflow(poll({ maxWait: 4 }), { credentials: credentials() });
		expect(result.error?.message).toMatch(/Rate limited|not finished/);
		// 4 s at a 2 s floor that doubles on each 429: 2 or 3 reads, never hundreds.
		expect(sandbox.requestsTo('task').length).toBeLessThanOrEqual(4);
		expect(sandbox.requestsTo('create')).toHaveLength(1);
	});

	test('reads stay within Max Wait / interval + a few when every answer is a 503', async () => {
		sandbox.configure({ stuckState: 'PENDING' });
		sandbox.fault({ endpoint: 'task', status: 503 });
		await runWorkflow(poll({ maxWait: 6 }), { credentials: credentials() });
		expect(sandbox.requestsTo('task').length).toBeLessThanOrEqual(6 / 2 + 2);
	});
});

describe('every request has its own timeout', () => {
	test('a task read that never answers does not hold the node past Max Wait + a few seconds', async () => {
		sandbox.configure({ jobMs: 0 });
		sandbox.fault({ endpoint: 'task', kind: 'hang' });
		const result = await runWorkflow(poll({ maxWait: 3 }), { credentials: credentials() });
		// The read's own timeout is cut to what is left of Max Wait (3 s at most) plus a grace of
		// 3 s, instead of a read's usual 30 s (the bench measures how long the node is held).
		expect(result.error?.message).toMatch(/^The Hailuo API did not answer within [3-6] s$/);
	});

	test.each([
		['broken JSON', 'malformed' as const, undefined],
		['an HTML page with HTTP 200', 'html' as const, 200],
	])(
		'%s during polling is retried like a 5xx until the job is done',
		async (_label, kind, status) => {
			sandbox.configure({ jobMs: 2500 });
			sandbox.fault({ endpoint: 'task', kind, status, times: 1 });
			const result = await runWorkflow(poll(), { credentials: credentials() });
			expect(result.error).toBeUndefined();
			expect(result.output()[0].json.status).toBe('succeeded');
			expect(sandbox.requestsTo('task').length).toBeGreaterThanOrEqual(2);
		},
	);
});

describe('downloads are bounded and only store videos', () => {
	test('an endless body stops at Max Video Size and leaves no partial file', async () => {
		sandbox.configure({ jobMs: 0 });
		sandbox.fault({ endpoint: 'video', kind: 'endless' });
		const before = storedBytes();
		const result = await runWorkflow(poll({ maxVideoMb: 2 }), { credentials: credentials() });
		expect(result.error?.message).toMatch(
			/is over the 2 MB "Max Video Size"; the download was stopped/,
		);
		expect(result.error?.description).toMatch(/Nothing was saved/);
		expect(storedBytes() - before).toBeLessThan(1024 * 1024);
	});

	test('a declared size over the cap is refused before reading the body', async () => {
		sandbox.configure({ jobMs: 0, videoBytes: 5 * 1024 * 1024 });
		const result = await runWorkflow(poll({ maxVideoMb: 1 }), { credentials: credentials() });
		expect(result.error?.message).toMatch(/is 5 MB, over the 1 MB "Max Video Size"/);
	});

	test('a video under the cap is stored whole', async () => {
		sandbox.configure({ jobMs: 0, videoBytes: 3 * 1024 * 1024 });
		const result = await runWorkflow(poll({ maxVideoMb: 4 }), { credentials: credentials() });
		expect(result.error).toBeUndefined();
		expect((await readBinary(result.output()[0])).length).toBe(3 * 1024 * 1024);
	});

	test('a body that never ends stops at Download Timeout', async () => {
		sandbox.configure({ jobMs: 0 });
		sandbox.fault({ endpoint: 'video', kind: 'hang' });
		const result = await runWorkflow(poll({ downloadTimeout: 2 }), { credentials: credentials() });
		expect(result.error?.message).toMatch(/did not finish within 2 s/);
	});

	test.each([
		['an HTML error page', 'text/html; charset=utf-8', '<html><body>Access denied</body></html>'],
		[
			'an HTML page labelled video/mp4',
			'video/mp4',
			`<!doctype html><html>${'x'.repeat(4000)}</html>`,
		],
		['a JSON error labelled octet-stream', 'application/octet-stream', '{"error":"expired token"}'],
	])('%s is never saved as hailuo-….mp4', async (_label, contentType, body) => {
		sandbox.configure({ jobMs: 0 });
		sandbox.fault({ endpoint: 'video', kind: 'html', status: 200, contentType, body });
		const before = storedFiles().length;
		const result = await runWorkflow(poll(), { credentials: credentials() });
		expect(result.error?.message).toMatch(/not a video|did not serve a video/);
		expect(result.output()).toHaveLength(0);
		expect(storedFiles().length).toBe(before);
	});
});

describe('the API key never leaks', () => {
	const fragments = (key: string) =>
		Array.from({ length: key.length - 7 }, (_, start) => key.slice(start, start + 8));

	test('a non-JSON answer is redacted before it is cut short', async () => {
		// The key straddles the 200-character cut of the error's detail.
		const body = `${'x'.repeat(190)}${sandbox.apiKey} trailing`;
		sandbox.fault({
			endpoint: 'create',
			kind: 'html',
			status: 200,
			body,
			contentType: 'text/plain',
		});
		const result = await runWorkflow(poll(), { credentials: credentials() });
		const shown = JSON.stringify(result.run.data.resultData.error);
		expect(result.error?.message).toMatch(/not JSON/);
		for (const fragment of fragments(sandbox.apiKey)) expect(shown).not.toContain(fragment);
	});

	test("a task's failure reason that echoes the key is redacted", async () => {
		sandbox.configure({
			jobMs: 0,
			failWith: `upstream rejected token ${'aio_sandbox_key_0123456789'}`,
		});
		const result = await runWorkflow(poll(), { credentials: credentials() });
		expect(result.error?.message).toMatch(/failed: upstream rejected token \*\*\*/);
		expect(JSON.stringify(result.run.data.resultData)).not.toContain(sandbox.apiKey);
	});
});
