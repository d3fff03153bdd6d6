import { randomBytes } from 'node:crypto';

import type { IHookFunctions } from 'n8n-workflow';

import type { VerificationParameters } from '../../../../../nodes/Hailuo/helpers/trigger/verificationSettings';
import {
	checkVerificationSettings,
	readVerificationSettings,
} from '../../../../../nodes/Hailuo/helpers/trigger/verificationSettings';

const WHSEC = `whsec_${randomBytes(24).toString('base64')}`;
const parameters = (change: Partial<VerificationParameters>): VerificationParameters => ({
	verification: 'standardWebhooks',
	urlToken: '',
	secret: WHSEC,
	signatureHeader: 'x-signature',
	signatureEncoding: 'hex',
	...change,
});

describe('Verification: only the four values pass; anything else is refused, never read as "none"', () => {
	test.each([['URLTOKEN'], ['None'], ['none '], [''], [undefined], [null], [42], [{}], [['none']]])(
		'refuses %j, naming the field and the allowed values',
		(verification) => {
			const check = checkVerificationSettings(parameters({ verification }));
			expect(check).toMatchObject({ ok: false, field: 'Verification' });
			if (!check.ok) {
				for (const value of ['urlToken', 'standardWebhooks', 'hmacHeader', 'none'])
					expect(check.problem).toContain(`"${value}"`);
			}
		},
	);

	test('accepts each of the four', () => {
		const token = 'a'.repeat(24);
		expect(checkVerificationSettings(parameters({ verification: 'none' }))).toMatchObject({
			ok: true,
			settings: { verification: 'none', secret: '' },
		});
		expect(
			checkVerificationSettings(parameters({ verification: 'urlToken', urlToken: token })),
		).toMatchObject({ ok: true, settings: { verification: 'urlToken', secret: token } });
		expect(checkVerificationSettings(parameters({}))).toMatchObject({
			ok: true,
			settings: { verification: 'standardWebhooks', secret: WHSEC },
		});
		expect(
			checkVerificationSettings(
				parameters({
					verification: 'hmacHeader',
					secret: 'x'.repeat(16),
					signatureEncoding: 'base64',
				}),
			),
		).toMatchObject({ ok: true, settings: { signatureHeader: 'x-signature', encoding: 'base64' } });
	});
});

describe('secrets too weak to check anything are refused, naming the field', () => {
	test.each([
		['standardWebhooks', 'whsec_'],
		['standardWebhooks', 'whsec_===='],
		['standardWebhooks', '****************'],
		['standardWebhooks', `whsec_${randomBytes(15).toString('base64')}`],
		['standardWebhooks', '   '],
		['hmacHeader', ''],
		['hmacHeader', 'x'.repeat(15)],
		['hmacHeader', `  ${'x'.repeat(15)}  `],
	])('%s with %j', (verification, secret) => {
		expect(checkVerificationSettings(parameters({ verification, secret }))).toMatchObject({
			ok: false,
			field: 'Secret',
		});
	});

	test.each([['short'], ['has space inside it ok'], [''], ['x'.repeat(129)]])(
		'a URL token %j',
		(urlToken) => {
			expect(
				checkVerificationSettings(parameters({ verification: 'urlToken', urlToken })),
			).toMatchObject({ ok: false, field: 'URL Token' });
		},
	);

	test.each([
		['signatureHeader', '', 'Signature Header'],
		['signatureHeader', 'x signature', 'Signature Header'],
		['signatureEncoding', 'HEX', 'Signature Encoding'],
		['signatureEncoding', '', 'Signature Encoding'],
	])('HMAC with %s %j', (name, value, field) => {
		const check = checkVerificationSettings(
			parameters({ verification: 'hmacHeader', secret: 'x'.repeat(20), [name]: value }),
		);
		expect(check).toMatchObject({ ok: false, field });
	});
});

describe('readVerificationSettings: the node as configured, unset parameters at their declared defaults', () => {
	const node = (parameters: Record<string, unknown>) =>
		({
			getNodeParameter: (name: string, fallback: unknown) => parameters[name] ?? fallback,
		}) as unknown as IHookFunctions;

	test('a new trigger (URL token by default, none entered yet) is refused for its URL Token', () => {
		expect(readVerificationSettings(node({}))).toMatchObject({ ok: false, field: 'URL Token' });
	});

	test('HMAC with only a secret entered signs in the default header and encoding', () => {
		const secret = 'x'.repeat(20);
		expect(readVerificationSettings(node({ verification: 'hmacHeader', secret }))).toEqual({
			ok: true,
			settings: {
				verification: 'hmacHeader',
				secret,
				signatureHeader: 'x-signature',
				encoding: 'hex',
			},
		});
	});
});
