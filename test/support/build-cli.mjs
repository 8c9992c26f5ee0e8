// @ts-check
/**
 * vitest globalSetup of the emulator project: builds the CLI the tests run into a private
 * temporary directory (<tmp>/bin + <tmp>/dist) and points CSS_CLI_BIN at it, so a test run never
 * rebuilds the checkout's dist/ and a CLI started from it during `npm test` keeps working.
 * CSS_CLI_BIN set beforehand (another build of the launcher) is used as it is.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** @returns {Promise<() => void>} teardown */
export default async function setup() {
  if (process.env.CSS_CLI_BIN) return () => undefined;
  const dir = mkdtempSync(path.join(tmpdir(), 'css-test-cli-'));
  const r = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'build.mjs'), '--out', dir], { cwd: REPO, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`building the test copy of the CLI into ${dir} failed (exit ${r.status ?? r.signal})`);
  process.env.CSS_CLI_BIN = path.join(dir, 'bin', 'cognito-scope-setup.cjs');
  process.env.CSS_CLI_DIR = dir;
  return () => {
    delete process.env.CSS_CLI_BIN;
    delete process.env.CSS_CLI_DIR;
    rmSync(dir, { recursive: true, force: true });
  };
}
