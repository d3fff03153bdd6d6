/**
 * What the end-to-end tests, the demo and the figures need from the machine, named in one place:
 * the n8n version (from scripts/n8n-versions.txt, which scripts/n8n-env.sh installs) and the
 * Debian packages, installed with apt-get here when the tests run as root (CI on a fresh machine).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { PACKAGE_ROOT } from '../paths';

const run = promisify(execFile);

/** The n8n versions this package is proven on; the first is the default. */
export const N8N_VERSIONS: readonly string[] = readFileSync(
	join(PACKAGE_ROOT, 'scripts', 'n8n-versions.txt'),
	'utf8',
)
	.split('\n')
	.filter((line) => !line.startsWith('#'))
	// The first word of a line, as scripts/n8n-env.sh and .ci/run read it.
	.map((line) => line.trim().split(/\s+/)[0])
	.filter((version) => version !== '');

/** The n8n this run uses: HAILUO_N8N_VERSION, else the default. */
export const N8N_VERSION = process.env.HAILUO_N8N_VERSION || N8N_VERSIONS[0];

/**
 * Installs Debian packages that `who` (e.g. "the editor tests") need, with apt-get; where that is
 * not allowed (not root, or no apt-get) fails with one line naming them and the command to run.
 */
export async function installSystemPackages(packages: string[], who: string): Promise<void> {
	const list = packages.join(' and ');
	const command = `apt-get install -y ${packages.join(' ')}`;
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	const apt = await run('sh', ['-c', 'command -v apt-get'], { env }).then(
		() => true,
		() => false,
	);
	if (process.getuid?.() !== 0 || !apt)
		throw new Error(
			`${who[0].toUpperCase()}${who.slice(1)} need Debian's ${list}, missing here: run ` +
				`\`sudo ${command}\`, or run the tests as root to let them install it.`,
		);
	const started = Date.now();
	console.log(`Installing Debian's ${list} with apt-get for ${who}...`);
	await run(
		'sh',
		['-c', `apt-get update -qq && ${command} -qq -o DPkg::Lock::Timeout=300 >/dev/null`],
		{
			env,
			maxBuffer: 64 * 1024 * 1024,
		},
	);
	console.log(`${list} installed in ${Math.round((Date.now() - started) / 1000)} s.`);
}
