/**
 * `npm run sandbox`: the sandbox API on its own, for pointing your own n8n's credential at it.
 * Port from SANDBOX_PORT (default 8787); Ctrl+C stops it.
 */
import { SandboxApi } from '../test/sandbox/server';

async function main() {
	const sandbox = await new SandboxApi().start(Number(process.env.SANDBOX_PORT ?? 8787));
	sandbox.configure({ jobMs: Number(process.env.SANDBOX_JOB_MS ?? 20_000) });
	console.log(`Sandbox API for n8n-nodes-hailuo
  Base URL: ${sandbox.baseUrl}
  API key:  ${sandbox.apiKey}
Jobs finish after ${Number(process.env.SANDBOX_JOB_MS ?? 20_000) / 1000} s (SANDBOX_JOB_MS); results post to callback_url. Ctrl+C stops it.`);
	const stop = () => void sandbox.stop().then(() => process.exit(0));
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

void main();
