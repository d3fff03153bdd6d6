/**
 * test/e2e/machine.ts: the n8n versions it names (and that package.json states), and the line it
 * says where it may not install system packages.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { installSystemPackages, N8N_VERSIONS } from './e2e/machine';
import { PACKAGE_ROOT } from './paths';

test('names the n8n versions of scripts/n8n-versions.txt, one 2.x version a line', () => {
	expect(N8N_VERSIONS.length).toBeGreaterThanOrEqual(2);
	for (const version of N8N_VERSIONS) expect(version).toMatch(/^2\.\d+\.\d+$/);
});

test("package.json's engines.n8n states the range from the oldest to the newest proven version", () => {
	const numbers = (version: string) => version.split('.').map(Number);
	const sorted = [...N8N_VERSIONS].sort((a, b) => {
		const [x, y] = [numbers(a), numbers(b)];
		return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
	});
	const { engines } = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
		engines: { n8n: string };
	};
	expect(engines.n8n).toBe(`>=${sorted[0]} <=${sorted.at(-1)}`);
});

test('where apt-get cannot run, says in one line what is missing and the command', async () => {
	const empty = mkdtempSync(join(tmpdir(), 'hailuo-no-apt-'));
	const path = process.env.PATH;
	process.env.PATH = empty;
	try {
		await expect(
			installSystemPackages(['postgresql', 'redis-server'], 'the queue-mode e2e tests'),
		).rejects.toThrow(
			/^The queue-mode e2e tests need Debian's postgresql and redis-server, missing here: run `sudo apt-get install -y postgresql redis-server`[^\n]*$/,
		);
	} finally {
		process.env.PATH = path;
		rmSync(empty, { recursive: true });
	}
});
