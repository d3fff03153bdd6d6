import type { Logger } from 'n8n-workflow';

const WAITING_LOG_INTERVAL_MS = 30_000;

/** Logs "2/5 videos ready after 40 s" as a batch of jobs finishes. */
export class BatchProgress {
	private finished = 0;

	private readonly startedAt = Date.now();

	private lastWaitingLog = this.startedAt;

	constructor(
		private readonly logger: Logger,
		private readonly total: number,
	) {}

	taskFinished(taskId: string | null, status: string): void {
		this.finished++;
		const seconds = Math.round((Date.now() - this.startedAt) / 1000);
		this.logger.info(
			`Hailuo: ${this.finished}/${this.total} videos ready after ${seconds} s (task ${taskId ?? '?'} ${status})`,
		);
	}

	/** At most one line per interval for the whole batch, however many tasks are polled. */
	stillWaiting(taskId: string | null, rawStatus: string | null): void {
		const now = Date.now();
		if (now - this.lastWaitingLog < WAITING_LOG_INTERVAL_MS) return;
		this.lastWaitingLog = now;
		const seconds = Math.round((now - this.startedAt) / 1000);
		this.logger.info(
			`Hailuo: ${this.finished}/${this.total} videos ready after ` +
				`${seconds} s; task ${taskId ?? '?'} is ${rawStatus ?? 'pending'}`,
		);
	}
}
