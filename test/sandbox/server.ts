/**
 * The sandbox API: a real HTTP server on loopback that speaks API in One's documented contract for
 * Hailuo 2.3, serves a real MP4, and can be told to be slow, to fail, or to answer in the other
 * documented shapes. Tests, the benchmark and the demo all use it.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';

import { FIXTURES } from '../paths';

/** The answer shapes of the sellers in API-NOTES.md. */
export type Shape = 'apiinone' | 'kie' | 'piapi' | 'wavespeed' | 'replicate' | 'minimax' | 'fal';

export type Endpoint = 'create' | 'task' | 'video' | 'any';

/** A scripted misbehaviour, applied to the next `times` requests of an endpoint. */
export interface Fault {
	endpoint: Endpoint;
	/** HTTP status to answer with (200 with `json` gives an error envelope). */
	status?: number;
	json?: unknown;
	/**
	 * `html`: an error page; `malformed`: broken JSON; `drop`: close the connection unanswered;
	 * `hang`: never answer (until the sandbox stops); `endless`: a video/mp4 body that never ends
	 * (until the client hangs up, or 1 GiB).
	 */
	kind?: 'html' | 'malformed' | 'drop' | 'hang' | 'endless';
	retryAfter?: string;
	/** For `html`: the page's text and Content-Type instead of the stock 502 page. */
	body?: string;
	contentType?: string;
	/** How many requests it applies to; unlimited when absent. */
	times?: number;
}

export interface CallbackSigning {
	scheme: 'standardWebhooks' | 'hmacHeader';
	secret: string;
	header?: string;
	encoding?: 'hex' | 'base64';
}

export interface Behaviour {
	apiKey: string;
	shape: Shape;
	/** How long a job takes from create to success. */
	jobMs: number;
	/** When set, jobs end failed with this reason. */
	failWith?: string;
	/** Jobs whose prompt contains this text fail (so one batch can mix outcomes). */
	failWhenPromptContains?: string;
	/** Delay before answering a create, to see how many run at once. */
	createDelayMs: number;
	/** When set, jobs stay in this raw state forever (e.g. an undocumented one). */
	stuckState?: string;
	/** Serve the video from the API's own origin instead of the separate "CDN" origin. */
	videoOnApiHost: boolean;
	/** Size of the served video; by default the committed fixture. */
	videoBytes?: number;
	videoExpired: boolean;
	/** Send completion callbacks to `callback_url` (raw body, headers as a real sender would). */
	callbacks: boolean;
	callbackSigning?: CallbackSigning;
	/** Send the MiniMax `{challenge}` handshake before the first callback to a URL. */
	callbackChallenge: boolean;
	/** How often a callback that got no answer, a 404, 408, 429 or 5xx is tried again, a second apart. */
	callbackRetries: number;
	/** How long one delivery attempt may take before it counts as unanswered. */
	callbackTimeoutMs: number;
	/**
	 * As a real API does: more creates (or task reads) than this within one second are answered
	 * 429 with `Retry-After: 1`, each kind counted on its own.
	 */
	rateLimitPerSecond?: number;
}

export interface RecordedRequest {
	method: string;
	path: string;
	url: string;
	headers: IncomingMessage['headers'];
	body: string;
	json?: unknown;
	at: number;
	host: 'api' | 'cdn';
}

export interface CallbackResult {
	url: string;
	status: number;
	body: string;
	tries: number[];
}

export type Phase = 'queued' | 'running' | 'succeeded' | 'failed';

interface Job {
	id: string;
	/** Pins the job to a phase, for tests that must not depend on timing. */
	phase?: Phase;
	createdAt: number;
	body: Record<string, unknown>;
	callbackSent: boolean;
}

export const FIXTURE_MP4 = join(FIXTURES, 'hailuo-sample.mp4');
export const DEFAULT_API_KEY = 'aio_sandbox_key_0123456789';

const DEFAULTS: Behaviour = {
	apiKey: DEFAULT_API_KEY,
	shape: 'apiinone',
	jobMs: 300,
	createDelayMs: 0,
	videoOnApiHost: false,
	videoExpired: false,
	callbacks: true,
	callbackChallenge: false,
	callbackRetries: 300,
	callbackTimeoutMs: 15_000,
};

const STATES: Record<
	Shape,
	{ queued: string; running: string; succeeded: string; failed: string }
> = {
	apiinone: { queued: 'PENDING', running: 'IN_PROGRESS', succeeded: 'SUCCESS', failed: 'FAILED' },
	kie: { queued: 'waiting', running: 'generating', succeeded: 'success', failed: 'fail' },
	piapi: { queued: 'pending', running: 'processing', succeeded: 'completed', failed: 'failed' },
	wavespeed: { queued: 'created', running: 'processing', succeeded: 'completed', failed: 'failed' },
	replicate: {
		queued: 'starting',
		running: 'processing',
		succeeded: 'succeeded',
		failed: 'failed',
	},
	minimax: { queued: 'Queueing', running: 'Processing', succeeded: 'Success', failed: 'Fail' },
	fal: { queued: 'IN_QUEUE', running: 'IN_PROGRESS', succeeded: 'COMPLETED', failed: 'FAILED' },
};

/** The task as each seller would report it. Exported so unit tests read the same shapes. */
export function taskBody(
	shape: Shape,
	id: string,
	rawState: string,
	videoUrl: string | null,
	error: string | null,
) {
	const failed = error !== null;
	switch (shape) {
		case 'apiinone':
			return {
				code: 200,
				message: 'success',
				data: {
					task_id: id,
					status: rawState,
					video_url: videoUrl ?? undefined,
					error: error ?? undefined,
				},
			};
		case 'kie':
			return {
				code: 200,
				msg: 'success',
				data: {
					taskId: id,
					model: 'hailuo/2-3-image-to-video-standard',
					state: rawState,
					resultJson: videoUrl ? JSON.stringify({ resultUrls: [videoUrl] }) : '',
					failCode: failed ? '500' : '',
					failMsg: error ?? '',
				},
			};
		case 'piapi':
			return {
				code: 200,
				data: {
					task_id: id,
					status: rawState,
					output: videoUrl ? { video_url: videoUrl } : {},
					error: { code: failed ? 10000 : 0, message: error ?? '' },
				},
				message: 'success',
			};
		case 'wavespeed':
			return {
				code: 200,
				message: 'success',
				data: { id, status: rawState, outputs: videoUrl ? [videoUrl] : [], error: error ?? '' },
			};
		case 'replicate':
			return {
				id,
				status: rawState,
				output: videoUrl,
				error,
				urls: { get: `https://api.invalid/${id}` },
			};
		case 'minimax':
			return {
				task_id: id,
				status: rawState,
				file: videoUrl ? { file_id: 1, download_url: videoUrl } : undefined,
				base_resp: { status_code: 0, status_msg: failed ? error : 'success' },
			};
		case 'fal':
			return {
				request_id: id,
				status: rawState,
				response: videoUrl ? { video: { url: videoUrl, content_type: 'video/mp4' } } : undefined,
				error: error ?? undefined,
			};
	}
}

/** The create answer of each shape: the task id where that seller puts it. */
function createBody(shape: Shape, id: string) {
	const queued = STATES[shape].queued;
	switch (shape) {
		case 'apiinone':
			return { code: 200, message: 'success', data: { task_id: id, status: 'IN_PROGRESS' } };
		case 'kie':
			return { code: 200, msg: 'success', data: { taskId: id } };
		case 'piapi':
			return { code: 200, data: { task_id: id, status: queued }, message: 'success' };
		case 'wavespeed':
			return { code: 200, message: 'success', data: { id, status: queued } };
		case 'replicate':
			return { id, status: queued };
		case 'minimax':
			return { task_id: id, base_resp: { status_code: 0, status_msg: 'success' } };
		case 'fal':
			return { request_id: id, status: queued };
	}
}

export class SandboxApi {
	readonly requests: RecordedRequest[] = [];

	/** One entry per callback, once it is answered for good; `tries` lists each attempt's status (0: no answer). */
	readonly callbackResults: CallbackResult[] = [];

	/** The most create requests that were being answered at one moment. */
	maxConcurrentCreates = 0;

	private activeCreates = 0;

	private behaviour: Behaviour = { ...DEFAULTS };

	private faults: Fault[] = [];

	private readonly jobs = new Map<string, Job>();

	private readonly challenged = new Set<string>();

	private readonly fixture = readFileSync(FIXTURE_MP4);

	private apiServer?: Server;

	private cdnServer?: Server;

	private timer?: NodeJS.Timeout;

	get baseUrl(): string {
		return `${this.origin('api')}/api/v1`;
	}

	get apiKey(): string {
		return this.behaviour.apiKey;
	}

	get fixtureBytes(): Buffer {
		return this.fixture;
	}

	async start(port = 0): Promise<this> {
		this.apiServer = await listen((req, res) => this.handle('api', req, res), port);
		this.cdnServer = await listen((req, res) => this.handle('cdn', req, res), 0);
		// Finished jobs call back even when nobody polls them.
		this.timer = setInterval(() => this.sendDueCallbacks(), 50);
		this.timer.unref();
		return this;
	}

	async stop(): Promise<void> {
		clearInterval(this.timer);
		await Promise.all([close(this.apiServer), close(this.cdnServer)]);
	}

	/** Changes how the sandbox behaves from now on (the rest stays as it was). */
	configure(change: Partial<Behaviour>): this {
		this.behaviour = { ...this.behaviour, ...change };
		return this;
	}

	fault(fault: Fault): this {
		this.faults.push({ ...fault });
		return this;
	}

	/** Back to the defaults, with no jobs, faults or recorded requests. */
	reset(): this {
		this.behaviour = { ...DEFAULTS };
		this.accepted = { create: [], task: [] };
		this.rateLimited.create = 0;
		this.rateLimited.task = 0;
		this.faults = [];
		this.jobs.clear();
		this.challenged.clear();
		this.requests.length = 0;
		this.callbackResults.length = 0;
		this.maxConcurrentCreates = 0;
		return this;
	}

	requestsTo(endpoint: Exclude<Endpoint, 'any'>): RecordedRequest[] {
		return this.requests.filter((request) => endpointOf(request) === endpoint);
	}

	/** The most requests to an endpoint that arrived within any one second. */
	peakPerSecond(endpoint: Exclude<Endpoint, 'any'>): number {
		const times = this.requestsTo(endpoint).map((request) => request.at);
		let peak = 0;
		for (let first = 0, last = 0; last < times.length; last++) {
			while (times[last] - times[first] >= 1000) first++;
			peak = Math.max(peak, last - first + 1);
		}
		return peak;
	}

	/** Requests answered 429 by `rateLimitPerSecond`, per endpoint. */
	readonly rateLimited = { create: 0, task: 0 };

	/** Whether one more request to this endpoint now would exceed `rateLimitPerSecond`. */
	private overRate(endpoint: 'create' | 'task', now: number): boolean {
		const limit = this.behaviour.rateLimitPerSecond;
		if (limit === undefined) return false;
		const recent = this.accepted[endpoint].filter((at) => now - at < 1000);
		this.accepted[endpoint] = recent;
		if (recent.length >= limit) return true;
		recent.push(now);
		return false;
	}

	private accepted: Record<'create' | 'task', number[]> = { create: [], task: [] };

	/** A job's raw state and result at this moment. */
	private stateOf(job: Job): { rawState: string; videoUrl: string | null; error: string | null } {
		const states = STATES[this.behaviour.shape];
		if (this.behaviour.stuckState)
			return { rawState: this.behaviour.stuckState, videoUrl: null, error: null };
		const phase = job.phase ?? this.phaseByAge(job);
		if (phase === 'queued' || phase === 'running')
			return { rawState: states[phase], videoUrl: null, error: null };
		if (phase === 'failed') {
			return {
				rawState: states.failed,
				videoUrl: null,
				error: this.behaviour.failWith ?? 'The job failed upstream',
			};
		}
		const videoHost = this.behaviour.videoOnApiHost ? 'api' : 'cdn';
		return {
			rawState: states.succeeded,
			videoUrl: `${this.origin(videoHost)}/files/${job.id}.mp4`,
			error: null,
		};
	}

	private phaseByAge(job: Job): Phase {
		const age = Date.now() - job.createdAt;
		if (age < this.behaviour.jobMs * 0.25) return 'queued';
		if (age < this.behaviour.jobMs) return 'running';
		const marker = this.behaviour.failWhenPromptContains;
		const failed = this.behaviour.failWith || (marker && String(job.body.prompt).includes(marker));
		return failed ? 'failed' : 'succeeded';
	}

	/**
	 * A job that has already succeeded, made without a request (so none is recorded): its id and
	 * the body Get Task would answer with.
	 */
	finishedTask(): { taskId: string; body: string } {
		const id = `task_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
		this.jobs.set(id, {
			id,
			createdAt: Date.now(),
			body: { prompt: 'made by the test' },
			callbackSent: true,
			phase: 'succeeded',
		});
		const { rawState, videoUrl, error } = this.stateOf(this.jobs.get(id) as Job);
		return {
			taskId: id,
			body: JSON.stringify(taskBody(this.behaviour.shape, id, rawState, videoUrl, error)),
		};
	}

	/** Pins a job to a phase (or back to timing with `undefined`). */
	setPhase(taskId: string, phase: Phase | undefined): this {
		const job = this.jobs.get(taskId);
		if (!job) throw new Error(`No sandbox job ${taskId}`);
		job.phase = phase;
		return this;
	}

	private origin(host: 'api' | 'cdn'): string {
		const server = host === 'api' ? this.apiServer : this.cdnServer;
		if (!server) throw new Error('The sandbox API is not started');
		return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	}

	private takeFault(endpoint: Endpoint): Fault | undefined {
		const fault = this.faults.find(
			(f) => (f.endpoint === endpoint || f.endpoint === 'any') && f.times !== 0,
		);
		if (fault && fault.times !== undefined) fault.times--;
		return fault;
	}

	private async handle(
		host: 'api' | 'cdn',
		req: IncomingMessage,
		res: ServerResponse,
	): Promise<void> {
		const body = await readBody(req);
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		let json: unknown;
		try {
			json = body ? JSON.parse(body) : undefined;
		} catch {
			json = undefined;
		}
		const recorded: RecordedRequest = {
			method: req.method ?? 'GET',
			path: url.pathname,
			url: req.url ?? '/',
			headers: req.headers,
			body,
			json,
			at: Date.now(),
			host,
		};
		this.requests.push(recorded);
		const endpoint = endpointOf(recorded);

		const fault = endpoint ? this.takeFault(endpoint) : undefined;
		if (fault) return this.answerFault(res, fault);

		if (endpoint === 'video') return this.serveVideo(url.pathname, res);
		if (host !== 'api' || !endpoint) return send(res, 404, { code: 404, message: 'not found' });

		if (req.headers.authorization !== `Bearer ${this.behaviour.apiKey}`) {
			return send(res, 401, { code: 401, message: 'Invalid API key' });
		}
		if (this.overRate(endpoint, recorded.at)) {
			this.rateLimited[endpoint]++;
			return send(res, 429, { code: 429, message: 'Too many requests' }, { 'Retry-After': '1' });
		}
		if (endpoint === 'create') {
			this.activeCreates++;
			this.maxConcurrentCreates = Math.max(this.maxConcurrentCreates, this.activeCreates);
			await new Promise((resolve) => setTimeout(resolve, this.behaviour.createDelayMs));
			this.activeCreates--;
			return this.create(json, res);
		}
		const id = decodeURIComponent(url.pathname.slice('/api/v1/tasks/'.length));
		const job = this.jobs.get(id);
		if (!job) return send(res, 404, { code: 404, message: `task ${id} not found` });
		const { rawState, videoUrl, error } = this.stateOf(job);
		return send(res, 200, taskBody(this.behaviour.shape, job.id, rawState, videoUrl, error));
	}

	private create(json: unknown, res: ServerResponse): void {
		if (!json || typeof json !== 'object' || Array.isArray(json)) {
			return send(res, 400, { code: 400, message: 'body must be a JSON object' });
		}
		const body = json as Record<string, unknown>;
		if (typeof body.prompt !== 'string' || typeof body.image !== 'string') {
			return send(res, 400, { code: 400, message: 'prompt and image are required' });
		}
		const id = `task_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
		this.jobs.set(id, { id, createdAt: Date.now(), body, callbackSent: false });
		return send(res, 200, createBody(this.behaviour.shape, id));
	}

	private serveVideo(path: string, res: ServerResponse): void {
		const id = path.slice('/files/'.length).replace(/\.mp4$/, '');
		if (this.behaviour.videoExpired || !this.jobs.has(id)) {
			return send(res, 404, { code: 404, message: 'file expired' });
		}
		const size = this.behaviour.videoBytes;
		if (size === undefined) {
			res.writeHead(200, { 'Content-Type': 'video/mp4', 'Content-Length': this.fixture.length });
			res.end(this.fixture);
			return;
		}
		// A large result made on the fly: the fixture's bytes repeated, never held whole in memory.
		res.writeHead(200, { 'Content-Type': 'video/mp4', 'Content-Length': size });
		Readable.from(repeatBytes(this.fixture, size)).pipe(res);
	}

	private answerFault(res: ServerResponse, fault: Fault): void {
		if (fault.kind === 'drop') {
			res.socket?.destroy();
			return;
		}
		if (fault.kind === 'hang') return;
		if (fault.kind === 'endless') {
			res.writeHead(fault.status ?? 200, { 'Content-Type': 'video/mp4' });
			Readable.from(repeatBytes(this.fixture, 1024 ** 3)).pipe(res);
			return;
		}
		const headers: Record<string, string> = {};
		if (fault.retryAfter !== undefined) headers['Retry-After'] = fault.retryAfter;
		const status = fault.status ?? 500;
		if (fault.kind === 'html') {
			res.writeHead(status, { ...headers, 'Content-Type': fault.contentType ?? 'text/html' });
			res.end(
				fault.body ??
					'<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>',
			);
			return;
		}
		if (fault.kind === 'malformed') {
			res.writeHead(status, { ...headers, 'Content-Type': 'application/json' });
			res.end('{"code":200,"data":{"task_id":');
			return;
		}
		send(res, status, fault.json ?? { code: status, message: `sandbox fault ${status}` }, headers);
	}

	/** Posts each finished job, once, to its `callback_url`, as the real service does. */
	private sendDueCallbacks(): void {
		if (!this.behaviour.callbacks) return;
		const states = STATES[this.behaviour.shape];
		for (const job of this.jobs.values()) {
			const target = job.body.callback_url;
			if (job.callbackSent || typeof target !== 'string') continue;
			const state = this.stateOf(job);
			if (state.rawState !== states.succeeded && state.rawState !== states.failed) continue;
			job.callbackSent = true;
			void this.sendCallback(target, job.id, state);
		}
	}

	private async sendCallback(
		target: string,
		id: string,
		state: ReturnType<SandboxApi['stateOf']>,
	): Promise<void> {
		if (this.behaviour.callbackChallenge && !this.challenged.has(target)) {
			this.challenged.add(target);
			await this.post(target, JSON.stringify({ challenge: `challenge-${id}` }));
		}
		await this.post(
			target,
			JSON.stringify(
				taskBody(this.behaviour.shape, id, state.rawState, state.videoUrl, state.error),
			),
		);
	}

	private async post(url: string, raw: string): Promise<void> {
		const headers: Record<string, string> = { 'Content-Type': 'application/json' };
		const signing = this.behaviour.callbackSigning;
		// One delivery id for all tries, as real senders do, so receivers can drop repeats.
		if (signing)
			Object.assign(
				headers,
				signCallback(signing, raw, randomUUID(), Math.floor(Date.now() / 1000)),
			);
		const tries: number[] = [];
		for (;;) {
			let status = 0;
			let body = '';
			try {
				const response = await fetch(url, {
					method: 'POST',
					headers,
					body: raw,
					signal: AbortSignal.timeout(this.behaviour.callbackTimeoutMs),
				});
				status = response.status;
				body = await response.text();
			} catch (error) {
				body = String(error);
			}
			tries.push(status);
			// A receiver that is down, restarting, not yet activated or busy gets the delivery later.
			const retryable = status === 0 || [404, 408, 429].includes(status) || status >= 500;
			if (!retryable || tries.length > this.behaviour.callbackRetries) {
				this.callbackResults.push({ url, status, body, tries });
				return;
			}
			await new Promise((resolve) => setTimeout(resolve, 1000));
		}
	}
}

/** Headers that sign a callback body the way each scheme's senders do. */
export function signCallback(
	signing: CallbackSigning,
	raw: string,
	id: string,
	timestamp: number,
): Record<string, string> {
	if (signing.scheme === 'standardWebhooks') {
		const key = Buffer.from(signing.secret.replace(/^whsec_/, ''), 'base64');
		const signature = createHmac('sha256', key)
			.update(`${id}.${timestamp}.${raw}`)
			.digest('base64');
		return {
			'webhook-id': id,
			'webhook-timestamp': String(timestamp),
			'webhook-signature': `v1,${signature}`,
		};
	}
	const digest = createHmac('sha256', signing.secret)
		.update(raw)
		.digest(signing.encoding ?? 'hex');
	return { [signing.header ?? 'x-signature']: digest };
}

function endpointOf(
	request: Pick<RecordedRequest, 'method' | 'path'>,
): Exclude<Endpoint, 'any'> | undefined {
	if (request.path.startsWith('/files/')) return 'video';
	if (request.method === 'POST' && request.path === '/api/v1/videos/generations') return 'create';
	if (request.method === 'GET' && request.path.startsWith('/api/v1/tasks/')) return 'task';
	return undefined;
}

function* repeatBytes(source: Buffer, size: number): Generator<Buffer> {
	const chunk = Buffer.alloc(1024 * 1024);
	for (let filled = 0; filled < chunk.length; filled += source.length) source.copy(chunk, filled);
	for (let sent = 0; sent < size; sent += chunk.length)
		yield chunk.subarray(0, Math.min(chunk.length, size - sent));
}

function send(
	res: ServerResponse,
	status: number,
	body: unknown,
	headers: Record<string, string> = {},
): void {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		...headers,
		'Content-Type': 'application/json',
		'Content-Length': Buffer.byteLength(text),
	});
	res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

async function listen(
	handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
	port: number,
) {
	const server = createServer((req, res) => {
		handler(req, res).catch((error: unknown) => {
			if (!res.headersSent) send(res, 500, { code: 500, message: String(error) });
		});
	});
	server.keepAliveTimeout = 1000;
	await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
	return server;
}

async function close(server?: Server): Promise<void> {
	if (!server) return;
	server.closeAllConnections();
	await new Promise<void>((resolve) => server.close(() => resolve()));
}
