/**
 * The package's nodes as a saved workflow holds them (type, typeVersion, parameters, credential),
 * for the integration tests (run through n8n-core here) and the end-to-end tests (imported into a
 * real n8n) alike. A test names only the parameters it is about; `change` overrides the rest of
 * the node (name, position, onError, webhookId, type…).
 */
import { randomUUID } from 'node:crypto';

import type { INode, INodeParameters } from 'n8n-workflow';

export const PACKAGE_NAME = 'n8n-nodes-hailuo';
export const HAILUO_TYPE = `${PACKAGE_NAME}.hailuo`;
export const TRIGGER_TYPE = `${PACKAGE_NAME}.hailuoTrigger`;

/** The credential every test workflow names; each run supplies its data (the sandbox's). */
export const CREDENTIAL = { id: 'hailuoE2eCred0001', name: 'Hailuo sandbox' };

/** A valid prompt and image, for tests that are about something else. */
export const SAMPLE = {
	prompt: 'The camera pushes in on a steaming cup [Push in]',
	imageUrl: 'https://example.com/cup.jpg',
};

/** A node of a saved workflow: n8n's INode, loose enough for the e2e tests' JSON. */
export type SavedNode = INode & Record<string, unknown>;

type Parameters = Record<string, unknown>;

function node(type: string, name: string, parameters: Parameters, change: Partial<INode>) {
	const saved: SavedNode = {
		id: name.toLowerCase().replace(/\W+/g, '-'),
		name,
		type,
		typeVersion: 1,
		position: [240, 0],
		parameters: parameters as INodeParameters,
		credentials: { hailuoApi: CREDENTIAL },
		...change,
	};
	return saved;
}

/** Hailuo → Generate Video with SAMPLE's prompt and image (unless the image is a binary) unless given. */
export function generateVideoNode(parameters: Parameters = {}, change: Partial<INode> = {}) {
	const { prompt, imageUrl } = SAMPLE;
	const image = parameters.imageSource === 'binary' ? {} : { imageUrl };
	return node(
		HAILUO_TYPE,
		change.name ?? 'Hailuo',
		{ operation: 'generateVideo', prompt, ...image, ...parameters },
		change,
	);
}

/** Hailuo → Get Task for `taskId` (an id or an expression). */
export const getTaskNode = (
	taskId: string,
	parameters: Parameters = {},
	change: Partial<INode> = {},
) =>
	node(
		HAILUO_TYPE,
		change.name ?? 'Hailuo',
		{ operation: 'getTask', taskId, ...parameters },
		change,
	);

/** Hailuo Trigger, first in its workflow; give `webhookId` where the path must be known. */
export const triggerNode = (parameters: Parameters, change: Partial<INode> = {}) =>
	node(TRIGGER_TYPE, change.name ?? 'Hailuo Trigger', parameters, {
		position: [0, 0],
		webhookId: randomUUID(),
		...change,
	});
