/** An error reported inside a successful HTTP answer (API in One `code`, MiniMax `base_resp`). */
interface EnvelopeError {
	code: number | string;
	message: string;
}

type Obj = Record<string, unknown>;

const asObject = (value: unknown): Obj | undefined =>
	value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : undefined;

const text = (value: unknown): string | undefined =>
	typeof value === 'string' && value.trim() !== ''
		? value.trim()
		: typeof value === 'number'
			? String(value)
			: undefined;

/** `error` may be a text or an object with a message. */
const errorText = (value: unknown): string | undefined => {
	const object = asObject(value);
	if (!object) return text(value);
	return text(object.message) ?? text(object.msg) ?? text(object.detail) ?? text(object.error);
};

/** Error envelopes that arrive with HTTP 200: `code` other than 0/200, or `base_resp.status_code` other than 0. */
export function findEnvelopeError(body: unknown): EnvelopeError | undefined {
	const top = asObject(body);
	if (!top) return undefined;
	const baseResp = asObject(top.base_resp);
	if (baseResp && baseResp.status_code !== undefined && Number(baseResp.status_code) !== 0) {
		return {
			code: Number(baseResp.status_code),
			message: text(baseResp.status_msg) ?? 'the API reported an error',
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
			text(top.message) ?? text(top.msg) ?? errorText(top.error) ?? 'the API reported an error',
	};
}
