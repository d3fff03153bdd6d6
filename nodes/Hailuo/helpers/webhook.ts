import type { IWebhookDescription } from 'n8n-workflow';

/**
 * What both nodes' completion webhooks share: a POST answered once the execution is registered,
 * with webhook()'s own `webhookResponse`. `responseData` is empty because n8n's default for it is
 * the literal text "firstEntryJson".
 */
export const completionWebhook: Pick<
	IWebhookDescription,
	'name' | 'httpMethod' | 'responseMode' | 'responseData'
> = {
	name: 'default',
	httpMethod: 'POST',
	responseMode: 'onReceived',
	responseData: '',
};

/** A MiniMax-style URL check: the sender posts `{challenge}` and expects it echoed back. */
export function challengeOf(body: unknown): string | undefined {
	return body !== null &&
		typeof body === 'object' &&
		'challenge' in body &&
		typeof body.challenge === 'string'
		? body.challenge
		: undefined;
}
