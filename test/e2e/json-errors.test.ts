// Under --json, every failure path prints exactly one JSON document on stdout with error.code,
// error.message and error.hint, and the exit code of its kind: a commander parse error, an
// unknown command, a validation error, an AWS failure (unreachable endpoint, a step AWS refused),
// and a signal while creating (SIGINT 130, SIGTERM 143, SIGHUP 129): the calls in flight finish,
// the state is saved, the lock released, the resume line printed; the next run completes the stack.
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { emulatorEnv, parseStdout, PASSWORD, runCli, tempStateDir } from '../support/cli.js';
import { withInitSignalledAtCreateFunction } from '../support/interrupt.js';
import { inventory } from '../support/inventory.js';
import { startCountingProxy } from '../support/proxy.js';

const endpoint = inject('emulatorEndpoint');
const id = Date.now().toString(36);

/** The one document on stdout, with the three fields every error carries. */
function errorDoc(r: { code: number | null; stdout: string; stderr: string }) {
  const doc = parseStdout(r.code, r.stdout, r.stderr);
  expect(typeof doc.error.code, r.stdout).toBe('string');
  expect(typeof doc.error.message, r.stdout).toBe('string');
  expect(doc.error.message.length).toBeGreaterThan(0);
  expect(typeof doc.error.hint, r.stdout).toBe('string');
  return doc;
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((res) => srv.listen(0, '127.0.0.1', () => res()));
  const port = (srv.address() as { port: number }).port;
  await new Promise((res) => srv.close(res));
  return port;
}

describe('--json: one JSON document with error.code, error.message, error.hint on every failure', () => {
  const env = emulatorEnv(tempStateDir());

  it('a flag commander does not know (exit 2)', async () => {
    const r = await runCli(['init', '--json', '--no-such-flag'], { env });
    expect(r.code, r.stderr).toBe(2);
    expect(errorDoc(r).error).toMatchObject({ code: 'USAGE', message: expect.stringMatching(/--no-such-flag/) });
    expect(r.stderr).toMatch(/^error: unknown option '--no-such-flag'$/m);
  });

  it('an unknown command (exit 2)', async () => {
    const r = await runCli(['no-such-command', '--json'], { env });
    expect(r.code, r.stderr).toBe(2);
    expect(errorDoc(r).error).toMatchObject({ code: 'USAGE', message: expect.stringMatching(/no-such-command/) });
  });

  it('a value against its rule, and a commander choice (exit 2)', async () => {
    const r = await runCli(['init', '--json', '--stack', 'Bad_Name', '--no-user'], { env });
    expect(r.code, r.stderr).toBe(2);
    expect(errorDoc(r).error).toMatchObject({ code: 'USAGE', message: expect.stringMatching(/^--stack "Bad_Name": must be/) });
    const c = await runCli(['plan', '--json', '--endpoint-type', 'PRIVATE'], { env });
    expect(c.code, c.stderr).toBe(2);
    expect(errorDoc(c).error.code).toBe('USAGE');
  });

  it('no state file (exit 1)', async () => {
    const r = await runCli(['status', '--json', '--stack', `e2e-json-none-${id}`], { env });
    expect(r.code, r.stderr).toBe(1);
    expect(errorDoc(r).error.code).toBe('NO_STATE');
  });

  it('AWS cannot be reached (exit 1)', async () => {
    const r = await runCli(['init', '--json', '--yes', '--no-user', '--stack', `e2e-json-net-${id}`, '--region', 'us-east-1', '--endpoint-url', `http://127.0.0.1:${await closedPort()}`], { env });
    expect(r.code, r.stderr).toBe(1);
    expect(errorDoc(r).error.code).toBe('NETWORK');
  });

  it('a step AWS refused: the step, the steps and how to resume (exit 1)', async () => {
    const p = await startCountingProxy(endpoint);
    try {
      p.before = async (r) =>
        r.method === 'POST' && /\/restapis\/?$/.test(r.path)
          ? { status: 403, headers: { 'x-amzn-errortype': 'AccessDeniedException' }, body: JSON.stringify({ message: 'User is not authorized to perform: apigateway:POST' }) }
          : undefined;
      const stack = `e2e-json-step-${id}`;
      const r = await runCli(['init', '--json', '--yes', '--no-user', '--stack', stack, '--endpoint-url', p.endpoint], { env });
      expect(r.code, r.stderr).toBe(1);
      const doc = errorDoc(r);
      expect(doc.error).toMatchObject({ step: 'api', resume: expect.stringMatching(/init --stack/) });
      expect(doc.steps.find((s: { key: string }) => s.key === 'api').action).toBe('failed');
      p.before = undefined;
      const d = await runCli(['destroy', '--yes', '--json', '--stack', stack], { env });
      expect(d.code, d.stderr).toBe(0);
    } finally {
      await p.close();
    }
  });
});

describe('SIGTERM and SIGHUP stop as gracefully as Ctrl-C', () => {
  for (const [signal, exit, label] of [['SIGTERM', 143, 'SIGTERM'], ['SIGHUP', 129, 'SIGHUP']] as const) {
    it(`${signal}: the call in flight finishes and is recorded, the lock is released, exit ${exit}; the next run completes the stack`, async () => {
      const stack = `e2e-${signal.toLowerCase()}-${id}`;
      const stateDir = tempStateDir();
      const env = { ...emulatorEnv(stateDir), COGNITO_SCOPE_SETUP_PASSWORD: PASSWORD };
      await withInitSignalledAtCreateFunction(endpoint, stack, env, signal, async ({ code, stdout, stderr, signalled }) => {
        expect(signalled).toBe(true);
        expect(code, stderr).toBe(exit);
        expect(stderr).toContain(`${label}: finishing the AWS calls already in flight`);
        expect(stderr).toMatch(new RegExp(`Resume with: npx cognito-scope-setup init --stack ${stack}`));
        const doc = errorDoc({ code, stdout, stderr });
        expect(doc.error.code).toBe('INTERRUPTED');
        const state = JSON.parse(readFileSync(join(stateDir, `${stack}.json`), 'utf8'));
        expect(state.resources.function?.id).toBe(`${stack}-lambda`);
        expect(state.resources.permission).toBeUndefined();
        expect(existsSync(join(stateDir, `${stack}.json.lock`))).toBe(false);

        const again = await runCli(['init', '--yes', '--json', '--stack', stack], { env });
        expect(again.code, again.stderr).toBe(0);
        expect(await inventory(endpoint, stack)).toMatchObject({ functions: 1, roles: 1, apis: 1 });
        const d = await runCli(['destroy', '--yes', '--json', '--stack', stack], { env });
        expect(d.code, d.stderr).toBe(0);
      });
    });
  }
});
