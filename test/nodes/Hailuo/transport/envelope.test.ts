import { findEnvelopeError } from '../../../../nodes/Hailuo/transport/envelope';

describe('findEnvelopeError', () => {
	test.each([
		[{ code: 200, message: 'success', data: {} }, undefined],
		[{ code: 0, data: {} }, undefined],
		[{ code: 'success', data: {} }, undefined],
		[{ data: {} }, undefined],
		[{ base_resp: { status_code: 0, status_msg: 'success' } }, undefined],
		[
			{ code: 402, message: 'Insufficient balance' },
			{ code: 402, message: 'Insufficient balance' },
		],
		[
			{ code: 401, msg: 'invalid key' },
			{ code: 401, message: 'invalid key' },
		],
		[
			{ base_resp: { status_code: 1008, status_msg: 'insufficient balance' } },
			{ code: 1008, message: 'insufficient balance' },
		],
		[
			{ base_resp: { status_code: 1026, status_msg: 'sensitive' } },
			{ code: 1026, message: 'sensitive' },
		],
	])('%j → %j', (body, expected) => {
		expect(findEnvelopeError(body)).toEqual(expected);
	});
});
