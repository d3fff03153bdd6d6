import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { RequestEstimate } from '../../helpers/pricing';
import { numberField } from '../../helpers/fields';
import {
	batchCost,
	describeBatchCost,
	HIGHEST_KNOWN_CREDITS,
	overBudget,
} from '../../helpers/pricing';

/** The Generate Video option that caps what one run may spend. */
export const maxCreditsField = numberField(
	{
		displayName: 'Max Credits per Run',
		name: 'maxCredits',
		type: 'number',
		default: 0,
		typeOptions: { minValue: 0 },
		description:
			'Refuse the whole run, before anything is sent, when its items may cost more than this ' +
			`(Pro counted at its maximum, a model without a known price at ${HIGHEST_KNOWN_CREDITS}). ` +
			'0 means no limit; the log states what each run may cost either way.',
	},
	{ note: '0 means no limit' },
);

/** Before any request: log what the run may cost, and refuse it over "Max Credits per Run". */
export async function checkBudget(
	this: IExecuteFunctions,
	items: Array<{ estimate: RequestEstimate; maxCredits: number }>,
): Promise<void> {
	const cost = batchCost(items.map(({ estimate }) => estimate));
	this.logger.info(`Hailuo estimate: ${describeBatchCost(cost)}`);
	const refusal = overBudget(
		cost,
		items.map(({ maxCredits }) => maxCredits),
	);
	if (!refusal) return;
	throw new NodeOperationError(this.getNode(), refusal, {
		description:
			'Nothing was sent to the API and no credits were used. Pro videos count at ' +
			`${HIGHEST_KNOWN_CREDITS} credits, the top of their published range. Raise the limit ` +
			'(0 means no limit), or send fewer items per run, e.g. with Loop Over Items.',
	});
}
