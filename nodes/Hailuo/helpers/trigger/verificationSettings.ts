import type { IHookFunctions, IWebhookFunctions } from 'n8n-workflow';

import type { Field, ValueOf } from '../fields';
import { rawParameter } from '../parameters';
import {
	secretField,
	signatureEncodingField,
	signatureHeaderField,
	urlTokenField,
	verificationField,
} from './triggerFields';
import type { Headers, Verdict } from './verify';
import {
	hmacSecretProblem,
	standardWebhookKey,
	verifyHmacHeader,
	verifyStandardWebhook,
	verifyUrlToken,
} from './verify';

const VERIFICATIONS = verificationField.values;
export type Verification = ValueOf<typeof verificationField>;
type Encoding = ValueOf<typeof signatureEncodingField>;

const label = (entry: Field) => entry.property.displayName;
const quoted = (values: readonly string[]) => values.map((value) => `"${value}"`);

/** The trigger's verification parameters as n8n hands them over (expressions already resolved). */
export interface VerificationParameters {
	verification: unknown;
	urlToken: unknown;
	secret: unknown;
	signatureHeader: unknown;
	signatureEncoding: unknown;
}

interface VerificationSettings {
	verification: Verification;
	/** The URL token or the signing secret; empty for "none". */
	secret: string;
	signatureHeader: string;
	encoding: Encoding;
}

type SettingsCheck =
	| { ok: true; settings: VerificationSettings }
	| { ok: false; field: string; problem: string; fix: string };

const isVerification = (value: unknown): value is Verification =>
	typeof value === 'string' && (VERIFICATIONS as readonly string[]).includes(value);

/** A parameter's value as an error message may quote it: short, and never a secret's field. */
const shown = (value: unknown): string => (JSON.stringify(value) ?? 'nothing').slice(0, 60);

const ALLOWED = quoted(VERIFICATIONS).join(', ');
const ENCODINGS = quoted(signatureEncodingField.values).join(' or ');
const isEncoding = (value: unknown): value is Encoding =>
	signatureEncodingField.values.some((encoding) => encoding === value);

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;

/**
 * Checks the settings once, for activation and for every delivery alike: anything unknown or too
 * weak is refused (fail closed), never read as "none".
 */
export function checkVerificationSettings(parameters: VerificationParameters): SettingsCheck {
	const { verification } = parameters;
	if (!isVerification(verification)) {
		return {
			ok: false,
			field: label(verificationField),
			problem: `${shown(verification)} is not one of ${ALLOWED}`,
			fix: `Choose one of ${ALLOWED}; an expression must give exactly one of them, in this letter case.`,
		};
	}
	const encoding = signatureEncodingField.property.default;
	const base = { verification, secret: '', signatureHeader: '', encoding };
	if (verification === 'none') return { ok: true, settings: base };

	if (verification === 'urlToken') {
		const token = String(parameters.urlToken ?? '').trim();
		if (!/^[A-Za-z0-9_-]{16,128}$/.test(token)) {
			return {
				ok: false,
				field: label(urlTokenField),
				problem: 'it must be 16 to 128 letters, digits, "-" or "_"',
				fix: 'Use a long random string, e.g. the output of `openssl rand -hex 24`.',
			};
		}
		return { ok: true, settings: { ...base, secret: token } };
	}

	const secret = String(parameters.secret ?? '').trim();
	if (secret === '') {
		return {
			ok: false,
			field: label(secretField),
			problem: 'it is empty',
			fix: 'Enter the signing secret the sender uses, or choose another verification.',
		};
	}
	if (verification === 'standardWebhooks') {
		const key = standardWebhookKey(secret);
		if ('reason' in key) {
			return {
				ok: false,
				field: label(secretField),
				problem: key.reason,
				fix: 'Paste the whole "whsec_…" secret the sender shows (base64 of at least 16 random bytes).',
			};
		}
		return { ok: true, settings: { ...base, secret } };
	}

	const weak = hmacSecretProblem(secret);
	if (weak) {
		return {
			ok: false,
			field: label(secretField),
			problem: weak,
			fix: 'Use a long random signing secret, e.g. the output of `openssl rand -hex 24`, on both sides.',
		};
	}
	const signatureHeader = String(parameters.signatureHeader ?? '').trim();
	if (!HEADER_NAME.test(signatureHeader)) {
		return {
			ok: false,
			field: label(signatureHeaderField),
			problem: 'it is not a header name',
			fix: 'Enter the name of the header that carries the signature, e.g. x-signature.',
		};
	}
	const given = parameters.signatureEncoding;
	if (!isEncoding(given)) {
		return {
			ok: false,
			field: label(signatureEncodingField),
			problem: `${shown(given)} is not ${ENCODINGS}`,
			fix: `Choose ${ENCODINGS}.`,
		};
	}
	return { ok: true, settings: { verification, secret, signatureHeader, encoding: given } };
}

/** The settings as the node has them, checked the same way at activation and on every delivery. */
export const readVerificationSettings = (context: IHookFunctions | IWebhookFunctions) =>
	checkVerificationSettings({
		verification: rawParameter(context, verificationField),
		urlToken: rawParameter(context, urlTokenField),
		secret: rawParameter(context, secretField),
		signatureHeader: rawParameter(context, signatureHeaderField),
		signatureEncoding: rawParameter(context, signatureEncodingField),
	});

/** The delivery checked by the chosen scheme, on the raw body. */
export function verifyDelivery(
	settings: VerificationSettings,
	raw: Buffer,
	headers: Headers,
	path: string,
): Verdict {
	switch (settings.verification) {
		case 'urlToken':
			return verifyUrlToken(path.split('/').pop(), settings.secret);
		case 'standardWebhooks':
			return verifyStandardWebhook(raw, headers, settings.secret, Math.floor(Date.now() / 1000));
		case 'hmacHeader':
			return verifyHmacHeader(raw, headers, {
				secret: settings.secret,
				headerName: settings.signatureHeader,
				encoding: settings.encoding,
			});
		case 'none':
			return { ok: true };
	}
}
