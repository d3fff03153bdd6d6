import type { IBinaryData, IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { HailuoContext } from './index';
import { cancelSignal, CREDENTIAL_NAME, errorMessage, getConnection } from './index';
import { mapApiError, redact } from './errors';
import { sameOrigin } from './url';

// The stream type as n8n-workflow declares it (node:stream may not be imported by a community node).
type VideoStream = Exclude<
	Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0],
	Buffer
>;

/**
 * Streams the finished video into n8n's binary-data store. The API key goes only to the API's own
 * host; a CDN link gets a plain request, and redirects never carry credentials across origins.
 */
export async function downloadVideo(
	this: HailuoContext,
	videoUrl: string,
	taskId: string | null,
	itemIndex?: number,
): Promise<IBinaryData> {
	const node = this.getNode();
	const { baseUrl, apiKey } = await getConnection.call(this);
	const options: IHttpRequestOptions = {
		method: 'GET',
		url: videoUrl,
		encoding: 'stream',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		sendCredentialsOnCrossOriginRedirect: false,
		abortSignal: cancelSignal(this),
	};

	let response: { statusCode: number; body: VideoStream };
	try {
		response = sameOrigin(videoUrl, baseUrl)
			? await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_NAME, options)
			: await this.helpers.httpRequest(options);
	} catch (error) {
		throw mapApiError(node, { upstreamMessage: errorMessage(error) }, apiKey);
	}

	if (response.statusCode === 403 || response.statusCode === 404 || response.statusCode === 410) {
		response.body.destroy();
		throw new NodeApiError(
			node,
			{ message: `HTTP ${response.statusCode}`, url: redact(videoUrl, apiKey) },
			{
				message: `The video link for task ${taskId ?? '?'} has expired or is gone (HTTP ${response.statusCode})`,
				description:
					'Result links are kept only for a few hours. Run Get Task again for a fresh link, or generate the video again.',
				httpCode: String(response.statusCode),
				itemIndex,
			},
		);
	}
	if (response.statusCode < 200 || response.statusCode >= 300) {
		response.body.destroy();
		throw mapApiError(
			node,
			{ status: response.statusCode, upstreamMessage: 'video download failed' },
			apiKey,
		);
	}
	const fileName = `hailuo-${(taskId ?? 'video').replace(/[^A-Za-z0-9_.-]/g, '_')}.mp4`;
	return await this.helpers.prepareBinaryData(response.body, fileName, 'video/mp4');
}
