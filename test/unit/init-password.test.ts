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
