import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { downloadChoice, readOptions } from '../../helpers/options';
import { estimateCredits } from '../../helpers/pricing';
import { DURATIONS, MODELS, RESOLUTIONS, videoChoiceSchema } from '../../helpers/schemas';
import { FINAL_STATUSES, normaliseTask } from '../../helpers/task';
import { challengeOf } from '../../helpers/webhook';
import { taskToItem } from '../taskItem';

/**
 * Resumes a run parked by "Wait for Callback": a `{challenge}` is echoed and a progress report is
 * acknowledged (both keep the run waiting); a final state becomes the node's output.
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
	const item = await taskToItem.call(this, task, download, extra);
	return {
		workflowData: [[{ ...item, pairedItem: { item: 0 } }]],
		webhookResponse: { received: true },
	};
}
