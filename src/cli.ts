// The entry point: parse (commander, built from the command specs and the field table in
// commands/program.ts), run the command through the kernel, render any failure once
// (commands/outcome.ts) and return the exit code; only bin/ sets it on the process.
// A command's module (and with it the AWS SDK, zod, the prompt and spinner libraries) is
// imported only when that command runs, so `--help`, `--version` and usage errors stay fast.
import { CommanderError } from 'commander';
import { buildProgram, runnerName } from './commands/program.js';
import { COMMANDS, PLAN } from './commands/registry.js';

export { buildProgram };

/** The spec a parsed command runs: `init --dry-run` is `plan`, with the same flags. */
export function specFor(name: string, opts: Record<string, unknown>) {
  return name === 'init' && opts.dryRun ? PLAN : COMMANDS.find((c) => runnerName(c) === name);
}

async function runCommand(name: string, opts: Record<string, unknown>): Promise<number> {
  const spec = specFor(name, opts);
  if (!spec) throw new Error(`unknown command ${name}`);
  const { execute } = await import('./commands/kernel.js');
  // Commander gave each option the type its field declares (fields.ts ArgsOf).
  return execute(spec, opts as never);
}

export async function main(argv: string[], run = runCommand): Promise<number> {
  const program = buildProgram(run, argv.slice(2));
  const verbose = argv.includes('--verbose');
  const json = argv.includes('--json');
  try {
    if (argv.length <= 2) {
      program.outputHelp();
      return 0;
    }
    await program.parseAsync(argv);
    return (program.getOptionValue('__exit') as number | undefined) ?? 0;
  } catch (e) {
    if (e instanceof CommanderError && (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help')) return 0;
    // The renderer (and with it every layer's error classes and words) only when there is an error.
    const { renderError, renderParseError } = await import('./commands/outcome.js');
    const io = { stdout: process.stdout, stderr: process.stderr };
    if (e instanceof CommanderError) return renderParseError(io, e.message, json);
    return renderError(io, e, { verbose, json });
  }
}
