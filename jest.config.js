/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: "tsconfig.json" }] },
	setupFiles: ['<rootDir>/test/harness/env.ts'],
	testTimeout: 60_000,
};
