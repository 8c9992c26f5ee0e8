// One input pipeline: init, plan and init --dry-run resolve the same inputs from the same flags
// (--yes, --no-input, a --config file and a state file included), through the real kernel.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram, specFor } from '../../../src/cli.js';
import { execute, type CommandSpec, type HandlerContext } from '../../../src/commands/kernel.js';
import { EXIT } from '../../../src/commands/exit-codes.js';
import { UsageError } from '../../../src/errors.js';
import { captureIo, fakeState, writeStateFile } from '../support/fake-stack.js';

/** Parse argv as the CLI does, run the command's spec through the kernel with a handler that keeps its inputs. */
async function resolvedBy(argv: string[]) {
  let seen: [string, Record<string, unknown>] | undefined;
  await buildProgram(async (name, o) => ((seen = [name, o]), 0)).parseAsync(['node', 'x', ...argv]);
  const spec = specFor(seen![0], seen![1])!;
  let got: HandlerContext['inputs'] | undefined;
  const probe: CommandSpec = { ...spec, load: async () => ({ handler: async (ctx: HandlerContext) => ((got = ctx.inputs), { exit: EXIT.OK }) }) };
  await execute(probe, seen![1] as never, captureIo());
  const { domainPrefix, ...rest } = got!.inputs;
  return { spec: spec.name, inputs: rest, domainPrefix, region: got!.g.region };
}

describe('plan, init and init --dry-run resolve the same inputs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'css-pipeline-'));
  const config = join(dir, 'stack.json');
  writeFileSync(config, JSON.stringify({ stack: 'from-file', region: 'eu-west-1', scopes: ['read.x', 'write.x=Write x'], username: 'carol' }));
  const stateFile = writeStateFile(fakeState({ stack: 'recorded' }));
  const cases: string[][] = [
    ['--yes', '--no-input', '--region', 'us-east-1'],
    ['--yes'],
    ['--no-user', '--stack', 'demo', '--scope', 'a', '--scope', 'b=Bee', '--endpoint-type', 'regional'],
    ['--username', 'bob', '--invite', '--email', 'bob@example.com', '--m2m-client', '--callback-port', '9001'],
    ['--config', config, '--yes', '--stage', 'prod'],
    ['--stack', 'recorded', '--state', stateFile, '--yes', '--scope', 'extra'],
  ];
  for (const flags of cases) {
    it(flags.join(' '), async () => {
      const init = await resolvedBy(['init', ...flags]);
      const plan = await resolvedBy(['plan', ...flags]);
      const dry = await resolvedBy(['init', '--dry-run', ...flags]);
      expect(init.spec).toBe('init');
      expect(plan.spec).toBe('plan');
      expect(dry.spec).toBe('plan');
      expect(plan.inputs).toEqual(init.inputs);
      expect(dry.inputs).toEqual(init.inputs);
      expect(plan.region).toEqual(init.region);
      // A generated domain prefix is random per run; a given or recorded one is the same.
      if (init.inputs.domainPrefixGenerated && !flags.includes('recorded')) for (const r of [init, plan, dry]) expect(r.domainPrefix).toMatch(/^[a-z-]+-[0-9a-f]{6}$/);
      else expect(plan.domainPrefix).toBe(init.domainPrefix);
    });
  }

  it('--yes takes the wizard\'s default user for plan too (it used to stop at "--username: is required")', async () => {
    const plan = await resolvedBy(['plan', '--yes', '--no-input', '--region', 'us-east-1']);
    expect(plan.inputs.username).toBe('tutorial-user');
  });

  it('the same flags are refused the same way, before any AWS request', async () => {
    for (const cmd of [['init'], ['plan'], ['init', '--dry-run']]) {
      const err = await resolvedBy([...cmd, '--no-input', '--stage', 'a b']).catch((e) => e);
      expect(err, cmd.join(' ')).toBeInstanceOf(UsageError);
      expect((err as UsageError).problems).toEqual(['--stage "a b": must be 1-128 letters, digits, hyphens or underscores']);
    }
  });
});
