#!/usr/bin/env node
// @ts-check
/**
 * `npm run bench`: how fast cognito-scope-setup is, as ratios to what the work allows.
 *
 *   npm run bench                         # L = 50 ms, 10 start-up runs, 3 fresh stacks
 *   npm run bench -- --latency 100 --runs 20 --repeat 5
 *   npm run bench -- --no-build           # measure dist/ as it is
 *
 * What it does, in one run:
 * 1. Builds dist/ (scripts/build.mjs), then compiles two things with esbuild into
 *    bench-results/.build/: the test suite's proxy (test/support/proxy.ts: one implementation of
 *    request classification and latency injection, shared with the tests) and the real step graph
 *    (src/steps/index.ts), so the bound below follows the code's own `dependsOn`.
 * 2. Starts its own ministack (test/support/ministack.mjs), then creates and destroys a throwaway
 *    stack, unmeasured, so that the emulator's own first-call costs stay out of the figures.
 * 3. Start-up: 10 interleaved runs each of `node -e 0`, `--help`, `--version` and a usage error
 *    (`init --stack Bad_Name`); medians.
 * 4. Puts the proxy in front of the emulator, adding a fixed latency L to every request before
 *    forwarding it, and on each of 3 fresh stacks (--repeat) runs `init`, `init` again, `status`
 *    and `destroy` as child processes (the bin, as a user runs it); the figures are the medians
 *    over the stacks (the depth and write targets take the worst stack). For each phase:
 *    - wall: spawn to exit; start-up: spawn to the first request the proxy sees; span: first
 *      request to last answer (the AWS phase).
 *    - reads and writes: the requests the proxy classified (test/support/proxy.ts).
 *    - depth: the largest number of requests that ran strictly one after another (each started
 *      after the previous one was answered), from the proxy's timestamps. It is at least the
 *      length of the longest chain of dependent requests, so it can only over-report.
 *    - peak RSS: the child reports process.resourceUsage().maxRSS on exit (a hook loaded with
 *      --import, written to bench-results/.build/rss-hook.mjs).
 *    During init, the bench also watches the new Lambda function straight at the emulator (every
 *    10 ms from the moment CreateFunction was answered) to see how long it stays Pending: the
 *    activation wait W, a service-side delay that no client can shorten.
 * 5. The critical-path bound of each phase: the longest chain of dependent requests the step
 *    graph allows, times L. Per step, the sequential round trips it needs are in CREATE and
 *    DELETE below (e.g. role: CreateRole, then AttachRolePolicy = 2); a step starts when its
 *    dependencies are done (init) or its dependents are gone (destroy, with the engine's cascade
 *    through `deletedWith`). Every phase first needs 2 round trips: STS GetCallerIdentity, then
 *    one wave of reads (read before create or delete). The function adds W (CreateFunction, the
 *    wait, one GetFunction that sees it Active). The writes each phase is expected to send follow
 *    from the same tables; a mismatch with what the proxy saw is reported, so the tables cannot
 *    drift silently. The bound leaves out what the emulator and the CLI spend per request
 *    (parsing, signing, saving state): that is part of what the ratio measures.
 * 6. Ratios: (wall - start-up) / bound, i.e. everything from the first request to the exit, for
 *    the targets' "bound plus start-up"; start-up itself is reported per command and, for the
 *    CLI as such, by the --help figure. "AWS only" is span / bound. A serialized engine (one step
 *    at a time) shows up here: the bound follows the graph's parallel branches, so serial work
 *    lands well above 1.25x (the three branches of a new stack alone add 6+ round trips).
 *
 * Prints a table and writes the same figures to bench-results/latest.json and
 * bench-results/<date>-<commit>.json (bench-results/ is git-ignored) for comparison between
 * versions. No timed assertion anywhere: the figures are for people to read.
 */
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(REPO, 'bin', 'cognito-scope-setup.js');
const OUT_DIR = path.join(REPO, 'bench-results');
const BUILD_DIR = path.join(OUT_DIR, '.build');

// ---- arguments ---------------------------------------------------------------------------
const argv = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const L = Number(arg('--latency', process.env.BENCH_LATENCY_MS ?? '50'));
const RUNS = Number(arg('--runs', '10'));
const REPEAT = Number(arg('--repeat', '3'));
if (!Number.isFinite(L) || L < 0 || !Number.isInteger(RUNS) || RUNS < 1 || !Number.isInteger(REPEAT) || REPEAT < 1) {
  process.stderr.write('usage: node scripts/bench.mjs [--latency <ms>] [--runs <n>] [--repeat <n>] [--no-build]\n');
  process.exit(2);
}
const log = (s) => process.stderr.write(`[bench] ${s}\n`);
/** @type {string | undefined} the function init is about to create (the activation watcher looks at it) */
let currentWatch;

// ---- per-step round trips (keep next to src/steps/*.ts when those change) ------------------
/**
 * Sequential round trips each step's create() needs on this emulator, as waves of requests that
 * can go out together; `writes` is how many of them mutate (checked against the proxy).
 * @type {Record<string, { waves: string[][], writes: Record<string, number>, wait?: 'lambdaActive' }>}
 */
const CREATE = {
  role: { waves: [['CreateRole'], ['AttachRolePolicy']], writes: { iam: 2 } },
  function: { waves: [['CreateFunction'], ['GetFunction (Active)']], writes: { lambda: 1 }, wait: 'lambdaActive' },
  // GetResources only because the emulator's CreateRestApi omits rootResourceId (AWS returns it).
  api: { waves: [['CreateRestApi'], ['GetResources']], writes: { apigateway: 1 } },
  userPool: { waves: [['CreateUserPool']], writes: { 'cognito-idp': 1 } },
  domain: { waves: [['CreateUserPoolDomain']], writes: { 'cognito-idp': 1 } },
  resourceServer: { waves: [['CreateResourceServer']], writes: { 'cognito-idp': 1 } },
  client: { waves: [['CreateUserPoolClient']], writes: { 'cognito-idp': 1 } },
  m2mClient: { waves: [['CreateUserPoolClient']], writes: { 'cognito-idp': 1 } },
  authorizer: { waves: [['CreateAuthorizer']], writes: { apigateway: 1 } },
  permission: { waves: [['AddPermission']], writes: { lambda: 1 } },
  method: { waves: [['PutMethod'], ['PutIntegration']], writes: { apigateway: 2 } },
  deployment: { waves: [['CreateDeployment']], writes: { apigateway: 1 } },
  user: { waves: [['AdminCreateUser'], ['AdminSetUserPassword']], writes: { 'cognito-idp': 2 } },
};
/**
 * Sequential round trips each step's delete() needs, for steps deleted on their own (the others
 * go with the resource they live in: `deletedWith`).
 * @type {Record<string, { waves: string[][], writes: Record<string, number> }>}
 */
const DELETE = {
  function: { waves: [['DeleteFunction']], writes: { lambda: 1 } },
  role: { waves: [['ListAttachedRolePolicies', 'ListRolePolicies'], ['DetachRolePolicy'], ['DeleteRole']], writes: { iam: 2 } },
  api: { waves: [['DeleteRestApi']], writes: { apigateway: 1 } },
  domain: { waves: [['DescribeUserPoolDomain'], ['DeleteUserPoolDomain']], writes: { 'cognito-idp': 1 } },
  userPool: { waves: [['DeleteUserPool']], writes: { 'cognito-idp': 1 } },
};
/** STS GetCallerIdentity, then one wave of reads. */
const PREAMBLE_RT = 2;

// ---- helpers -------------------------------------------------------------------------------
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x, d = 0) => Math.round(x * 10 ** d) / 10 ** d;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function git(args) {
  try {
    return execFileSync('git', args, { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** Longest chain of requests that ran one after another (interval scheduling: earliest end first). */
function depthOf(reqs) {
  let n = 0;
  let last = -Infinity;
  for (const r of [...reqs].sort((a, b) => a.end - b.end)) {
    if (r.start >= last) {
      n++;
      last = r.end;
    }
  }
  return n;
}

/** Longest path through a DAG: weight(key) plus the longest of its predecessors. */
function longestPath(keys, preds, weight) {
  const memo = new Map();
  const walk = (k) => {
    if (memo.has(k)) return memo.get(k);
    const before = preds(k).filter((p) => keys.includes(p));
    const best = before.length ? before.map(walk).reduce((a, b) => (b.total > a.total ? b : a)) : { total: 0, path: [] };
    const v = { total: best.total + weight(k), path: [...best.path, k] };
    memo.set(k, v);
    return v;
  };
  return keys.map(walk).reduce((a, b) => (b.total > a.total ? b : a), { total: 0, path: [] });
}

// ---- 1. build ------------------------------------------------------------------------------
fs.mkdirSync(BUILD_DIR, { recursive: true });
if (!argv.includes('--no-build')) {
  log('building dist/ (scripts/build.mjs)');
  const b = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'build.mjs')], { cwd: REPO, stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}
const { build } = await import('esbuild');
const graphEntry = path.join(BUILD_DIR, 'graph-entry.ts');
fs.writeFileSync(graphEntry, `export { STEPS } from '../../src/steps/index.js';\n`);
await build({
  entryPoints: { proxy: path.join(REPO, 'test', 'support', 'proxy.ts'), graph: graphEntry },
  outdir: BUILD_DIR,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  packages: 'external',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});
const HOOK = path.join(BUILD_DIR, 'rss-hook.mjs');
fs.writeFileSync(
  HOOK,
  `// Loaded with --import by the bench: reports the process's peak RSS (KiB) when it exits.
import { writeFileSync } from 'node:fs';
const file = process.env.CSS_BENCH_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
`,
);
const { startCountingProxy } = await import(pathToFileURL(path.join(BUILD_DIR, 'proxy.mjs')).href);
const { STEPS } = await import(pathToFileURL(path.join(BUILD_DIR, 'graph.mjs')).href);
const { ensureMinistack, startMinistack, MINISTACK_VERSION } = await import(pathToFileURL(path.join(REPO, 'test', 'support', 'ministack.mjs')).href);


// ---- 2. emulator -----------------------------------------------------------------------------
await ensureMinistack();
const ms = await startMinistack();
log(`ministack ${MINISTACK_VERSION} at ${ms.endpoint} (started in ${ms.startupMs} ms)`);
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'css-bench-'));
let proxy;
const cleanup = async () => {
  await proxy?.close().catch(() => undefined);
  await ms.stop();
  fs.rmSync(stateDir, { recursive: true, force: true });
};
process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));

try {

  // ---- 3. start-up -------------------------------------------------------------------------
  log(`start-up: ${RUNS} interleaved runs of node -e 0, --help, --version, a usage error`);
  const usageEnv = { ...process.env, COGNITO_SCOPE_SETUP_STATE_DIR: stateDir, NO_COLOR: '1' };
  const cases = {
    node: [process.execPath, ['-e', '0'], 0],
    help: [process.execPath, [BIN, '--help'], 0],
    version: [process.execPath, [BIN, '--version'], 0],
    usageError: [process.execPath, [BIN, 'init', '--stack', 'Bad_Name', '--no-user'], 2],
  };
  /** @type {Record<string, number[]>} */
  const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (let i = -1; i < RUNS; i++) {
    for (const [name, [cmd, args, want]] of Object.entries(cases)) {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(cmd, args, { cwd: REPO, env: usageEnv, stdio: ['ignore', 'ignore', 'pipe'] });
      const t = Number(process.hrtime.bigint() - t0) / 1e6;
      if (r.status !== want) throw new Error(`${args.join(' ')} exited ${r.status}, expected ${want}: ${r.stderr}`);
      if (i >= 0) times[name].push(t); // run -1 warms the file cache
    }
  }
  const startup = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, round(median(v), 1)]));

  // ---- 4. the four phases --------------------------------------------------------------------
  proxy = await startCountingProxy(ms.endpoint);
  proxy.latencyMs = L;
  const watcher = activationWatcher(ms.endpoint);
  proxy.after = async (r, _n, status) => {
    r.end = Date.now();
    if (r.service === 'lambda' && r.method === 'POST' && /^\/2015-03-31\/functions\/?$/.test(r.path) && status < 300) watcher.created(r.end);
  };
  const base = `bench-${Date.now().toString(36)}`;
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
    COGNITO_SCOPE_SETUP_STATE_DIR: stateDir,
    COGNITO_SCOPE_SETUP_PASSWORD: 'Bench-Passw0rd!',
    NO_COLOR: '1',
  };
  // Warm-up, not measured: a throwaway stack, straight to the emulator, so that its own first-call
  // costs (ministack loads each service's code on first use) do not land on the measured runs.
  log('warm-up: init and destroy a throwaway stack (not measured)');
  const warm = ['--stack', `${base}-warm`, '--region', 'us-east-1', '--endpoint-url', ms.endpoint, '--json'];
  for (const args of [['init', ...warm, '--yes', '--username', 'warm'], ['destroy', ...warm, '--yes']]) {
    const w = await runPhase(args, env);
    if (w.code !== 0) throw new Error(`warm-up ${args[0]} exited ${w.code}\n${w.stderr}`);
  }

  const runs = [];
  for (let i = 1; i <= REPEAT; i++) runs.push(await measureStack(`${base}-${i}`, env, watcher));
  const drift = [...new Set(runs.flatMap((r) => r.drift))];

  // The figures: per phase, the median over the fresh stacks of every number (ratios included).
  const NUMERIC = ['wallMs', 'startupMs', 'spanMs', 'tailMs', 'reads', 'writes', 'depth', 'peakRssMb', 'boundMs', 'ratio', 'awsPhaseRatio'];
  const phasesOut = Object.fromEntries(
    Object.keys(runs[0].phases).map((name) => {
      const all = runs.map((r) => r.phases[name]);
      const digits = (k) => (k.endsWith('atio') ? 2 : k === 'peakRssMb' ? 1 : 0);
      const med = Object.fromEntries(NUMERIC.map((k) => [k, round(median(all.map((x) => x[k])), digits(k))]));
      return [name, { ...med, boundRoundTrips: all[0].boundRoundTrips, ...(all[0].criticalPath ? { criticalPath: all[0].criticalPath } : {}), maxDepth: Math.max(...all.map((x) => x.depth)), maxWrites: Math.max(...all.map((x) => x.writes)) }];
    }),
  );
  const lambdaActiveMs = round(median(runs.map((r) => r.lambdaActivationMs)));
  const startupRatio = round(startup.help / startup.node, 2);
  const targets = [
    { name: '--help vs node -e 0', value: startupRatio, target: '<= 1.75x', ok: startupRatio <= 1.75 },
    { name: 'init (wall - start-up) / bound', value: phasesOut.init.ratio, target: '<= 1.25x', ok: phasesOut.init.ratio <= 1.25 },
    { name: 'second init writes (worst run)', value: phasesOut.initAgain.maxWrites, target: '0', ok: phasesOut.initAgain.maxWrites === 0 },
    { name: 'second init depth (worst run)', value: phasesOut.initAgain.maxDepth, target: '<= 2', ok: phasesOut.initAgain.maxDepth <= 2 },
    { name: 'status depth (worst run)', value: phasesOut.status.maxDepth, target: '<= 2', ok: phasesOut.status.maxDepth <= 2 },
    { name: 'destroy (wall - start-up) / bound', value: phasesOut.destroy.ratio, target: '<= 1.25x', ok: phasesOut.destroy.ratio <= 1.25 },
    { name: 'peak RSS of init (MB)', value: phasesOut.init.peakRssMb, target: '< 100', ok: phasesOut.init.peakRssMb < 100 },
  ];

  const result = {
    tool: 'cognito-scope-setup',
    version: JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).version,
    commit: git(['rev-parse', '--short', 'HEAD']),
    dirty: (git(['status', '--porcelain', '--untracked-files=no']) ?? '') !== '',
    date: new Date().toISOString(),
    command: `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
    machine: { node: process.version, platform: `${os.platform()} ${os.arch()}`, cpus: os.cpus().length, cpu: os.cpus()[0]?.model },
    emulator: { name: 'ministack', version: MINISTACK_VERSION },
    latencyMs: L,
    lambdaActivationMs: lambdaActiveMs,
    startup: { runs: RUNS, medianMs: startup, ratioHelpToNode: startupRatio },
    repeat: REPEAT,
    phases: phasesOut,
    targets,
    drift,
    // Each fresh stack's own figures, with every request's timing (ms from the first request).
    runs,
  };

  fs.mkdirSync(OUT_DIR, { recursive: true });
  const text = JSON.stringify(result, null, 2) + '\n';
  fs.writeFileSync(path.join(OUT_DIR, 'latest.json'), text);
  const stamp = `${result.date.slice(0, 19).replace(/[:T]/g, '-')}-${result.commit ?? 'nogit'}${result.dirty ? '-dirty' : ''}`;
  fs.writeFileSync(path.join(OUT_DIR, `${stamp}.json`), text);
  process.stdout.write(render(result) + '\n');
  log(`figures written to bench-results/latest.json and bench-results/${stamp}.json`);
} finally {
  await cleanup();
}

// ---- pieces ----------------------------------------------------------------------------------
/** init, init again, status and destroy on one fresh stack, each against its bound. */
async function measureStack(stack, env, watcher) {
  const common = ['--stack', stack, '--region', 'us-east-1', '--endpoint-url', proxy.endpoint, '--json'];
  const phases = {
    init: ['init', ...common, '--yes', '--username', 'bench', '--email', 'bench@example.com'],
    initAgain: ['init', ...common, '--yes'],
    status: ['status', ...common],
    destroy: ['destroy', ...common, '--yes'],
  };
  /** @type {Record<string, any>} */
  const measured = {};
  /** @type {string[]} the steps init ran (enabled for these inputs) */
  let ranSteps = [];
  for (const [name, args] of Object.entries(phases)) {
    proxy.clear();
    log(`${stack}: ${name}`);
    const m = await runPhase(args, env, name === 'init' ? `${stack}-lambda` : undefined);
    if (m.code !== 0) throw new Error(`${name} exited ${m.code}\n${m.stderr}`);
    if (name === 'init') ranSteps = JSON.parse(m.stdout).steps.map((x) => x.key);
    const reqs = proxy.requests.filter((r) => r.end !== undefined).map((r) => ({ ...r, start: r.at }));
    const first = reqs.length ? Math.min(...reqs.map((r) => r.start)) : m.endedAt;
    const last = reqs.length ? Math.max(...reqs.map((r) => r.end)) : m.endedAt;
    measured[name] = {
      wallMs: m.wallMs,
      startupMs: round(first - m.startedAt),
      tailMs: round(m.endedAt - last),
      peakRssMb: m.peakRssMb,
      reads: reqs.filter((r) => !r.mutating).length,
      writes: reqs.filter((r) => r.mutating).length,
      writesByService: countBy(reqs.filter((r) => r.mutating), (r) => r.service),
      depth: depthOf(reqs),
      spanMs: last - first,
      requests: reqs.length,
      trace: reqs
        .sort((a, b) => a.start - b.start)
        .map((r) => `${String(r.start - first).padStart(5)} ${String(r.end - first).padStart(5)} ${r.mutating ? 'W' : 'R'} ${r.service} ${r.operation}`),
    };
    await sleep(100);
  }
  const lambdaActivationMs = await watcher.take();

  // Bounds.
  const keys = STEPS.map((s) => s.key).filter((k) => ranSteps.includes(k));
  const byKey = new Map(STEPS.filter((s) => keys.includes(s.key)).map((s) => [s.key, s]));
  for (const k of keys) if (!CREATE[k]) throw new Error(`bench: step "${k}" is not in the CREATE table of scripts/bench.mjs; add its round trips`);
  const createW = (k) => CREATE[k].waves.length * L + (CREATE[k].wait === 'lambdaActive' ? lambdaActivationMs : 0);
  const initPath = longestPath(keys, (k) => byKey.get(k).dependsOn, createW);
  const initRT = PREAMBLE_RT + initPath.path.reduce((n, k) => n + CREATE[k].waves.length, 0);
  const initBound = PREAMBLE_RT * L + initPath.total;
  // Destroy: steps deleted on their own wait for their dependents that are deleted on their own.
  const root = (k) => {
    let s = byKey.get(k);
    while (s.deletedWith && byKey.has(s.deletedWith)) s = byKey.get(s.deletedWith);
    return s.key;
  };
  const independent = keys.filter((k) => root(k) === k);
  for (const k of independent) if (!DELETE[k]) throw new Error(`bench: step "${k}" is deleted on its own but not in the DELETE table`);
  const dependents = (k) => keys.filter((d) => byKey.get(d).dependsOn.includes(k) && root(d) === d);
  const destroyPath = longestPath(independent, dependents, (k) => DELETE[k].waves.length * L);
  const destroyRT = PREAMBLE_RT + destroyPath.path.reduce((n, k) => n + DELETE[k].waves.length, 0);
  const destroyBound = PREAMBLE_RT * L + destroyPath.total;
  const readBound = PREAMBLE_RT * L;

  // Drift check: the writes the tables predict against what the proxy saw.
  const expectInit = sumWrites(keys.map((k) => CREATE[k].writes));
  const expectDestroy = sumWrites(independent.map((k) => DELETE[k].writes));
  const drift = [];
  if (!sameCounts(expectInit, measured.init.writesByService)) drift.push(`init: tables say ${JSON.stringify(expectInit)}, proxy saw ${JSON.stringify(measured.init.writesByService)}`);
  if (!sameCounts(expectDestroy, measured.destroy.writesByService)) drift.push(`destroy: tables say ${JSON.stringify(expectDestroy)}, proxy saw ${JSON.stringify(measured.destroy.writesByService)}`);

  const withBound = (m, boundMs, boundRoundTrips, criticalPath) => ({
    ...m,
    boundMs: round(boundMs),
    boundRoundTrips,
    ...(criticalPath ? { criticalPath } : {}),
    // Everything after the command's own start-up (its first request), against the bound.
    ratio: round((m.wallMs - m.startupMs) / boundMs, 2),
    awsPhaseRatio: round(m.spanMs / boundMs, 2),
  });
  return {
    stack,
    lambdaActivationMs,
    drift,
    phases: {
      init: withBound(measured.init, initBound, initRT, initPath.path),
      initAgain: withBound(measured.initAgain, readBound, PREAMBLE_RT),
      status: withBound(measured.status, readBound, PREAMBLE_RT),
      destroy: withBound(measured.destroy, destroyBound, destroyRT, destroyPath.path),
    },
  };
}

function countBy(xs, f) {
  /** @type {Record<string, number>} */
  const out = {};
  for (const x of xs) out[f(x)] = (out[f(x)] ?? 0) + 1;
  return out;
}
function sumWrites(list) {
  /** @type {Record<string, number>} */
  const out = {};
  for (const w of list) for (const [k, v] of Object.entries(w)) out[k] = (out[k] ?? 0) + v;
  return out;
}
function sameCounts(a, b) {
  const ks = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...ks].every((k) => (a[k] ?? 0) === (b[k] ?? 0));
}

/** Run the bin as a child (async: the proxy in this process must keep answering). */
function runPhase(args, env, watchFunction) {
  if (watchFunction) currentWatch = watchFunction;
  const rssFile = path.join(stateDir, `rss-${process.hrtime.bigint()}`);
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const startedAt = Date.now();
    const child = spawn(process.execPath, ['--import', pathToFileURL(HOOK).href, BIN, ...args], {
      cwd: REPO,
      env: { ...env, CSS_BENCH_RSS_FILE: rssFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      const endedAt = Date.now();
      let peakRssMb = NaN;
      try {
        peakRssMb = round(Number(fs.readFileSync(rssFile, 'utf8')) / 1024, 1);
      } catch {
        /* the child died before its exit handler ran */
      }
      child.stdout.on('end', () => resolve({ code, wallMs: round(wallMs), startedAt, endedAt, peakRssMb, stdout, stderr }));
      if (child.stdout.readableEnded) resolve({ code, wallMs: round(wallMs), startedAt, endedAt, peakRssMb, stdout, stderr });
    });
  });
}

/**
 * W, measured during init itself: when the proxy sees CreateFunction answered, poll the function
 * straight at the emulator (not through the proxy) every 10 ms until it is Active.
 */
function activationWatcher(endpoint) {
  /** @type {Promise<number> | undefined} */
  let measuring;
  return {
    created(answeredAt) {
      const name = currentWatch;
      measuring ??= (async () => {
        process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'; // the bench's own client; see bin/
        const { LambdaClient, GetFunctionConfigurationCommand } = await import('@aws-sdk/client-lambda');
        const lambda = new LambdaClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
        try {
          for (;;) {
            const c = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name })).catch(() => undefined);
            if (c?.State === 'Active') return Date.now() - answeredAt;
            if (Date.now() - answeredAt > 60_000) throw new Error(`bench: ${name} never turned Active`);
            await sleep(10);
          }
        } finally {
          lambda.destroy();
        }
      })();
    },
    /** The measurement of the last init, and get ready for the next one. */
    take() {
      const m = measuring ?? Promise.reject(new Error('bench: init sent no CreateFunction'));
      measuring = undefined;
      return m;
    },
  };
}

function render(r) {
  const p = r.phases;
  const w = [11, 8, 9, 6, 7, 6, 9, 17, 7, 9];
  const row = (cells) => cells.map((c, i) => String(c)[i === 0 ? 'padEnd' : 'padStart'](w[i])).join('  ');
  const head = row(['phase', 'wall ms', 'start-up', 'reads', 'writes', 'depth', 'span ms', 'bound', 'ratio', 'AWS only']);
  const line = (name, x, wait = '') => row([name, x.wallMs, x.startupMs, x.reads, x.writes, x.depth, x.spanMs, `${x.boundRoundTrips} RT${wait} = ${x.boundMs}`, `${x.ratio.toFixed(2)}x`, `${x.awsPhaseRatio.toFixed(2)}x`]);
  const out = [
    `cognito-scope-setup ${r.version} (${r.commit ?? 'no git'}${r.dirty ? ', uncommitted changes' : ''}): ${r.command}`,
    `L = ${r.latencyMs} ms added to every request by the proxy; ministack ${r.emulator.version}; Node ${r.machine.node}; ${r.machine.cpus} CPUs`,
    `W = ${r.lambdaActivationMs} ms: how long init's new Lambda function stayed Pending on the emulator (watched directly)`,
    `figures: medians over ${r.repeat} fresh stack${r.repeat > 1 ? 's' : ''}; bench-results/latest.json has every run and request`,
    '',
    head,
    '-'.repeat(head.length),
    line('init', p.init, ' + W'),
    line('init again', p.initAgain),
    line('status', p.status),
    line('destroy', p.destroy),
    '',
    'start-up = spawn to first request; depth = requests that ran strictly one after another;',
    'bound = critical path of the step graph in round trips x L (+ W); ratio = (wall - start-up) / bound;',
    'AWS only = first request to last answer / bound.',
    `init critical path: STS, reads, ${p.init.criticalPath.join(' -> ')}; destroy: STS, reads, ${p.destroy.criticalPath.join(' -> ')}`,
    '',
    `start-up, median of ${r.startup.runs}: node -e 0 ${r.startup.medianMs.node} ms, --help ${r.startup.medianMs.help} ms (${r.startup.ratioHelpToNode.toFixed(2)}x), --version ${r.startup.medianMs.version} ms, usage error ${r.startup.medianMs.usageError} ms`,
    `peak RSS: init ${p.init.peakRssMb} MB, init again ${p.initAgain.peakRssMb} MB, status ${p.status.peakRssMb} MB, destroy ${p.destroy.peakRssMb} MB`,
    '',
    'targets:',
    ...r.targets.map((t) => `  ${t.ok ? 'ok  ' : 'MISS'}  ${t.name.padEnd(34)} ${String(t.value).padStart(6)}   (${t.target})`),
  ];
  if (r.drift.length) out.push('', 'warning: the per-step tables in scripts/bench.mjs no longer match what the CLI sent:', ...r.drift.map((d) => `  ${d}`));
  return out.join('\n');
}
