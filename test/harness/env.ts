// n8n-core reads its settings from the environment when its services are first resolved, so each
// test file gets throw-away folders and filesystem binary data before anything imports it.
// Under jest they live in the run's folder (tmp-setup.ts makes it, tmp-teardown.ts removes it);
// a script run outside jest (the bench) removes its own folder when it exits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const runFolder = process.env.HAILUO_TEST_TMP;
const root = mkdtempSync(join(runFolder ?? tmpdir(), 'hailuo-n8n-'));
if (!runFolder) process.on('exit', () => rmSync(root, { recursive: true, force: true }));
process.env.N8N_USER_FOLDER = root;
process.env.N8N_BINARY_DATA_STORAGE_PATH = join(root, 'binary');
process.env.N8N_ENCRYPTION_KEY = 'hailuo-test-encryption-key';
process.env.N8N_DEFAULT_BINARY_DATA_MODE = 'filesystem';
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
delete process.env.N8N_STORAGE_PATH;
process.env.N8N_LOG_LEVEL = 'silent';
