// Runs the built CLI as a child process, as a user would: the private copy the test run built
// (test/support/build-cli.mjs sets CSS_CLI_BIN), else the checkout's bin/ -> dist/.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '..', '..');
export const BIN = process.env.CSS_CLI_BIN ?? join(REPO, 'bin', 'cognito-scope-setup.cjs');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  json<T = any>(): T;
}

/** stdout as the one JSON document it must be; otherwise an error that shows both streams. */
export function parseStdout(code: number | null, stdout: string, stderr: string): any {
  try {
    return JSON.parse(stdout);
  } catch {
    throw new Error(`stdout is not one JSON document (exit ${code}):\n${stdout}\n--- stderr:\n${stderr}`);
  }
}

export interface CliOptions {
  input?: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
  timeoutMs?: number;
}

/** A fresh state directory per test. */
export const tempStateDir = () => mkdtempSync(join(tmpdir(), 'css-e2e-'));

export const emulatorEnv = (stateDir: string): Record<string, string> => ({
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_REGION: 'us-east-1',
  COGNITO_SCOPE_SETUP_STATE_DIR: stateDir,
  NO_COLOR: '1',
});

export interface SpawnedCli {
  /** The CLI process, for tests that kill it mid-run (SIGKILL, as a crash would). */
  child: ChildProcessWithoutNullStreams;
  /** Settles when the process has exited and its output is complete; code is null when it was killed. */
  done: Promise<CliResult & { signal: NodeJS.Signals | null }>;
}

export function spawnCli(args: string[], o: CliOptions = {}): SpawnedCli {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...o.env };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const child = spawn(process.execPath, [BIN, ...args], { cwd: o.cwd ?? REPO, env, stdio: ['pipe', 'pipe', 'pipe'] });
  const done = new Promise<CliResult & { signal: NodeJS.Signals | null }>((res, rej) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rej(new Error(`cli ${args.join(' ')} timed out\nstderr: ${stderr}`));
    }, o.timeoutMs ?? 120_000);
    child.on('error', rej);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      res({
        code,
        signal,
        stdout,
        stderr,
        json: () => parseStdout(code, stdout, stderr),
      });
    });
  });
  // A killed child may not read its stdin: ignore EPIPE there.
  child.stdin.on('error', () => undefined);
  child.stdin.end(o.input ?? '');
  return { child, done };
}

/** Kill a spawned CLI with SIGKILL (no cleanup runs, as in a crash) and wait until it is gone. */
export function killCli(child: ChildProcessWithoutNullStreams): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((res) => {
    child.once('exit', () => res());
    child.kill('SIGKILL');
  });
}

export function runCli(args: string[], o: CliOptions = {}): Promise<CliResult> {
  return spawnCli(args, o).done;
}

/** The password of the e2e suite's user (stdin or COGNITO_SCOPE_SETUP_PASSWORD). */
export const PASSWORD = 'Corr3ct-Horse!';

/**
 * `init --yes` for a whole stack against `endpoint` (the emulator, or a proxy in front of it):
 * region us-east-1, domain prefix `<stack>-login`, and the user alice (password on stdin) unless
 * `user` is false (`--no-user`). `json` (default true) adds --json; `extra` adds flags.
 */
export function initArgsFor(stack: string, endpoint: string, o: { json?: boolean; user?: boolean; extra?: string[] } = {}): string[] {
  return [
    'init', '--yes', ...(o.json === false ? [] : ['--json']),
    '--endpoint-url', endpoint,
    '--stack', stack,
    '--region', 'us-east-1',
    '--domain-prefix', `${stack}-login`,
    ...(o.extra ?? []),
    ...(o.user === false ? ['--no-user'] : ['--username', 'alice', '--email', 'alice@example.com', '--password-stdin']),
  ];
}
