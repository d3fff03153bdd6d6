/**
 * The package as a person meets it in n8n's editor (the default n8n, headless Chromium): found by
 * search, named and described, its parameters, notices and trigger panel, and a Generate Video run
 * against the sandbox with the video in the output panel. `npm run screenshots` refreshes the
 * README's pictures from this run.
 */
import { HAILUO_TYPE, TRIGGER_TYPE } from '../harness/workflows';
import type { Editor as EditorType } from './editor';
import { Editor, ensureChromium } from './editor';
import { useE2eSession } from './session';

const SEARCH_TERMS = ['Hailuo', 'video', 'image to video', 'minimax'];
const ENTRY = 'Hailuo';
const ENTRY_DESCRIPTION =
	'Generate videos from images with MiniMax Hailuo 2.3, and start workflows when they finish';
const GENERATE_ACTION = 'Generate a video from an image';
const TRIGGER_ACTIONS = [
	'On video finished',
	'On video succeeded',
	'On video failed',
	'On any video state change',
];

const session = useE2eSession({ sandbox: { jobMs: 1500 } });
const { sandbox } = session;
let editor: EditorType;

/** The entry names among the panel's lines ("name | description"). */
const names = (lines: string[]) => lines.map((line) => line.split(' | ')[0]);

beforeAll(
	async () => {
		const chromium = await ensureChromium();
		await session.n8n.start();
		editor = await Editor.open(session.n8n, chromium);
		session.closeFirst(async () => await editor.close());
	},
	15 * 60 * 1000,
);

/** Keeps the page when a step fails (in .cache/editor-screenshots), to see what a person saw. */
async function step<T>(name: string, body: () => Promise<T>): Promise<T> {
	try {
		return await body();
	} catch (error) {
		await editor.keepFailure(name).catch(() => undefined);
		throw error;
	}
}

describe('found in the nodes panel', () => {
	test('the first-step panel finds the Hailuo entry with its triggers for every search term', async () => {
		await step('first-step-search', async () => {
			await editor.newWorkflow();
			await editor.openFirstStepPanel();
			for (const term of SEARCH_TERMS) {
				expect({ term, found: names(await editor.search(term)) }).toEqual({
					term,
					found: expect.arrayContaining([ENTRY]),
				});
			}
			const lines = await editor.search('Hailuo');
			expect(lines).toContain(`${ENTRY} | ${ENTRY_DESCRIPTION}`);
			await editor.pick(ENTRY);
			const entry = await editor.panelLines();
			expect(entry.slice(0, 5)).toEqual(['Triggers (4)', ...TRIGGER_ACTIONS]);
			await editor.closePanel();
		});
	});

	test('the trigger is listed among the app-event triggers (On app event)', async () => {
		await step('app-event', async () => {
			await editor.openFirstStepPanel();
			await editor.search('');
			await editor.pick('On app event');
			const lines = await editor.search('Hailuo');
			// In the app-event list itself, not under "Results in other categories".
			const others = lines.indexOf('Results in other categories');
			const found = names(lines).indexOf(ENTRY);
			expect({ lines, inList: found >= 0 && (others < 0 || found < others) }).toEqual({
				lines,
				inList: true,
			});
			await editor.closePanel();
		});
	});

	test('the next-step panel finds the Hailuo entry with its actions and triggers for every term', async () => {
		await step('next-step-search', async () => {
			await editor.newWorkflow();
			await editor.openFirstStepPanel();
			await editor.pick('Trigger manually');
			await editor.openNextStepPanel();
			for (const term of SEARCH_TERMS) {
				expect({ term, found: names(await editor.search(term)) }).toEqual({
					term,
					found: expect.arrayContaining([ENTRY]),
				});
			}
			await editor.search('image to video');
			await editor.pick(ENTRY);
			const entry = await editor.panelLines();
			expect(entry.slice(0, 2)).toEqual(['Actions (2)', GENERATE_ACTION]);
			expect(entry).toContain('Triggers (4)');
			await editor.press(
				editor.page
					.locator('[data-test-id=node-creator-category-item]')
					.filter({ hasText: 'Triggers' }),
			);
			expect(await editor.panelLines()).toEqual(expect.arrayContaining(TRIGGER_ACTIONS));
			await editor.screenshot('nodes-panel');
		});
	});
});

// These steps go on from the last one: the Hailuo entry is open in the next-step panel.
describe('Generate Video in the editor', () => {
	test('a node added from its action is named after it and shows its price as information', async () => {
		await step('generate-added', async () => {
			await editor.pick(GENERATE_ACTION);
			await editor.ndv.waitFor();
			expect(await editor.ndv.locator('[data-test-id=node-title-container]').innerText()).toBe(
				GENERATE_ACTION,
			);
			await editor.ndv
				.locator('[data-test-id=parameter-input-prompt] textarea')
				.fill('The camera slowly circles the product on a white table [Pan left]');
			await editor.ndv
				.locator('[data-test-id=parameter-input-imageUrl] input')
				.fill('https://example.com/product.jpg');
			expect(await editor.notes()).toEqual({
				warnings: [],
				information: ['30 credits (about $0.30) per video, charged only when it succeeds'],
				other: [],
			});
			await editor.ndv
				.locator('[data-test-id=parameter-input-model]')
				.evaluate((element) => element.scrollIntoView({ block: 'start' }));
			await editor.screenshot('generate-video-parameters');
		});
	});

	test('the refused combination reads as a warning, Pro as a range; limits are in option descriptions', async () => {
		await step('generate-notices', async () => {
			expect(await editor.dropdownOptions('duration')).toEqual([
				'6 Seconds',
				'10 Seconds | At 768P only',
			]);
			expect(await editor.dropdownOptions('resolution')).toEqual([
				'768P',
				'1080P | For 6-second videos only',
			]);
			await editor.choose('duration', '10 Seconds');
			await editor.choose('resolution', '1080P');
			expect(await editor.notes()).toEqual({
				warnings: ['10-second videos are made at 768P only: choose 6 seconds or 768P'],
				information: [],
				other: [],
			});
			await editor.choose('duration', '6 Seconds');
			await editor.choose('model', 'Pro');
			expect(await editor.notes()).toEqual({
				warnings: [],
				information: [
					'45–85 credits (about $0.45–$0.85) per video, charged only when it succeeds; the ' +
						'exact Pro price is not published',
				],
				other: [],
			});
			await editor.choose('model', 'Standard');
			await editor.choose('resolution', '768P');
		});
	});

	test('it runs against the sandbox and the output panel plays the video', async () => {
		await step('generate-run', async () => {
			await editor.addOption('Poll Interval (Seconds)');
			await editor.ndv.locator('[data-test-id=parameter-input-pollInterval] input').fill('2');
			const creates = sandbox.requestsTo('create').length;
			await editor.page.click('[data-test-id=node-execute-button]');

			const output = editor.page.locator('[data-test-id=output-panel]');
			await output.locator('[data-test-id=ndv-view-binary-data]').waitFor({ timeout: 90_000 });
			expect(sandbox.requestsTo('create').length).toBe(creates + 1);
			expect(sandbox.requestsTo('create').at(-1)?.json).toMatchObject({
				duration: '6',
				resolution: '768P',
				image: 'https://example.com/product.jpg',
			});
			const shown = await output.innerText();
			expect(shown).toMatch(/File Name:\s*hailuo-task_\w+\.mp4/);
			expect(shown).toMatch(/Mime Type:\s*video\/mp4/);
			await editor.press(output.locator('[data-test-id=ndv-view-binary-data]'));
			const video = output.locator('video');
			await video.waitFor();
			// The player has loaded the sandbox's MP4: it knows the frame size and the length.
			await editor.page.waitForFunction(
				(element) => (element as unknown as { readyState: number }).readyState >= 1,
				await video.elementHandle(),
			);
			const played = await video.evaluate((element) => {
				const player = element as unknown as { videoWidth: number; duration: number };
				return { width: player.videoWidth, seconds: player.duration };
			});
			expect(played.width).toBeGreaterThan(0);
			expect(played.seconds).toBeGreaterThan(0);
			await editor.screenshot('output-video');
		});
	});

	test('options are offered in alphabetical order, the download settings only while it is on', async () => {
		await step('generate-options', async () => {
			const offered = await editor.addableOptions();
			expect(offered).toEqual([...offered].sort((a, b) => a.localeCompare(b)));
			const download = [
				'Download Timeout (Seconds)',
				'Max Video Size (MB)',
				'Put Output File in Field',
			];
			expect(offered).toEqual(expect.arrayContaining(['Download Video', ...download]));
			await editor.addOption('Download Video');
			await editor.press(editor.ndv.locator('[data-test-id=parameter-input-download] .el-switch'));
			const withoutDownload = await editor.addableOptions();
			for (const option of download) expect(withoutDownload).not.toContain(option);

			await editor.closeNdv();
			expect(await editor.canvasNodes()).toContainEqual({
				type: HAILUO_TYPE,
				// After a run the node also shows its item count first.
				text: expect.stringMatching(new RegExp(`(^|\\| )${GENERATE_ACTION} \\| Generate Video$`)),
			});
		});
	});
});

describe('Hailuo Trigger in the editor', () => {
	test('its panel says what to do, shows a missing token plainly, and asks for a credential only to download', async () => {
		await step('trigger-panel', async () => {
			await editor.newWorkflow();
			await editor.openFirstStepPanel();
			await editor.search('Hailuo');
			await editor.pick(ENTRY);
			await editor.pick('On video succeeded');
			await editor.ndv.waitFor();
			const url = editor.ndv.locator('.node-webhooks .webhook-url');
			await editor.press(editor.ndv.getByText('Webhook URLs'));
			await editor.press(editor.ndv.locator('[data-test-id=radio-button-production]'));
			await editor.page.waitForTimeout(500);

			const notes = await editor.notes();
			expect(notes.information).toEqual([
				expect.stringMatching(
					/^Open Webhook URLs at the top, copy the Production URL into Generate Video/,
				),
			]);
			expect(notes.warnings).toEqual([
				'Enter a URL Token below: until then this trigger has no URL to copy and cannot be published',
			]);
			expect(await url.innerText()).toMatch(/\/hailuo\/<URL Token missing>/);
			expect(await editor.ndv.locator('[data-test-id=node-credentials-select]').count()).toBe(0);

			const token = editor.ndv.locator('[data-test-id=parameter-input-urlToken] input');
			// Masked (n8n's verification rules want every token masked); the hint says the URL has it.
			expect(await token.getAttribute('type')).toBe('password');
			const hint = await editor.ndv
				.locator('[data-test-id=parameter-input-urlToken]')
				.locator('xpath=ancestor::*[contains(@class,"parameter-item")][1]')
				.innerText();
			expect(hint).toContain('openssl rand -hex 20');
			expect(hint).toContain('The Production URL ends with it');
			expect(hint).not.toContain('`');
			await token.fill('e2e0token0abcdef0123456789');
			await editor.page.waitForTimeout(500);
			expect((await editor.notes()).warnings).toEqual([]);
			expect(await url.innerText()).toMatch(/\/hailuo\/e2e0token0abcdef0123456789/);

			expect(await editor.dropdownOptions('events')).toEqual([
				'Video Finished | When a video task ends: succeeded, failed or canceled',
				'Video Succeeded | When a video is ready',
				'Video Failed | When a video task fails or is canceled',
				'Any State Change | Every report, including queued and running',
			]);
			await editor.screenshot('trigger-panel');

			await editor.addOption('Download Video');
			expect(await editor.ndv.locator('[data-test-id=node-credentials-select]').count()).toBe(0);
			await editor.press(editor.ndv.locator('[data-test-id=parameter-input-download] .el-switch'));
			await editor.ndv.locator('[data-test-id=node-credentials-select]').waitFor();

			await editor.closeNdv();
			expect(await editor.canvasNodes()).toContainEqual({
				type: TRIGGER_TYPE,
				text: expect.stringMatching(/^Hailuo Trigger \| On video succeeded/),
			});
		});
	});
});
