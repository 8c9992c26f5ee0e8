// The built CLI in a pseudo-terminal, driven by test/support/pty-driver.py (a tiny `expect`, with
// the emulator's virtualenv Python, which test/support/ministack.mjs installs before any test runs).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { BIN, REPO } from './cli.js';

const VENV_PYTHON = join(REPO, '.venv-ministack', 'bin', 'python');

export interface PtyResult {
  code: number | null;
  signal: number | null;
  /** What the terminal showed, ANSI codes stripped (line ends as the terminal sent them: \r\n). */
  output: string;
  error: string | null;
}

export interface PtyOptions {
  env: Record<string, string>;
  /** Each: a regex to wait for on screen, then the keys to type. */
  steps?: [string, string][];
  cols?: number;
  rows?: number;
  stepTimeout?: number;
  exitTimeout?: number;
}

/** Run the CLI with these arguments in a terminal of o.cols x o.rows (default 120 x 40). */
export function inPty(args: string[], o: PtyOptions): Promise<PtyResult> {
  const spec = { argv: [process.execPath, BIN, ...args], env: o.env, cwd: REPO, steps: o.steps ?? [], stepTimeout: o.stepTimeout ?? 30, exitTimeout: o.exitTimeout ?? 90, cols: o.cols ?? 120, rows: o.rows ?? 40 };
  return new Promise((res, rej) => {
    const py = spawn(VENV_PYTHON, [join(REPO, 'test', 'support', 'pty-driver.py')], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    py.stdout.on('data', (d) => (out += d));
    py.stderr.on('data', (d) => (err += d));
    py.on('error', rej);
    py.on('close', () => {
      try {
        res(JSON.parse(out) as PtyResult);
      } catch {
        rej(new Error(`pty driver failed: ${err}\n${out}`));
      }
    });
    py.stdin.end(JSON.stringify(spec));
  });
}
