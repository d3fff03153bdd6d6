import { estimateCredits } from '../../../../nodes/Hailuo/helpers/pricing';

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
