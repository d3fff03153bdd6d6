/**
 * The n8n versions this package is proven on, named once in scripts/n8n-versions.txt (which
 * scripts/n8n-env.sh reads too), and the one a run uses: HAILUO_N8N_VERSION, else the first.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { PACKAGE_ROOT } from '../paths';

export const N8N_VERSIONS: readonly string[] = readFileSync(
	join(PACKAGE_ROOT, 'scripts', 'n8n-versions.txt'),
	'utf8',
)
	.split('\n')
	.map((line) => line.trim())
	.filter((line) => line !== '' && !line.startsWith('#'));

export const N8N_VERSION = process.env.HAILUO_N8N_VERSION || N8N_VERSIONS[0];
