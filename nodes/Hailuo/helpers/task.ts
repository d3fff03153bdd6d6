import type { IDataObject } from 'n8n-workflow';

import type { JsonObject } from '../guards/json';
import { asObject, errorTextOf, textOf } from '../guards/json';
import { isHttpUrl } from '../guards/url';

export type TaskStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled' | 'unknown';

export interface NormalisedTask {
	taskId: string | null;
	status: TaskStatus;
	rawStatus: string | null;
	videoUrl: string | null;
	error: string | null;
	raw: unknown;
}

// State names of API in One, kie.ai, MiniMax, PiAPI, WaveSpeed, Replicate and fal, lower-cased.
const STATUS_BY_NAME: Record<string, TaskStatus> = {
	pending: 'queued',
	waiting: 'queued',
	queuing: 'queued',
	queueing: 'queued',
	queued: 'queued',
	in_queue: 'queued',
	submitted: 'queued',
	created: 'queued',
	preparing: 'queued',
	starting: 'queued',
	not_start: 'queued',
	in_progress: 'running',
	processing: 'running',
	generating: 'running',
	running: 'running',
	started: 'running',
	success: 'succeeded',
	succeeded: 'succeeded',
	succeed: 'succeeded',
	successful: 'succeeded',
	completed: 'succeeded',
	complete: 'succeeded',
	finished: 'succeeded',
	done: 'succeeded',
	fail: 'failed',
	failed: 'failed',
	failure: 'failed',
	error: 'failed',
	canceled: 'canceled',
	cancelled: 'canceled',
};

export const FINAL_STATUSES: readonly TaskStatus[] = ['succeeded', 'failed', 'canceled'];

/** kie.ai sends its result as a JSON string; anything unparsable simply has no URL. */
const asObjectOrJsonText = (value: unknown): JsonObject | undefined => {
	if (typeof value !== 'string') return asObject(value);
	try {
		return asObject(JSON.parse(value));
	} catch {
		return undefined;
	}
};

const text = (value: unknown): string | null => textOf(value) ?? null;

const firstText = (objects: JsonObject[], keys: string[]): string | null => {
	for (const object of objects) {
		for (const key of keys) {
			const found = text(object[key]);
			if (found !== null) return found;
		}
	}
	return null;
};

/** Finds a video URL in the places the known sellers put it: a string, a list, or a nested object. */
function findUrl(value: unknown, depth = 0): string | null {
	if (isHttpUrl(value)) return value.trim();
	if (depth > 3) return null;
	if (Array.isArray(value)) {
		for (const entry of value) {
			const found = findUrl(entry, depth + 1);
			if (found) return found;
		}
		return null;
	}
	const object = asObjectOrJsonText(value);
	if (!object) return null;
	for (const key of URL_KEYS) {
		if (key in object) {
			const found = findUrl(object[key], depth + 1);
			if (found) return found;
		}
	}
	return null;
}

const URL_KEYS = [
	'video_url',
	'videoUrl',
	'resultUrls',
	'result_urls',
	'download_url',
	'downloadUrl',
	'url',
	'video',
	'videos',
	'output',
	'outputs',
	'result',
	'resultJson',
	'result_json',
	'response',
	'file',
	'works',
	'resource',
];

export function normaliseStatus(rawStatus: string | null): TaskStatus {
	if (rawStatus === null) return 'unknown';
	const key = rawStatus
		.trim()
		.toLowerCase()
		.replace(/[\s-]+/g, '_');
	return STATUS_BY_NAME[key] ?? 'unknown';
}

/** The bodies to read, innermost first: `data` (and `data.task`), then the top level. */
function layers(body: unknown): JsonObject[] {
	const top = asObject(body);
	if (!top) return [];
	const data = asObject(top.data);
	const nested = data ? asObject(data.task) : undefined;
	return [nested, data, top].filter((layer): layer is JsonObject => layer !== undefined);
}

const describeError = (value: unknown): string | null => errorTextOf(value) ?? null;

/** MiniMax puts the reason of a failed task in `base_resp.status_msg`. */
const baseRespMessage = (objects: JsonObject[]): string | null => {
	const message = firstText(
		objects
			.map((object) => asObject(object.base_resp))
			.filter((found): found is JsonObject => found !== undefined),
		['status_msg'],
	);
	return message && !/^success$/i.test(message) ? message : null;
};

/** Reads any documented task shape into one normalised task; `knownTaskId` fills a missing id. */
export function normaliseTask(body: unknown, knownTaskId: string | null = null): NormalisedTask {
	const objects = layers(body);
	const rawStatus = firstText(objects, ['status', 'state', 'task_status', 'taskStatus']);
	let status = normaliseStatus(rawStatus);
	let videoUrl: string | null = null;
	for (const object of objects) {
		videoUrl = findUrl(object);
		if (videoUrl) break;
	}
	// A bare final answer with a video and no state (fal's response object) is a success.
	if (status === 'unknown' && rawStatus === null && videoUrl) status = 'succeeded';

	let error: string | null = null;
	if (status === 'failed' || status === 'canceled') {
		error =
			firstText(objects, ['failMsg', 'fail_msg', 'error_message', 'errorMessage', 'fail_reason']) ??
			objects.map((object) => describeError(object.error)).find((found) => found) ??
			firstText(objects.slice(0, -1), ['message', 'msg']) ??
			baseRespMessage(objects) ??
			firstText(objects, ['failCode', 'fail_code']) ??
			null;
	}

	return {
		taskId:
			firstText(objects, ['task_id', 'taskId', 'id', 'request_id', 'requestId']) ?? knownTaskId,
		status,
		rawStatus,
		videoUrl,
		error,
		raw: body,
	};
}

/** The task as an output item's JSON (n8n wants plain data). */
export function taskToJson(task: NormalisedTask): IDataObject {
	return { ...task, raw: (asObject(task.raw) ?? { body: task.raw }) as IDataObject };
}
