import {
	batchCost,
	describeBatchCost,
	estimateCredits,
	estimateRequest,
	HIGHEST_KNOWN_CREDITS,
} from '../../../../nodes/Hailuo/helpers/pricing';

describe('estimateCredits', () => {
	test('follows the published table', () => {
		expect(estimateCredits('hailuo/2-3-image-to-video-standard', '6', '768P')).toBe(30);
		expect(estimateCredits('hailuo/2-3-image-to-video-standard', '10', '768P')).toBe(45);
		expect(estimateCredits('hailuo/2-3-image-to-video-standard', '6', '1080P')).toBe(45);
		expect(estimateCredits('hailuo/2-3-image-to-video-pro', '6', '768P')).toEqual({
			min: 45,
			max: 85,
		});
	});
});

describe('estimateRequest: from the body as sent', () => {
	const body = (change: Record<string, unknown> = {}) => ({
		model: 'hailuo/2-3-image-to-video-standard',
		prompt: 'p',
		image: 'https://example.com/a.jpg',
		duration: '6',
		resolution: '768P',
		...change,
	});

	test('Standard is exact, and counted as is', () => {
		expect(estimateRequest(body())).toEqual({ estimatedCredits: 30, atMost: 30 });
		expect(estimateRequest(body({ duration: '10' }))).toEqual({ estimatedCredits: 45, atMost: 45 });
	});

	test('Pro (e.g. switched on through Extra Body Fields) is its range, counted at its maximum', () => {
		expect(estimateRequest(body({ model: 'hailuo/2-3-image-to-video-pro' }))).toEqual({
			estimatedCredits: { min: 45, max: 85 },
			atMost: 85,
		});
	});

	test('an unknown model has no estimate, a note, and counts at the highest known price', () => {
		const estimate = estimateRequest(body({ model: 'hailuo/3-0-image-to-video' }));
		expect(estimate.estimatedCredits).toBeNull();
		expect(estimate.atMost).toBe(HIGHEST_KNOWN_CREDITS);
		expect(estimate.note).toContain('No published price for model "hailuo/3-0-image-to-video"');
		expect(estimate.note).toContain('highest known price');
	});
});

describe('batch cost', () => {
	const standard = { estimatedCredits: 45, atMost: 45 };
	const pro = { estimatedCredits: { min: 45, max: 85 }, atMost: 85 };
	const unpriced = { estimatedCredits: null, atMost: 85, note: 'n' };

	test('20 Standard videos', () => {
		const cost = batchCost(Array.from({ length: 20 }, () => standard));
		expect(cost).toEqual({ videos: 20, atMost: 900, unpriced: 0 });
		expect(describeBatchCost(cost)).toBe('20 videos may cost up to 900 credits (about $9.00)');
	});

	test('one video, Pro at its maximum, unpriced models said so', () => {
		expect(describeBatchCost(batchCost([pro]))).toBe(
			'1 video may cost up to 85 credits (about $0.85)',
		);
		expect(describeBatchCost(batchCost([standard, pro, unpriced]))).toBe(
			'3 videos may cost up to 215 credits (about $2.15), counting 1 with an unpriced model at ' +
				'85 credits each, the highest known price',
		);
	});
});
