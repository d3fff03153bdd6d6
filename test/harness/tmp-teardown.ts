import { rmSync } from 'node:fs';

/** Jest global teardown: removes the run's folder, whether the tests passed or not. */
export default function removeRunFolder(): void {
	if (process.env.HAILUO_TEST_TMP)
		rmSync(process.env.HAILUO_TEST_TMP, { recursive: true, force: true });
}
