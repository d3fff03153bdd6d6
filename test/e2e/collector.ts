import type { IncomingMessage, ServerResponse } from 'node:http';

import { eventually } from '../harness/eventually';
import { LoopbackServer, readBody } from '../harness/loopback';

/** Receives what workflows POST at their end, so tests read results back over HTTP. */
export class Collector extends LoopbackServer {
	readonly received: Array<Record<string, unknown>> = [];

	get url(): string {
		return `${this.origin}/collect`;
	}

	protected async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const body = (await readBody(req)).toString('utf8');
		try {
			this.received.push(JSON.parse(body) as Record<string, unknown>);
		} catch {
			this.received.push({ unparsable: body });
		}
		res.writeHead(200, { 'Content-Type': 'application/json' });
		res.end('{"ok":true}');
	}

	/** Waits until `predicate` holds for what arrived, or the time is up. */
	async waitFor(
		predicate: (received: Array<Record<string, unknown>>) => boolean,
		timeoutMs: number,
	) {
		await eventually(() => predicate(this.received), timeoutMs);
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
