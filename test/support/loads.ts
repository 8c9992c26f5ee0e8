// Which modules a run of the built CLI loaded: the run goes through the preload in
// test/support/load-recorder.mjs, which writes every module's URL to a file as the process exits.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO, runCli, type CliResult } from './cli.js';

const RECORDER = pathToFileURL(join(REPO, 'test', 'support', 'load-recorder.mjs')).href;

/** Run the CLI with the recorder; its result and the file: URLs of every module it loaded. */
export async function runRecordingLoads(args: string[], env: Record<string, string> = {}): Promise<CliResult & { urls: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'css-load-'));
  const log = join(dir, 'loaded.txt');
  try {
    const r = await runCli(args, { env: { ...env, NODE_OPTIONS: `--import=${RECORDER}`, CSS_LOAD_LOG: log } });
    return Object.assign(r, { urls: readFileSync(log, 'utf8').split('\n').filter((u) => u.startsWith('file:')) });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
