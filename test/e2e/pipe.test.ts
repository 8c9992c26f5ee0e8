// A reader that stops early (`cognito-scope-setup --help | head`) closes the CLI's stdout: the CLI
// ends quietly with the run's exit code, as a Unix tool does, instead of crashing on EPIPE.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN } from '../support/cli.js';

/** Runs the CLI with its stdout going to a reader that has already exited; its exit code and stderr. */
function intoClosedPipe(args: string[]): { code: number; stderr: string } {
  // `true` exits at once, so by the time the CLI (started 0.3 s later) writes, the pipe has no reader.
  const shell = `{ sleep 0.3; "${process.execPath}" "${BIN}" ${args.map((a) => `'${a}'`).join(' ')} 2>&3; echo "exit=$?" >&3; } 3>&2 | true`;
  const r = spawnSync('bash', ['-c', shell], { encoding: 'utf8' });
  const m = /exit=(\d+)/.exec(r.stderr);
  return { code: m ? Number(m[1]) : -1, stderr: r.stderr.replace(/exit=\d+\n?/, '') };
}

describe('stdout closed by the reader', () => {
  it('--help into a closed pipe: exit 0, no EPIPE crash', () => {
    const r = intoClosedPipe(['--help']);
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled|Error:/);
    expect(r.code).toBe(0);
  });

  it('a usage error into a closed pipe keeps its exit code 2', () => {
    const r = intoClosedPipe(['init', '--stack', 'Bad_Name', '--json']);
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(r.code).toBe(2);
  });
});
