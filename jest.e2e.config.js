/** End-to-end tests in a real n8n (slow: installs n8n once, then starts it). */
/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
	// Inside the checkout, so a run leaves nothing in the system's temporary folder.
	cacheDirectory: '<rootDir>/node_modules/.cache/jest',
	testTimeout: 10 * 60 * 1000,
	// A suite whose tear-down failed is reported as failed; it must not also hold CI open until its limit.
	forceExit: true,
};
