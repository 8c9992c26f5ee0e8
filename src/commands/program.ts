// Commander, built from the command specs (registry.ts) and the field table (config/fields.ts):
// no option is spelled out here. Loads nothing heavy: a command's handler (and with it the AWS
// SDK, zod, the prompt and spinner libraries) is imported only when that command runs.
import { Command, Help, Option } from 'commander';
import { GLOBAL_FIELDS, helpOf, type FieldDef, type FieldTable } from '../config/fields.js';
import { VERSION } from '../version.js';
import type { CommandSpec } from './kernel.js';
import { COMMANDS, GROUPS } from './registry.js';

const collect = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];

function optionOf(f: FieldDef): Option {
  const o = new Option(f.flags, helpOf(f));
  if (f.choices) o.choices(f.choices);
  if (f.kind === 'list') o.argParser(collect);
  return o;
}

export function addFields(cmd: Command, fields: FieldTable): Command {
  for (const f of Object.values(fields)) cmd.addOption(optionOf(f));
  return cmd;
}

/** The name a command reaches the runner with: its words joined by '-' ('export postman' -> 'export-postman'). */
export const runnerName = (spec: CommandSpec<FieldTable>): string => spec.name.replace(/ /g, '-');

/**
 * The program. Given the command line, a command whose words do not all appear in it gets no
 * options (building every command's options is most of `--help`'s own time): commander only ever
 * runs or shows the help of a command named in argv, and `help <command>` fills them all. The list
 * of commands in a help text still says `[options]` for it, as commander would.
 */
export function buildProgram(run: (name: string, opts: Record<string, unknown>) => Promise<number>, argv?: readonly string[]): Command {
  const bare = new WeakSet<Command>();
  const program = new Command('cognito-scope-setup')
    .description('Protect a REST API with a Cognito user pool and a custom OAuth scope, in one command.')
    .version(VERSION, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) })
    .configureHelp({
      subcommandTerm(this: Help, cmd: Command) {
        const term = Help.prototype.subcommandTerm.call(this, cmd);
        return bare.has(cmd) ? term.replace(/^(\S+)/, '$1 [options]') : term;
      },
    })
    .exitOverride();
  addFields(program, GLOBAL_FIELDS);
  const all = !argv || argv.includes('help');
  const groups = new Map<string, Command>();
  for (const spec of COMMANDS) {
    const words = spec.name.split(' ');
    let parent = program;
    for (const w of words.slice(0, -1)) {
      let g = groups.get(w);
      if (!g) groups.set(w, (g = program.command(w).description(GROUPS[w] ?? w)));
      parent = g;
    }
    const cmd = parent.command(words.at(-1)!).description(spec.description);
    if (all || words.every((w) => argv.includes(w))) {
      addFields(cmd, spec.args);
      addFields(cmd, GLOBAL_FIELDS);
    } else bare.add(cmd);
    if (spec.help) cmd.addHelpText('after', spec.help);
    cmd.action(async (_o, c: Command) => {
      program.setOptionValue('__exit', await run(runnerName(spec), c.optsWithGlobals()));
    });
  }
  return program;
}
