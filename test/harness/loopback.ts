import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/**
 * An HTTP server a test owns: on 127.0.0.1 at a free port, stopped with its open connections. It
 * answers with `handler`, or with `serve` where a subclass says what it does.
 */
export class LoopbackServer {
	private readonly server: Server;

	/** A handler that fails (e.g. the client hung up mid-body) just drops its request. */
	constructor(handler?: Handler) {
		this.server = createServer((req, res) => {
			Promise.resolve()
				.then(async () => await (handler ? handler(req, res) : this.serve(req, res)))
				.catch(() => res.destroy());
		});
	}

	/** A subclass's answer (with no handler given). */
	protected serve(_req: IncomingMessage, res: ServerResponse): void | Promise<void> {
		res.writeHead(404);
		res.end();
	}

	/** `http://127.0.0.1:<port>`, once started. */
	get origin(): string {
		const address = this.server.address() as AddressInfo | null;
		if (!address) throw new Error('The loopback server is not started');
		return `http://127.0.0.1:${address.port}`;
	}

	async start(): Promise<this> {
		await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		return this;
	}

	async stop(): Promise<void> {
		if (!this.server.listening) return;
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}
}

/** The whole body of a request. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

/**
 * A video host for `video`: it answers each request with the video, or with `status` when that is
 * set to something else (an expired link); while `holding`, requests wait until the test
 * `release`s them (a slow host, with no clock involved) or breaks one off.
 */
export function videoHost(video: Buffer) {
	const held: ServerResponse[] = [];
	let arrived: () => void = () => {};
	const answer = (res: ServerResponse) => {
		if (host.status !== 200) {
			res.writeHead(host.status, { 'Content-Type': 'text/plain' });
			res.end('expired');
			return;
		}
		res.writeHead(200, { 'Content-Type': 'video/mp4', 'Content-Length': video.length });
		res.end(video);
	};
	const server = new LoopbackServer((_req, res) => {
		if (!host.holding) return answer(res);
		held.push(res);
		arrived();
	});
	const host = {
		status: 200,
		holding: false,
		url: (path = '/v.mp4') => `${server.origin}${path}`,
		/** Resolves once a request is being held. */
		next: async () => {
			if (held.length === 0) await new Promise<void>((resolve) => (arrived = resolve));
		},
		/** Answers every held request. */
		release: () => held.splice(0).forEach(answer),
		/** Drops the oldest held request's connection unanswered. */
		breakOff: () => held.shift()?.socket?.destroy(),
		start: async () => void (await server.start()),
		stop: async () => await server.stop(),
	};
	return host;
}
