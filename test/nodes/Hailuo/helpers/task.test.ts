import shapes from '../../../fixtures/task-shapes.json';
import type { Shape } from '../../../sandbox/server';
import { taskBody } from '../../../sandbox/server';
import { normaliseStatus, normaliseTask } from '../../../../nodes/Hailuo/helpers/task';

describe('normaliseTask', () => {
	test.each(Object.entries(shapes))(
		'reads the recorded %s shape',
		(_name, { body, expect: expected }) => {
			const task = normaliseTask(body);
			expect(task).toMatchObject(expected);
			expect(task.raw).toBe(body);
		},
	);

	const sellers: Shape[] = ['apiinone', 'kie', 'piapi', 'wavespeed', 'replicate', 'minimax', 'fal'];
	test.each(sellers)('reads the sandbox %s shape through a whole job', (shape) => {
		const url = 'https://cdn.example.com/done.mp4';
		const states = {
			apiinone: ['PENDING', 'IN_PROGRESS', 'SUCCESS', 'FAILED'],
			kie: ['waiting', 'generating', 'success', 'fail'],
			piapi: ['pending', 'processing', 'completed', 'failed'],
			wavespeed: ['created', 'processing', 'completed', 'failed'],
			replicate: ['starting', 'processing', 'succeeded', 'failed'],
			minimax: ['Queueing', 'Processing', 'Success', 'Fail'],
			fal: ['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED', 'FAILED'],
		}[shape];
		expect(normaliseTask(taskBody(shape, 'id_1', states[0], null, null))).toMatchObject({
			taskId: 'id_1',
			status: 'queued',
			videoUrl: null,
		});
		expect(normaliseTask(taskBody(shape, 'id_1', states[1], null, null)).status).toBe('running');
		expect(normaliseTask(taskBody(shape, 'id_1', states[2], url, null))).toMatchObject({
			status: 'succeeded',
			rawStatus: states[2],
			videoUrl: url,
		});
		expect(normaliseTask(taskBody(shape, 'id_1', states[3], null, 'nsfw image'))).toMatchObject({
			status: 'failed',
			error: 'nsfw image',
		});
	});

	test('does not take an http URL that is not a result (the request image) for the video', () => {
		const task = normaliseTask({
			data: { task_id: 't', status: 'processing', input: { image: 'https://x/img.jpg' } },
		});
		expect(task.videoUrl).toBeNull();
	});

	test('a resultJson that is not JSON gives no URL rather than an error', () => {
		expect(
			normaliseTask({ data: { taskId: 't', state: 'success', resultJson: '{broken' } }).videoUrl,
		).toBeNull();
	});

	test.each([null, 'text', 42, [], [{ status: 'success' }]])(
		'non-object body %p is an unknown task',
		(body) => {
			expect(normaliseTask(body)).toMatchObject({
				taskId: null,
				status: 'unknown',
				rawStatus: null,
				videoUrl: null,
			});
		},
	);
});

describe('normaliseStatus', () => {
	test.each([
		['waiting', 'queued'],
		['QUEUING', 'queued'],
		['Queueing', 'queued'],
		['pending', 'queued'],
		['Preparing', 'queued'],
		['in_queue', 'queued'],
		['created', 'queued'],
		['starting', 'queued'],
		['submitted', 'queued'],
		['IN_PROGRESS', 'running'],
		['in-progress', 'running'],
		['Processing', 'running'],
		['generating', 'running'],
		['RUNNING', 'running'],
		['success', 'succeeded'],
		['Success', 'succeeded'],
		['SUCCEEDED', 'succeeded'],
		['completed', 'succeeded'],
		['COMPLETED', 'succeeded'],
		['fail', 'failed'],
		['Fail', 'failed'],
		['FAILED', 'failed'],
		['error', 'failed'],
		['canceled', 'canceled'],
		['CANCELLED', 'canceled'],
		['mystery', 'unknown'],
		[null, 'unknown'],
	])('%p → %p', (raw, expected) => {
		expect(normaliseStatus(raw)).toBe(expected);
	});
});
