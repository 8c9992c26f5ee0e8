// destroy on a terminal: before asking, it lists what it will delete (issue 13.9); declining sends
// no AWS request and the hint gives the whole command.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { execute } from '../../../src/commands/kernel.js';
import { DESTROY } from '../../../src/commands/registry.js';
import { CliError } from '../../../src/errors.js';
import type { PromptApi } from '../../../src/ui/prompts.js';
import { captureIo, fakeState, writeStateFile } from '../support/fake-stack.js';

const tty = <T extends object>(s: T) => Object.assign(s, { isTTY: true });

function terminal() {
  const io = captureIo();
  const asked: string[] = [];
  const prompts = {
    confirm: async (o: { message: string }) => (asked.push(o.message), false),
  } as unknown as PromptApi;
  return { io: { ...io, stdin: tty(new PassThrough()), stderr: tty(io.stderr as PassThrough) }, asked, prompts, err: io.err };
}

describe('destroy asks first, listing what it will delete', () => {
  it('with a state file: each recorded resource by kind and id, then the question; no: nothing is sent', async () => {
    const state = fakeState({ stack: 'demo' });
    const file = writeStateFile(state);
    const t = terminal();
    const err = await execute(DESTROY, { stack: 'demo', state: file }, t.io, { makePrompts: async () => t.prompts }).catch((e) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).code).toBe('DECLINED');
    expect((err as CliError).hint).toBe(`Run npx cognito-scope-setup destroy --stack demo --state ${file} again and answer yes, or pass --yes.`);
    const listed = t.err();
    expect(listed).toContain(`destroy deletes these resources of stack demo (recorded in ${file})`);
    expect(listed).toMatch(/REST API\s+a1b2c3d4e5\n/);
    expect(listed).toMatch(/Cognito user pool\s+us-east-1_AbCdEfGhI\n/);
    expect(listed).toMatch(/App client\s+clientid1234567890abcdefgh\n/);
    expect(listed).toMatch(/User\s+alice\n/);
    expect(t.asked).toEqual(['Delete these in account 123456789012 (us-east-1)?']);
  });

  it('without a state file: the names it looks for, and that nothing else is touched', async () => {
    const dir = writeStateFile(fakeState()).replace(/[^/]+$/, '');
    const t = terminal();
    const err = await execute(DESTROY, { stack: 'fresh', state: `${dir}fresh.json` }, t.io, { makePrompts: async () => t.prompts }).catch((e) => e);
    expect((err as CliError).code).toBe('DECLINED');
    expect(t.err()).toContain('destroy looks for the resources named after stack "fresh" (fresh-lambda, fresh-api, fresh-user-pool');
    expect(t.asked).toEqual(['Delete what is found?']);
  });
});
