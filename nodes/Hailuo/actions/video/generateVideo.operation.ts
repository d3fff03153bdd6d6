import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeApiError, updateDisplayOptions } from 'n8n-workflow';

import { downloadChoice } from '../../helpers/downloadOptions';
import type { ChoiceField } from '../../helpers/fields';
import { optionsCollection } from '../../helpers/fields';
import { imageFromUrl, readImageFile } from '../../helpers/inputImage';
import { failParameter, rawParameter, readOptions, readParameter } from '../../helpers/parameters';
import { estimateRequest, priceNotices } from '../../helpers/pricing';
import { addImageFile, buildRequestBody, checkRequestBody } from '../../helpers/requestBody';
import * as requestFields from '../../helpers/requestFields';
import { normaliseTask } from '../../helpers/task';
import { createTask } from '../../transport';
import type { Batch } from '../batch';
import { createPaceFields } from '../batch';
import { taskToItem } from '../taskItem';
import { runsAsTool } from '../toolMode';
import { refuseToolDeadEnds, TOOL_DEFAULTS } from './asTool';
import { checkBudget, maxCreditsField } from './budget';
import { callbackModeProblem, callbackResumeUrl } from './resume';
import { waitFields, waitForVideo, waitModeField } from './waitForVideo';

// Read in this order, so the first bad one is named first (the form lists them alphabetically).
const optionFields = [
	requestFields.callbackUrlField,
	requestFields.extraBodyField,
	...waitFields,
	maxCreditsField,
	...createPaceFields,
] as const;

const properties: INodeProperties[] = [
	...[
		requestFields.promptField,
		requestFields.imageSourceField,
		requestFields.imageUrlField,
		requestFields.inputBinaryField,
	].map((entry) => entry.property),
	...[requestFields.modelField, requestFields.durationField, requestFields.resolutionField].map(
		(entry) => entry.property,
	),
	...priceNotices,
	waitModeField.property,
	optionsCollection(optionFields),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['video'], operation: ['generateVideo'] } },
	properties,
);

/** Everything the request needs, checked before anything is sent for any item. */
export async function prepare(this: IExecuteFunctions, i: number) {
	const node = this.getNode();
	const refuse = (problem: { field: string; problem: string } | undefined) => {
		if (problem) failParameter(node, problem.field, problem.problem, i);
	};
	const asTool = runsAsTool(this);
	if (asTool) refuseToolDeadEnds(this, i);
	const options = readOptions(this, optionFields, i, asTool ? TOOL_DEFAULTS : {});
	const { pollInterval, maxWait, onTimeout, maxCredits } = options;
	const wait = {
		waitMode: readParameter(this, waitModeField, i),
		pollInterval,
		maxWait,
		onTimeout,
	};
	// The request's own fields are only shaped here; the body as sent is checked below.
	const shaped = (entry: ChoiceField<string, string>) => entry.shape(rawParameter(this, entry, i));
	const fields = {
		prompt: readParameter(this, requestFields.promptField, i),
		model: shaped(requestFields.modelField),
		duration: shaped(requestFields.durationField),
		resolution: shaped(requestFields.resolutionField),
		callbackUrl: options.callbackUrl,
		extraBody: options.extraBody,
	};
	if (wait.waitMode === 'callback') refuse(callbackModeProblem(this.getInputData().length, fields));
	const download = wait.waitMode === 'none' ? null : downloadChoice(options);
	// n8n's own resume URL for this execution, refused when the API could never reach it.
	const callbackUrl =
		wait.waitMode === 'callback' ? await callbackResumeUrl.call(this, i) : fields.callbackUrl;
	const imageUrl = imageFromUrl.call(this, i);
	const request = buildRequestBody(fields, imageUrl, callbackUrl);
	refuse(checkRequestBody(request));
	let { body } = request;
	if (!imageUrl) {
		// The input file last: loading it costs more than every check above, none of which needs it.
		const sent = addImageFile(request, await readImageFile.call(this, i));
		refuse(sent.problem);
		body = sent.body;
	}
	const { createsPerSecond, createConcurrency, readsPerSecond } = options;
	const pace = { createsPerSecond, createConcurrency, readsPerSecond };
	return { wait, download, body, estimate: estimateRequest(body), maxCredits, pace };
}

type Prepared = Awaited<ReturnType<typeof prepare>>;

/** Before any request: what the whole run may cost, against "Max Credits per Run". */
export async function beforeRun(this: IExecuteFunctions, prepared: Prepared[]): Promise<void> {
	await checkBudget.call(this, prepared);
}

export async function execute(
	this: IExecuteFunctions,
	{ wait, download, body, estimate }: Prepared,
	i: number,
	batch: Batch,
): Promise<INodeExecutionData> {
	const extra: IDataObject = { estimatedCredits: estimate.estimatedCredits };
	if (estimate.note) extra.estimateNote = estimate.note;

	const created = normaliseTask(await batch.create(async () => await createTask.call(this, body)));
	const taskId = created.taskId;
	if (!taskId) {
		throw new NodeApiError(
			this.getNode(),
			{ message: 'no task id in the answer' },
			{
				message: 'The Hailuo API accepted the request but returned no task ID',
				description:
					'Check your API in One dashboard for the job. The answer may be in a new format; please report it.',
				itemIndex: i,
			},
		);
	}
	if (wait.waitMode === 'none')
		return await taskToItem.call(this, created, { extra, itemIndex: i });
	if (wait.waitMode === 'callback') {
		// The run parks here; `resume` turns the callback into this node's output.
		await this.putExecutionToWait(new Date(Date.now() + wait.maxWait * 1000));
		return await taskToItem.call(this, created, { extra, itemIndex: i });
	}
	return await waitForVideo.call(this, { ...created, taskId }, { wait, download, extra }, i, batch);
}
