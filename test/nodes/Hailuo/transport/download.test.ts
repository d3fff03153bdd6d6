/**
 * The streamed download against the two ways n8n's binary-data stores read a stream: the filesystem
 * store pipes it, the database store (queue mode's default) listens for 'data' events, which do not
 * restart a stream that was paused on purpose.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { get } from 'node:http';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import type { IBinaryData, IHttpRequestOptions } from 'n8n-workflow';

import type { HailuoContext } from '../../../../nodes/Hailuo/transport';
import { downloadVideo } from '../../../../nodes/Hailuo/transport/download';
import { LoopbackServer } from '../../../harness/loopback';
import { FIXTURES } from '../../../paths';

const video = readFileSync(join(FIXTURES, 'hailuo-sample.mp4'));
const server = new LoopbackServer((_req, res) => {
	res.writeHead(200, { 'Content-Type': 'video/mp4', 'Content-Length': video.length });
	// In pieces, a little apart, as a real network delivers a file.
	res.write(video.subarray(0, 1000));
	setTimeout(() => res.end(video.subarray(1000)), 30);
});
let url: string;

beforeAll(async () => {
	url = `${(await server.start()).origin}/v.mp4`;
});

afterAll(async () => await server.stop());

/** A node context whose binary store reads the stream the way `store` does. */
function contextWith(store: (stream: Readable) => Promise<Buffer>) {
	const saved: Buffer[] = [];
	const context = {
		getNode: () => ({ name: 'Hailuo', type: 'n8n-nodes-hailuo.hailuo' }),
		getCredentials: async () => ({ apiKey: 'aio_key', baseUrl: 'https://apiin.one/api/v1' }),
		helpers: {
			httpRequest: async (options: IHttpRequestOptions) =>
				await new Promise((resolve, reject) => {
					get(options.url, (response: IncomingMessage) =>
						resolve({ statusCode: response.statusCode, headers: response.headers, body: response }),
					).on('error', reject);
				}),
			prepareBinaryData: async (stream: Readable, fileName: string, mimeType: string) => {
				// Stores do some work of their own (a database round trip) before they read.
				await new Promise((resolve) => setTimeout(resolve, 20));
				saved.push(await store(stream));
				return { data: '', fileName, mimeType } as IBinaryData;
			},
		},
	};
	return { context: context as unknown as HailuoContext, saved };
}

/** n8n's database store (@n8n/backend-network streamToBuffer): 'data' and 'end' listeners. */
const byDataEvents = async (stream: Readable) =>
	await new Promise<Buffer>((resolve, reject) => {
		const chunks: Buffer[] = [];
		stream.on('data', (chunk: Buffer) => chunks.push(chunk));
		stream.once('end', () => resolve(Buffer.concat(chunks)));
		stream.once('error', reject);
	});

/** n8n's filesystem store: the stream piped into a file. */
const byPipe = async (stream: Readable) => {
	const chunks: Buffer[] = [];
	await pipeline(
		stream,
		new Writable({
			write(chunk: Buffer, _encoding, done) {
				chunks.push(chunk);
				done();
			},
		}),
	);
	return Buffer.concat(chunks);
};

const request = () => ({
	videoUrl: url,
	taskId: 't1',
	maxBytes: 10 * 1024 * 1024,
	timeoutMs: 5000,
	urlFromApi: false,
});

test.each([
	['a store that listens for data events (database mode)', byDataEvents],
	['a store that pipes the stream (filesystem mode)', byPipe],
])('%s gets the whole video, before the Download Timeout', async (_name, store) => {
	const { context, saved } = contextWith(store);
	// A stream that stalled would end in the 5 s Download Timeout's error, not in a file.
	const binary = await downloadVideo.call(context, request());
	expect(binary).toMatchObject({ fileName: 'hailuo-t1.mp4', mimeType: 'video/mp4' });
	expect(saved).toHaveLength(1);
	expect(saved[0].equals(video)).toBe(true);
});
