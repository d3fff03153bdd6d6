/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
	globalSetup: '<rootDir>/test/harness/tmp-setup.ts',
	globalTeardown: '<rootDir>/test/harness/tmp-teardown.ts',
	setupFiles: ['<rootDir>/test/harness/env.ts'],
	// Inside the checkout, so a run leaves nothing in the system's temporary folder.
	cacheDirectory: '<rootDir>/node_modules/.cache/jest',
	testTimeout: 60_000,
};
