// n8n's SSRF protection reads its settings when its services are first resolved, so they are set
// before anything asks for them: loopback stays reachable by address (the sandbox, this test's own
// webhook server), and the name "localhost" is on the deny list.
process.env.N8N_SSRF_PROTECTION_ENABLED = 'true';
process.env.N8N_SSRF_BLOCKED_HOSTNAMES = 'localhost';
process.env.N8N_SSRF_ALLOWED_IP_RANGES = '127.0.0.0/8';

import { useSandbox } from '../harness/sandbox';
import { useWebhookServer } from '../harness/webhooks';

const { sandbox, credentials } = useSandbox();
const server = useWebhookServer();

test("a delivery naming a video n8n's SSRF protection blocks starts the execution with that reason", async () => {
	const url = await server.activate(
		[
			{
				id: 'trigger',
				name: 'Hailuo Trigger',
				type: 'n8n-nodes-hailuo.hailuoTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: { verification: 'none', options: { download: true } },
				credentials: { hailuoApi: { id: '1', name: 'Hailuo sandbox' } },
			},
		],
		credentials(),
	);
	const { taskId, body } = sandbox.finishedTask();
	const blocked = body.replace('http://127.0.0.1:', 'http://localhost:');
	expect(blocked).toContain(`http://localhost:`);

	const before = server.executions.length;
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: blocked,
	});
	expect(response.status).toBe(200);
	expect(server.executions.length).toBe(before + 1);
	const [item] = server.executions[before].output('Hailuo Trigger');
	expect(item.binary).toBeUndefined();
	expect(item.json).toMatchObject({
		taskId,
		downloadError: {
			message: `n8n's SSRF protection blocked the video download for task ${taskId}`,
			description: expect.stringContaining('N8N_SSRF_ALLOWED_HOSTNAMES'),
		},
	});
	expect(String((item.json.downloadError as { description: string }).description)).toMatch(
		/hostname is restricted/,
	);
	// Nothing was fetched: the refusal came before any connection.
	expect(sandbox.requestsTo('video')).toHaveLength(0);

	// The same video by address is allowed, so the refusal above was the deny list's doing.
	const { body: allowed } = sandbox.finishedTask();
	const second = server.executions.length;
	expect(
		(
			await fetch(url, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json' },
				body: allowed,
			})
		).status,
	).toBe(200);
	const [fetched] = server.executions[second].output('Hailuo Trigger');
	expect(fetched.binary?.data).toBeDefined();
	expect(sandbox.requestsTo('video')).toHaveLength(1);
});
