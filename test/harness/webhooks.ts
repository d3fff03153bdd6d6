/**
 * A small stand-in for n8n's webhook server, on loopback: it hands deliveries to a node's real
 * `webhook()` through n8n-core's WebhookContext, starts executions for active triggers, and resumes
 * waiting executions at `/webhook-waiting/<executionId>` the way n8n does (the webhook's output
 * replaces the waiting node's input, and the engine passes it on). End-to-end tests in real n8n
 * cover n8n's own server.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { WebhookContext, WorkflowExecute } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeType,
	IRunExecutionData,
	IWebhookData,
	IWebhookResponseData,
	IWorkflowExecuteAdditionalData,
	Workflow,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { createRunExecutionData } from 'n8n-workflow';

import { LoopbackServer, readBody } from './loopback';
import type { RunOptions, RunResult } from './n8n';
import { afterStart, prepareExecution, resultOf } from './n8n';

/** The header `deliver` marks its requests with. */
const DELIVERY_HEADER = 'x-harness-delivery';

interface Execution {
	nodes: INode[];
	workflow: Workflow;
	additionalData: IWorkflowExecuteAdditionalData;
	mode: WorkflowExecuteMode;
}

interface Waiting extends Execution {
	data: IRunExecutionData;
	done: (result: RunResult) => void;
}

/** The part of n8n's express `res` a node uses: like express, an answer is sent at once. */
class ResponseRecorder {
	statusCode = 200;

	body: unknown;

	sent = false;

	constructor(private readonly res?: ServerResponse) {}

	status(code: number) {
		this.statusCode = code;
		return this;
	}

	json(body: unknown) {
		this.body = body;
		this.sent = true;
		if (this.res) send(this.res, this.statusCode, body);
		return this;
	}

	send(body: unknown) {
		return this.json(body);
	}

	end() {
		this.sent = true;
		if (this.res && !this.res.headersSent) this.res.writeHead(this.statusCode);
		this.res?.end();
		return this;
	}

	setHeader(name: string, value: string) {
		this.res?.setHeader(name, value);
		return this;
	}
}

export interface WebhookServerOptions {
	/**
	 * The workflows' static data by workflow id, as n8n keeps it in its database: read on each
	 * request, saved whole after the webhook ran. Servers given the same map act as n8n processes
	 * sharing one database.
	 */
	staticData?: Map<string, IDataObject>;
	/** Where to load the package from: a second copy has its own module state, as another process. */
	packageRoot?: string;
}

export class WebhookServer {
	/** Executions that triggers started, in the order they finished. */
	readonly executions: RunResult[] = [];

	private readonly server = new LoopbackServer((req, res) => {
		// `deliver`'s own mark, taken off before the node sees the request.
		const mark = req.headers[DELIVERY_HEADER];
		delete req.headers[DELIVERY_HEADER];
		const handled = this.handle(req, res, typeof mark === 'string' ? mark : undefined).catch(
			(error: unknown) => {
				// A node may have answered before it failed, as n8n lets it.
				if (res.writableEnded) return;
				if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
				res.end(JSON.stringify({ message: String(error) }));
			},
		);
		if (typeof mark === 'string') this.handling.set(mark, handled);
	});

	/** Requests `deliver` sent, by their mark: settled once handled, execution included. */
	private readonly handling = new Map<string, Promise<void>>();

	/** The executions each marked request started. */
	private readonly startedBy = new Map<string, RunResult[]>();

	private readonly waiting = new Map<string, Waiting>();

	private readonly triggers = new Map<
		string,
		Execution & { credentials: RunOptions['credentials'] }
	>();

	private triggerCount = 0;

	private readonly staticData: Map<string, IDataObject>;

	constructor(private readonly options: WebhookServerOptions = {}) {
		this.staticData = options.staticData ?? new Map();
	}

	/** A workflow's static data as saved after its last delivery. */
	savedStaticData(workflowId: string): IDataObject | undefined {
		return this.staticData.get(workflowId);
	}

	get baseUrl(): string {
		return this.server.origin;
	}

	async start(): Promise<this> {
		await this.server.start();
		return this;
	}

	async stop(): Promise<void> {
		await this.server.stop();
	}

	/**
	 * Runs Start → the given nodes, a workflow that may park itself; `finished` settles when it
	 * ends, after a resume if it waited.
	 */
	async run(after: INode[], options: RunOptions = {}) {
		const nodes = afterStart(after);
		const execution = await prepareExecution(nodes, {
			packageRoot: this.options.packageRoot,
			...options,
			webhookWaitingBaseUrl: `${this.baseUrl}/webhook-waiting`,
		});
		const first = resultOf(
			await new WorkflowExecute(execution.additionalData, execution.mode).run({
				workflow: execution.workflow,
				startNode: nodes[0],
			}),
			nodes,
		);
		let done: (result: RunResult) => void = () => {};
		const finished = new Promise<RunResult>((resolve) => (done = resolve));
		if (first.run.waitTill) {
			this.waiting.set(execution.executionId, { ...execution, nodes, data: first.run.data, done });
		} else {
			done(first);
		}
		return { first, finished, executionId: execution.executionId };
	}

	/** Whether the execution is parked here, waiting to be resumed. */
	isWaiting(executionId: string): boolean {
		return this.waiting.has(executionId);
	}

	/** Activates a trigger workflow (trigger first); returns its production URL here. */
	async activate(
		nodes: INode[],
		credentials: Record<string, ICredentialDataDecryptedObject>,
		workflowId = `trigger-workflow-${++this.triggerCount}`,
	): Promise<string> {
		const execution = await prepareExecution(nodes, {
			credentials,
			mode: 'webhook',
			workflowId,
			packageRoot: this.options.packageRoot,
		});
		const trigger = nodes[0];
		const description = this.nodeType(execution.workflow, trigger).description.webhooks?.[0];
		const path = String(
			execution.workflow.expression.getSimpleParameterValue(
				trigger,
				description?.path ?? '',
				'webhook',
				{},
			),
		);
		this.triggers.set(`/webhook/${execution.workflow.id}/${path}`, {
			...execution,
			nodes,
			credentials,
		});
		return `${this.baseUrl}/webhook/${execution.workflow.id}/${path}`;
	}

	/**
	 * POSTs a delivery to a URL here (a trigger's, a resume URL) and waits until the request is
	 * handled, the execution it started or resumed included (a node answers before that runs); says
	 * which executions a trigger started.
	 */
	async deliver(url: string, body: string, headers: Record<string, string> = {}) {
		const mark = randomUUID();
		const response = await fetch(url, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', ...headers, [DELIVERY_HEADER]: mark },
			body,
		});
		const text = await response.text();
		await this.handling.get(mark);
		this.handling.delete(mark);
		const executions = this.startedBy.get(mark) ?? [];
		this.startedBy.delete(mark);
		let answer: Record<string, unknown>;
		try {
			answer = JSON.parse(text) as Record<string, unknown>;
		} catch {
			answer = { text };
		}
		return { status: response.status, body: answer, started: executions.length, executions };
	}

	private nodeType(workflow: Workflow, node: INode): INodeType {
		return workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	}

	private async handle(req: IncomingMessage, res: ServerResponse, mark?: string): Promise<void> {
		const rawBody = await readBody(req);
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const contentType = String(req.headers['content-type'] ?? '').split(';')[0];
		// As n8n's body parser: JSON bodies are parsed before the node sees them (422 if broken).
		let body: unknown = {};
		if (contentType === 'application/json' && rawBody.length > 0) {
			try {
				body = JSON.parse(rawBody.toString('utf8'));
			} catch {
				return send(res, 422, { message: 'Failed to parse request body' });
			}
		} else if (contentType === 'text/plain') {
			body = rawBody.toString('utf8');
		}
		const request = {
			method: req.method,
			headers: req.headers,
			rawBody,
			body,
			path: url.pathname,
			query: Object.fromEntries(url.searchParams),
			params: {},
			contentType,
		};

		const waitingId = url.pathname.match(/^\/webhook-waiting\/([^/]+)/)?.[1];
		if (waitingId) {
			const waiting = this.waiting.get(waitingId);
			if (!waiting) return send(res, 404, { message: 'no execution is waiting here' });
			const nodeName = waiting.data.resultData.lastNodeExecuted ?? '';
			const node = waiting.workflow.getNode(nodeName);
			if (!node) return send(res, 500, { message: 'waiting node not found' });
			const { result, response } = await this.callWebhook(
				waiting,
				node,
				request,
				waiting.data,
				res,
			);
			writeResponse(res, result, response);
			if (result.workflowData) {
				this.waiting.delete(waitingId);
				const stack = waiting.data.executionData?.nodeExecutionStack ?? [];
				stack[0].data.main = result.workflowData;
				const run = await new WorkflowExecute(
					waiting.additionalData,
					waiting.mode,
					waiting.data,
				).processRunExecutionData(waiting.workflow);
				waiting.done(resultOf(run, waiting.nodes));
			}
			return;
		}

		const trigger = this.triggers.get(url.pathname);
		if (!trigger) return send(res, 404, { message: 'webhook not registered' });
		const triggerNode = trigger.nodes[0];
		// Each delivery is its own execution, as in n8n, with static data as last saved.
		const workflowId = trigger.workflow.id;
		const stored = this.staticData.get(workflowId);
		const execution = await prepareExecution(trigger.nodes, {
			credentials: trigger.credentials,
			mode: 'webhook',
			workflowId,
			staticData: stored && structuredClone(stored),
			packageRoot: this.options.packageRoot,
		});
		const { result, response } = await this.callWebhook(
			{ ...execution, nodes: trigger.nodes },
			triggerNode,
			request,
			null,
			res,
		);
		// n8n saves the whole static data when the webhook changed it, then answers.
		const { staticData } = execution.workflow;
		if (staticData.__dataChanged === true) {
			this.staticData.set(workflowId, JSON.parse(JSON.stringify(staticData)) as IDataObject);
		}
		writeResponse(res, result, response);
		if (!result.workflowData) return;
		const data = createRunExecutionData({
			executionData: {
				nodeExecutionStack: [
					{ node: triggerNode, data: { main: result.workflowData }, source: null },
				],
			},
		});
		const run = await new WorkflowExecute(
			execution.additionalData,
			'webhook',
			data,
		).processRunExecutionData(execution.workflow);
		const started = resultOf(run, trigger.nodes);
		this.executions.push(started);
		if (mark) this.startedBy.set(mark, [...(this.startedBy.get(mark) ?? []), started]);
	}

	private async callWebhook(
		execution: Execution,
		node: INode,
		request: { path: string },
		runExecutionData: IRunExecutionData | null,
		res: ServerResponse,
	): Promise<{ result: IWebhookResponseData; response: ResponseRecorder }> {
		const nodeType = this.nodeType(execution.workflow, node);
		const response = new ResponseRecorder(res);
		const additionalData = {
			...execution.additionalData,
			httpRequest: request,
			httpResponse: response,
		};
		const webhookData: IWebhookData = {
			httpMethod: 'POST',
			node: node.name,
			path: request.path,
			webhookDescription: nodeType.description.webhooks?.[0] ?? {
				name: 'default',
				httpMethod: 'POST',
				path: '',
			},
			workflowId: execution.workflow.id,
			workflowExecuteAdditionalData: additionalData as never,
		};
		const context = new WebhookContext(
			execution.workflow,
			node,
			additionalData as never,
			execution.mode,
			webhookData,
			[],
			runExecutionData,
		);
		if (!nodeType.webhook) throw new Error(`${node.type} has no webhook method`);
		const result = await nodeType.webhook.call(context);
		return { result, response };
	}
}

function writeResponse(
	res: ServerResponse,
	result: IWebhookResponseData,
	response: ResponseRecorder,
): void {
	if (result.noWebhookResponse) {
		if (!response.sent) send(res, response.statusCode, response.body ?? {});
		return;
	}
	send(res, 200, result.webhookResponse ?? {});
}

function send(res: ServerResponse, status: number, body: unknown): void {
	res.writeHead(status, { 'Content-Type': 'application/json' });
	res.end(JSON.stringify(body));
}

/** One webhook server per test file. */
export function useWebhookServer(): WebhookServer {
	const server = new WebhookServer();
	beforeAll(async () => {
		await server.start();
	});
	afterAll(async () => {
		await server.stop();
	});
	return server;
}
