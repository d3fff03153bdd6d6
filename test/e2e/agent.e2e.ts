/**
 * The Hailuo node as an AI Agent's tools in a real n8n 2.x: n8n's own AI Agent and OpenAI Chat
 * Model nodes, driven by a scripted OpenAI-compatible model on loopback, call Generate Video and
 * Get Task (the tool variants n8n derives from `usableAsTool`) against the sandbox API. One chain
 * is a chat (Chat Trigger, streamed, Responses API: what a new OpenAI Chat Model uses), the other a
 * webhook (answer at the end, Chat Completions API).
 */
import { eventually } from '../harness/eventually';
import { generateVideoNode, getTaskNode, HAILUO_TYPE } from '../harness/workflows';
import type { ModelRequest, ToolResult } from './agent-model';
import { ScriptedModel } from './agent-model';
import type { N8nInstance, Workflow } from './instance';
import { useE2eSession } from './session';

const OPENAI_CREDENTIAL = { id: 'hailuoE2eOpenAi01', name: 'Scripted model' };
const model = new ScriptedModel();
const session = useE2eSession({
	sandbox: { jobMs: 1500 },
	servers: [model],
	credentials: () => [
		{ ...OPENAI_CREDENTIAL, type: 'openAiApi', data: { apiKey: 'sk-scripted', url: model.url } },
	],
});
const { sandbox } = session;
let n8n: N8nInstance;

const WORKFLOW_ID = 'hailuoE2eAgent001';
const CHAT_WEBHOOK_ID = 'hailuo-e2e-agent-chat';
const HOOK_PATH = 'hailuo-e2e-agent';

const PROMPT_HINT =
	'What should happen in the video, in one or two sentences (at most 2000 characters); ' +
	'camera moves in brackets such as [Push in] or [Pan left] are understood';
const IMAGE_URL_HINT =
	'Public http(s) link to the first frame: a JPEG, PNG or WebP image the user gave';
const TASK_ID_HINT = 'The taskId that a Hailuo Generate Video tool returned';

/** The `$fromAI()` expressions docs/ai-agent.md recommends. */
const PROMPT = `={{ $fromAI('Prompt', '${PROMPT_HINT}', 'string') }}`;
const IMAGE_URL = `={{ $fromAI('Image_URL', '${IMAGE_URL_HINT}', 'string') }}`;
const TASK_ID = `={{ $fromAI('Task_ID', '${TASK_ID_HINT}', 'string') }}`;

/** The tool variant n8n derives from `usableAsTool`, named and placed. */
const asTool = (name: string, y: number) => ({
	name,
	type: `${HAILUO_TYPE}Tool`,
	position: [600, y] as [number, number],
});

const chatModel = (name: string, y: number, parameters: Record<string, unknown> = {}) => ({
	id: `model-${name.replace(/\W/g, '')}`,
	name,
	type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
	typeVersion: 1.3,
	position: [200, y],
	parameters: {
		model: { __rl: true, mode: 'id', value: 'scripted-model' },
		options: {},
		...parameters,
	},
	credentials: { openAiApi: OPENAI_CREDENTIAL },
});

const agent = (name: string, y: number, parameters: Record<string, unknown>) => ({
	id: `agent-${name.replace(/\W/g, '')}`,
	name,
	type: '@n8n/n8n-nodes-langchain.agent',
	typeVersion: 3.1,
	position: [400, y],
	parameters: { options: {}, ...parameters },
});

const TOOLS = ['Generate Video', 'Get Task', 'Generate Video Later', 'Animate Attached File'];

/** Both chains share the four tools: a chat and a webhook, each with its own agent and model. */
const workflow: Workflow = {
	id: WORKFLOW_ID,
	name: 'Hailuo tools for an AI Agent',
	nodes: [
		{
			id: 'chat',
			name: 'Chat',
			type: '@n8n/n8n-nodes-langchain.chatTrigger',
			typeVersion: 1.3,
			position: [0, 0],
			webhookId: CHAT_WEBHOOK_ID,
			parameters: { public: true, mode: 'webhook', options: { responseMode: 'streaming' } },
		},
		{
			id: 'hook',
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 400],
			webhookId: HOOK_PATH,
			parameters: { httpMethod: 'POST', path: HOOK_PATH, responseMode: 'lastNode', options: {} },
		},
		agent('Chat Agent', 0, {}),
		agent('Webhook Agent', 400, { promptType: 'define', text: '={{ $json.body.message }}' }),
		chatModel('Responses Model', 200),
		chatModel('Completions Model', 600, { responsesApiEnabled: false }),
		generateVideoNode(
			{ resource: 'video', prompt: PROMPT, imageUrl: IMAGE_URL },
			asTool('Generate Video', 200),
		),
		getTaskNode(TASK_ID, { resource: 'video' }, asTool('Get Task', 300)),
		generateVideoNode(
			{ resource: 'video', prompt: PROMPT, imageUrl: IMAGE_URL, waitMode: 'callback' },
			asTool('Generate Video Later', 400),
		),
		generateVideoNode(
			{ resource: 'video', prompt: PROMPT, imageSource: 'binary' },
			asTool('Animate Attached File', 500),
		),
	],
	connections: {
		Chat: { main: [[{ node: 'Chat Agent', type: 'main', index: 0 }]] },
		Webhook: { main: [[{ node: 'Webhook Agent', type: 'main', index: 0 }]] },
		'Responses Model': {
			ai_languageModel: [[{ node: 'Chat Agent', type: 'ai_languageModel', index: 0 }]],
		},
		'Completions Model': {
			ai_languageModel: [[{ node: 'Webhook Agent', type: 'ai_languageModel', index: 0 }]],
		},
		...Object.fromEntries(
			TOOLS.map((name) => [
				name,
				{
					ai_tool: [
						[
							{ node: 'Chat Agent', type: 'ai_tool', index: 0 },
							{ node: 'Webhook Agent', type: 'ai_tool', index: 0 },
						],
					],
				},
			]),
		),
	},
};

/** Sends a chat message; returns the streamed answer's text and the chunks it came in. */
async function chat(message: string) {
	const response = await fetch(`${n8n.baseUrl}/webhook/${CHAT_WEBHOOK_ID}/chat`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ action: 'sendMessage', sessionId: 'e2e-session', chatInput: message }),
	});
	const raw = await response.text();
	const chunks = raw
		.split('\n')
		.filter((line) => line.trim() !== '')
		.map((line) => JSON.parse(line) as { type: string; content?: string });
	const text = chunks
		.filter((chunk) => chunk.type === 'item')
		.map((chunk) => chunk.content ?? '')
		.join('');
	return { status: response.status, text, chunks, raw };
}

/** Calls the webhook chain; returns the agent's answer. */
async function ask(message: string) {
	const response = await fetch(`${n8n.baseUrl}/webhook/${HOOK_PATH}`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ message }),
	});
	const raw = await response.text();
	return { status: response.status, raw, output: (JSON.parse(raw) as { output?: string }).output };
}

/** A tool result as the model got it: n8n sends the tool's output items as a JSON list. */
const itemsOf = (result: ToolResult | undefined) =>
	JSON.parse(result?.output ?? 'null') as Array<Record<string, unknown>>;

/** What to show when an expectation fails: what the model saw and what n8n logged. */
const diagnosis = () => ({
	modelProblems: model.problems,
	requests: model.requests.map(({ api, stream, userText, toolResults }: ModelRequest) => ({
		api,
		stream,
		userText,
		toolResults,
	})),
	n8nLog: n8n.log.split('\n').slice(-15),
});

beforeAll(
	async () => {
		n8n = session.n8n;
		await n8n.importWorkflow(workflow);
		await n8n.publish(WORKFLOW_ID);
		await n8n.start();
		// Ready is not yet active: n8n registers the published workflow's webhooks a moment later.
		await eventually(() => n8n.log.includes(`Activated workflow "${workflow.name}"`), 60_000, 200);
	},
	10 * 60 * 1000,
);

describe('Hailuo as tools of an AI Agent in a real n8n', () => {
	test('one tool per operation, described by its action, with the $fromAI() arguments as its parameters', async () => {
		model.use(() => ({ text: 'Hello.' }));
		const answer = await ask('Hello');
		expect({ answer: answer.output, diagnosis: diagnosis() }).toMatchObject({ answer: 'Hello.' });
		const [request] = model.requests;
		expect(request).toMatchObject({ api: 'chat', stream: false, userText: ['Hello'] });
		const tools = Object.fromEntries(request.tools.map((entry) => [entry.name, entry]));
		expect(Object.keys(tools).sort()).toEqual([
			'Animate_Attached_File',
			'Generate_Video',
			'Generate_Video_Later',
			'Get_Task',
		]);
		expect(tools.Generate_Video.description).toBe('Generate a video from an image in Hailuo');
		expect(tools.Get_Task.description).toBe(
			'Get the status and video URL of a video task in Hailuo',
		);
		expect(tools.Generate_Video.parameters).toMatchObject({
			type: 'object',
			properties: {
				Prompt: { type: 'string', description: PROMPT_HINT },
				Image_URL: { type: 'string', description: IMAGE_URL_HINT },
			},
			required: expect.arrayContaining(['Prompt', 'Image_URL']),
		});
		expect(Object.keys(tools.Generate_Video.parameters.properties as object)).toHaveLength(2);
		expect(tools.Get_Task.parameters).toMatchObject({
			properties: { Task_ID: { type: 'string', description: TASK_ID_HINT } },
			required: ['Task_ID'],
		});
		expect(sandbox.requests).toHaveLength(0);
	});

	test('in a chat (streamed, Responses API) the agent makes a video and answers with its URL', async () => {
		const creates = sandbox.requestsTo('create').length;
		model.use((request) => {
			if (request.toolResults.length === 0) {
				return {
					toolCalls: [
						{
							name: 'Generate_Video',
							arguments: {
								Prompt: 'The sneaker turns slowly on its pedestal [Push in]',
								Image_URL: 'https://example.com/sneaker.jpg',
							},
						},
					],
				};
			}
			const [result] = itemsOf(request.toolResults[0]);
			return { text: `Your video is ready: ${String(result.videoUrl)}` };
		});
		const answer = await chat('Make a video of https://example.com/sneaker.jpg turning slowly');
		expect({ status: answer.status, diagnosis: diagnosis() }).toMatchObject({ status: 200 });

		expect(model.requests.map(({ api, stream }) => `${api}${stream ? ' streamed' : ''}`)).toEqual([
			'responses streamed',
			'responses streamed',
		]);
		expect(
			sandbox
				.requestsTo('create')
				.slice(creates)
				.map((request) => request.json),
		).toEqual([
			{
				model: 'hailuo/2-3-image-to-video-standard',
				prompt: 'The sneaker turns slowly on its pedestal [Push in]',
				image: 'https://example.com/sneaker.jpg',
				duration: '6',
				resolution: '768P',
			},
		]);
		const result = model.requests[1].toolResults[0];
		expect(result).toMatchObject({ name: 'Generate_Video' });
		const [item] = itemsOf(result);
		const taskId = String(item.taskId);
		expect(item).toEqual({
			taskId: expect.stringMatching(/^task_/),
			status: 'succeeded',
			videoUrl: expect.stringMatching(new RegExp(`/files/${taskId}\\.mp4$`)),
			error: null,
			estimatedCredits: 30,
			nextStep: 'The video is ready at videoUrl; the link lasts a few hours.',
		});
		expect(result.output.length).toBeLessThan(400);
		expect(sandbox.requestsTo('video')).toHaveLength(0);
		expect(answer.text).toBe(`Your video is ready: ${String(item.videoUrl)}`);
		expect(answer.chunks.filter((chunk) => chunk.type === 'item').length).toBeGreaterThan(1);
	});

	test('through a webhook (Chat Completions), Get Task reads the task the model names', async () => {
		const { taskId } = sandbox.finishedTask();
		model.use((request) => {
			if (request.toolResults.length === 0) {
				return { toolCalls: [{ name: 'Get_Task', arguments: { Task_ID: taskId } }] };
			}
			const [result] = itemsOf(request.toolResults[0]);
			return { text: `Task ${taskId} has ${String(result.status)}: ${String(result.videoUrl)}` };
		});
		const answer = await ask(`Is my video ${taskId} done?`);
		expect({ status: answer.status, diagnosis: diagnosis() }).toMatchObject({ status: 200 });
		const [item] = itemsOf(model.requests[1]?.toolResults[0]);
		expect(item).toEqual({
			taskId,
			status: 'succeeded',
			videoUrl: expect.stringContaining(`/files/${taskId}.mp4`),
			error: null,
			nextStep: expect.any(String),
		});
		expect(answer.output).toBe(`Task ${taskId} has succeeded: ${String(item.videoUrl)}`);
	});

	test('tools set to Wait for Callback or binary input answer the model with the fix, and start no job', async () => {
		const before = sandbox.requests.length;
		model.use((request) => {
			if (request.toolResults.length === 0) {
				const Prompt = 'The sneaker turns slowly';
				return {
					toolCalls: [
						{
							name: 'Generate_Video_Later',
							arguments: { Prompt, Image_URL: 'https://example.com/sneaker.jpg' },
						},
						{ name: 'Animate_Attached_File', arguments: { Prompt } },
					],
				};
			}
			return { text: `I could not start it: ${request.toolResults.length} tools refused.` };
		});
		const answer = await ask('Make a video of my sneaker, and tell me when it is ready');
		expect({ status: answer.status, diagnosis: diagnosis() }).toMatchObject({ status: 200 });
		const results = Object.fromEntries(
			(model.requests[1]?.toolResults ?? []).map((result) => [result.name, itemsOf(result)]),
		);
		expect(results).toEqual({
			Generate_Video_Later: [
				{
					error: expect.stringMatching(
						/^This Hailuo tool is set to Wait Mode "Wait for Callback", which cannot answer an AI Agent/,
					),
				},
			],
			Animate_Attached_File: [
				{
					error: expect.stringMatching(
						/^This Hailuo tool is set to Image Source "Binary File From Input", which cannot work in a tool/,
					),
				},
			],
		});
		for (const [result] of Object.values(results)) {
			expect(result.error).toContain('Nothing was sent to the API and no credits were used.');
			expect(result.error).toContain('Tell the user to set');
		}
		expect(answer.output).toBe('I could not start it: 2 tools refused.');
		expect(sandbox.requests.length).toBe(before);
	});

	test("n8n's log never shows the Hailuo API key", () => {
		expect(n8n.log.length).toBeGreaterThan(0);
		expect(n8n.log).not.toContain(sandbox.apiKey);
	});
});
