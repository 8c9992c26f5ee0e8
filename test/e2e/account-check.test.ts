// The account check (STS GetCallerIdentity) costs no round trip of its own: it goes out with the
// first wave of reads, and no write leaves before it answered (a state file recorded for another
// account must stop the run before anything changes: guards.test.ts). Shown by ordering, never by
// time: the proxy holds STS's answer until a read of the same run has arrived.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { emulatorEnv, runCli, tempStateDir } from '../support/cli.js';
import { startCountingProxy, type CountingProxy } from '../support/proxy.js';

const endpoint = inject('emulatorEndpoint');
const RUN = Date.now().toString(36);

describe('the account check goes out with the first reads', () => {
  let p: CountingProxy;
  beforeAll(async () => {
    p = await startCountingProxy(endpoint);
  });
  afterAll(async () => {
    await p?.close();
  });

  it.each(['init', 'status', 'destroy'])('%s: a read arrives while STS is unanswered; the first write comes after its answer', async (command) => {
    const stack = `e2e-acct-${command}-${RUN}`;
    const env = emulatorEnv(tempStateDir());
    const common = ['--stack', stack, '--region', 'us-east-1', '--endpoint-url', p.endpoint, '--json'];
    if (command !== 'init') {
      const made = await runCli(['init', ...common, '--yes', '--no-user'], { env });
      expect(made.code, made.stderr).toBe(0);
    }
    p.clear();
    /** Order of what the proxy saw: 'read', 'write', 'sts-answered'. */
    const events: string[] = [];
    let readArrived!: () => void;
    const aRead = new Promise<void>((r) => (readArrived = r));
    let heldSts = false;
    p.before = async (r) => {
      if (r.operation === 'GetCallerIdentity') {
        heldSts = true;
        // Released by the first read; if none ever comes while STS waits, the run goes on and the
        // assertion below fails (the fallback only keeps the test from hanging).
        await Promise.race([aRead, new Promise((res) => setTimeout(res, 15_000))]);
        return;
      }
      events.push(r.mutating ? 'write' : 'read');
      if (!r.mutating && heldSts) readArrived();
    };
    p.after = async (r) => {
      if (r.operation === 'GetCallerIdentity') events.push('sts-answered');
    };
    try {
      const args = command === 'init' ? ['init', ...common, '--yes', '--no-user'] : command === 'destroy' ? ['destroy', ...common, '--yes'] : ['status', ...common];
      const r = await runCli(args, { env });
      expect(r.code, r.stderr).toBe(0);
    } finally {
      p.before = undefined;
      p.after = undefined;
    }
    const answered = events.indexOf('sts-answered');
    expect(answered, events.join(' ')).toBeGreaterThan(0);
    expect(events.slice(0, answered), 'reads went out while STS was unanswered').toContain('read');
    expect(events.slice(0, answered), 'no write before the account check answered').not.toContain('write');
    if (command !== 'status') expect(events.slice(answered)).toContain('write');
  });
});
