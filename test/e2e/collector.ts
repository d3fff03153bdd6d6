import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Receives what workflows POST at their end, so tests read results back over HTTP. */
export class Collector {
	readonly received: Array<Record<string, unknown>> = [];

	private server?: Server;

	get url(): string {
		if (!this.server) throw new Error('The collector is not started');
		return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/collect`;
	}

	async start(): Promise<this> {
		this.server = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => {
				try {
					this.received.push(
						JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
					);
				} catch {
					this.received.push({ unparsable: Buffer.concat(chunks).toString('utf8') });
				}
				res.writeHead(200, { 'Content-Type': 'application/json' });
				res.end('{"ok":true}');
			});
		});
		await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
		return this;
	}

	async stop(): Promise<void> {
		this.server?.closeAllConnections();
		await new Promise<void>((resolve) =>
			this.server ? this.server.close(() => resolve()) : resolve(),
		);
	}

	/** Waits until `predicate` holds for what arrived, or the time is up. */
	async waitFor(
		predicate: (received: Array<Record<string, unknown>>) => boolean,
		timeoutMs: number,
	) {
		const deadline = Date.now() + timeoutMs;
		while (!predicate(this.received) && Date.now() < deadline)
			await new Promise((resolve) => setTimeout(resolve, 100));
		return this.received;
	}
}

/** An HTTP Request node that posts the incoming item (and its file's facts) to the collector. */
export function collectNode(name: string, url: string, position: [number, number]) {
	return {
		id: `collect-${name.replace(/\W/g, '')}`,
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		position,
		parameters: {
			method: 'POST',
			url,
			sendBody: true,
			specifyBody: 'json',
			jsonBody:
				'={{ JSON.stringify({ item: $json, file: $binary.data ? { fileName: $binary.data.fileName, mimeType: $binary.data.mimeType, bytes: $binary.data.bytes } : null, execution: $execution.id }) }}',
			options: {},
		},
	};
}
