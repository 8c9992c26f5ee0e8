// Crash at every point. For every k from 1 to N (N: the mutating requests of a full `init`),
// the CLI is killed with SIGKILL when the k-th mutating request arrives at the proxy, either
// before it is forwarded ("before") or after the emulator ran it but before the CLI sees the
// answer ("after"). The next `init` must complete; an independent SDK client must then find
// exactly one of each resource, `status` must be in sync, and `destroy` must leave none.
// This is where adoption by deterministic name plus ownership tag proves itself. The same sweep
// then kills `destroy` at each of its mutating requests: the next `destroy` must leave nothing.
// A third sweep loses the answer instead of killing the process ("lost"): the emulator runs the
// k-th mutating request and the CLI gets an HTTP 500 (odd k) or a reset connection (even k). That
// same run must complete, with exactly one of each resource: a lost answer never needs a second
// run (a create is read back and adopted, never sent twice; every other write is idempotent).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { emulatorEnv, initArgsFor, killCli, PASSWORD, runCli, spawnCli, tempStateDir } from '../support/cli.js';
import { inventory } from '../support/inventory.js';
import { pool } from '../support/pool.js';
import { startCountingProxy, type AwsRequest, type CrashMode } from '../support/proxy.js';

const endpoint = inject('emulatorEndpoint');
const RUN = Date.now().toString(36);
/** Cycles run two at a time: the emulator is shared with the other test files (2 workers). */
const CONCURRENCY = 2;

const initArgs = (stack: string, proxyEndpoint: string) => initArgsFor(stack, proxyEndpoint, { extra: ['--scope', 'read.helloworld.message=Read the hello world message'] });

/** An operation without its ids: `apigateway PUT /restapis/{id}/resources/{id}/methods/GET`. */
const opKey = (r: AwsRequest) =>
  `${r.service} ${r.operation}`.replace(/\/(restapis|resources|functions|authorizers|deployments|stages)\/[^/?]+/g, '/$1/{id}');

const destroyArgs = (stack: string) => ['destroy', '--yes', '--json', '--stack', stack];
const tail = (text: string) => text.trim().split('\n').slice(-3).join(' | ');

type Phase = 'init' | 'destroy';
/** The mutating requests of one full init and one full destroy, as the proxy sees them. */
const full: Record<Phase, string[]> = { init: [], destroy: [] };

beforeAll(async () => {
  const proxy = await startCountingProxy(endpoint);
  const stack = `e2e-crash-n-${RUN}`;
  const env = emulatorEnv(tempStateDir());
  try {
    const r = await runCli(initArgs(stack, proxy.endpoint), { env, input: PASSWORD + '\n' });
    expect(r.code, r.stderr).toBe(0);
    full.init = proxy.writes().map(opKey);
    proxy.clear();
    const d = await runCli(destroyArgs(stack), { env });
    expect(d.code, d.stderr).toBe(0);
    full.destroy = proxy.writes().map(opKey);
  } finally {
    await proxy.close();
  }
}, 120_000);

/** Kill the process (before or after AWS ran the request), or only lose the answer. */
type Mode = CrashMode | 'lost';

interface Outcome {
  k: number;
  crashedAt?: string;
  ok: boolean;
  problem?: string;
}

let cycles = 0;

/** Exactly one of each resource, in working order; undefined when so, else what is wrong. */
async function exactlyOneOfEach(stack: string, env: Record<string, string>): Promise<string | undefined> {
  const inv = await inventory(endpoint, stack);
  const want = { roles: 1, functions: 1, apis: 1, authorizers: 1, pools: 1, clients: 1, stages: ['dev'], users: ['alice'], userStatuses: ['CONFIRMED'], domains: [`${stack}-login`], resourceServers: [`${stack}-api`] };
  for (const [key, value] of Object.entries(want)) {
    const have = (inv as unknown as Record<string, unknown>)[key];
    if (JSON.stringify(have) !== JSON.stringify(value)) return `${key} is ${JSON.stringify(have)}, expected ${JSON.stringify(value)}`;
  }
  if (inv.methodsWithScopes.length !== 1 || inv.methodsWithScopes[0]!.join() !== `${stack}-api/read.helloworld.message`) return `method scopes ${JSON.stringify(inv.methodsWithScopes)}`;
  // status compares every resource with what was asked (policies, integration, permission, deployment).
  const st = await runCli(['status', '--json', '--stack', stack], { env });
  if (st.code !== 0) return `status: exit ${st.code}: ${st.stdout.slice(0, 600)}`;
  return undefined;
}

/** Nothing of the stack is left, nor its state file; undefined when so. */
async function noneLeft(stack: string, stateDir: string): Promise<string | undefined> {
  const gone = await inventory(endpoint, stack);
  const left = Object.entries({ roles: gone.roles, functions: gone.functions, apis: gone.apis, pools: gone.pools }).filter(([, v]) => v !== 0);
  if (left.length) return `${left.map(([key, v]) => `${v} ${key}`).join(', ')} left`;
  if (existsSync(join(stateDir, `${stack}.json`))) return 'the state file is still there';
  if (existsSync(join(stateDir, `${stack}.json.lock`))) return 'the lock is still there';
  return undefined;
}

/**
 * One crash: kill `phase` at its k-th mutating request (or at the first `op` when given), run it
 * again, and check the outcome; then tear down and check that nothing is left.
 */
async function crashCycle(phase: Phase, mode: Mode, k: number, op?: string): Promise<Outcome> {
  // A stack of its own per cycle (the emulator is shared and never reset).
  const stack = `e2e-crash-${phase[0]}${mode[0]}${++cycles}-${RUN}`;
  const stateDir = tempStateDir();
  const env = emulatorEnv(stateDir);
  const proxy = await startCountingProxy(endpoint);
  const outcome: Outcome = { k, ok: false };
  const fail = (problem: string) => ({ ...outcome, problem });
  try {
    if (phase === 'destroy') {
      const made = await runCli(initArgs(stack, proxy.endpoint), { env, input: PASSWORD + '\n' });
      if (made.code !== 0) return fail(`setup init: exit ${made.code}: ${tail(made.stderr)}`);
    }
    const args = phase === 'init' ? initArgs(stack, proxy.endpoint) : destroyArgs(stack);
    const match = op ? { match: (r: AwsRequest) => opKey(r) === op } : {};
    const writesBefore = proxy.writes().length;
    // A run can make fewer writes than the reference run: IAM propagation (the strict-AWS layer,
    // by the clock) refuses a varying number of CreateFunction tries. When a complete run (exit 0)
    // that sent every kind of write the reference sent ends before write #k, there is no write #k
    // to crash at: the run itself must then have left a complete stack, and destroy nothing.
    const noWriteK = async (code: number | null): Promise<Outcome | undefined> => {
      const made = proxy.writes().slice(writesBefore).map(opKey);
      if (op || code !== 0 || made.length >= k || !full[phase].every((w) => made.includes(w))) return undefined;
      outcome.crashedAt = `(no write #${k}: this run made ${made.length})`;
      if (phase === 'init') {
        const wrong = await exactlyOneOfEach(stack, env);
        if (wrong) return fail(`after the run: ${wrong}`);
        const d = await runCli(destroyArgs(stack), { env });
        if (d.code !== 0) return fail(`destroy: exit ${d.code}: ${tail(d.stderr)}`);
      }
      const left = await noneLeft(stack, stateDir);
      return left ? fail(`after destroy: ${left}`) : { ...outcome, ok: true };
    };

    if (mode === 'lost') {
      // 1. The lost answer, in a run that goes on.
      const lostAt = proxy.loseAnswerAt({ k: op ? 1 : k, how: k % 2 ? 'error500' : 'reset', ...match });
      const run = await runCli(args, { env, input: PASSWORD + '\n' });
      proxy.disarm();
      const report = await lostAt;
      if (!report.at) return (await noWriteK(run.code)) ?? fail(`the run ended (exit ${run.code}) before its mutating request ${op ?? `#${k}`}`);
      outcome.crashedAt = opKey(report.at);
      // 2. That same run completes.
      if (run.code !== 0) return fail(`the run whose answer was lost: exit ${run.code}: ${tail(run.stderr)}`);
      if (phase === 'init') {
        const wrong = await exactlyOneOfEach(stack, env);
        if (wrong) return fail(`after the run: ${wrong}`);
        const d = await runCli(destroyArgs(stack), { env });
        if (d.code !== 0) return fail(`destroy: exit ${d.code}: ${tail(d.stderr)}`);
      } else if (run.json().remaining?.length) return fail(`destroy left ${run.json().remaining}`);
      const left = await noneLeft(stack, stateDir);
      if (left) return fail(`after destroy: ${left}`);
      return { ...outcome, ok: true };
    }

    // 1. The crash.
    const cli = spawnCli(args, { env, input: PASSWORD + '\n' });
    const crashed = proxy.crashAt({ k: op ? 1 : k, mode, kill: () => killCli(cli.child), ...match });
    const first = await cli.done;
    proxy.disarm();
    const report = await crashed;
    if (!report.at) return (await noWriteK(first.code)) ?? fail(`the run ended (exit ${first.code}) before its mutating request ${op ?? `#${k}`}`);
    outcome.crashedAt = opKey(report.at);
    if (first.signal !== 'SIGKILL') return fail(`the CLI was not killed (exit ${first.code}, signal ${first.signal})`);

    // 2. The resume: the same command, the same endpoint, nothing else.
    const resumed = await runCli(args, { env, input: PASSWORD + '\n' });
    if (resumed.code !== 0) return fail(`resume: exit ${resumed.code}: ${tail(resumed.stderr)}`);
    if (phase === 'init') {
      const doc = resumed.json();
      if (!doc.steps?.every((s: { action: string }) => ['created', 'adopted', 'updated', 'unchanged'].includes(s.action))) return fail(`resume: steps ${JSON.stringify(doc.steps)}`);
      // 3. Exactly one of each, in working order.
      const wrong = await exactlyOneOfEach(stack, env);
      if (wrong) return fail(`after resume: ${wrong}`);
      const d = await runCli(destroyArgs(stack), { env });
      if (d.code !== 0) return fail(`destroy: exit ${d.code}: ${tail(d.stderr)}`);
    } else if (resumed.json().remaining?.length) return fail(`resumed destroy left ${resumed.json().remaining}`);

    // 4. No orphans.
    const left = await noneLeft(stack, stateDir);
    if (left) return fail(`after destroy: ${left}`);
    return { ...outcome, ok: true };
  } catch (e) {
    return fail(`unexpected: ${(e as Error).stack ?? e}`);
  } finally {
    proxy.disarm();
    await proxy.close();
  }
}

const describeOutcome = (o: Outcome) => `  k=${String(o.k).padStart(2)} ${(o.crashedAt ?? '-').padEnd(64)} ${o.ok ? 'ok' : `FAILED: ${o.problem}`}`;

function crashSuite(phase: Phase) {
  describe(`crash at every mutating request of ${phase}, then run it again`, () => {
    it(`a full ${phase} has mutating requests to crash at`, () => {
      // init: 12 steps, some with two calls (role + policy, method + integration, user + password).
      expect(full[phase].length, full[phase].join('\n')).toBeGreaterThanOrEqual(phase === 'init' ? 12 : 4);
    });

    for (const mode of ['before', 'after', 'lost'] as const) {
      const what = { before: 'killed before the request reaches AWS', after: 'killed after AWS ran the request, before the CLI saw the answer', lost: 'the answer lost after AWS ran the request (a 500 or a reset), the process alive' }[mode];
      it(`${what}: every ${mode === 'lost' ? 'write' : 'crash point'} is survived${mode === 'lost' ? ' in the same run' : ''}`, async () => {
        const N = full[phase].length;
        const outcomes = (await pool(Array.from({ length: N }, (_, i) => i + 1), CONCURRENCY, (k) => crashCycle(phase, mode, k))).sort((a, b) => a.k - b.k);
        const survived = outcomes.filter((o) => o.ok).length;
        const lines = outcomes.map(describeOutcome);
        const label = mode === 'lost' ? 'answer lost' : `killed ${mode}`;
        console.log(`[${phase}, ${label}] ${mode === 'lost' ? 'writes whose answer was lost, survived in the same run' : 'crash points survived'}: ${survived}/${N}\n${lines.join('\n')}`);

        // Independent branches run concurrently, so the k-th write is not always the same call.
        // Every operation the sweep happened to miss gets a cycle of its own.
        const covered = new Set(outcomes.map((o) => o.crashedAt));
        const missed = [...new Set(full[phase])].filter((op) => !covered.has(op));
        const targeted = await pool(missed, CONCURRENCY, (op) => crashCycle(phase, mode, 1, op));
        const tLines = targeted.map(describeOutcome);
        console.log(`[${phase}, ${label}] operations the sweep missed, crashed at on purpose: ${targeted.filter((o) => o.ok).length}/${missed.length}${tLines.length ? `\n${tLines.join('\n')}` : ''}`);

        const failed = [...outcomes, ...targeted].filter((o) => !o.ok);
        expect(failed, [...lines, ...tLines].join('\n')).toEqual([]);
        expect(survived).toBe(N);
      }, 900_000);
    }
  });
}

crashSuite('init');
crashSuite('destroy');
