import { SandboxApi } from '../sandbox/server';

/** One sandbox API per test file, reset before each test. */
export function useSandbox() {
	const sandbox = new SandboxApi();
	beforeAll(async () => {
		await sandbox.start();
	});
	afterAll(async () => {
		await sandbox.stop();
	});
	beforeEach(() => {
		sandbox.reset();
	});
	return {
		sandbox,
		credentials: (change: { apiKey?: string; baseUrl?: string } = {}) => ({
			hailuoApi: { apiKey: sandbox.apiKey, baseUrl: sandbox.baseUrl, ...change },
		}),
	};
}
