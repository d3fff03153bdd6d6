import type { IDataObject } from 'n8n-workflow';

import type { GenerateVideoParameters } from './schemas';

/**
 * The create request as sent: the node's fields, the callback URL, then "Extra Body Fields"
 * merged last so new API fields need no node update.
 */
export function buildRequestBody(
	parameters: GenerateVideoParameters,
	image: string,
	callbackUrl: string | undefined,
): IDataObject {
	const body: IDataObject = {
		model: parameters.model,
		prompt: parameters.prompt,
		image,
		duration: parameters.duration,
		resolution: parameters.resolution,
	};
	if (callbackUrl) body.callback_url = callbackUrl;
	return Object.assign(body, parameters.extraBody);
}
