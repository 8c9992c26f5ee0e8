// The field table is the one declaration of every input: commander's options and --help, the
// README's flag tables, the config-file keys and what the state file records all match it.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src/cli.js';
import { FLAG_OF, GLOBAL_FIELDS, INIT_FIELDS, SETTING_FIELDS, STACK_FIELDS, helpOf, longFlag, type FieldTable } from '../../../src/config/fields.js';
import { loadConfigFile } from '../../../src/config/config-file.js';
import { configDocument } from '../../../src/config/resolve.js';
import { inputsSchema } from '../../../src/config/schema.js';
import { COMMANDS } from '../../../src/commands/registry.js';
import { REPO } from '../../support/cli.js';
import { flagTable } from '../../support/flag-tables.js';
import { tutorialInputs } from '../../support/fixtures.js';

const README = readFileSync(join(REPO, 'README.md'), 'utf8');

describe('the field table', () => {
  it('gives every command exactly its fields and the global ones, with the help text of the table', () => {
    const program = buildProgram(async () => 0);
    const find = (name: string) => name.split(' ').reduce((c, w) => c.commands.find((x) => x.name() === w)!, program);
    for (const spec of COMMANDS) {
      const cmd = find(spec.name);
      const want = new Map(Object.values({ ...spec.args, ...GLOBAL_FIELDS } as FieldTable).map((f) => [longFlag(f), helpOf(f)]));
      const got = new Map(cmd.options.map((o) => [o.long!, o.description]));
      expect(got, spec.name).toEqual(want);
    }
  });

  it('init and plan take the same stack fields', () => {
    const [init, plan] = ['init', 'plan'].map((n) => COMMANDS.find((c) => c.name === n)!);
    expect(Object.keys(plan!.args)).toEqual(Object.keys(STACK_FIELDS));
    expect(Object.keys(init!.args)).toEqual([...Object.keys(STACK_FIELDS), ...Object.keys(INIT_FIELDS)]);
  });

  it('the README flag tables are the table (paste the expected text when a field changes)', () => {
    expect(README).toContain(`### Global flags (every command)\n\n${flagTable(GLOBAL_FIELDS, false)}\n`);
    expect(README).toContain(`### \`init\` and \`plan\` flags\n\n${flagTable({ ...STACK_FIELDS, ...INIT_FIELDS }, true)}\n`);
  });

  it('what the state file records is what the inputs schema holds', () => {
    const recorded = new Set(SETTING_FIELDS.filter(([, f]) => f.recorded).map(([, f]) => f.key!));
    expect([...recorded].sort()).toEqual(Object.keys(inputsSchema.shape).sort());
  });

  it('a --print-config document is a valid --config file with every config key', () => {
    const doc = configDocument({ ...tutorialInputs('demo'), username: 'alice', loopbackPort: 8976, m2mClient: true }, 'eu-west-1');
    const keys = [...new Set(SETTING_FIELDS.filter(([, f]) => f.config).map(([, f]) => f.key!))];
    expect(Object.keys(doc).sort()).toEqual(keys.filter((k) => doc[k] !== undefined).sort());
    expect(doc).toMatchObject({ stack: 'demo', region: 'eu-west-1', username: 'alice' });
    const file = join(mkdtempSync(join(tmpdir(), 'css-fields-')), 'stack.json');
    writeFileSync(file, JSON.stringify(doc));
    expect(loadConfigFile(file)).toEqual(doc);
  });

  it('names each setting by its flag in messages', () => {
    expect(FLAG_OF).toMatchObject({ stack: '--stack', scopes: '--scope', callbackUrls: '--callback-url', loopbackPort: '--callback-port', userMode: '--invite / --no-user' });
  });
});
