/**
 * The package rebuilt on every save, the way `npm run build` builds it: dist/ cleared once, tsc in
 * watch mode over tsconfig.build.json, and gulp's copy of the icons and codex (*.node.json) files
 * whenever one of those changes. Each finished build is reported with the sources saved since the
 * one before, so the dev loop can say what it rebuilt for.
 */
import type { FSWatcher } from 'node:fs';
import { readdirSync, rmSync, statSync, watch } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

import type { Group } from './process-group';
import { startGroup, stopGroup } from './process-group';

/** Where the package's sources live; a save anywhere under them is a change. */
export const SOURCE_FOLDERS = ['nodes', 'credentials', 'icons'];

export interface Build {
	ok: boolean;
	/** The sources saved since the build before, relative to the package (e.g. nodes/Hailuo/x.ts). */
	changed: string[];
	/** When the first of them was saved (ms since the epoch). */
	since: number;
	/** What tsc or gulp said was wrong. */
	errors: string[];
}

// An editor's temporary file can be gone by the time its watch event arrives.
const isFolder = (path: string) =>
	statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;

const isAsset = (file: string) => file.endsWith('.node.json') || file.endsWith('.svg');

export class BuildWatch {
	private tsc?: Group;

	private gulp?: Group;

	private readonly watchers: FSWatcher[] = [];

	/** The folders under the source folders that have a watch. */
	private readonly watched = new Set<string>();

	/** Saved TypeScript sources not yet in a finished build. */
	private sources = new Set<string>();

	private assets = new Set<string>();

	/** When the first of the saved sources and assets not yet built was saved (0: none). */
	private since = 0;

	private assetTimer?: NodeJS.Timeout;

	private errors: string[] = [];

	private firstBuild?: (build: Build) => void;

	constructor(
		private readonly packageDir: string,
		private readonly onBuild: (build: Build) => void,
	) {}

	/** Starts watching; resolves with the first full build (icons and codex files copied). */
	async start(): Promise<Build> {
		rmSync(join(this.packageDir, 'dist'), { recursive: true, force: true });
		for (const folder of SOURCE_FOLDERS) this.watchFolder(folder);
		const compiled = new Promise<Build>((resolve) => (this.firstBuild = resolve));
		this.tsc = startGroup(
			process.execPath,
			[
				require.resolve('typescript/bin/tsc', { paths: [this.packageDir] }),
				...['-p', 'tsconfig.build.json', '--watch', '--preserveWatchOutput', '--pretty', 'false'],
			],
			{ cwd: this.packageDir, stdio: ['ignore', 'pipe', 'pipe'] },
		);
		createInterface({ input: this.tsc.child.stdout! }).on('line', (line) => this.tscSaid(line));
		createInterface({ input: this.tsc.child.stderr! }).on('line', (line) => this.errors.push(line));
		// tsc can end before its first "Found N errors." (a bad tsconfig, a crash): say what it said.
		const ended = new Promise<never>((_resolve, reject) =>
			this.tsc!.child.once('close', (code, signal) => {
				if (!this.firstBuild) return;
				const said = this.errors.join('\n');
				reject(
					new Error(
						`tsc --watch ended (${signal ?? `exit code ${code}`}) before its first build:\n${said}`,
					),
				);
			}),
		);
		const first = await Promise.race([compiled, ended]);
		const copy = await this.copyAssets();
		return { ...first, ok: first.ok && copy.length === 0, errors: [...first.errors, ...copy] };
	}

	async stop(): Promise<void> {
		clearTimeout(this.assetTimer);
		for (const watcher of this.watchers) watcher.close();
		await Promise.all(
			[this.tsc, this.gulp].map(async (group) => group && (await stopGroup(group))),
		);
	}

	/**
	 * Watches a folder of the package and each folder under it, made later too: Node 20's recursive
	 * watch loses a file that an editor or git replaces, a folder's own watch does not.
	 */
	private watchFolder(folder: string): void {
		const path = join(this.packageDir, folder);
		if (this.watched.has(folder) || !isFolder(path)) return;
		this.watched.add(folder);
		const watcher = watch(path, (_event, name) => {
			if (!name) return;
			const file = join(folder, name.toString());
			if (isFolder(join(this.packageDir, file))) this.watchFolder(file);
			else this.saved(file);
		});
		// A folder that is removed ends its watch (and is watched again if it comes back).
		watcher.on('error', () => {
			watcher.close();
			this.watched.delete(folder);
		});
		this.watchers.push(watcher);
		for (const entry of readdirSync(path, { withFileTypes: true })) {
			if (entry.isDirectory()) this.watchFolder(join(folder, entry.name));
		}
	}

	private saved(file: string): void {
		if (file.endsWith('.ts')) this.sources.add(file);
		else if (isAsset(file)) this.assets.add(file);
		else return;
		this.since ||= Date.now();
		if (isAsset(file)) {
			// Editors write a file in several steps; copy once they are done.
			clearTimeout(this.assetTimer);
			this.assetTimer = setTimeout(() => void this.assetsSaved(), 300);
		}
	}

	private tscSaid(line: string): void {
		const done = line.match(/Found (\d+) errors?\./);
		if (!done) {
			if (/error TS\d+/.test(line)) this.errors.push(line);
			return;
		}
		const build: Build = {
			ok: done[1] === '0',
			changed: [...this.sources],
			since: this.since || Date.now(),
			errors: this.errors,
		};
		this.sources = new Set();
		this.errors = [];
		if (this.assets.size === 0) this.since = 0;
		if (this.firstBuild) {
			this.firstBuild(build);
			this.firstBuild = undefined;
		} else {
			this.onBuild(build);
		}
	}

	private async assetsSaved(): Promise<void> {
		const changed = [...this.assets];
		const since = this.since || Date.now();
		this.assets = new Set();
		if (this.sources.size === 0) this.since = 0;
		const errors = await this.copyAssets();
		this.onBuild({ ok: errors.length === 0, changed, since, errors });
	}

	/** gulp build, as `npm run build` runs it; resolves with what went wrong, if anything. */
	private async copyAssets(): Promise<string[]> {
		const gulp = startGroup(
			process.execPath,
			[
				join(dirname(require.resolve('gulp', { paths: [this.packageDir] })), 'bin', 'gulp.js'),
				'build',
			],
			{ cwd: this.packageDir, stdio: ['ignore', 'pipe', 'pipe'] },
		);
		this.gulp = gulp;
		let output = '';
		gulp.child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
		gulp.child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
		const code = await new Promise<number | null>((resolve) => gulp.child.once('close', resolve));
		if (this.gulp === gulp) this.gulp = undefined;
		return code === 0
			? []
			: [`gulp build failed (exit code ${code}):`, ...output.trim().split('\n')];
	}
}
