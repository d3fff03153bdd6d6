import { z } from 'zod';

const taskIdSchema = z
	.string({ invalid_type_error: 'must be text' })
	.trim()
	.min(1, 'must not be empty')
	.regex(
		/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$/,
		'must be a plain task id (letters, digits, "-", "_", "." or ":"), as returned by Generate Video',
	);

/**
 * The Task ID field: text, or a whole number as an expression may yield one (MiniMax's task ids
 * are numbers). A number is turned into its digits only when JavaScript holds it exactly.
 */
export const taskIdInputSchema = z
	.unknown()
	.transform((value, ctx) => {
		if (typeof value === 'string') return value;
		if (typeof value === 'bigint') return value.toString();
		const refuse = (message: string) => {
			ctx.addIssue({ code: z.ZodIssueCode.custom, message });
			return z.NEVER;
		};
		if (typeof value !== 'number') return refuse('must be text or a whole number');
		if (!Number.isFinite(value) || !Number.isInteger(value) || value < 0) {
			return refuse(`must be text or a whole number; the expression gave ${value}`);
		}
		if (!Number.isSafeInteger(value)) {
			return refuse(
				`the expression gave the number ${value}, larger than JavaScript holds exactly ` +
					`(${Number.MAX_SAFE_INTEGER}), so its last digits may already be wrong; ` +
					'pass the id as text, e.g. as the API returned it in "taskId"',
			);
		}
		return String(value);
	})
	.pipe(taskIdSchema);
