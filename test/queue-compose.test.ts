/**
 * The queue-mode example (examples/queue-mode) and the queue-mode e2e set-up (test/e2e/queue-cluster.ts)
 * run the same processes with the same settings: what the e2e proves is what the example deploys.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parse } from 'yaml';

import { N8N_VERSIONS } from './e2e/machine';
import { QUEUE_ENV, QUEUE_TOPOLOGY, WEBHOOK_PROCESS_PATHS, WORKER_ENV } from './e2e/queue-cluster';
import { PACKAGE_ROOT } from './paths';

const folder = join(PACKAGE_ROOT, 'examples', 'queue-mode');

interface Service {
	image?: string;
	command?: string;
	environment?: Record<string, string | number>;
	volumes?: string[];
}

const compose = parse(readFileSync(join(folder, 'docker-compose.yml'), 'utf8'), {
	merge: true,
}) as {
	services: Record<string, Service>;
};
const services = Object.entries(compose.services);
const n8nServices = services.filter(([, service]) => service.image?.includes('n8nio/n8n'));
const named = (prefix: string) => n8nServices.filter(([name]) => name.startsWith(prefix));

test('the same processes: one main, the workers and the webhook processes', () => {
	expect(named('n8n-main').map(([, service]) => service.command)).toEqual(['start']);
	expect(named('n8n-worker-').map(([, service]) => service.command)).toEqual(
		Array(QUEUE_TOPOLOGY.workers).fill(`worker --concurrency=${QUEUE_TOPOLOGY.workerConcurrency}`),
	);
	expect(named('n8n-webhook-').map(([, service]) => service.command)).toEqual(
		Array(QUEUE_TOPOLOGY.webhookProcesses).fill('webhook'),
	);
	expect(n8nServices).toHaveLength(1 + QUEUE_TOPOLOGY.workers + QUEUE_TOPOLOGY.webhookProcesses);
});

test('the same n8n version as the e2e tests install', () => {
	for (const [, service] of n8nServices)
		expect(service.image).toBe(`docker.n8n.io/n8nio/n8n:${N8N_VERSIONS[0]}`);
});

test('every n8n process has the queue settings, one N8N_WEBHOOK_URL, one key and one user folder', () => {
	const env = n8nServices.map(([, service]) => service.environment ?? {});
	for (const values of env) {
		expect(values).toMatchObject(QUEUE_ENV);
		for (const name of ['DB_POSTGRESDB_HOST', 'DB_POSTGRESDB_PASSWORD', 'QUEUE_BULL_REDIS_HOST']) {
			expect(values[name]).toBeTruthy();
		}
	}
	expect(new Set(env.map((values) => values.N8N_WEBHOOK_URL)).size).toBe(1);
	expect(String(env[0].N8N_WEBHOOK_URL)).toMatch(/^https:\/\//);
	expect(new Set(env.map((values) => values.N8N_ENCRYPTION_KEY)).size).toBe(1);
	expect(new Set(n8nServices.map(([, service]) => JSON.stringify(service.volumes))).size).toBe(1);
	for (const [, worker] of named('n8n-worker-'))
		expect(worker.environment).toMatchObject(WORKER_ENV);
});

test('the load balancer sends the same paths to the webhook processes, the rest to main', () => {
	const caddyfile = readFileSync(join(folder, 'Caddyfile'), 'utf8');
	const matcher = /@webhooks path (.+)/.exec(caddyfile)?.[1].trim().split(/\s+/);
	expect(matcher).toEqual(WEBHOOK_PROCESS_PATHS.map((path) => `${path}*`));
	const upstreams = /handle @webhooks \{\s*reverse_proxy ([^{]+)\{/.exec(caddyfile)?.[1].trim();
	expect(upstreams?.split(/\s+/)).toEqual(named('n8n-webhook-').map(([name]) => `${name}:5678`));
	expect(caddyfile).toMatch(/handle \{\s*reverse_proxy n8n-main:5678\s*\}/);
});
