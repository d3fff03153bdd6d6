import type { INode } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

/**
 * Permanent: trying again cannot help (too big, not a video, refused by n8n's SSRF protection).
 * Transient: a later try may work (network, deadline, a link that is gone for now).
 */
export type DownloadFailure = 'permanent' | 'transient';

export function downloadFailureOf(error: unknown): DownloadFailure | undefined {
	const kind = error instanceof NodeApiError ? error.context.downloadFailure : undefined;
	return kind === 'permanent' || kind === 'transient' ? kind : undefined;
}

export const NOT_VIDEO_HINT =
	'Nothing was saved. The link may lead to an error or login page; open it in a browser to see what it serves.';
export const TOO_BIG_HINT =
	'Nothing was saved. Raise "Max Video Size (MB)" under Options if you expect videos this large.';

export const notVideo = (taskId: string | null, itemIndex?: number): DownloadErrorFacts => ({
	kind: 'permanent',
	taskId,
	message: `The video link for task ${taskId ?? '?'} did not serve a video (its first bytes are not MP4 or WebM)`,
	description: NOT_VIDEO_HINT,
	itemIndex,
});

interface DownloadErrorFacts {
	kind: DownloadFailure;
	taskId: string | null;
	message: string;
	description: string;
	httpCode?: number;
	itemIndex?: number;
}

export function downloadError(node: INode, facts: DownloadErrorFacts): NodeApiError {
	const error = new NodeApiError(
		node,
		{ message: facts.message, taskId: facts.taskId },
		{
			message: facts.message,
			description: facts.description,
			httpCode: facts.httpCode ? String(facts.httpCode) : facts.kind,
			itemIndex: facts.itemIndex,
		},
	);
	error.context.downloadFailure = facts.kind;
	return error;
}
