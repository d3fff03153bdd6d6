import { taskIdInputSchema } from '../../../../nodes/Hailuo/helpers/taskId';

describe('the plain task id', () => {
	test.each(['task_123', 'abc-DEF.9:x', '  padded  '])('accepts %p', (id) => {
		expect(taskIdInputSchema.parse(id)).toBe(id.trim());
	});
	test.each(['', '../secrets', 'a/b', 'id?x=1', 'id#frag', 'a b', '%2e%2e', '-leading'])(
		'refuses %p',
		(id) => {
			expect(taskIdInputSchema.safeParse(id).success).toBe(false);
		},
	);
});

describe('taskIdInputSchema (the Task ID field)', () => {
	test.each([
		[123456789012345, '123456789012345'],
		[Number.MAX_SAFE_INTEGER, '9007199254740991'],
		[0, '0'],
		[BigInt('123456789012345678'), '123456789012345678'],
		['123456789012345678', '123456789012345678'],
		[' task_1 ', 'task_1'],
	])('accepts %p as %p', (value, text) => {
		expect(taskIdInputSchema.parse(value)).toBe(text);
	});

	test.each([
		[
			123456789012345678,
			'the expression gave the number 123456789012345680, larger than JavaScript holds exactly',
		],
		[Number.MAX_SAFE_INTEGER + 1, 'larger than JavaScript holds exactly'],
		[1e21, 'larger than JavaScript holds exactly'],
		[12.5, 'whole number; the expression gave 12.5'],
		[-7, 'whole number; the expression gave -7'],
		[NaN, 'whole number; the expression gave NaN'],
		[Infinity, 'whole number; the expression gave Infinity'],
		[true, 'must be text or a whole number'],
		[null, 'must be text or a whole number'],
		[{ id: 1 }, 'must be text or a whole number'],
	])('refuses %p', (value, problem) => {
		const result = taskIdInputSchema.safeParse(value);
		expect(result.success).toBe(false);
		expect(result.error?.issues[0].message).toContain(problem);
	});
});
