#!/usr/bin/env node
// @ts-check
/**
 * `npm run bench`: how fast cognito-scope-setup is, against the honest floor and against a peer.
 *
 *   npm run bench                          # L = 50 ms, 7 fresh stacks, 10 start-up runs
 *   npm run bench -- --latency 100 --repeat 9 --runs 20
 *   npm run bench -- --no-build --no-peer  # measure dist/ as it is; skip the AWS CLI script
 *
 * In one run, on the pinned emulator (test/support/ministack.mjs installs it, and the AWS CLI, into
 * the test virtualenv like the tests do), behind the test suite's proxy (test/support/proxy.ts),
 * which adds L to every request and counts what it sees:
 * 1. Start-up: interleaved runs of `node -e 0`, `--help`, `--version`, a usage error and `list`.
 * 2. On each of --repeat fresh stacks: our `init`, `init` again (no-op), `status` and `destroy`
 *    (the bin, as a user runs it), then the peer: scripts/bench/peer.sh, the same stack made, read
 *    and deleted by a shell script of AWS CLI calls against the same proxied emulator. During our
 *    init the bench watches the new function straight at the emulator: W, how long it stays Pending.
 * 3. The floor of each phase (scripts/bench/operations.mjs): the longest chain through what each
 *    AWS operation needs as input, in round trips x L, plus W, plus start-up: `node -e 0` measured
 *    in this run (no process starts quicker). Ratio = wall time (spawn to exit) / floor.
 * 4. The operations table is checked against what the proxy counted (writes by operation, every
 *    read a known one): a mismatch is printed and the bench exits 1.
 * 5. The AWS SDK alone (scripts/bench/sdk-reference.mjs), after our status on each stack: the same
 *    SDK clients sending status's reads with no CLI around them, and GetCallerIdentity alone. What
 *    no CLI built on this SDK can beat; it must send exactly what status sent, or the bench exits 1.
 * Figures: minimum, median and maximum over the fresh stacks; the load average of the machine.
 * Written to bench-results/latest.json and bench-results/<date>-<commit>.json (git-ignored).
 * No test asserts a time: the figures are for people to read.
 */
import { spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DESTROY, INIT, READ_ONLY, checkAgainst, floorOf, operationOf } from './bench/operations.mjs';
import { activationWatcher, depthOf, round, runChild, sleep, stats, writeHook } from './bench/measure.mjs';
import { render, targetsOf } from './bench/render.mjs';
import { inlineSchemaKeys } from './build-plugins.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(REPO, 'bin', 'cognito-scope-setup.cjs');
const PEER = path.join(REPO, 'scripts', 'bench', 'peer.sh');
const OUT_DIR = path.join(REPO, 'bench-results');
const BUILD_DIR = path.join(OUT_DIR, '.build');

const argv = process.argv.slice(2);
const arg = (name, dflt) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt);
const L = Number(arg('--latency', process.env.BENCH_LATENCY_MS ?? '50'));
const RUNS = Number(arg('--runs', '10'));
const REPEAT = Number(arg('--repeat', '7'));
const PEER_ON = !argv.includes('--no-peer');
if (!Number.isFinite(L) || L < 0 || !Number.isInteger(RUNS) || RUNS < 1 || !Number.isInteger(REPEAT) || REPEAT < 1) {
  process.stderr.write('usage: node scripts/bench.mjs [--latency <ms>] [--runs <n>] [--repeat <n>] [--no-build] [--no-peer]\n');
  process.exit(2);
}
/** node -e 0 in this run: the start-up part of every floor (set once start-up was measured). */
let NODE_MS = 0;
const log = (s) => process.stderr.write(`[bench] ${s}\n`);
const git = (args) => {
  try {
    return execFileSync('git', args, { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
};

// ---- build: dist/, and the proxy and the Lambda code for the bench itself --------------------
fs.mkdirSync(BUILD_DIR, { recursive: true });
if (!argv.includes('--no-build')) {
  log('building dist/ (scripts/build.mjs)');
  const b = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'build.mjs')], { cwd: REPO, stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}
const { build } = await import('esbuild');
await build({
  entryPoints: { proxy: path.join(REPO, 'test', 'support', 'proxy.ts'), 'lambda-code': path.join(REPO, 'src', 'steps', 'lambda-code.ts') },
  outdir: BUILD_DIR,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  packages: 'external',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});
// The AWS SDK alone (scripts/bench/sdk-reference.mjs): each mode one CommonJS file, bundled with
// the CLI's own plugins and run through dist/compile-cache.cjs, as bin/ runs dist/.
const REF_DIR = path.join(BUILD_DIR, 'sdk-reference');
fs.rmSync(REF_DIR, { recursive: true, force: true });
for (const mode of ['sts', 'reads']) {
  await build({
    stdin: { contents: `import { ${mode} } from './sdk-reference.mjs';\nvoid ${mode}();\n`, resolveDir: path.join(REPO, 'scripts', 'bench'), sourcefile: `${mode}.mjs` },
    outfile: path.join(REF_DIR, `${mode}.cjs`),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    mainFields: ['module', 'main'],
    target: 'node20',
    supported: { 'dynamic-import': false },
    logLevel: 'warning',
    plugins: [inlineSchemaKeys()],
  });
}
const REF_RUN = path.join(REF_DIR, 'run.cjs');
fs.writeFileSync(
  REF_RUN,
  `'use strict';\nrequire(${JSON.stringify(path.join(REPO, 'dist', 'compile-cache.cjs'))}).installCompileCache(__dirname);\nrequire(\`./\${process.argv[2]}.cjs\`);\n`,
);
const HOOK = writeHook(BUILD_DIR);
const { startCountingProxy } = await import(pathToFileURL(path.join(BUILD_DIR, 'proxy.mjs')).href);
const { lambdaCode } = await import(pathToFileURL(path.join(BUILD_DIR, 'lambda-code.mjs')).href);
const { ensureMinistack, startMinistack, MINISTACK_VERSION, VENV_DIR, VENV_PACKAGES } = await import(pathToFileURL(path.join(REPO, 'test', 'support', 'ministack.mjs')).href);

// ---- emulator --------------------------------------------------------------------------------
await ensureMinistack();
const ms = await startMinistack();
log(`ministack ${MINISTACK_VERSION} at ${ms.endpoint}`);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'css-bench-'));
const stateDir = path.join(tmp, 'state');
fs.mkdirSync(stateDir);
const ZIP = path.join(tmp, 'function.zip');
fs.writeFileSync(ZIP, lambdaCode('python3.13').zip);
/** @type {any} */
let proxy;
const cleanup = async () => {
  await proxy?.close().catch(() => undefined);
  await ms.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
};
process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));
const loadBefore = os.loadavg();

const baseEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_REGION: 'us-east-1',
  COGNITO_SCOPE_SETUP_STATE_DIR: stateDir,
  COGNITO_SCOPE_SETUP_PASSWORD: 'Bench-Passw0rd!',
  NO_COLOR: '1',
};
const ours = (args, env = baseEnv) => runChild(process.execPath, [BIN, ...args], { env, cwd: REPO, hook: HOOK, tmp });

let exitCode = 0;
try {
  // ---- 1. start-up ---------------------------------------------------------------------------
  log(`start-up: ${RUNS} interleaved runs of node -e 0, --help, --version, a usage error, list`);
  const listDir = path.join(tmp, 'list');
  fs.mkdirSync(listDir);
  const cases = {
    node: [['-e', '0'], 0, baseEnv],
    help: [[BIN, '--help'], 0, baseEnv],
    version: [[BIN, '--version'], 0, baseEnv],
    usageError: [[BIN, 'init', '--stack', 'Bad_Name', '--no-user'], 2, baseEnv],
    list: [[BIN, 'list'], 0, { ...baseEnv, COGNITO_SCOPE_SETUP_STATE_DIR: listDir }],
  };
  /** @type {Record<string, number[]>} */
  const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  /** @type {Record<string, number[]>} */
  const cpu = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (let i = -1; i < RUNS; i++) {
    for (const [name, [args, want, env]] of Object.entries(cases)) {
      const r = await runChild(process.execPath, args, { env, cwd: REPO, hook: HOOK, tmp });
      if (r.code !== want) throw new Error(`${args.join(' ')} exited ${r.code}, expected ${want}: ${r.stderr}`);
      if (i < 0) continue; // run -1 warms the file cache
      times[name].push(r.wallMs);
      cpu[name].push(r.cpuMs);
    }
  }
  const startup = Object.fromEntries(Object.keys(cases).map((k) => [k, { wall: stats(times[k], 1), cpu: stats(cpu[k], 1) }]));
  const nodeMs = startup.node.wall.median;
  NODE_MS = nodeMs;

  // ---- 2. the stacks -----------------------------------------------------------------------
  proxy = await startCountingProxy(ms.endpoint);
  proxy.latencyMs = L;
  const watcher = activationWatcher(ms.endpoint);
  proxy.after = async (r, _n, status) => {
    r.end = Date.now();
    if (operationOf(r) === 'CreateFunction' && status < 300) watcher.created(r.end);
  };
  const base = `bench-${Date.now().toString(36)}`;
  log('warm-up: one stack made and deleted by each side, not measured');
  const warm = ['--stack', `${base}-warm`, '--region', 'us-east-1', '--endpoint-url', proxy.endpoint, '--json'];
  for (const a of [['init', ...warm, '--yes', '--username', 'warm'], ['destroy', ...warm, '--yes']]) {
    // The SDK reference's first run writes its code cache, as our warm-up init does ours.
    if (a[0] === 'destroy') await sdkReference(`${base}-warm`);
    const w = await ours(a);
    if (w.code !== 0) throw new Error(`warm-up ${a[0]} exited ${w.code}\n${w.stderr}`);
  }
  if (PEER_ON) for (const phase of ['init', 'destroy']) await peer(phase, `${base}-pwarm`);

  const runs = [];
  for (let i = 1; i <= REPEAT; i++) {
    const stack = `${base}-${i}`;
    const mine = await measureStack(stack, watcher);
    /** @type {Record<string, any>} */
    const theirs = {};
    if (PEER_ON) for (const phase of ['init', 'status', 'destroy']) theirs[phase] = await peer(phase, `${base}-p${i}`);
    runs.push({ stack, ...mine, peer: theirs });
  }
  const loadAfter = os.loadavg();

  // ---- 3. figures ----------------------------------------------------------------------------
  const phaseNames = Object.keys(runs[0].phases);
  const over = (f, d = 0) => stats(runs.map(f), d);
  const phases = Object.fromEntries(
    phaseNames.map((p) => [
      p,
      {
        wallMs: over((r) => r.phases[p].wallMs),
        startupMs: over((r) => r.phases[p].startupMs),
        cpuMs: over((r) => r.phases[p].cpuMs),
        floorMs: over((r) => r.phases[p].floorMs),
        ratio: over((r) => r.phases[p].wallMs / r.phases[p].floorMs, 2),
        depth: over((r) => r.phases[p].depth),
        reads: over((r) => r.phases[p].reads),
        writes: over((r) => r.phases[p].writes),
        peakRssMb: over((r) => r.phases[p].peakRssMb, 1),
        floorRoundTrips: runs[0].phases[p].floorRoundTrips,
        chain: runs[0].phases[p].chain,
        ...(PEER_ON && runs[0].peer[p === 'initAgain' ? 'none' : p] ? { peerWallMs: over((r) => r.peer[p].wallMs), peerRatio: over((r) => r.phases[p].wallMs / r.peer[p].wallMs, 3), peerRequests: over((r) => r.peer[p].requests) } : {}),
      },
    ]),
  );
  const mismatches = [...new Set(runs.flatMap((r) => r.mismatches))];
  const reference = {
    sts: { wallMs: over((r) => r.reference.sts.wallMs), startupMs: over((r) => r.reference.sts.startupMs) },
    reads: { wallMs: over((r) => r.reference.reads.wallMs), startupMs: over((r) => r.reference.reads.startupMs), requests: over((r) => r.reference.reads.ops.length), ratio: over((r) => r.reference.reads.wallMs / r.phases.status.floorMs, 2) },
  };
  const result = {
    tool: 'cognito-scope-setup',
    commit: git(['rev-parse', '--short', 'HEAD']),
    dirty: (git(['status', '--porcelain', '--untracked-files=no']) ?? '') !== '',
    date: new Date().toISOString(),
    command: `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
    machine: { node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, loadBefore: loadBefore.map((x) => round(x, 2)), loadAfter: loadAfter.map((x) => round(x, 2)) },
    emulator: { name: 'ministack', version: MINISTACK_VERSION },
    peer: PEER_ON ? { tool: `aws-cli ${VENV_PACKAGES.awscli}`, script: 'scripts/bench/peer.sh' } : null,
    latencyMs: L,
    lambdaActivationMs: over((r) => r.lambdaActivationMs),
    startup: { runs: RUNS, nodeMs, cases: startup },
    repeat: REPEAT,
    phases,
    reference,
    mismatches,
    runs,
  };
  result.targets = targetsOf(result);
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const text = JSON.stringify(result, null, 2) + '\n';
  fs.writeFileSync(path.join(OUT_DIR, 'latest.json'), text);
  const stamp = `${result.date.slice(0, 19).replace(/[:T]/g, '-')}-${result.commit ?? 'nogit'}${result.dirty ? '-dirty' : ''}`;
  fs.writeFileSync(path.join(OUT_DIR, `${stamp}.json`), text);
  process.stdout.write(render(result) + '\n');
  log(`figures written to bench-results/latest.json and bench-results/${stamp}.json`);
  if (mismatches.length) exitCode = 1;
} finally {
  await cleanup();
}
process.exit(exitCode);

// ---- pieces ----------------------------------------------------------------------------------
/** Our init, init again, status and destroy on one fresh stack, each against its floor. */
async function measureStack(stack, watcher) {
  const common = ['--stack', stack, '--region', 'us-east-1', '--endpoint-url', proxy.endpoint, '--json'];
  const phases = {
    init: ['init', ...common, '--yes', '--username', 'bench', '--email', 'bench@example.com'],
    initAgain: ['init', ...common, '--yes'],
    status: ['status', ...common],
    destroy: ['destroy', ...common, '--yes'],
  };
  /** @type {Record<string, any>} */
  const measured = {};
  /** @type {string[]} */
  let steps = [];
  /** @type {any} */
  let reference;
  for (const [name, args] of Object.entries(phases)) {
    proxy.clear();
    if (name === 'init') watcher.arm(`${stack}-lambda`);
    log(`${stack}: ${name}`);
    const m = await ours(args);
    if (m.code !== 0) throw new Error(`${name} exited ${m.code}\n${m.stderr}`);
    if (name === 'init') steps = JSON.parse(m.stdout).steps.map((x) => x.key);
    const reqs = proxy.requests.filter((r) => r.end !== undefined).map((r) => ({ ...r, operation: operationOf(r), start: r.at }));
    const first = Math.min(...reqs.map((r) => r.start));
    const last = Math.max(...reqs.map((r) => r.end));
    measured[name] = {
      wallMs: m.wallMs,
      cpuMs: m.cpuMs,
      startupMs: first - m.startedAt,
      peakRssMb: m.peakRssMb,
      reads: reqs.filter((r) => !r.mutating).length,
      writes: reqs.filter((r) => r.mutating).length,
      depth: depthOf(reqs),
      reqs,
      trace: reqs.sort((a, b) => a.start - b.start).map((r) => `${String(r.start - first).padStart(5)} ${String(r.end - first).padStart(5)} ${r.mutating ? 'W' : 'R'} ${r.operation}`),
      tailMs: m.endedAt - last,
    };
    await sleep(50);
    if (name === 'status') reference = await sdkReference(stack, reqs.map((r) => r.operation));
  }
  const W = await watcher.take();
  const only = (ops) => ops.filter((o) => o.step.startsWith('(') || steps.includes(o.step));
  const tables = { init: only(INIT), initAgain: READ_ONLY, status: READ_ONLY, destroy: only(DESTROY) };
  const mismatches = [];
  const out = {};
  for (const [name, ops] of Object.entries(tables)) {
    const m = measured[name];
    for (const p of checkAgainst(ops, m.reqs)) mismatches.push(`${name}: ${p}`);
    const f = floorOf(ops, { L, W });
    const { reqs: _reqs, ...rest } = m;
    out[name] = { ...rest, floorMs: round(f.ms + NODE_MS), floorRoundTrips: f.rt, chain: f.chain };
  }
  if (reference.mismatch) mismatches.push(reference.mismatch);
  return { lambdaActivationMs: W, steps, mismatches, phases: out, reference };
}

/**
 * The AWS SDK alone on the stack `status` just read (scripts/bench/sdk-reference.mjs): `sts`, then
 * `reads`, which must send exactly what `status` sent (statusOps; none for the warm-up).
 * @param {string} stack @param {string[]} [statusOps]
 */
async function sdkReference(stack, statusOps) {
  /** @type {Record<string, any>} */
  const out = {};
  for (const mode of ['sts', 'reads']) {
    proxy.clear();
    const env = { ...baseEnv, REFERENCE_STATE: path.join(stateDir, `${stack}.json`), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    const r = await runChild(process.execPath, [REF_RUN, mode], { env, cwd: REPO, hook: HOOK, tmp });
    if (r.code !== 0) throw new Error(`sdk-reference ${mode} exited ${r.code}\n${r.stderr}`);
    const reqs = proxy.requests.filter((q) => q.end !== undefined);
    out[mode] = { wallMs: r.wallMs, startupMs: Math.min(...reqs.map((q) => q.at)) - r.startedAt, ops: reqs.map((q) => operationOf(q)).sort() };
    await sleep(50);
  }
  const want = [...(statusOps ?? out.reads.ops)].sort();
  if (JSON.stringify(out.reads.ops) !== JSON.stringify(want)) {
    const diff = (a, b) => a.filter((x, i) => a.indexOf(x) === i && a.filter((y) => y === x).length !== b.filter((y) => y === x).length);
    out.mismatch = `sdk reference: status sent ${want.length} reads, scripts/bench/sdk-reference.mjs ${out.reads.ops.length}; counts differ for ${[...new Set([...diff(want, out.reads.ops), ...diff(out.reads.ops, want)])].join(', ')}`;
  }
  return out;
}

/** One phase of the peer script (scripts/bench/peer.sh) through the proxy. */
async function peer(phase, stack) {
  proxy.clear();
  log(`${stack}: peer ${phase}`);
  const env = { ...baseEnv, AWS: path.join(VENV_DIR, 'bin', 'aws'), ENDPOINT: proxy.endpoint, STACK: stack, REGION: 'us-east-1', ZIP, IDS: path.join(tmp, `${stack}.ids`), PASSWORD: baseEnv.COGNITO_SCOPE_SETUP_PASSWORD, AWS_PAGER: '' };
  const r = await runChild('bash', [PEER, phase], { env, cwd: REPO, tmp });
  if (r.code !== 0) throw new Error(`peer ${phase} of ${stack} exited ${r.code}\n${r.stderr}`);
  return { wallMs: r.wallMs, requests: proxy.requests.length, writes: proxy.requests.filter((q) => q.mutating).length };
}
