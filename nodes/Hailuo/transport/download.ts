import type { IBinaryData, IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';
import type { NodeApiError } from 'n8n-workflow';

import { redact } from '../guards/redact';
import { sameOrigin } from '../guards/url';
import type { DownloadFailure } from './downloadError';
import { downloadError, notVideo, NOT_VIDEO_HINT, TOO_BIG_HINT } from './downloadError';
import { errorMessage, ssrfRefusal } from './errors';
import type { HailuoContext } from './index';
import { CREDENTIAL_NAME, getConnection, requestDeadline } from './index';

// The stream type as n8n-workflow declares it (node:stream may not be imported by a community node).
type VideoStream = Exclude<
	Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0],
	Buffer
>;

interface VideoDownload {
	videoUrl: string;
	taskId: string | null;
	maxBytes: number;
	/** How long the whole download may take, headers to last byte. */
	timeoutMs: number;
	/** Only a link from the API's own answer may get the API key, and only on the API's origin. */
	urlFromApi: boolean;
	itemIndex?: number;
}

// MP4/MOV boxes a file may start with (at byte 4), and WebM/Matroska's EBML header.
const MP4_BOXES = new Set(['ftyp', 'moov', 'mdat', 'free', 'wide', 'skip', 'pnot']);
const EBML = Buffer.from([0x1a, 0x45, 0xdf, 0xa3]);
const HEAD_BYTES = 12;

const looksLikeVideo = (head: Buffer) =>
	MP4_BOXES.has(head.toString('latin1', 4, 8)) || head.subarray(0, 4).equals(EBML);

const megabytes = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

/**
 * Streams the finished video into n8n's binary-data store, never holding it whole in memory. It
 * stops at the size cap or the deadline, and refuses a body that is not a video; n8n's store
 * deletes the partial file when the stream fails. The API key goes only to the API's own origin
 * for a link the API gave, and redirects never carry it across origins.
 */
export async function downloadVideo(
	this: HailuoContext,
	request: VideoDownload,
): Promise<IBinaryData> {
	const { videoUrl, taskId, maxBytes, timeoutMs, itemIndex } = request;
	const node = this.getNode();
	const { baseUrl, apiKey } = await getConnection.call(this);
	const task = taskId ?? '?';
	const fail = (
		kind: DownloadFailure,
		message: string,
		description: string,
		httpCode?: number,
	): never => {
		throw downloadError(node, { kind, taskId, message, description, httpCode, itemIndex });
	};
	const { signal, timeout, timedOut } = requestDeadline(this, timeoutMs);
	const deadlineText = `${Math.round(timeoutMs / 1000)} s`;
	const options: IHttpRequestOptions = {
		method: 'GET',
		url: videoUrl,
		encoding: 'stream',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		sendCredentialsOnCrossOriginRedirect: false,
		timeout,
		abortSignal: signal,
	};

	let response: { statusCode: number; headers: Record<string, unknown>; body: VideoStream };
	try {
		response =
			request.urlFromApi && sameOrigin(videoUrl, baseUrl)
				? await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_NAME, options)
				: await this.helpers.httpRequest(options);
	} catch (error) {
		const blockedBy = ssrfRefusal(error);
		if (blockedBy) {
			return fail(
				'permanent',
				`n8n's SSRF protection blocked the video download for task ${task}`,
				`${blockedBy}. The video link points at an address this n8n may not reach; ask your n8n ` +
					'administrator to allow it (N8N_SSRF_ALLOWED_HOSTNAMES or N8N_SSRF_ALLOWED_IP_RANGES).',
			);
		}
		if (timedOut()) {
			return fail(
				'transient',
				`The video download for task ${task} did not finish within ${deadlineText}`,
				'Try again later.',
			);
		}
		return fail(
			'transient',
			`Could not download the video for task ${task}`,
			`The connection failed or was dropped (${redact(errorMessage(error), apiKey).slice(0, 300)}).`,
		);
	}

	const { statusCode, headers, body } = response;
	if (statusCode === 403 || statusCode === 404 || statusCode === 410) {
		body.destroy();
		return fail(
			'transient',
			`The video link for task ${task} has expired or is gone (HTTP ${statusCode})`,
			'Result links are kept only for a few hours. Run Get Task again for a fresh link, or generate the video again.',
			statusCode,
		);
	}
	if (statusCode < 200 || statusCode >= 300) {
		body.destroy();
		return fail(
			'transient',
			`The video server answered HTTP ${statusCode} for task ${task}`,
			'Try again later.',
			statusCode,
		);
	}
	const contentType = String(headers['content-type'] ?? '').toLowerCase();
	if (/^(text\/|application\/(json|xml|xhtml))/.test(contentType)) {
		body.destroy();
		return fail(
			'permanent',
			`The video link for task ${task} gave ${contentType.split(';')[0]}, not a video`,
			NOT_VIDEO_HINT,
		);
	}
	const declared = Number(headers['content-length']);
	if (declared > maxBytes) {
		body.destroy();
		return fail(
			'permanent',
			`The video for task ${task} is ${megabytes(declared)}, over the ${megabytes(maxBytes)} "Max Video Size"`,
			TOO_BIG_HINT,
		);
	}

	// Counted as n8n's store reads it; a limit destroys the stream with the reason.
	let stopped: NodeApiError | undefined;
	const stop = (error: NodeApiError) => {
		stopped ??= error;
		body.destroy(error);
	};
	let received = 0;
	let head = Buffer.alloc(0);
	body.pause();
	body.on('data', (chunk: Buffer) => {
		received += chunk.length;
		if (head.length < HEAD_BYTES) {
			head = Buffer.concat([head, chunk.subarray(0, HEAD_BYTES - head.length)]);
			if (head.length >= HEAD_BYTES && !looksLikeVideo(head)) {
				stop(downloadError(node, notVideo(taskId, itemIndex)));
			}
		}
		if (received > maxBytes) {
			stop(
				downloadError(node, {
					kind: 'permanent',
					taskId,
					message:
						`The video for task ${task} is over the ${megabytes(maxBytes)} "Max Video Size"; ` +
						'the download was stopped',
					description: TOO_BIG_HINT,
					itemIndex,
				}),
			);
		}
	});
	// n8n's database store (queue mode's default) reads with a 'data' listener, which does not
	// restart a stream paused on purpose as pipe() does: restart it when the store starts reading.
	const resumeForStore = (event: string | symbol) => {
		if (event !== 'data') return;
		body.off('newListener', resumeForStore);
		body.resume();
	};
	body.on('newListener', resumeForStore);
	const onDeadline = () =>
		stop(
			downloadError(node, {
				kind: 'transient',
				taskId,
				message: timedOut()
					? `The video download for task ${task} did not finish within ${deadlineText}; it was stopped`
					: `The video download for task ${task} was canceled`,
				description: 'Nothing was saved. Try again later.',
				itemIndex,
			}),
		);
	signal.addEventListener('abort', onDeadline, { once: true });

	const mimeType = contentType.startsWith('video/webm') ? 'video/webm' : 'video/mp4';
	const fileName = `hailuo-${(taskId ?? 'video').replace(/[^A-Za-z0-9_.-]/g, '_')}.${mimeType.slice(6)}`;
	let binary: IBinaryData;
	try {
		binary = await this.helpers.prepareBinaryData(body, fileName, mimeType);
	} catch (error) {
		if (stopped) throw stopped;
		return fail(
			'transient',
			`The video download for task ${task} broke off`,
			`${redact(errorMessage(error), apiKey).slice(0, 300)}. Nothing was saved; try again later.`,
		);
	} finally {
		signal.removeEventListener('abort', onDeadline);
		body.off('newListener', resumeForStore);
	}
	// A body too short to hold a video header never reached the check above.
	if (head.length < HEAD_BYTES) throw downloadError(node, notVideo(taskId, itemIndex));
	return binary;
}
