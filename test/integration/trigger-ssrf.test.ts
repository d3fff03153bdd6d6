// n8n's SSRF protection reads its settings when its services are first resolved, so they are set
// before anything asks for them: loopback stays reachable by address (the sandbox, this test's own
// webhook server), and the name "localhost" is on the deny list.
process.env.N8N_SSRF_PROTECTION_ENABLED = 'true';
process.env.N8N_SSRF_BLOCKED_HOSTNAMES = 'localhost';
process.env.N8N_SSRF_ALLOWED_IP_RANGES = '127.0.0.0/8';

import { useSandbox } from '../harness/sandbox';
import { useWebhookServer } from '../harness/webhooks';
import { triggerNode } from '../harness/workflows';

const { sandbox, credentials } = useSandbox();
const server = useWebhookServer();

test("a delivery naming a video n8n's SSRF protection blocks starts the execution with that reason", async () => {
	const url = await server.activate(
		[triggerNode({ verification: 'none', options: { download: true } })],
		credentials(),
	);
	const { taskId, body } = sandbox.finishedTask();
	const blocked = body.replace('http://127.0.0.1:', 'http://localhost:');
	expect(blocked).toContain(`http://localhost:`);

	const blockedRun = await server.deliver(url, blocked);
	expect(blockedRun).toMatchObject({ status: 200, started: 1 });
	const [item] = blockedRun.executions[0].output('Hailuo Trigger');
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
	const allowedRun = await server.deliver(url, allowed);
	expect(allowedRun).toMatchObject({ status: 200, started: 1 });
	const [fetched] = allowedRun.executions[0].output('Hailuo Trigger');
	expect(fetched.binary?.data).toBeDefined();
	expect(sandbox.requestsTo('video')).toHaveLength(1);
});
