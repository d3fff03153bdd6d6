/** Runs at most `max` tasks at once, in the order they asked; the rest wait their turn. */
export class Limiter {
	private active = 0;

	private readonly waiting: Array<() => void> = [];

	constructor(private readonly max: number) {}

	async run<T>(task: () => Promise<T>): Promise<T> {
		if (this.active < this.max) this.active++;
		else await new Promise<void>((resolve) => this.waiting.push(resolve));
		try {
			return await task();
		} finally {
			// A finished task hands its slot straight to the next in line.
			const next = this.waiting.shift();
			if (next) next();
			else this.active--;
		}
	}
}
