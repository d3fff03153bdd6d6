import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	NodeApiError,
	NodeOperationError,
} from 'n8n-workflow';
import { isToolType } from 'n8n-workflow';

/**
 * How the node answers when an AI Agent calls it as a tool ("Hailuo Tool"): whether it is one, and
 * the compact answer and errors the model reads. What Generate Video refuses and defaults to as a
 * tool is its own (video/asTool.ts).
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
