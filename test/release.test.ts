/**
 * What a release depends on: the GitHub workflows run the checks only through .ci/run (no second
 * recipe to drift), publishing needs no stored token and makes a provenance statement, the
 * project's address is the same in package.json, the codex files and the README, and the
 * changelog covers the version being released.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parse } from 'yaml';

import { headingAnchors, readProse } from './markdown';
import { PACKAGE_ROOT } from './paths';

const read = (path: string) => readFileSync(join(PACKAGE_ROOT, path), 'utf8');
const manifest = JSON.parse(read('package.json')) as {
	version: string;
	homepage: string;
	repository: unknown;
	author: unknown;
};
const readme = read('README.md');

interface Step {
	uses?: string;
	run?: string;
	with?: Record<string, unknown>;
}

interface Workflow {
	on: Record<string, unknown>;
	permissions?: Record<string, string>;
	jobs: Record<string, { steps: Step[] }>;
}

const workflow = (file: string) => parse(read(`.github/workflows/${file}`)) as Workflow;
const steps = (flow: Workflow) => Object.values(flow.jobs).flatMap((job) => job.steps);
const commands = (flow: Workflow) =>
	steps(flow).flatMap((step) => (step.run ? [step.run.trim()] : []));
const setupNode = (flow: Workflow) =>
	steps(flow)
		.filter((step) => step.uses?.startsWith('actions/setup-node@'))
		.map((step) => step.with ?? {});

describe('the GitHub workflows', () => {
	test('CI runs .ci/run on Node 20 for every push and pull request', () => {
		const ci = workflow('ci.yml');
		expect(Object.keys(ci.on)).toEqual(['push', 'pull_request']);
		expect(commands(ci)).toEqual(['bash .ci/run']);
		expect(setupNode(ci)).toEqual([{ 'node-version': 20 }]);
	});

	test('a version tag runs the same checks, then publishes with provenance and no stored token', () => {
		const publish = workflow('publish.yml');
		expect(publish.on).toEqual({ push: { tags: ['v*'] } });
		expect(publish.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
		// Besides .ci/run, only the tag check and the publish itself.
		const [tagCheck, ...rest] = commands(publish);
		expect(tagCheck).toContain(
			'"$GITHUB_REF_NAME" = "v$(node -p \'require("./package.json").version\')"',
		);
		expect(rest).toEqual(['bash .ci/run', 'npm publish --provenance --access public']);
		expect(setupNode(publish)).toEqual([
			{ 'node-version': 20 },
			{ 'node-version': 24, 'registry-url': 'https://registry.npmjs.org' },
		]);
		expect(read('.github/workflows/publish.yml')).not.toMatch(
			/secrets\.|NODE_AUTH_TOKEN|NPM_TOKEN/,
		);
	});

	test("the README's Development section leads with npm ci, npm test, npm run dev; .ci/run runs the first two", () => {
		const block = /## Development\n+```bash\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
		const readmeCommands = block
			.split('\n')
			.map((line) => line.replace(/#.*/, '').trim())
			.filter(Boolean);
		expect(readmeCommands).toEqual(['npm ci', 'npm test', 'npm run dev']);
		// npm run dev is the interactive loop (it runs until Ctrl+C), so CI runs only the other two.
		const ciRun = read('.ci/run');
		for (const command of readmeCommands.slice(0, 2))
			expect(ciRun).toMatch(new RegExp(`^${command}\\b`, 'm'));
	});
});

describe("the project's address, set in package.json", () => {
	const { homepage } = manifest;

	test('package.json names one GitHub repository and an author', () => {
		expect(homepage).toMatch(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+$/);
		expect(manifest.repository).toEqual({ type: 'git', url: `git+${homepage}.git` });
		expect(manifest.author).toEqual({
			name: expect.stringMatching(/\S/),
			email: expect.stringMatching(/^\S+@\S+$/),
		});
	});

	test("every codex documentation link points at a section of the repository's README", () => {
		const anchors = new Set(['readme', ...headingAnchors(readProse('README.md'))]);
		const codexFiles = readdirSync(join(PACKAGE_ROOT, 'nodes'), {
			recursive: true,
			encoding: 'utf8',
		}).filter((file) => file.endsWith('.node.json'));
		expect(codexFiles.length).toBeGreaterThan(0);
		const wrong: string[] = [];
		for (const file of codexFiles) {
			const codex = JSON.parse(read(join('nodes', file))) as {
				resources?: { primaryDocumentation?: Array<{ url: string }> };
			};
			const links = codex.resources?.primaryDocumentation ?? [];
			if (links.length === 0) wrong.push(`nodes/${file}: no primaryDocumentation`);
			for (const { url } of links) {
				const [base, anchor] = url.split('#');
				if (base !== homepage || !anchors.has(anchor)) {
					wrong.push(`nodes/${file}: ${url} (want ${homepage}#<a README section>)`);
				}
			}
		}
		expect(wrong).toEqual([]);
	});

	test('the README links to it', () => {
		expect(readme).toContain(`<${homepage}>`);
	});
});

test('the changelog has a dated section for the version in package.json', () => {
	const version = manifest.version.replace(/\./g, '\\.');
	expect(read('CHANGELOG.md')).toMatch(new RegExp(`^## ${version} — \\d{4}-\\d{2}-\\d{2}$`, 'm'));
});
