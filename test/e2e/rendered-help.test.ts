// `--help` (`-h`, `help`, no arguments) and `--version` (`-v`) alone print what the build rendered
// with commander (dist/rendered.cjs, scripts/build.mjs), without loading the CLI. The text must be
// commander's own, byte for byte: it is compared with what the whole CLI prints through commander
// (`--verbose --help`: a global flag before --help takes the same help through commander). On a
// terminal that is not 80 columns wide, commander renders the help at that width.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runCli } from '../support/cli.js';
import { runRecordingLoads } from '../support/loads.js';
import { inPty } from '../support/pty.js';

const VERSION = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
// The program's description is 84 characters: commander wraps it at 80 columns, not at 100.
const DESCRIPTION = 'Protect a REST API with a Cognito user pool and a custom OAuth scope, in one command.';

/** The files of dist/ a run loaded (test/support/loads.ts). */
async function distLoadedBy(args: string[]) {
  const r = await runRecordingLoads(args);
  expect(r.code, r.stderr).toBe(0);
  return r.urls
    .map((u) => /\/dist\/(.+)$/.exec(u)?.[1])
    .filter((f): f is string => f !== undefined)
    .sort();
}

/** The CLI in a pseudo-terminal `cols` wide; its output with \r\n as \n. */
async function inTerminal(args: string[], cols: number): Promise<{ code: number | null; output: string }> {
  const r = await inPty(args, { env: { PATH: process.env.PATH!, HOME: process.env.HOME!, TERM: 'xterm-256color' }, cols, rows: 60, exitTimeout: 60 });
  return { code: r.code, output: r.output.replace(/\r\n/g, '\n') };
}

describe('--help and --version from the build', () => {
  it.each([
    ['--help', ['--help']],
    ['-h', ['-h']],
    ['help', ['help']],
    ['no arguments', []],
  ])('%s prints exactly what commander prints, on stdout, exit 0', async (_name, args) => {
    const commander = await runCli(['--verbose', '--help']);
    expect(commander.code).toBe(0);
    expect(commander.stdout).toMatch(/^Usage: cognito-scope-setup \[options\] \[command\]\n/);
    const r = await runCli(args);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(commander.stdout);
  });

  it.each([['--version'], ['-v']])('%s prints the package version, as commander does', async (flag) => {
    const commander = await runCli(['--verbose', flag]);
    expect(commander.stdout).toBe(`${VERSION}\n`);
    const r = await runCli([flag]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${VERSION}\n`);
  });

  it('they load dist/rendered.cjs only; the control, through commander, loads the CLI', async () => {
    for (const args of [['--help'], ['--version'], []]) expect(await distLoadedBy(args), args.join(' ')).toEqual(['rendered.cjs']);
    expect(await distLoadedBy(['--verbose', '--help'])).toEqual(expect.arrayContaining(['cli.cjs', 'compile-cache.cjs']));
  });

  it('a command help and a longer argument list still go through commander', async () => {
    const r = await runCli(['init', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: cognito-scope-setup init \[options\]\n/);
    const two = await runCli(['--help', '--json']);
    expect(two.code).toBe(0);
    expect(two.stdout).toMatch(/^Usage: cognito-scope-setup \[options\] \[command\]\n/);
  });

  it('on an 80-column terminal it prints the rendered text; at 100 columns commander renders it at that width', async () => {
    const piped = await runCli(['--help']);
    const at80 = await inTerminal(['--help'], 80);
    expect(at80.code).toBe(0);
    expect(at80.output).toBe(piped.stdout);
    expect(piped.stdout).not.toContain(DESCRIPTION);
    const at100 = await inTerminal(['--help'], 100);
    expect(at100.code).toBe(0);
    expect(at100.output).toContain(DESCRIPTION);
    expect(at100.output).toBe((await inTerminal(['--verbose', '--help'], 100)).output);
  });
});
