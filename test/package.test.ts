import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { INodeProperties, INodeType } from 'n8n-workflow';

import { loadPackage } from './harness/n8n';
import { PACKAGE_ROOT } from './paths';

const manifest = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as Record<
	string,
	unknown
>;

describe('package.json', () => {
	test('is a community node package n8n can verify', () => {
		expect(manifest).toMatchObject({
			name: 'n8n-nodes-hailuo',
			files: ['dist'],
			peerDependencies: { 'n8n-workflow': '*' },
			n8n: { n8nNodesApiVersion: 1, strict: true },
		});
		expect(manifest.keywords).toContain('n8n-community-node-package');
		expect(manifest.dependencies).toBeUndefined();
		expect((manifest.devDependencies as Record<string, string>).zod).toBe('3.25.76');
	});
});

describe('the built package, loaded from its n8n section as n8n loads it', () => {
	const optionValues = (properties: INodeProperties[], name: string) =>
		properties
			.filter((property) => property.name === name)
			.flatMap((property) =>
				(property.options ?? []).map((option) => ('value' in option ? option.value : undefined)),
			);

	test('has the credential with the public names', async () => {
		const { loader } = await loadPackage();
		const credential = loader.credentialTypes.hailuoApi.type;
		expect(credential.displayName).toBe('Hailuo (API in One) API');
		const apiKey = credential.properties.find((property) => property.name === 'apiKey');
		expect(apiKey?.typeOptions?.password).toBe(true);
		expect(credential.properties.find((property) => property.name === 'baseUrl')?.default).toBe(
			'https://apiin.one/api/v1',
		);
		expect(credential.authenticate).toMatchObject({
			type: 'generic',
			properties: { headers: { Authorization: '=Bearer {{$credentials.apiKey}}' } },
		});
		expect(credential.test).toBeDefined();
	});

	test('has the Hailuo node with its operations and dropdown values', async () => {
		const { types } = await loadPackage();
		const node = types['n8n-nodes-hailuo.hailuo'] as INodeType;
		const { description } = node;
		expect(description).toMatchObject({
			name: 'hailuo',
			displayName: 'Hailuo',
			usableAsTool: true,
		});
		const properties = description.properties;
		expect(optionValues(properties, 'operation')).toEqual(['generateVideo', 'getTask']);
		expect(optionValues(properties, 'model')).toEqual([
			'hailuo/2-3-image-to-video-standard',
			'hailuo/2-3-image-to-video-pro',
		]);
		expect(optionValues(properties, 'duration')).toEqual(['6', '10']);
		expect(optionValues(properties, 'resolution')).toEqual(['768P', '1080P']);
		expect(optionValues(properties, 'waitMode')).toEqual(['poll', 'callback', 'none']);
		for (const name of ['prompt', 'imageUrl', 'taskId']) {
			expect(properties.find((property) => property.name === name)?.required).toBe(true);
		}
		const options = properties.find(
			(property) =>
				property.name === 'options' &&
				property.displayOptions?.show?.operation?.includes('generateVideo'),
		);
		expect((options?.options ?? []).map((option) => option.name)).toEqual(
			expect.arrayContaining(['callbackUrl', 'extraBody']),
		);
	});

	test('has the Hailuo Trigger as a POST webhook using the same credential', async () => {
		const { types } = await loadPackage();
		const { description } = types['n8n-nodes-hailuo.hailuoTrigger'] as INodeType;
		expect(description).toMatchObject({
			name: 'hailuoTrigger',
			displayName: 'Hailuo Trigger',
			credentials: [{ name: 'hailuoApi' }],
		});
		expect(description.webhooks?.[0]).toMatchObject({ httpMethod: 'POST' });
		expect(optionValues(description.properties, 'verification')).toEqual([
			'urlToken',
			'standardWebhooks',
			'hmacHeader',
			'none',
		]);
	});
});
