/**
 * The README and the pages under docs/ it links to. Links are relative: GitHub resolves them on any
 * branch, and npm resolves them against package.json's repository (docs/ is not in the tarball).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

import { headingAnchors, readProse } from './markdown';
import { PACKAGE_ROOT } from './paths';

const pages = [
	'README.md',
	...readdirSync(join(PACKAGE_ROOT, 'docs'))
		.filter((file) => file.endsWith('.md'))
		.map((file) => `docs/${file}`),
];

test('every relative link in the README and docs/ names a file that exists and a heading in it', () => {
	const broken: string[] = [];
	for (const page of pages) {
		for (const [, target] of readProse(page).matchAll(/\]\(([^)\s]+)\)/g)) {
			if (/^[a-z]+:/.test(target)) continue;
			const [file, anchor] = target.split('#');
			const path = file ? normalize(join(dirname(page), file)) : page;
			if (!existsSync(join(PACKAGE_ROOT, path))) broken.push(`${page}: ${target} (no ${path})`);
			else if (anchor !== undefined && !headingAnchors(readProse(path)).has(anchor))
				broken.push(`${page}: ${target} (no heading #${anchor} in ${path})`);
		}
	}
	expect(broken).toEqual([]);
});

test('the README reads in two minutes: under 250 lines, the reference on docs/ pages it links to', () => {
	const readme = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8');
	expect(readme.split('\n').length).toBeLessThan(250);
	for (const page of pages.slice(1)) expect(readme).toContain(`](${page}`);
});

test('the measured figures live in docs/performance.md, where npm run readme:figures writes them', () => {
	const blocks = (path: string) =>
		[...readFileSync(join(PACKAGE_ROOT, path), 'utf8').matchAll(/<!-- figures:(\w+) -->/g)].map(
			([, name]) => name,
		);
	expect(blocks('docs/performance.md')).toEqual(['bench', 'load', 'queue', 'pack']);
	expect(readFileSync(join(PACKAGE_ROOT, 'scripts/readme-figures.ts'), 'utf8')).toContain(
		"const FIGURES_PAGE = 'docs/performance.md';",
	);
	for (const page of pages.filter((path) => path !== 'docs/performance.md'))
		expect(blocks(page)).toEqual([]);
});
