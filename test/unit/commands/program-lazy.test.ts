// buildProgram with the command line gives options only to the commands named in it (the rest of
// `--help`'s time was building them all). Nothing a user sees may change: every help text, and
// what each command is run with, are the same as with the whole program.
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src/cli.js';
import { COMMANDS } from '../../../src/commands/registry.js';

const noRun = async () => 0;
const find = (program: Command, words: string[]) => words.reduce((c, w) => c.commands.find((x) => x.name() === w)!, program);
/** What the program writes for argv (help and errors go through configureOutput's writers). */
async function outputOf(program: Command, argv: string[]) {
  let out = '';
  let err = '';
  const capture = (c: Command): void => {
    c.configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) });
    c.commands.forEach(capture);
  };
  capture(program);
  let code: string | undefined;
  try {
    await program.parseAsync(['node', 'cognito-scope-setup', ...argv]);
  } catch (e) {
    code = (e as { code?: string }).code;
  }
  return { out, err, code };
}

describe('buildProgram(run, argv): only the named commands get their options', () => {
  const lines: string[][] = [
    ['--help'],
    ['help'],
    ['export', '--help'],
    ['help', 'init'],
    ['help', 'export', 'postman'],
    ['no-such-command'],
    ...COMMANDS.map((c) => [...c.name.split(' '), '--help']),
    ['init', '--no-such-flag'],
    ['status', '--stak', 'x'],
  ];
  it.each(lines.map((l) => [l.join(' '), l]))('%s: the same output as the whole program', async (_name, argv) => {
    const whole = await outputOf(buildProgram(noRun), argv as string[]);
    const lazy = await outputOf(buildProgram(noRun, argv as string[]), argv as string[]);
    expect(lazy).toEqual(whole);
    expect(whole.out + whole.err, 'the control: something was printed').not.toBe('');
  });

  it('top-level --help lists every command with [options], though none was given any', () => {
    const lazy = buildProgram(noRun, ['--help']);
    expect(COMMANDS.every((c) => find(lazy, c.name.split(' ')).options.length === 0)).toBe(true);
    expect(lazy.helpInformation()).toBe(buildProgram(noRun).helpInformation());
    expect(lazy.helpInformation()).toMatch(/^ {2}init \[options\] /m);
  });

  it.each(COMMANDS.map((c) => [c.name]))('%s runs with the same options as from the whole program', async (name) => {
    const argv = [...name.split(' '), '--stack', 'demo', '--region', 'eu-west-1', '--json'];
    const seen: Record<string, unknown>[] = [];
    const run = async (_n: string, opts: Record<string, unknown>) => (seen.push(opts), 0);
    await buildProgram(run).parseAsync(['node', 'x', ...argv]);
    await buildProgram(run, argv).parseAsync(['node', 'x', ...argv]);
    expect(seen).toHaveLength(2);
    expect(seen[1]).toEqual(seen[0]);
  });
});
