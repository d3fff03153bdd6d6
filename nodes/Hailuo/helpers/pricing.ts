import type { INodeProperties } from 'n8n-workflow';

import type { Duration, Model, Resolution } from './requestFields';
import {
	durationField,
	isDuration,
	isModel,
	isResolution,
	modelField,
	REFUSED_COMBINATION,
	resolutionField,
} from './requestFields';

type CreditEstimate = number | { min: number; max: number };

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

/** The highest price the node knows (Pro's upper bound): what an unpriced model is counted at. */
export const HIGHEST_KNOWN_CREDITS = 85;

/** What one create request may cost, from the body as sent. */
export interface RequestEstimate {
	/** A number, Pro's `{ min, max }`, or null for a model without a published price. */
	estimatedCredits: CreditEstimate | null;
	/** What a budget counts: the exact price, the top of a range, or the highest known price. */
	atMost: number;
	/** Why there is no estimate, for a model the node does not know. */
	note?: string;
}

/** From the body as sent, or the fields a resumed run was started with. */
export function estimateRequest({
	model,
	duration,
	resolution,
}: {
	model?: unknown;
	duration?: unknown;
	resolution?: unknown;
}): RequestEstimate {
	if (isModel(model) && isDuration(duration) && isResolution(resolution)) {
		const credits = estimateCredits(model, duration, resolution);
		return {
			estimatedCredits: credits,
			atMost: typeof credits === 'number' ? credits : credits.max,
		};
	}
	return {
		estimatedCredits: null,
		atMost: HIGHEST_KNOWN_CREDITS,
		note:
			`No published price for model "${String(model)}" with these settings, so no estimate; ` +
			`"Max Credits per Run" counts it at ${HIGHEST_KNOWN_CREDITS} credits, the highest known price`,
	};
}

interface BatchCost {
	videos: number;
	/** The most the batch may cost: Pro at its maximum, unpriced models at the highest known price. */
	atMost: number;
	unpriced: number;
}

export function batchCost(estimates: RequestEstimate[]): BatchCost {
	return {
		videos: estimates.length,
		atMost: estimates.reduce((sum, estimate) => sum + estimate.atMost, 0),
		unpriced: estimates.filter((estimate) => estimate.estimatedCredits === null).length,
	};
}

/** One line, e.g. "20 videos may cost up to 900 credits (about $9.00)". */
export function describeBatchCost({ videos, atMost, unpriced }: BatchCost): string {
	const line =
		`${videos} ${videos === 1 ? 'video' : 'videos'} may cost up to ${atMost} credits ` +
		`(about ${dollars(atMost)})`;
	if (unpriced === 0) return line;
	return (
		`${line}, counting ${unpriced} with an unpriced model at ${HIGHEST_KNOWN_CREDITS} ` +
		'credits each, the highest known price'
	);
}

/**
 * Why a run is over "Max Credits per Run", or undefined when it is within every limit set (items
 * may carry different limits through an expression: the strictest applies; 0 is no limit).
 */
export function overBudget(cost: BatchCost, limits: number[]): string | undefined {
	const set = limits.filter((limit) => limit > 0);
	if (set.length === 0) return undefined;
	const limit = Math.min(...set);
	if (cost.atMost <= limit) return undefined;
	return `Over "Max Credits per Run" (${limit}): ${describeBatchCost(cost)}`;
}

/** What one video of a combination costs, in one short line. */
function priceText(model: Model, duration: Duration, resolution: Resolution): string {
	const credits = estimateCredits(model, duration, resolution);
	if (typeof credits === 'number') {
		return `${credits} credits (about ${dollars(credits)}) per video, charged only when it succeeds`;
	}
	return (
		`${credits.min}–${credits.max} credits (about ${dollars(credits.min)}–${dollars(credits.max)}) ` +
		'per video, charged only when it succeeds; the exact Pro price is not published'
	);
}

/**
 * Under the dropdowns: the price of the chosen combination as neutral information (a callout,
 * one per combination so it always matches), and the one combination the API refuses as a warning.
 */
export const priceNotices: INodeProperties[] = [
	...modelField.property.options.flatMap(({ name: label, value: model }) =>
		durationField.values.flatMap((duration) =>
			resolutionField.values
				.filter(
					(resolution) =>
						duration !== REFUSED_COMBINATION.duration ||
						resolution !== REFUSED_COMBINATION.resolution,
				)
				.map((resolution): INodeProperties => ({
					displayName: priceText(model, duration, resolution),
					name: `priceNotice${label}${duration}${resolution}`,
					type: 'callout',
					default: '',
					displayOptions: {
						show: { model: [model], duration: [duration], resolution: [resolution] },
					},
				})),
		),
	),
	{
		displayName: '10-second videos are made at 768P only: choose 6 seconds or 768P',
		name: 'refusedCombinationNotice',
		type: 'notice',
		default: '',
		displayOptions: {
			show: {
				duration: [REFUSED_COMBINATION.duration],
				resolution: [REFUSED_COMBINATION.resolution],
			},
		},
	},
];
