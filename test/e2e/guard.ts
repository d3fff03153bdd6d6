/**
 * The last resort for what an end-to-end run starts: should the test process exit, or be
 * interrupted (Ctrl-C, a CI timeout), before the suite's own tear-down, `killNow` kills its
 * processes by id and removes its folders; then the signal does what it would have.
 */
export function killOnExit(killNow: () => void): () => void {
	const onSignal = (signal: NodeJS.Signals) => {
		killNow();
		release();
		process.kill(process.pid, signal);
	};
	const release = () => {
		process.off('exit', killNow);
		process.off('SIGINT', onSignal);
		process.off('SIGTERM', onSignal);
	};
	process.on('exit', killNow);
	process.once('SIGINT', onSignal);
	process.once('SIGTERM', onSignal);
	return release;
}
