// Convergence under faults, with answers lost after the request ran (issue 11.6). At 20% and at
// 40% of the AWS requests faulted (HTTP 500, 503, throttling, connection reset; half of all
// faults after the emulator ran the request, so the CLI cannot know whether its create
// happened), 10 stacks each: every stack's init converges within 3 runs, an independent
// inventory (test/support/inventory.ts, no project code) finds exactly one of each resource and
// nothing the state file does not record (0 duplicates, 0 orphans), status is in sync, and
// destroy (under the same faults, within 3 runs) leaves nothing. The figures are printed.
// Faults are drawn per operation from a fixed seed, so a failing stack replays with its seed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { emulatorEnv, initArgsFor as initArgs, PASSWORD, runCli, tempStateDir } from '../support/cli.js';
import { inventory, type Inventory } from '../support/inventory.js';
import { pool } from '../support/pool.js';
import { startCountingProxy, type AwsRequest, type FaultKind, type InjectedFault } from '../support/proxy.js';

const endpoint = inject('emulatorEndpoint');
const RUN = Date.now().toString(36);
const STACKS = 10;
const MAX_RUNS = 3;
/** Stacks at work at once (the emulator and the 2 CPUs are shared with the other test files). */
const CONCURRENCY = 4;
/** Base seed; stack i at rate r uses SEED + 1000 r + 10 i (+1 for its destroy). */
const SEED = Number(process.env.CONVERGENCE_SEED ?? 20261201);
const KINDS: FaultKind[] = ['error500', 'error503', 'throttle', 'reset'];
/** Of the faults that can come after the request ran (500, 503, reset: 3 of the 4 kinds), this share does: half of all faults. */
const AFTER_SHARE = 2 / 3;
const TIMEOUT = 600_000;

/** An operation without its ids, so that its faults do not depend on the ids AWS handed out. */
const opKey = (r: AwsRequest) => `${r.service} ${r.operation}`.replace(/\/(restapis|resources|functions|authorizers|deployments|stages|policy)\/[^/?]+/g, '/$1/{id}').replace(/\?.*$/, '');
const CREATES = /^(CreateUserPool|CreateUserPoolClient|CreateResourceServer|CreateUserPoolDomain|AdminCreateUser|CreateRole)$|^POST \/restapis(\/\{id\}\/(authorizers|deployments))?$|^POST \/2015-03-31\/functions(\/\{id\}\/policy)?$/;
const isCreate = (f: InjectedFault) => CREATES.test(f.operation.replace(/\/(restapis|functions)\/[^/?]+/g, '/$1/{id}'));

interface Figures {
  stack: string;
  seed: number;
  converged: boolean;
  runs: number;
  exits: (number | null)[];
  /** The error line of each init or destroy run that failed. */
  failures: string[];
  /** For a stack that did not converge or was not destroyed: each failed run's stderr, and the faults of its phase. */
  logs: string[];
  duplicates: string[];
  orphans: string[];
  inSync: boolean;
  destroyRuns: number;
  destroyed: boolean;
  left: string[];
  faults: InjectedFault[];
  requests: number;
  problem?: string;
}

/** Copies beyond the first of each resource kind. */
function duplicatesIn(inv: Inventory): string[] {
  const counts: Record<string, number> = {
    roles: inv.roles, functions: inv.functions, apis: inv.apis, authorizers: inv.authorizers, pools: inv.pools, clients: inv.clients,
    deployments: inv.deployments, stages: inv.stages.length, domains: inv.domains.length, resourceServers: inv.resourceServers.length, users: inv.users.length,
    methods: inv.methodsWithScopes.length,
  };
  return Object.entries(counts).filter(([, n]) => n > 1).map(([k, n]) => `${n - 1} extra ${k}`);
}

/** Resources that exist but are not the ones the state file records. */
function unrecorded(inv: Inventory, stateFile: string): string[] {
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { resources: Record<string, { id?: string }> };
  const rec = (k: string) => state.resources[k]?.id;
  const out: string[] = [];
  const check = (kind: string, ids: string[], recorded: string | undefined) => {
    for (const id of ids) if (id !== recorded) out.push(`${kind} ${id}`);
  };
  check('role', inv.ids.roles, rec('role'));
  check('function', inv.ids.functions, rec('function'));
  check('REST API', inv.ids.apis, rec('api'));
  check('authorizer', inv.ids.authorizers, rec('authorizer'));
  check('user pool', inv.ids.pools, rec('userPool'));
  check('app client', inv.ids.clients, rec('client'));
  return out;
}

/** Everything of the stack that is still there. */
function leftIn(inv: Inventory): string[] {
  const counts: Record<string, number> = { roles: inv.roles, functions: inv.functions, apis: inv.apis, pools: inv.pools, clients: inv.clients, domains: inv.domains.length };
  return Object.entries(counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`);
}

const lastLines = (stderr: string) => stderr.trim().split('\n').slice(-40).join('\n');
const faultList = (faults: readonly InjectedFault[]) => faults.map((x) => `${x.operation} ${x.kind} ${x.when}`).join(', ');
const errorLine = (stderr: string) => stderr.split('\n').filter((l) => /error/i.test(l)).slice(-2).join(' | ').slice(0, 300) || stderr.trim().split('\n').at(-1) || '';

async function oneStack(rate: number, i: number): Promise<Figures> {
  const pct = Math.round(rate * 100);
  const stack = `e2e-conv${pct}-${i}-${RUN}`;
  const stateDir = tempStateDir();
  const env = emulatorEnv(stateDir);
  const seed = SEED + 1000 * pct + 10 * i;
  const proxy = await startCountingProxy(endpoint);
  const f: Figures = { stack, seed, converged: false, runs: 0, exits: [], failures: [], logs: [], duplicates: [], orphans: [], inSync: false, destroyRuns: 0, destroyed: false, left: [], faults: [], requests: 0 };
  const faultsOn = (s: number) => (proxy.faults = { rate, kinds: KINDS, seed: s, maxConsecutive: 3, afterShare: AFTER_SHARE, key: opKey });
  const collect = () => {
    f.faults.push(...proxy.injected);
    f.requests += proxy.requests.length;
    proxy.clear();
  };
  try {
    faultsOn(seed);
    while (f.runs < MAX_RUNS && !f.converged) {
      f.runs++;
      const r = await runCli(initArgs(stack, proxy.endpoint), { env, input: PASSWORD + '\n', timeoutMs: TIMEOUT });
      f.exits.push(r.code);
      f.converged = r.code === 0;
      if (!f.converged) f.failures.push(`init run ${f.runs}: ${errorLine(r.stderr)}`);
      if (!f.converged) f.logs.push(`--- init run ${f.runs}, stderr:\n${lastLines(r.stderr)}`);
    }
    if (!f.converged) f.logs.push(`--- faults during init, in order: ${faultList(proxy.injected)}`);
    collect();
    proxy.faults = undefined;
    const inv = await inventory(endpoint, stack);
    f.duplicates = duplicatesIn(inv);
    if (f.converged) {
      f.orphans = unrecorded(inv, join(stateDir, `${stack}.json`));
      const st = await runCli(['status', '--json', '--stack', stack], { env, timeoutMs: TIMEOUT });
      f.inSync = st.code === 0 && st.json().inSync === true;
      if (!f.inSync) f.problem = `status: exit ${st.code}: ${st.stdout.slice(0, 400)}`;
    }
    proxy.clear();
    faultsOn(seed + 1);
    while (f.destroyRuns < MAX_RUNS && !f.destroyed) {
      f.destroyRuns++;
      const d = await runCli(['destroy', '--yes', '--json', '--stack', stack, '--endpoint-url', proxy.endpoint], { env, timeoutMs: TIMEOUT });
      f.destroyed = d.code === 0 && d.json().remaining?.length === 0;
      if (!f.destroyed) f.failures.push(`destroy run ${f.destroyRuns}: ${errorLine(d.stderr)}`);
      if (!f.destroyed) f.logs.push(`--- destroy run ${f.destroyRuns}, stderr:\n${lastLines(d.stderr)}`);
    }
    if (!f.destroyed) f.logs.push(`--- faults during destroy, in order: ${faultList(proxy.injected)}`);
    collect();
    proxy.faults = undefined;
    f.left = leftIn(await inventory(endpoint, stack));
  } catch (e) {
    f.problem = `unexpected: ${(e as Error).stack ?? e}`;
  } finally {
    proxy.faults = undefined;
    if (!f.destroyed) await runCli(['destroy', '--yes', '--json', '--stack', stack, '--endpoint-url', endpoint], { env }).catch(() => undefined);
    await proxy.close();
  }
  return f;
}

const tally = (xs: string[]) => {
  const m = new Map<string, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return [...m].sort().map(([k, v]) => `${k} ${v}`).join(', ');
};

function report(rate: number, all: Figures[]): string {
  const faults = all.flatMap((f) => f.faults);
  const after = faults.filter((x) => x.when === 'after');
  const lines = [
    `[convergence, ${Math.round(rate * 100)}% faults, ${all.length} stacks, seeds ${all[0]!.seed}..${all.at(-1)!.seed}]`,
    `  converged within ${MAX_RUNS} runs: ${all.filter((f) => f.converged).length}/${all.length}; runs needed: ${tally(all.map((f) => (f.converged ? `${f.runs} run${f.runs > 1 ? 's' : ''}` : 'not converged')))}`,
    `  duplicates: ${all.reduce((n, f) => n + f.duplicates.length, 0)}; orphans (unrecorded after init, or left after destroy): ${all.reduce((n, f) => n + f.orphans.length + f.left.length, 0)}; status in sync: ${all.filter((f) => f.inSync).length}/${all.length}`,
    `  destroy removed everything: ${all.filter((f) => f.destroyed && f.left.length === 0).length}/${all.length}; runs needed: ${tally(all.map((f) => `${f.destroyRuns} run${f.destroyRuns > 1 ? 's' : ''}`))}`,
    `  faults: ${faults.length} in ${all.reduce((n, f) => n + f.requests, 0)} requests; after the request ran ${after.length} (${tally(after.map((x) => x.kind))}); before ${faults.length - after.length} (${tally(faults.filter((x) => x.when === 'before').map((x) => x.kind))})`,
    `  creates whose answer was lost after they ran: ${after.filter(isCreate).length} (${tally(after.filter(isCreate).map((x) => x.operation.replace(/\/(restapis|functions)\/[^/?]+/g, '/$1/{id}')))})`,
  ];
  for (const f of all) {
    const bad = [...f.duplicates, ...f.orphans.map((o) => `orphan ${o}`), ...f.left.map((l) => `left ${l}`), ...(f.problem ? [f.problem] : [])];
    if (!f.converged || bad.length || !f.destroyed || f.failures.length) lines.push(`  ${f.stack} (seed ${f.seed}): init exits ${f.exits.join(',')}; destroy runs ${f.destroyRuns}; ${[...bad, ...f.failures].join('; ')}`);
  }
  // What a failing stack went through, in full: only when one failed (the figures above always).
  for (const f of all) if (!f.converged || !f.destroyed) lines.push(`  ${f.stack}:`, ...f.logs);
  return lines.join('\n');
}

describe('convergence under faults, answers lost after the request ran', () => {
  for (const rate of [0.2, 0.4]) {
    it(`${Math.round(rate * 100)}% faults: ${STACKS} stacks converge within ${MAX_RUNS} runs, no duplicate, no orphan, destroy removes everything`, async () => {
      const all = (await pool(Array.from({ length: STACKS }, (_, i) => i), CONCURRENCY, (i) => oneStack(rate, i))).sort((a, b) => a.seed - b.seed);
      const text = report(rate, all);
      console.log(text);
      expect(all.filter((f) => !f.converged).map((f) => f.stack), text).toEqual([]);
      expect(all.flatMap((f) => f.duplicates), text).toEqual([]);
      expect(all.flatMap((f) => [...f.orphans, ...f.left]), text).toEqual([]);
      expect(all.filter((f) => !f.inSync || !f.destroyed || f.problem).map((f) => f.stack), text).toEqual([]);
      // The faults really came, after the request ran too, and creates lost their answers.
      const faults = all.flatMap((f) => f.faults);
      expect(faults.filter((x) => x.when === 'after').length).toBeGreaterThan(faults.length / 4);
      expect(faults.filter((x) => x.when === 'after' && isCreate(x)).length).toBeGreaterThanOrEqual(3);
    }, 1_800_000);
  }
});
