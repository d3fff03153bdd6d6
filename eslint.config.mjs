import { configs as n8nCommunityNodes } from '@n8n/eslint-plugin-community-nodes';
import tseslint from 'typescript-eslint';

export default tseslint.config(
	{
		ignores: [
			'dist/**',
			'.build/**',
			'.dev/**',
			'node_modules/**',
			'coverage/**',
			'gulpfile.js',
			'*.config.js',
		],
	},
	{
		// What ships: the community rules, exactly as n8n's verification applies them.
		files: ['nodes/**/*.ts', 'credentials/**/*.ts', 'package.json'],
		...n8nCommunityNodes.recommended,
		languageOptions: { parser: tseslint.parser },
	},
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts'],
		extends: [tseslint.configs.recommended],
	},
);
