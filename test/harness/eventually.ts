/**
 * Waits for something a test cannot be told about: checks `condition` every `everyMs` until it
 * gives a truthy answer or `deadlineMs` has passed, and resolves with its last answer (falsy when
 * the time ran out, so the test's own expectation says what was missing). A condition that throws
 * ends the wait with its error (e.g. "the process exited").
 */
export async function eventually<T>(
	condition: () => T | Promise<T>,
	deadlineMs: number,
	everyMs = 100,
): Promise<T> {
	const deadline = Date.now() + deadlineMs;
	for (;;) {
		const answer = await condition();
		if (answer || Date.now() >= deadline) return answer;
		await new Promise((resolve) => setTimeout(resolve, everyMs));
	}
}
