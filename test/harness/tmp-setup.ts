import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Jest global set-up: one folder for the whole run's throw-away n8n folders (see env.ts). */
export default function makeRunFolder(): void {
	process.env.HAILUO_TEST_TMP = mkdtempSync(join(tmpdir(), 'hailuo-test-'));
}
