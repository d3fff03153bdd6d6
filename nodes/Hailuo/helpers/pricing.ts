import type { INodeProperties } from 'n8n-workflow';

import type { Duration, Model, Resolution } from './schemas';
import { DURATIONS, MODELS, RESOLUTIONS } from './schemas';

export type CreditEstimate = number | { min: number; max: number };

const MODEL_LABELS: Record<Model, string> = {
	'hailuo/2-3-image-to-video-standard': 'Standard',
	'hailuo/2-3-image-to-video-pro': 'Pro',
};

/** The published price table: Standard is exact, Pro only as a range. */
export function estimateCredits(
	model: Model,
	duration: Duration,
	resolution: Resolution,
): CreditEstimate {
	if (model === 'hailuo/2-3-image-to-video-pro') return { min: 45, max: 85 };
	return duration === '6' && resolution === '768P' ? 30 : 45;
}

const dollars = (credits: number) => `$${(credits / 100).toFixed(2)}`;

function priceText(model: Model, duration: Duration, resolution: Resolution): string {
	if (duration === '10' && resolution === '1080P') {
		return (
			'10 s is only available at 768P: choose 6 s for 1080P, or 768P for ' +
			'10 s. The node refuses this combination before spending credits.'
		);
	}
	const credits = estimateCredits(model, duration, resolution);
	const price =
		typeof credits === 'number'
			? `${credits} credits (about ${dollars(credits)})`
			: `${credits.min}–${credits.max} credits (about ` +
				`${dollars(credits.min)}–${dollars(credits.max)}; the exact Pro price is not published)`;
	return `${MODEL_LABELS[model]}, ${duration} s at ${resolution}: ${price} per video, billed only when it succeeds`;
}

/** One notice per combination, so the price shown always matches the chosen dropdowns. */
export const priceNotices: INodeProperties[] = MODELS.flatMap((model) =>
	DURATIONS.flatMap((duration) =>
		RESOLUTIONS.map((resolution) => ({
			displayName: priceText(model, duration, resolution),
			name: `priceNotice${MODEL_LABELS[model]}${duration}${resolution}`,
			type: 'notice' as const,
			default: '',
			displayOptions: { show: { model: [model], duration: [duration], resolution: [resolution] } },
		})),
	),
);
