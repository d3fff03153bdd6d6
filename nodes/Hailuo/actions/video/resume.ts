import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { unreachableResumeOrigin } from '../../guards/publicHost';
import { downloadChoice } from '../../helpers/downloadOptions';
import { rawParameter, readOptions } from '../../helpers/parameters';
import { estimateRequest } from '../../helpers/pricing';
import type { RequestFields } from '../../helpers/requestBody';
import {
	callbackUrlField,
	durationField,
	extraBodyField,
	modelField,
	resolutionField,
} from '../../helpers/requestFields';
import { FINAL_STATUSES, normaliseTask } from '../../helpers/task';
import { challengeOf } from '../../helpers/webhook';
import { getConnection } from '../../transport';
import { taskToItem } from '../taskItem';
import { videoDownloadFields, waitModeField } from './waitForVideo';

/**
 * The URL "Wait for Callback" sends as `callback_url`: n8n's own resume URL for this execution
 * (signed in n8n 2.x; the query must be kept). Refused, before anything is sent, when n8n built it
 * on this machine only while the API is elsewhere: the callback could never come, and the run
 * would wait until Max Wait and then pass its input on.
 */
export async function callbackResumeUrl(this: IExecuteFunctions, i: number): Promise<string> {
	const resumeUrl = String(this.evaluateExpression('{{ $execution.resumeUrl }}', i));
	const { baseUrl } = await getConnection.call(this);
	const origin = unreachableResumeOrigin(resumeUrl, baseUrl);
	if (origin === undefined) return resumeUrl;
	throw new NodeOperationError(
		this.getNode(),
		`"Wait for Callback" cannot work here: n8n's resume URL for this run starts with ${origin}, ` +
			`which only this machine can reach, so the API at ${new URL(baseUrl).host} could never call back`,
		{
			itemIndex: i,
			description:
				"Set N8N_WEBHOOK_URL (WEBHOOK_URL in older n8n versions) to n8n's public address " +
				'(e.g. https://n8n.example.com/) on every n8n process, in queue mode the workers ' +
				'included, and restart them; or use "Wait Until Done (Poll)". Nothing was sent to the ' +
				'API and no credits were used.',
		},
	);
}

const WAIT_MODE = waitModeField.property.displayName;
const CALLBACK_URL = callbackUrlField.property.displayName;
const EXTRA = extraBodyField.property.displayName;

/**
 * What "Wait for Callback" cannot work with: the node sends the execution's own resume URL as
 * `callback_url`, and there is one resume URL per execution.
 */
export function callbackModeProblem(
	itemCount: number,
	fields: Pick<RequestFields, 'callbackUrl' | 'extraBody'>,
): { field: string; problem: string } | undefined {
	if (itemCount > 1) {
		// A second item's callback would find the run already resumed.
		return {
			field: WAIT_MODE,
			problem:
				'"Wait for Callback" takes one item per run; use "Wait Until Done (Poll)" for ' +
				'batches, or put the node in a Loop Over Items',
		};
	}
	if (fields.callbackUrl !== undefined) {
		return {
			field: CALLBACK_URL,
			problem: 'leave it empty with "Wait for Callback": the node sends its own resume URL',
		};
	}
	if ('callback_url' in fields.extraBody) {
		return {
			field: EXTRA,
			problem:
				'"callback_url" cannot be set with "Wait for Callback": the node sends its own resume ' +
				'URL there, and the run would wait for a call that never comes',
		};
	}
	return undefined;
}

/**
 * Resumes a run parked by "Wait for Callback": a `{challenge}` is echoed and a progress report is
 * acknowledged (both keep the run waiting); a final state becomes the node's output. When the video
 * is to be downloaded, the API's callback is answered first, so a large file never holds it open;
 * a download that then fails resumes the run without the file, the reason in `downloadError`.
 */
export async function resume(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const body: unknown = this.getBodyData();
	const challenge = challengeOf(body);
	if (challenge !== undefined) return { webhookResponse: { challenge } };
	const task = normaliseTask(body);
	if (!FINAL_STATUSES.includes(task.status)) return { webhookResponse: { received: true } };

	const { estimatedCredits } = estimateRequest({
		model: modelField.shape(rawParameter(this, modelField)),
		duration: durationField.shape(rawParameter(this, durationField)),
		resolution: resolutionField.shape(rawParameter(this, resolutionField)),
	});
	const extra: IDataObject = estimatedCredits === null ? {} : { estimatedCredits };
	const download = downloadChoice(readOptions(this, videoDownloadFields));
	if (download === null || task.status !== 'succeeded') {
		const item = await taskToItem.call(this, task, { extra });
		return {
			workflowData: [[{ ...item, pairedItem: { item: 0 } }]],
			webhookResponse: { received: true },
		};
	}
	this.getResponseObject().status(200).json({ received: true });
	let item: INodeExecutionData;
	try {
		item = await taskToItem.call(this, task, { download, extra });
	} catch (error) {
		// The API was told the callback arrived, so it will not send it again: the run goes on.
		const { message, description } =
			error instanceof NodeApiError || error instanceof NodeOperationError
				? { message: error.message, description: error.description ?? '' }
				: { message: String(error), description: '' };
		this.logger.warn(`Hailuo resumed the run without the video: ${message}`);
		const downloadError = {
			message,
			description: description || 'Use Get Task with the task ID to fetch the video again.',
		};
		item = await taskToItem.call(this, task, { extra: { ...extra, downloadError } });
	}
	return { workflowData: [[{ ...item, pairedItem: { item: 0 } }]], noWebhookResponse: true };
}
