/**
 * A scripted OpenAI-compatible model on loopback, for driving n8n's AI Agent in tests: the Chat
 * Completions and Responses APIs, each streamed (server-sent events) or not. A test's script
 * decides each answer (tool calls or text) from what the model was sent; every request is
 * recorded in one shape whatever the API, so tests can read the tools and tool results it saw.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { LoopbackServer, readBody } from '../harness/loopback';

export interface ToolDefinition {
	name: string;
	description: string;
	parameters: Record<string, unknown>;
}

export interface ToolCall {
	name: string;
	arguments: Record<string, unknown>;
}

/** A tool's answer as the model was sent it, with the call it answers. */
export interface ToolResult {
	callId: string;
	name: string;
	arguments: Record<string, unknown>;
	output: string;
}

export interface ModelRequest {
	api: 'chat' | 'responses';
	stream: boolean;
	/** The user's messages, in order. */
	userText: string[];
	tools: ToolDefinition[];
	/** Every tool result in the conversation so far, in order. */
	toolResults: ToolResult[];
	body: Record<string, unknown>;
}

export type Reply = { toolCalls: ToolCall[] } | { text: string };

export type Script = (request: ModelRequest) => Reply;

type Json = Record<string, unknown>;

const asObject = (value: unknown): Json =>
	value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const parseArguments = (text: unknown): Json => {
	try {
		return asObject(JSON.parse(String(text)));
	} catch {
		return {};
	}
};
/** Message content as text: a string, or the text parts of a list. */
const textOf = (content: unknown): string =>
	typeof content === 'string'
		? content
		: asArray(content)
				.map((part) => String(asObject(part).text ?? ''))
				.join('');

/** A tool's result, named by the call it answers (both APIs refer to calls by id only). */
const resultOf = (calls: Map<string, ToolCall>, callId: string, output: string): ToolResult => ({
	callId,
	name: calls.get(callId)?.name ?? '',
	arguments: calls.get(callId)?.arguments ?? {},
	output,
});

/** A Chat Completions request in the recorded shape. */
function readChat(body: Json): Omit<ModelRequest, 'body'> {
	const calls = new Map<string, ToolCall>();
	const userText: string[] = [];
	const toolResults: ToolResult[] = [];
	for (const message of asArray(body.messages).map(asObject)) {
		if (message.role === 'user') userText.push(textOf(message.content));
		for (const call of asArray(message.tool_calls).map(asObject)) {
			const fn = asObject(call.function);
			calls.set(String(call.id), {
				name: String(fn.name),
				arguments: parseArguments(fn.arguments),
			});
		}
		if (message.role === 'tool') {
			toolResults.push(resultOf(calls, String(message.tool_call_id), textOf(message.content)));
		}
	}
	const tools = asArray(body.tools).map((tool) => {
		const fn = asObject(asObject(tool).function);
		return {
			name: String(fn.name),
			description: String(fn.description ?? ''),
			parameters: asObject(fn.parameters),
		};
	});
	return { api: 'chat', stream: body.stream === true, userText, tools, toolResults };
}

/** A Responses API request in the recorded shape. */
function readResponses(body: Json): Omit<ModelRequest, 'body'> {
	const calls = new Map<string, ToolCall>();
	const userText: string[] = [];
	const toolResults: ToolResult[] = [];
	const input =
		typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : body.input;
	for (const item of asArray(input).map(asObject)) {
		if (item.role === 'user') userText.push(textOf(item.content));
		if (item.type === 'function_call') {
			calls.set(String(item.call_id), {
				name: String(item.name),
				arguments: parseArguments(item.arguments),
			});
		}
		if (item.type === 'function_call_output') {
			toolResults.push(resultOf(calls, String(item.call_id), textOf(item.output)));
		}
	}
	const tools = asArray(body.tools)
		.map(asObject)
		.filter((tool) => tool.type === 'function')
		.map((tool) => ({
			name: String(tool.name),
			description: String(tool.description ?? ''),
			parameters: asObject(tool.parameters),
		}));
	return { api: 'responses', stream: body.stream === true, userText, tools, toolResults };
}

const USAGE_CHAT = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
const USAGE_RESPONSES = { input_tokens: 10, output_tokens: 5, total_tokens: 15 };

export class ScriptedModel extends LoopbackServer {
	readonly requests: ModelRequest[] = [];

	/** Why a request got no scripted answer (the test reads these when something is off). */
	readonly problems: string[] = [];

	script: Script = () => ({ text: 'No script is set.' });

	private calls = 0;

	/** The base URL to put in an OpenAI credential (`…/v1`). */
	get url(): string {
		return `${this.origin}/v1`;
	}

	protected async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
		this.handle(req, res, (await readBody(req)).toString('utf8'));
	}

	/** Forgets what was recorded and sets the script for what comes next. */
	use(script: Script): this {
		this.requests.length = 0;
		this.problems.length = 0;
		this.script = script;
		return this;
	}

	private handle(req: IncomingMessage, res: ServerResponse, raw: string): void {
		const path = (req.url ?? '').split('?')[0];
		if (req.method === 'GET' && path === '/v1/models') {
			this.json(res, { object: 'list', data: [{ id: 'scripted-model', object: 'model' }] });
			return;
		}
		let body: Json;
		try {
			body = asObject(JSON.parse(raw));
		} catch {
			this.refuse(res, 400, `unparsable body on ${path}`);
			return;
		}
		const read =
			path === '/v1/chat/completions'
				? readChat(body)
				: path === '/v1/responses'
					? readResponses(body)
					: undefined;
		if (!read) {
			this.refuse(res, 404, `no such endpoint ${req.method} ${path}`);
			return;
		}
		const request: ModelRequest = { ...read, body };
		this.requests.push(request);
		let reply: Reply;
		try {
			reply = this.script(request);
		} catch (error) {
			this.refuse(res, 500, `the script failed: ${String(error)}`);
			return;
		}
		const calls = 'toolCalls' in reply ? reply.toolCalls.map((call) => this.withId(call)) : [];
		const text = 'text' in reply ? reply.text : '';
		const model = String(body.model ?? 'scripted-model');
		if (request.api === 'chat') {
			if (request.stream) this.streamChat(res, model, calls, text);
			else this.json(res, this.chatCompletion(model, calls, text));
		} else if (request.stream) {
			this.streamResponse(res, model, calls, text);
		} else {
			this.json(res, this.response(model, calls, text));
		}
	}

	private withId(call: ToolCall) {
		return { ...call, id: `call_${++this.calls}`, args: JSON.stringify(call.arguments) };
	}

	private refuse(res: ServerResponse, status: number, problem: string): void {
		this.problems.push(problem);
		res.writeHead(status, { 'Content-Type': 'application/json' });
		res.end(JSON.stringify({ error: { message: problem, type: 'invalid_request_error' } }));
	}

	private json(res: ServerResponse, body: unknown): void {
		res.writeHead(200, { 'Content-Type': 'application/json' });
		res.end(JSON.stringify(body));
	}

	private chatCompletion(
		model: string,
		calls: Array<ReturnType<ScriptedModel['withId']>>,
		text: string,
	) {
		const message =
			calls.length > 0
				? {
						role: 'assistant',
						content: null,
						tool_calls: calls.map((call) => ({
							id: call.id,
							type: 'function',
							function: { name: call.name, arguments: call.args },
						})),
					}
				: { role: 'assistant', content: text };
		return {
			id: `chatcmpl-${randomUUID()}`,
			object: 'chat.completion',
			created: Math.floor(Date.now() / 1000),
			model,
			choices: [{ index: 0, message, finish_reason: calls.length > 0 ? 'tool_calls' : 'stop' }],
			usage: USAGE_CHAT,
		};
	}

	private streamChat(
		res: ServerResponse,
		model: string,
		calls: Array<ReturnType<ScriptedModel['withId']>>,
		text: string,
	): void {
		const id = `chatcmpl-${randomUUID()}`;
		const created = Math.floor(Date.now() / 1000);
		const chunk = (delta: Json, finish: string | null = null) => ({
			id,
			object: 'chat.completion.chunk',
			created,
			model,
			choices: [{ index: 0, delta, finish_reason: finish }],
		});
		const events: unknown[] = [chunk({ role: 'assistant', content: '' })];
		calls.forEach((call, index) => {
			events.push(
				chunk({
					tool_calls: [
						{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } },
					],
				}),
				chunk({ tool_calls: [{ index, function: { arguments: call.args } }] }),
			);
		});
		for (const piece of words(text)) events.push(chunk({ content: piece }));
		events.push(chunk({}, calls.length > 0 ? 'tool_calls' : 'stop'));
		events.push({
			id,
			object: 'chat.completion.chunk',
			created,
			model,
			choices: [],
			usage: USAGE_CHAT,
		});
		res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
		for (const event of events) res.write(`data: ${JSON.stringify(event)}\n\n`);
		res.end('data: [DONE]\n\n');
	}

	/** The `output` list of a Responses answer. */
	private responseOutput(calls: Array<ReturnType<ScriptedModel['withId']>>, text: string): Json[] {
		if (calls.length > 0) {
			return calls.map((call) => ({
				type: 'function_call',
				id: `fc_${call.id}`,
				call_id: call.id,
				name: call.name,
				arguments: call.args,
				status: 'completed',
			}));
		}
		return [
			{
				type: 'message',
				id: `msg_${randomUUID()}`,
				role: 'assistant',
				status: 'completed',
				content: [{ type: 'output_text', text, annotations: [] }],
			},
		];
	}

	private response(
		model: string,
		calls: Array<ReturnType<ScriptedModel['withId']>>,
		text: string,
		status = 'completed',
	): Json {
		return {
			id: `resp_${randomUUID()}`,
			object: 'response',
			created_at: Math.floor(Date.now() / 1000),
			status,
			model,
			output: status === 'completed' ? this.responseOutput(calls, text) : [],
			usage: USAGE_RESPONSES,
			error: null,
			incomplete_details: null,
		};
	}

	private streamResponse(
		res: ServerResponse,
		model: string,
		calls: Array<ReturnType<ScriptedModel['withId']>>,
		text: string,
	): void {
		const done = this.response(model, calls, text);
		const events: Array<{ type: string } & Json> = [
			{ type: 'response.created', response: { ...done, status: 'in_progress', output: [] } },
		];
		this.responseOutput(calls, text).forEach((item, index) => {
			if (item.type === 'function_call') {
				events.push(
					{
						type: 'response.output_item.added',
						output_index: index,
						item: { ...item, arguments: '' },
					},
					{
						type: 'response.function_call_arguments.delta',
						output_index: index,
						item_id: item.id,
						delta: item.arguments,
					},
					{ type: 'response.output_item.done', output_index: index, item },
				);
				return;
			}
			events.push({
				type: 'response.output_item.added',
				output_index: index,
				item: { ...item, status: 'in_progress', content: [] },
			});
			for (const piece of words(text)) {
				events.push({
					type: 'response.output_text.delta',
					item_id: item.id,
					output_index: index,
					content_index: 0,
					delta: piece,
				});
			}
			events.push({ type: 'response.output_item.done', output_index: index, item });
		});
		events.push({ type: 'response.completed', response: done });
		res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
		events.forEach((event, sequence) =>
			res.write(
				`event: ${event.type}\ndata: ${JSON.stringify({ ...event, sequence_number: sequence })}\n\n`,
			),
		);
		res.end();
	}
}

/** Text in word-sized pieces, as a model streams it. */
function words(text: string): string[] {
	return text.match(/\S+\s*|\s+/g) ?? [];
}
