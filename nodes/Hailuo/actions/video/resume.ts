import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { downloadChoice, readOptions } from '../../helpers/options';
import { estimateCredits } from '../../helpers/pricing';
import { unreachableResumeOrigin } from '../../helpers/requestBody';
import { DURATIONS, MODELS, RESOLUTIONS, videoChoiceSchema } from '../../helpers/schemas';
import { FINAL_STATUSES, normaliseTask } from '../../helpers/task';
import { challengeOf } from '../../helpers/webhook';
import { getConnection } from '../../transport';
import { taskToItem } from '../taskItem';

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

	const choice = videoChoiceSchema.safeParse({
		model: this.getNodeParameter('model', MODELS[0]),
		duration: this.getNodeParameter('duration', DURATIONS[0]),
		resolution: this.getNodeParameter('resolution', RESOLUTIONS[0]),
	});
	const extra: IDataObject = choice.success
		? {
				estimatedCredits: estimateCredits(
					choice.data.model,
					choice.data.duration,
					choice.data.resolution,
				),
			}
		: {};
	const download = downloadChoice(this.getNode(), readOptions(this), true);
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
