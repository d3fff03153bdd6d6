import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { PACKAGE_ROOT } from './paths';

/** A markdown file of the repository (path from its root) without its fenced code blocks. */
export function readProse(path: string): string {
	return readFileSync(join(PACKAGE_ROOT, path), 'utf8').replace(/^```[\s\S]*?^```/gm, '');
}

/** The anchors GitHub gives a page's headings: lower-cased, punctuation dropped, spaces as hyphens. */
export function headingAnchors(markdown: string): Set<string> {
	const anchors = new Set<string>();
	for (const [, heading] of markdown.matchAll(/^#+ (.+)$/gm)) {
		anchors.add(
			heading
				.toLowerCase()
				.replace(/[^\w\- ]/g, '')
				.replace(/ /g, '-'),
		);
	}
	return anchors;
}
