import { asObject, errorTextOf, textOf } from '../guards/json';

/** An error reported inside a successful HTTP answer (API in One `code`, MiniMax `base_resp`). */
interface EnvelopeError {
	code: number | string;
	message: string;
}

/** Error envelopes that arrive with HTTP 200: `code` other than 0/200, or `base_resp.status_code` other than 0. */
export function findEnvelopeError(body: unknown): EnvelopeError | undefined {
	const top = asObject(body);
	if (!top) return undefined;
	const baseResp = asObject(top.base_resp);
	if (baseResp && baseResp.status_code !== undefined && Number(baseResp.status_code) !== 0) {
		return {
			code: Number(baseResp.status_code),
			message: textOf(baseResp.status_msg) ?? 'the API reported an error',
		};
	}
	const code = top.code;
	if (code === undefined || code === null || code === '') return undefined;
	const numeric = Number(code);
	if (numeric === 0 || numeric === 200) return undefined;
	// Some APIs send a text code such as "success" with a successful answer.
	if (Number.isNaN(numeric) && /^(ok|success)$/i.test(String(code))) return undefined;
	return {
		code: Number.isNaN(numeric) ? String(code) : numeric,
		message:
			textOf(top.message) ??
			textOf(top.msg) ??
			errorTextOf(top.error) ??
			'the API reported an error',
	};
}
