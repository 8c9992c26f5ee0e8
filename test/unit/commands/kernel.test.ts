// The kernel: one interactivity check, the state file checked once, sessions released after the
// handler even when it fails, and a failure to release never becomes a second JSON document.
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { EXIT } from '../../../src/commands/exit-codes.js';
import { execute, type CommandSpec, type Handler } from '../../../src/commands/kernel.js';
import { renderError } from '../../../src/commands/outcome.js';
import { CliError } from '../../../src/errors.js';
import { captureIo, fakeState, writeStateFile } from '../support/fake-stack.js';

const spec = (needs: CommandSpec['needs'], handler: Handler<object>): CommandSpec => ({ name: 'probe', description: '', args: {}, needs, load: async () => ({ handler }) });
const docs = (out: string) => out.trim() === '' ? [] : out.trim().split(/\n(?=\{)/).map((d) => JSON.parse(d));

describe('the command kernel', () => {
  const sts = mockClient(STSClient);
  afterEach(() => sts.reset());

  it('no state file: the hint gives the whole commands, with --stack, --region and --state as given (issue 13.11)', async () => {
    const dir = writeStateFile(fakeState()).replace(/[^/]+$/, '');
    const err = await execute(spec({ state: 'required', aws: 'none' }, async () => ({ exit: EXIT.OK })), { stack: 'wiz', region: 'eu-west-1', state: `${dir}wiz.json` }, captureIo()).catch((e) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).hint).toBe(
      `Run npx cognito-scope-setup init --stack wiz --region eu-west-1 --state ${dir}wiz.json first (or pass the --stack / --state of an existing stack; npx cognito-scope-setup list shows them), then npx cognito-scope-setup probe --stack wiz --region eu-west-1 --state ${dir}wiz.json.`,
    );
  });

  it('writes the outcome once: its JSON with --json, its text without', async () => {
    const run = (json: boolean) => {
      const io = captureIo();
      return execute(spec({ state: 'none', aws: 'none' }, async () => ({ exit: EXIT.PENDING, json: { a: 1 }, text: 'A\n' })), { json }, io).then((code) => ({ code, out: io.out() }));
    };
    expect(await run(true)).toEqual({ code: 3, out: '{\n  "a": 1\n}\n' });
    expect(await run(false)).toEqual({ code: 3, out: 'A\n' });
  });

  it('one interactivity check: a terminal on both ends, no --no-input, not CI', async () => {
    const tty = <T extends object>(s: T) => Object.assign(s, { isTTY: true });
    const seen: boolean[] = [];
    const probe = spec({ state: 'none', aws: 'none' }, async (ctx) => (seen.push(ctx.interactive), { exit: EXIT.OK }));
    const io = (env: NodeJS.ProcessEnv = {}) => ({ ...captureIo('', env), stdin: tty(new PassThrough()), stderr: tty(new PassThrough()) });
    await execute(probe, {}, io());
    await execute(probe, { input: false }, io());
    await execute(probe, {}, io({ CI: 'true' }));
    await execute(probe, {}, captureIo());
    expect(seen).toEqual([true, false, false, false]);
  });

  it('"No state file" from one place, before the handler runs', async () => {
    let ran = false;
    const err = await execute(spec({ state: 'required', aws: 'none' }, async () => ((ran = true), { exit: EXIT.OK })), { state: '/nonexistent/x.json' }, captureIo()).catch((e) => e);
    expect(err).toMatchObject({ code: 'NO_STATE', message: expect.stringMatching(/^No state file for stack "hello-world" at \/nonexistent\/x.json\.$/) });
    expect(ran).toBe(false);
  });

  it('a lock that cannot be released: a warning on stderr, never a second JSON document', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012' });
    const file = writeStateFile(fakeState());
    const failRelease: Handler<object> = async (ctx) => {
      const s = await ctx.session();
      s.release = async () => {
        throw new Error('EACCES: permission denied, rmdir lock');
      };
      return { exit: EXIT.OK, json: { ok: true } };
    };
    const io = captureIo();
    expect(await execute(spec({ state: 'required', aws: 'write' }, failRelease), { state: file, json: true, region: 'us-east-1' }, io)).toBe(0);
    expect(docs(io.out())).toEqual([{ ok: true }]);
    expect(io.err()).toMatch(/warning: could not release the stack's lock or session: EACCES/);

    // The handler failed and then the release failed too: the kernel throws the handler's error,
    // and the entry point renders that one error as the one document.
    const failBoth: Handler<object> = async (ctx) => {
      const s = await ctx.session();
      s.release = async () => {
        throw new Error('EACCES');
      };
      throw new CliError('STEP_FAILED', 'the api step failed', 'run again');
    };
    const io2 = captureIo();
    // (Another stack: the lock above was never released.)
    const err = await execute(spec({ state: 'required', aws: 'write' }, failBoth), { state: writeStateFile(fakeState()), json: true, region: 'us-east-1' }, io2).catch((e) => e);
    expect(renderError(io2, err, { json: true })).toBe(1);
    expect(docs(io2.out())).toEqual([{ error: { code: 'STEP_FAILED', message: 'the api step failed', hint: 'run again' } }]);
  }, 60_000);
});
