/**
 * n8n's editor in a real browser: Debian's Chromium driven by playwright-core (no browser
 * download), signed in as the instance's owner. What a person sees is read from the page through
 * n8n's own data-test-id attributes.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { BrowserContext, Locator, Page } from 'playwright-core';
import { chromium } from 'playwright-core';

import { PACKAGE_ROOT } from '../paths';
import type { N8nInstance } from './instance';
import { installSystemPackages } from './machine';

/** What the page's elements offer here (the project compiles without the DOM library). */
interface PageElement {
	innerText: string;
	offsetParent: unknown;
	scrollIntoView(options: { block: string }): void;
	click(): void;
	closest(selector: string): PageElement | null;
	querySelector(selector: string): PageElement | null;
	getAttribute(name: string): string | null;
	querySelectorAll(selector: string): Iterable<PageElement>;
}

export const CHROMIUM = '/usr/bin/chromium';

/** Debian's Chromium, installed with apt when missing (CI runs as root); never a browser download. */
export async function ensureChromium(): Promise<string> {
	if (!existsSync(CHROMIUM)) await installSystemPackages(['chromium'], 'the editor tests');
	if (!existsSync(CHROMIUM)) throw new Error(`Debian's chromium installed no ${CHROMIUM}.`);
	return CHROMIUM;
}

/** What a failed step saw (picture and HTML); ignored by git. */
const DIAGNOSTICS = '.cache/editor-screenshots';

/** A folder of the checkout, made when missing. */
function folder(path: string): string {
	const full = join(PACKAGE_ROOT, path);
	mkdirSync(full, { recursive: true });
	return full;
}

/**
 * Where screenshots go: the folder HAILUO_SCREENSHOTS names (docs/screenshots, for the README)
 * when refreshing them, else an ignored folder for looking at a run.
 */
export const screenshotFolder = () => folder(process.env.HAILUO_SCREENSHOTS ?? DIAGNOSTICS);

export const OWNER = {
	email: 'owner@example.com',
	firstName: 'Editor',
	lastName: 'Owner',
	password: 'Hailuo-e2e-Passw0rd',
};

/** One entry of the nodes panel as shown: its name and the line under it. */
export interface PanelEntry {
	name: string;
	description: string;
}

export class Editor {
	private constructor(
		private readonly context: BrowserContext,
		readonly page: Page,
		private readonly n8n: N8nInstance,
	) {}

	/** Sets up the owner, starts Chromium with a profile in the run folder and signs in. */
	static async open(n8n: N8nInstance, executablePath: string): Promise<Editor> {
		const setup = await fetch(`${n8n.baseUrl}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', 'browser-id': 'hailuo-editor-e2e' },
			body: JSON.stringify(OWNER),
		});
		if (setup.status !== 200) throw new Error(`Owner set-up answered ${setup.status}`);
		const context = await chromium.launchPersistentContext(join(n8n.root, 'chromium'), {
			executablePath,
			headless: true,
			viewport: { width: 1440, height: 900 },
			// This machine's network is closed: no background look-ups, no sandbox as root.
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
			],
		});
		const page = context.pages()[0] ?? (await context.newPage());
		page.setDefaultTimeout(30_000);
		const editor = new Editor(context, page, n8n);
		await page.goto(`${n8n.baseUrl}/signin`);
		await page.fill('input[name=emailOrLdapLoginId]', OWNER.email);
		await page.fill('input[name=password]', OWNER.password);
		await page.click('[data-test-id=form-submit-button]');
		await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 90_000 });
		return editor;
	}

	async close(): Promise<void> {
		await this.context.close();
	}

	/** A new, empty workflow (the editor may take up to a minute to load on 2 cores). */
	async newWorkflow(): Promise<void> {
		await this.page.goto(`${this.n8n.baseUrl}/workflow/new`);
		await this.page.waitForSelector('[data-test-id=canvas-add-button]', { timeout: 120_000 });
	}

	/** Clicks an element the way a person would, past overlays that intercept pointer events. */
	async press(target: Locator): Promise<void> {
		await target.first().evaluate((element) => {
			const shown = element as unknown as PageElement;
			shown.scrollIntoView({ block: 'center' });
			shown.click();
		});
	}

	get searchBar(): Locator {
		return this.page.locator('[data-test-id=node-creator-search-bar]');
	}

	/** The nodes panel of an empty workflow: "What triggers this workflow?". */
	async openFirstStepPanel(): Promise<void> {
		await this.page.click('[data-test-id=canvas-add-button]');
		await this.searchBar.waitFor();
	}

	/** The nodes panel for the next step, after a trigger. */
	async openNextStepPanel(): Promise<void> {
		await this.page.click('[data-test-id=node-creator-plus-button]');
		await this.searchBar.waitFor();
	}

	async closePanel(): Promise<void> {
		await this.page.keyboard.press('Escape');
		await this.page.locator('[data-test-id=node-creator]').waitFor({ state: 'hidden' });
	}

	/** Types into the panel's search and returns the entries shown, in order, with their headers. */
	async search(term: string): Promise<string[]> {
		await this.searchBar.fill(term);
		await this.page.waitForTimeout(600);
		return await this.panelLines();
	}

	/** Every visible line of the nodes panel: section headers and entries ("name | description"). */
	async panelLines(): Promise<string[]> {
		return await this.page.locator('[data-test-id=node-creator]').evaluate((panel) =>
			[
				...(panel as unknown as PageElement).querySelectorAll(
					'[data-test-id=node-creator-item-name], [data-test-id=node-creator-category-item]',
				),
			]
				.filter((element) => element.offsetParent !== null)
				.map((element) => {
					const item = element.closest('[data-test-id=item-iterator-item]') ?? element;
					return item.innerText.replace(/\s*\n+\s*/g, ' | ').trim();
				}),
		);
	}

	/** Opens a panel entry or picks an action by its shown name. */
	async pick(name: string | RegExp): Promise<void> {
		await this.press(
			this.page
				.locator('[data-test-id=node-creator-item-name]')
				.filter({ hasText: typeof name === 'string' ? new RegExp(`^${name}$`) : name }),
		);
		await this.page.waitForTimeout(500);
	}

	get ndv(): Locator {
		return this.page.locator('[data-test-id=ndv]');
	}

	async closeNdv(): Promise<void> {
		await this.press(this.page.locator('[data-test-id=ndv-close-button]'));
		await this.ndv.waitFor({ state: 'hidden' });
	}

	/** The canvas as a person reads it: each node's type, name and subtitle. */
	async canvasNodes(): Promise<Array<{ type: string; text: string }>> {
		return await this.page.locator('[data-test-id=canvas-node]').evaluateAll((nodes) =>
			(nodes as unknown as PageElement[]).map((node) => ({
				type: node.getAttribute('data-node-type') ?? '',
				text: node.innerText.replace(/\s*\n+\s*/g, ' | ').trim(),
			})),
		);
	}

	/** Opens a dropdown parameter; its options are the visible items. */
	private async openDropdown(parameter: string): Promise<Locator> {
		const input = this.ndv.locator(`[data-test-id=parameter-input-${parameter}] input`).first();
		await input.scrollIntoViewIfNeeded();
		await input.click();
		const items = this.page.locator('[data-test-id=parameter-input-item]:visible');
		await items.first().waitFor();
		return items;
	}

	/** A dropdown parameter's options as shown (name, then description), leaving it closed. */
	async dropdownOptions(parameter: string): Promise<string[]> {
		const items = await this.openDropdown(parameter);
		const lines = (await items.allInnerTexts()).map((text) =>
			text.replace(/\s*\n+\s*/g, ' | ').trim(),
		);
		await this.page.keyboard.press('Escape');
		await items.first().waitFor({ state: 'hidden' });
		return lines;
	}

	/** Chooses a dropdown parameter's option by its name. */
	async choose(parameter: string, option: string): Promise<void> {
		const items = await this.openDropdown(parameter);
		await this.press(items.filter({ has: this.page.getByText(option, { exact: true }) }));
		await items.first().waitFor({ state: 'hidden' });
		await this.page.waitForTimeout(300);
	}

	/** The names the Options collection's "Add Option" list offers. */
	async addableOptions(): Promise<string[]> {
		const add = this.ndv.locator('[data-test-id=collection-parameter-add]');
		await add.scrollIntoViewIfNeeded();
		await add.click();
		const items = this.page.locator('[data-test-id=collection-parameter-option]:visible');
		await items.first().waitFor();
		const names = await items.allInnerTexts();
		await this.page.keyboard.press('Escape');
		await items.first().waitFor({ state: 'hidden' });
		return names.map((name) => name.trim());
	}

	async addOption(name: string): Promise<void> {
		const add = this.ndv.locator('[data-test-id=collection-parameter-add]');
		await add.scrollIntoViewIfNeeded();
		await add.click();
		await this.press(
			this.page.locator('[data-test-id=collection-parameter-option]:visible').filter({
				hasText: new RegExp(`^${name.replace(/[()]/g, '\\$&')}$`),
			}),
		);
		await this.page.waitForTimeout(400);
	}

	/**
	 * What the parameters panel says in boxes, by the style a person sees: n8n's yellow warning
	 * notices, and its information callouts (secondary theme, info icon).
	 */
	async notes(): Promise<{ warnings: string[]; information: string[]; other: string[] }> {
		const boxes = await this.ndv.evaluate((ndv) =>
			[...(ndv as unknown as PageElement).querySelectorAll('.notice-content, .n8n-callout')]
				.filter((element) => element.offsetParent !== null)
				.map((element) => {
					const box = element.closest('.n8n-callout') ?? element.closest('[role=alert]') ?? element;
					return {
						kind: element.getAttribute('class')?.includes('n8n-callout') ? 'callout' : 'notice',
						style: `${box.getAttribute('class') ?? ''} ${
							box.querySelector('[data-icon]')?.getAttribute('data-icon') ?? ''
						}`,
						text: element.innerText.replace(/\s+/g, ' ').trim(),
					};
				}),
		);
		const notes = { warnings: [] as string[], information: [] as string[], other: [] as string[] };
		for (const { kind, style, text } of boxes) {
			if (kind === 'notice' && /_warning_/.test(style)) notes.warnings.push(text);
			else if (kind === 'callout' && /_secondary_/.test(style) && / info$/.test(style))
				notes.information.push(text);
			else notes.other.push(`${kind} (${style}): ${text}`);
		}
		return notes;
	}

	async screenshot(name: string): Promise<void> {
		await this.page.screenshot({ path: join(screenshotFolder(), `${name}.png`) });
	}

	/** What the page shows now, picture and HTML, to find what a failed step was looking for. */
	async keepFailure(name: string): Promise<void> {
		const where = folder(DIAGNOSTICS);
		await this.page.screenshot({ path: join(where, `failed-${name}.png`) });
		writeFileSync(join(where, `failed-${name}.html`), await this.page.content());
	}
}
