// @ts-check
// What `npm run bench` measures a child process with: wall time from spawn to exit, and (through a
// preload hook) its peak RSS and CPU time; plus the Lambda activation watcher and small statistics.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const round = (/** @type {number} */ x, d = 0) => Math.round(x * 10 ** d) / 10 ** d;
export const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

/** Minimum, median and maximum. @param {number[]} xs */
export function stats(xs, d = 0) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  const median = s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  return { min: round(s[0], d), median: round(median, d), max: round(s[s.length - 1], d), n: s.length };
}

/**
 * The preload that reports a child's peak RSS (KiB) and CPU time (ms) when it exits. CommonJS, with
 * --require: it costs every child (node -e 0 included) about 1 ms. An ES module with --import would
 * start Node's ES module loader in each child, about 6 ms more, and hide part of a CommonJS
 * program's start-up behind a baseline made slower.
 */
export function writeHook(dir) {
  const hook = path.join(dir, 'usage-hook.cjs');
  fs.writeFileSync(
    hook,
    `// Loaded with --require by the bench: reports the process's peak RSS and CPU time when it exits.
'use strict';
const { writeFileSync } = require('node:fs');
const file = process.env.CSS_BENCH_USAGE_FILE;
if (file) process.on('exit', () => { const u = process.resourceUsage(); writeFileSync(file, JSON.stringify({ maxRSS: u.maxRSS, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 })); });
`,
  );
  return hook;
}

/**
 * Run a command as a child (async: a proxy in this process must keep answering).
 * @param {string} cmd @param {string[]} args @param {{ env: NodeJS.ProcessEnv, cwd: string, hook?: string, tmp: string }} o
 */
export function runChild(cmd, args, o) {
  const usageFile = path.join(o.tmp, `usage-${process.hrtime.bigint()}`);
  const argv = o.hook ? ['--require', o.hook, ...args] : args;
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const startedAt = Date.now();
    const child = spawn(cmd, argv, { cwd: o.cwd, env: { ...o.env, CSS_BENCH_USAGE_FILE: usageFile }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      let usage = { maxRSS: NaN, cpuMs: NaN };
      try {
        usage = JSON.parse(fs.readFileSync(usageFile, 'utf8'));
        fs.rmSync(usageFile, { force: true });
      } catch {
        /* no hook, or the child died before its exit handler ran */
      }
      resolve({ code, wallMs: round(wallMs, 1), startedAt, endedAt: Date.now(), peakRssMb: round(usage.maxRSS / 1024, 1), cpuMs: round(usage.cpuMs, 1), stdout, stderr });
    });
  });
}

/**
 * W, measured during init itself: once the proxy saw CreateFunction answered, poll the function
 * straight at the emulator (not through the proxy) every 10 ms until it is Active.
 * @param {string} endpoint
 */
export function activationWatcher(endpoint) {
  /** @type {Promise<number> | undefined} */
  let measuring;
  /** @type {string | undefined} */
  let name;
  return {
    /** Watch this function at the next CreateFunction. @param {string | undefined} fn */
    arm(fn) {
      name = fn;
    },
    created(/** @type {number} */ answeredAt) {
      if (!name) return;
      const fn = name;
      name = undefined;
      measuring ??= (async () => {
        process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
        const { LambdaClient, GetFunctionConfigurationCommand } = await import('@aws-sdk/client-lambda');
        const lambda = new LambdaClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
        try {
          for (;;) {
            const c = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: fn })).catch(() => undefined);
            if (c?.State === 'Active') return Date.now() - answeredAt;
            if (Date.now() - answeredAt > 60_000) throw new Error(`bench: ${fn} never turned Active`);
            await sleep(10);
          }
        } finally {
          lambda.destroy();
        }
      })();
    },
    /** The measurement of the last init; then ready for the next one. */
    take() {
      const m = measuring ?? Promise.reject(new Error('bench: init sent no CreateFunction'));
      measuring = undefined;
      return m;
    },
  };
}

/** Longest chain of requests that ran strictly one after another (earliest end first). @param {{ start: number, end: number }[]} reqs */
export function depthOf(reqs) {
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
