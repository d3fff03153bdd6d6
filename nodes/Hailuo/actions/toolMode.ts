import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	NodeApiError,
} from 'n8n-workflow';
import { isToolType, NodeOperationError } from 'n8n-workflow';

import { rawParameter } from '../helpers/parameters';
import { imageSourceField } from '../helpers/requestFields';
import { pollIntervalField, waitModeField } from './video/waitForVideo';

/**
 * How the node behaves when an AI Agent calls it as a tool ("Hailuo Tool"): what it refuses, the
 * defaults it uses, and the compact answer the model reads. The router and the operations call in.
 */

/**
 * Whether this run is a tool call. The AI Agent of n8n 2.x runs a tool as a node of the "…Tool"
 * type n8n derives from `usableAsTool`, in an ordinary execute context (whose `isToolExecution()`
 * says false); callers that wrap the node as a LangChain tool run it in a supply-data context,
 * whose `isToolExecution()` says true.
 */
export function runsAsTool(context: IExecuteFunctions): boolean {
	return isToolType(context.getNode().type) || context.isToolExecution?.() === true;
}

const NOTHING_SPENT = 'Nothing was sent to the API and no credits were used.';

/** Choices a tool call can never honour, refused before anything is read or sent. */
export function refuseToolDeadEnds(context: IExecuteFunctions, i: number): void {
	const refuse = (message: string, fix: string) => {
		throw new NodeOperationError(context.getNode(), `${message} ${NOTHING_SPENT} ${fix}`, {
			itemIndex: i,
			description: fix,
		});
	};
	if (rawParameter(context, waitModeField, i) === 'callback') {
		refuse(
			'This Hailuo tool is set to Wait Mode "Wait for Callback", which cannot answer an AI Agent: ' +
				'the run would park until the video is ready, and the agent would never get the result.',
			'Tell the user to set the tool\'s Wait Mode to "Wait Until Done (Poll)", or to "Return Task ' +
				'Immediately" together with a Hailuo "Get Task" tool.',
		);
	}
	if (rawParameter(context, imageSourceField, i) === 'binary') {
		refuse(
			'This Hailuo tool is set to Image Source "Binary File From Input", which cannot work in a ' +
				"tool: a tool receives only the model's arguments, never files.",
			'Tell the user to set the tool\'s Image Source to "Image URL", so that the model can pass a ' +
				'public link to the image.',
		);
	}
}

/**
 * Defaults for a tool call, for options the user left unset: no download (the model never sees
 * a file), reads as often as Poll Interval allows (the batch's pace still bounds them), and
 * a running task handed back at Max Wait so the model can read it later with Get Task.
 */
export const TOOL_DEFAULTS: IDataObject = {
	download: false,
	pollInterval: pollIntervalField.property.typeOptions.minValue,
	onTimeout: 'output',
};

/** What the model may do next with a task in this state. */
function nextStep(status: unknown): string | undefined {
	switch (status) {
		case 'succeeded':
			return 'The video is ready at videoUrl; the link lasts a few hours.';
		case 'failed':
		case 'canceled':
			return 'Failed jobs are not billed; another image or prompt may work.';
		case 'queued':
		case 'running':
		case 'unknown':
			return (
				'Not finished yet (a video usually takes 1-2 minutes). Read it again later by this ' +
				'taskId with the Hailuo Get Task tool.'
			);
		default:
			return undefined;
	}
}

/**
 * What the model reads for a task: its ID, state, video URL, error and estimated cost, and the
 * next step, without the upstream answer (`raw`) or the wait trace. A file, if asked for, stays.
 */
export function answerForModel(item: INodeExecutionData): INodeExecutionData {
	const { json } = item;
	const answer: IDataObject = {
		taskId: json.taskId ?? null,
		status: json.status ?? null,
		videoUrl: json.videoUrl ?? null,
		error: json.error ?? null,
	};
	for (const key of ['estimatedCredits', 'estimateNote', 'timedOut']) {
		if (json[key] !== undefined) answer[key] = json[key];
	}
	const next = nextStep(json.status);
	if (next) answer.nextStep = next;
	return { ...item, json: answer };
}

/**
 * An agent hands the model only an error's message, so the message takes the description (what
 * to do) along, in the form n8n itself uses for tool errors.
 */
export function explainForModel(error: NodeApiError | NodeOperationError): void {
	const { description } = error;
	if (description && !error.message.includes(description)) {
		error.message = `${error.message}\n\nDetails: ${description}`;
	}
}
