import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { rawParameter } from '../../helpers/parameters';
import { imageSourceField } from '../../helpers/requestFields';
import { pollIntervalField, waitModeField } from './waitForVideo';

// Generate Video called by an AI Agent: what it refuses at once, and its defaults for a tool call.

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
	if (imageSourceField.shape(rawParameter(context, imageSourceField, i)) === 'binary') {
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
