import type { IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import {
	answerForModel,
	explainForModel,
	runsAsTool,
} from '../../../../nodes/Hailuo/actions/toolMode';

const node = (type: string) => ({ name: 'Hailuo', type }) as INode;
const context = (type: string, isToolExecution?: () => boolean) =>
	({ getNode: () => node(type), isToolExecution }) as unknown as IExecuteFunctions;

describe('runsAsTool', () => {
	test("an AI Agent's engine runs the node as its Tool type, in an ordinary execute context", () => {
		expect(runsAsTool(context('n8n-nodes-hailuo.hailuoTool', () => false))).toBe(true);
	});

	test('a supply-data caller says so with isToolExecution()', () => {
		expect(runsAsTool(context('n8n-nodes-hailuo.hailuo', () => true))).toBe(true);
	});

	test('a normal run is no tool call, on hosts with or without isToolExecution()', () => {
		expect(runsAsTool(context('n8n-nodes-hailuo.hailuo', () => false))).toBe(false);
		expect(runsAsTool(context('n8n-nodes-hailuo.hailuo'))).toBe(false);
	});
});

describe('answerForModel', () => {
	test('a failed task: its reason, and that it costs nothing', () => {
		const item = answerForModel({
			json: {
				taskId: 't1',
				status: 'failed',
				rawStatus: 'FAILED',
				videoUrl: null,
				error: 'sensitive content',
				raw: { data: { state: 'FAILED' } },
			},
		});
		expect(item.json).toEqual({
			taskId: 't1',
			status: 'failed',
			videoUrl: null,
			error: 'sensitive content',
			nextStep: 'Failed jobs are not billed; another image or prompt may work.',
		});
	});

	test('keeps a file that was asked for, and the keys it knows only when present', () => {
		const binary = { data: { data: '', mimeType: 'video/mp4' } };
		const item = answerForModel({
			json: { taskId: 't2', status: 'weird', estimatedCredits: null, wait: { polls: 3 } },
			binary,
		});
		expect(item).toEqual({
			json: { taskId: 't2', status: 'weird', videoUrl: null, error: null, estimatedCredits: null },
			binary,
		});
	});
});

describe('explainForModel', () => {
	test('puts the description into the message once, as n8n does for tool errors', () => {
		const error = new NodeOperationError(node('x'), 'It failed', { description: 'Do this.' });
		explainForModel(error);
		explainForModel(error);
		expect(error.message).toBe('It failed\n\nDetails: Do this.');
		const api = new NodeApiError(node('x'), { message: 'boom' }, { message: 'API failed' });
		explainForModel(api);
		expect(api.message).toBe('API failed\n\nDetails: boom');
	});

	test('an error without a description is left as it is', () => {
		const error = new NodeOperationError(node('x'), 'It failed');
		explainForModel(error);
		expect(error.message).toBe('It failed');
	});
});
