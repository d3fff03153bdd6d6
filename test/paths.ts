import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The package's root folder, found from wherever this file was compiled to. */
function findPackageRoot(from: string): string {
	for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
		const manifest = join(dir, 'package.json');
		if (
			existsSync(manifest) &&
			(JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'n8n-nodes-hailuo'
		) {
			return dir;
		}
	}
	throw new Error(`No n8n-nodes-hailuo package.json above ${from}`);
}

export const PACKAGE_ROOT = findPackageRoot(__dirname);
export const FIXTURES = join(PACKAGE_ROOT, 'test', 'fixtures');
