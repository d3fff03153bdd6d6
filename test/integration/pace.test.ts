import { runWorkflow } from '../harness/n8n';
import { useSandbox } from '../harness/sandbox';
import { generateVideoNode, getTaskNode } from '../harness/workflows';

// One node run paces its creates and task reads as a whole, whatever the batch size.
const { sandbox, credentials } = useSandbox();

const ITEMS = 30;

const batch = (operation: 'generateVideo' | 'getTask' = 'generateVideo') => [
	operation === 'generateVideo'
		? generateVideoNode({
				prompt: '={{ "product shot " + $json.n }}',
				waitMode: 'poll',
				options: { pollInterval: 2, download: false },
			})
		: getTaskNode('={{ $json.taskId }}'),
];

/** Return Task Immediately, with these options. */
const startOnly = (options: Record<string, unknown> = {}) => [
	generateVideoNode({ waitMode: 'none', options }),
];

const items = (count = ITEMS) => Array.from({ length: count }, (_, n) => ({ json: { n } }));

test('a batch never exceeds 5 creates/s and 10 task reads/s by default, and every item finishes', async () => {
	sandbox.configure({ jobMs: 1000 });
	const result = await runWorkflow(batch(), { credentials: credentials(), items: items() });
	expect(result.error).toBeUndefined();
	expect(result.output().map((item) => item.json.status)).toEqual(Array(ITEMS).fill('succeeded'));
	// Even spacing, measured where the API would see it.
	expect(sandbox.peakPerSecond('create')).toBeLessThanOrEqual(5);
	expect(sandbox.peakPerSecond('task')).toBeLessThanOrEqual(10);
	expect(sandbox.requestsTo('create')).toHaveLength(ITEMS);
});

test('when the API allows less than that, the batch slows down together and still finishes', async () => {
	sandbox.configure({ jobMs: 500, rateLimitPerSecond: 3 });
	const result = await runWorkflow(batch(), { credentials: credentials(), items: items() });
	expect(result.error).toBeUndefined();
	expect(result.output().map((item) => item.json.status)).toEqual(Array(ITEMS).fill('succeeded'));
	// Each refused create was sent again, and only those: one accepted create per item.
	const accepted = sandbox.requestsTo('create').length - sandbox.rateLimited.create;
	expect(accepted).toBe(ITEMS);
	// Refusals stay a small share: the batch learns the pace instead of repeating the burst.
	expect(sandbox.rateLimited.create).toBeLessThan(ITEMS / 2);
	expect(sandbox.rateLimited.task).toBeLessThan(ITEMS / 2);
}, 120_000);

test('Get Task batches share the same pace', async () => {
	sandbox.configure({ jobMs: 0 });
	const created = await runWorkflow(startOnly(), { credentials: credentials(), items: items(25) });
	const ids = created.output().map((item) => ({ json: { taskId: item.json.taskId } }));
	sandbox.requests.length = 0;
	const result = await runWorkflow(batch('getTask'), { credentials: credentials(), items: ids });
	expect(result.output()).toHaveLength(25);
	expect(sandbox.peakPerSecond('task')).toBeLessThanOrEqual(10);
});

test('Max Creates per Second and Max Task Reads per Second change the pace', async () => {
	sandbox.configure({ jobMs: 0 });
	const fast = startOnly({ createsPerSecond: 2, createConcurrency: 20 });
	const result = await runWorkflow(fast, { credentials: credentials(), items: items(6) });
	expect(result.error).toBeUndefined();
	const times = sandbox.requestsTo('create').map((request) => request.at);
	// Six creates at 2 per second are spread over about 2.5 s.
	expect(times[5] - times[0]).toBeGreaterThanOrEqual(2400);
	expect(sandbox.peakPerSecond('create')).toBeLessThanOrEqual(2);
});

test.each([0, -1, 1000, '={{ "fast" }}'])(
	'a pace of %p is refused before any request',
	async (value) => {
		const result = await runWorkflow(startOnly({ readsPerSecond: value }), {
			credentials: credentials(),
		});
		expect(result.error?.message).toMatch(
			/Invalid "Max Task Reads per Second": must be a number from 0.1 to 100/,
		);
		expect(sandbox.requests).toHaveLength(0);
	},
);

test('a rate limit said in words (HTTP 200, code "rate_limit_exceeded") is one: the create is sent again', async () => {
	sandbox.configure({ jobMs: 0 });
	sandbox.fault({
		endpoint: 'create',
		status: 200,
		json: { code: 'rate_limit_exceeded', message: 'Too many requests, slow down' },
		times: 2,
	});
	const result = await runWorkflow(batch(), { credentials: credentials(), items: items(1) });
	expect(result.error).toBeUndefined();
	expect(result.output().map((item) => item.json.status)).toEqual(['succeeded']);
	expect(sandbox.requestsTo('create')).toHaveLength(3);
}, 60_000);
