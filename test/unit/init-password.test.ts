import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInit } from '../../src/commands/init.js';
import { UsageError } from '../../src/errors.js';
import { captureIo, fakeState, writeStateFile } from './support/fake-stack.js';

// The password check happens before any AWS request: these runs never reach AWS (no endpoint,
// no credentials), so a UsageError proves the check came first.
describe('init: the password is required before any AWS request', () => {
  it('for a new --username on a stack whose recorded user has another name', async () => {
    const file = writeStateFile(fakeState());
    const io = captureIo('', {});
    const err = await runInit({ state: file, username: 'bob', input: false, yes: true }, io).catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).problems.join()).toMatch(/--password-stdin: the password for user "bob" is missing/);
  });
});

// Issue 13.4: contradictions in the config file, against the flags, and against the state file,
// refused (exit 2) before any AWS request; an environment variable only warns (it is ambient).
describe('init: contradictory user settings are refused, naming both', () => {
  const usage = async (o: Parameters<typeof runInit>[0], stdin = '', env: NodeJS.ProcessEnv = {}) => {
    const err = await runInit({ input: false, yes: true, ...o }, captureIo(stdin, env)).catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    return (err as UsageError).problems;
  };
  const config = (doc: unknown) => {
    const dir = mkdtempSync(join(tmpdir(), 'css-unit-'));
    const f = join(dir, 'c.json');
    writeFileSync(f, JSON.stringify(doc));
    return f;
  };

  it('a config file with "userMode": "none" and a "username" or "email"', async () => {
    const f = config({ userMode: 'none', username: 'bob', email: 'b@example.com' });
    expect(await usage({ config: f, state: join(mkdtempSync(join(tmpdir(), 'css-unit-')), 'x.json') })).toEqual([
      `--config ${f}: "userMode": "none" and "username": "bob": no user is created, so it is not used; drop one of them`,
      `--config ${f}: "userMode": "none" and "email": "b@example.com": no user is created, so it is not used; drop one of them`,
    ]);
  });

  it('--password-stdin with a config file that invites, or --username with one that has no user', async () => {
    const invite = config({ userMode: 'invite', username: 'bob', email: 'b@example.com' });
    expect((await usage({ config: invite, passwordStdin: true }, 'Corr3ct-Horse!')).join()).toContain(`--password-stdin and "userMode": "invite" in --config ${invite}`);
    const none = config({ userMode: 'none' });
    expect((await usage({ config: none, username: 'bob' })).join()).toContain(`--username "bob" and "userMode": "none" in --config ${none}`);
  });

  it('--password-stdin on a stack recorded without a user', async () => {
    const file = writeStateFile(fakeState({ inputs: { ...fakeState().inputs, userMode: 'none', username: undefined } }));
    expect((await usage({ state: file, passwordStdin: true }, 'Corr3ct-Horse!')).join()).toMatch(/^--password-stdin: stack hello-world has no user \(recorded in .*\), so no password is read/);
  });

  it('--username on a stack recorded without a user adds one (it asks for its password)', async () => {
    const file = writeStateFile(fakeState({ inputs: { ...fakeState().inputs, userMode: 'none', username: undefined } }));
    expect((await usage({ state: file, username: 'bob' })).join()).toMatch(/--password-stdin: the password for user "bob" is missing/);
  });
});
