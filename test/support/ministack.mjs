// @ts-check
/**
 * Local AWS emulator (ministack, from PyPI) for the integration / e2e tests.
 *
 * Plain ESM JavaScript with JSDoc types so vitest (globalSetup, tests) and plain
 * node scripts (test/support/probe-ministack.mjs, benches) can import it.
 *
 *   import { ensureMinistack, startMinistack } from './ministack.mjs';
 *   await ensureMinistack();                 // venv + pinned ministack, idempotent
 *   const ms = await startMinistack();       // { endpoint, port, reset, stop, ... }
 *   ...
 *   await ms.reset();                        // POST /_ministack/reset (wipes all state)
 *   await ms.stop();                         // kill child, remove its tmp dir
 *
 * Facts about how ministack 1.5.33 behaves are in test/EMULATOR.md.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The one place the emulator pin lives. Re-run test/support/probe-ministack.mjs when changing it. */
export const MINISTACK_VERSION = '1.5.33';

/**
 * Every Python package the tests install into the venv, pinned, in one place: the emulator and
 * AWS's own tools the tests use. Add a tool here (exact version); the venv is brought up to date
 * whenever one of these is missing or at another version.
 * - cryptography: ministack signs its Cognito tokens with it (without it they are unsigned).
 * - cfn-lint: AWS's CloudFormation linter, run on every exported template.
 * - botocore: AWS's own service models (JSON), which the strict-AWS layer validates every request
 *   against (test/support/aws-models.ts); pinned so the models do not move under the tests.
 * - awscli: the AWS CLI (v1; it carries its own copy of botocore), for `npm run bench`'s peer: the
 *   same stack built by a shell script of `aws` calls against the same emulator.
 */
export const VENV_PACKAGES = {
  ministack: MINISTACK_VERSION,
  cryptography: '50.0.2',
  'cfn-lint': '1.58.0',
  botocore: '1.43.106',
  awscli: '1.46.3',
};

/** Services ministack is started with (SERVICES env var). */
export const MINISTACK_SERVICES = 'iam,sts,lambda,apigateway,cognito-idp,logs,cloudformation,s3';

/** Repository root (this file is <repo>/test/support/ministack.mjs). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Project-local virtualenv holding ministack. */
export const VENV_DIR = path.join(REPO_ROOT, '.venv-ministack');

/** Python interpreter inside the venv. */
export const VENV_PYTHON = path.join(VENV_DIR, 'bin', 'python');

const LOCK_DIR = path.join(REPO_ROOT, '.venv-ministack.lock');
const LOCK_STALE_MS = 15 * 60 * 1000;
const MIN_PYTHON = [3, 10];

/** @param {string} msg */
function log(msg) {
  process.stderr.write(`[ministack] ${msg}\n`);
}

/**
 * Run a command, collecting its output. Never rejects: returns code + output.
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ echo?: boolean, env?: NodeJS.ProcessEnv }} [opts] echo: stream output to our stderr too
 * @returns {Promise<{ code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string, error?: Error }>}
 */
function run(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    /** @type {import('node:child_process').ChildProcess} */
    let child;
    try {
      child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? process.env });
    } catch (error) {
      resolve({ code: null, signal: null, stdout, stderr, error: /** @type {Error} */ (error) });
      return;
    }
    child.stdout?.on('data', (d) => {
      stdout += d;
      if (opts.echo) process.stderr.write(d);
    });
    child.stderr?.on('data', (d) => {
      stderr += d;
      if (opts.echo) process.stderr.write(d);
    });
    child.on('error', (error) => resolve({ code: null, signal: null, stdout, stderr, error }));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** @param {string} s @param {number} [n] */
function tail(s, n = 4000) {
  return s.length > n ? `...${s.slice(-n)}` : s;
}

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Version of ministack installed in the venv, or null if the venv/package is missing or any other
 * package of VENV_PACKAGES is missing or at another version.
 * @returns {Promise<string | null>}
 */
export async function installedMinistackVersion() {
  if (!fs.existsSync(VENV_PYTHON)) return null;
  const want = JSON.stringify(VENV_PACKAGES);
  const r = await run(VENV_PYTHON, [
    '-c',
    'import importlib.metadata as m, json, sys\n' +
      'want = json.loads(sys.argv[1])\n' +
      'def v(n):\n  try: return m.version(n)\n  except Exception: return None\n' +
      'bad = [n for n, ver in want.items() if v(n) != ver]\n' +
      'print(v("ministack") if not bad else "outdated:" + ",".join(bad))',
    want,
  ]);
  if (r.code !== 0) return null;
  const out = r.stdout.trim().split('\n')[0] || null;
  return out && !out.startsWith('outdated:') ? out : null;
}

/** @param {number} pid */
function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return /** @type {NodeJS.ErrnoException} */ (e).code === 'EPERM';
  }
}

/**
 * Cross-process lock: mkdir is atomic. A lock whose owner pid is dead (or that is
 * older than LOCK_STALE_MS) is taken over.
 * @returns {Promise<() => void>} release function
 */
async function acquireLock() {
  let announced = false;
  for (;;) {
    try {
      fs.mkdirSync(LOCK_DIR);
      fs.writeFileSync(path.join(LOCK_DIR, 'owner'), `${process.pid}\n${os.hostname()}\n`);
      return () => fs.rmSync(LOCK_DIR, { recursive: true, force: true });
    } catch (e) {
      if (/** @type {NodeJS.ErrnoException} */ (e).code !== 'EEXIST') throw e;
    }
    let stale = false;
    try {
      const st = fs.statSync(LOCK_DIR);
      const [pidStr, host] = fs.readFileSync(path.join(LOCK_DIR, 'owner'), 'utf8').split('\n');
      const pid = Number(pidStr);
      if (Date.now() - st.mtimeMs > LOCK_STALE_MS) stale = true;
      else if (host === os.hostname() && pid > 0 && !pidAlive(pid)) stale = true;
    } catch {
      // owner file not written yet (lock just taken) or lock just released: retry
      try {
        if (Date.now() - fs.statSync(LOCK_DIR).mtimeMs > 60_000) stale = true;
      } catch {
        /* gone */
      }
    }
    if (stale) {
      log(`removing stale lock ${LOCK_DIR}`);
      fs.rmSync(LOCK_DIR, { recursive: true, force: true });
      continue;
    }
    if (!announced) {
      log(`waiting for another process installing ministack (lock ${LOCK_DIR})`);
      announced = true;
    }
    await sleep(250);
  }
}

/**
 * Make sure <repo>/.venv-ministack exists with ministack==MINISTACK_VERSION and
 * cryptography installed. Idempotent, and safe to call concurrently from several
 * processes (lock dir <repo>/.venv-ministack.lock). Progress goes to stderr.
 *
 * The interpreter used to create the venv is `python3`, or $CSS_PYTHON if set.
 * Throws (with a clear message) if python < 3.10, venv creation or pip fails.
 * @returns {Promise<{ python: string, version: string }>}
 */
export async function ensureMinistack() {
  if ((await installedMinistackVersion()) === MINISTACK_VERSION) {
    return { python: VENV_PYTHON, version: MINISTACK_VERSION };
  }
  const release = await acquireLock();
  try {
    // Another process may have finished the install while we waited for the lock.
    const current = await installedMinistackVersion();
    if (current === MINISTACK_VERSION) return { python: VENV_PYTHON, version: MINISTACK_VERSION };

    const basePython = process.env.CSS_PYTHON || 'python3';
    const pv = await run(basePython, ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])']);
    if (pv.code !== 0) {
      throw new Error(
        `ministack: cannot run '${basePython}' (needed to create ${VENV_DIR}): ` +
          `${pv.error?.message ?? tail(pv.stderr)}\nInstall Python >= ${MIN_PYTHON.join('.')} ` +
          `(e.g. apt-get install python3 python3-venv) or set CSS_PYTHON to an interpreter.`,
      );
    }
    const pyVersion = pv.stdout.trim();
    const [maj, min] = pyVersion.split('.').map(Number);
    if (maj < MIN_PYTHON[0] || (maj === MIN_PYTHON[0] && min < MIN_PYTHON[1])) {
      throw new Error(
        `ministack: ${basePython} is Python ${pyVersion}, but ministack ${MINISTACK_VERSION} needs ` +
          `Python >= ${MIN_PYTHON.join('.')}. Install a newer python3 or set CSS_PYTHON.`,
      );
    }

    if (!fs.existsSync(VENV_PYTHON)) {
      if (fs.existsSync(VENV_DIR)) {
        log(`${VENV_DIR} exists but has no bin/python: recreating it`);
        fs.rmSync(VENV_DIR, { recursive: true, force: true });
      }
      log(`creating virtualenv ${VENV_DIR} with ${basePython} (Python ${pyVersion})`);
      const v = await run(basePython, ['-m', 'venv', VENV_DIR], { echo: true });
      if (v.code !== 0 || !fs.existsSync(VENV_PYTHON)) {
        fs.rmSync(VENV_DIR, { recursive: true, force: true });
        throw new Error(
          `ministack: '${basePython} -m venv ${VENV_DIR}' failed (exit ${v.code}).\n` +
            `${tail(v.stdout + v.stderr)}\nOn Debian/Ubuntu: apt-get install python3-venv`,
        );
      }
    } else {
      log(`ministack in ${VENV_DIR} is ${current ?? 'missing'}, want ${MINISTACK_VERSION}`);
    }

    const pins = Object.entries(VENV_PACKAGES).map(([name, version]) => `${name}==${version}`);
    log(`pip install ${pins.join(' ')} into ${VENV_DIR}`);
    const started = Date.now();
    const p = await run(VENV_PYTHON, ['-m', 'pip', 'install', '--disable-pip-version-check', ...pins], { echo: true });
    if (p.code !== 0) {
      throw new Error(
        `ministack: pip install ${pins.join(' ')} failed (exit ${p.code}):\n` +
          tail(p.stdout + p.stderr),
      );
    }
    const after = await installedMinistackVersion();
    if (after !== MINISTACK_VERSION) {
      throw new Error(
        `ministack: after pip install, ${VENV_DIR} reports ${after ?? 'ministack missing or another package not at its pin'}, ` +
          `expected ${MINISTACK_VERSION}`,
      );
    }
    log(`ministack ${MINISTACK_VERSION} installed in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    return { python: VENV_PYTHON, version: MINISTACK_VERSION };
  } finally {
    release();
  }
}

/**
 * A free TCP port on 127.0.0.1 (bind port 0, read it, close).
 * @returns {Promise<number>}
 */
export function getFreePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('could not get a free port'))));
    });
  });
}

// Launcher: run ministack's own entry point (`python -m ministack` is the same as the
// `ministack` console script: ministack.app:main), after asking Linux to SIGTERM us
// when the node process that spawned us dies, even by SIGKILL (PR_SET_PDEATHSIG = 1).
// The ppid check closes the race where node died before prctl ran.
const LAUNCHER = `
import os, signal, sys
try:
    import ctypes
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != int(os.environ.get("CSS_MINISTACK_PARENT_PID", os.getppid())):
        sys.exit(3)
except (OSError, AttributeError, ValueError):
    pass
sys.argv = ["ministack"]
from ministack.app import main
# CloudFormation import of the types ministack cannot import itself (see the module's docstring).
sys.path.insert(0, os.environ["CSS_MINISTACK_EXT_DIR"])
import ministack_cfn_import  # noqa: E402,F401
sys.exit(main())
`;

/**
 * @typedef {object} Ministack
 * @property {string} endpoint   'http://127.0.0.1:<port>' (pass as `endpoint` to every AWS SDK client)
 * @property {number} port
 * @property {number} pid        child pid
 * @property {string} tmpDir     fresh dir: state/, ministack.log, ministack-<port>.pid (removed by stop())
 * @property {string} logFile    child's stdout+stderr
 * @property {number} startupMs  spawn -> first OK health check
 * @property {() => Promise<void>} reset  POST /_ministack/reset (wipes every service's state)
 * @property {() => Promise<void>} stop   SIGTERM (SIGKILL after 5 s), wait, rm -rf tmpDir. Idempotent.
 * @property {() => string} readLog       current contents of logFile
 */

/**
 * Start ministack from the venv on 127.0.0.1 and wait until /_ministack/health is OK.
 * Call ensureMinistack() first.
 * @param {{ port?: number, timeoutMs?: number, env?: Record<string, string>, keepTmpDir?: boolean }} [opts]
 *   port: fixed port (default: a free one); timeoutMs: health wait (default 30000);
 *   env: extra env for the child; keepTmpDir: don't delete tmpDir on stop (or set CSS_KEEP_EMULATOR_LOG=1)
 * @returns {Promise<Ministack>}
 */
export async function startMinistack(opts = {}) {
  if (!fs.existsSync(VENV_PYTHON)) {
    throw new Error(`ministack: ${VENV_PYTHON} not found; call ensureMinistack() first`);
  }
  const attempts = opts.port ? 1 : 3;
  let lastError;
  for (let i = 0; i < attempts; i++) {
    const port = opts.port ?? (await getFreePort());
    try {
      return await startOnce(port, opts);
    } catch (e) {
      lastError = e;
      // Only a lost race for an auto-picked port is worth retrying.
      if (opts.port || i === attempts - 1 || !/already in use/.test(String(/** @type {Error} */ (e).message))) throw e;
      log(`port ${port} was taken before ministack bound it; retrying with another`);
    }
  }
  throw lastError;
}

/**
 * @param {number} port
 * @param {{ timeoutMs?: number, env?: Record<string, string>, keepTmpDir?: boolean }} opts
 * @returns {Promise<Ministack>}
 */
async function startOnce(port, opts) {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const keepTmpDir = opts.keepTmpDir ?? process.env.CSS_KEEP_EMULATOR_LOG === '1';
  const tmpDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'ministack-'));
  const stateDir = path.join(tmpDir, 'state');
  await fsp.mkdir(stateDir);
  const logFile = path.join(tmpDir, 'ministack.log');
  const endpoint = `http://127.0.0.1:${port}`;

  // A small, explicit environment: nothing from the developer's shell (AWS_*, a
  // LOCALSTACK_*/PERSIST_STATE/LAMBDA_EXECUTOR setting, ...) changes the emulator.
  /** @type {Record<string, string>} */
  const env = {};
  for (const k of ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ']) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  Object.assign(env, {
    SERVICES: MINISTACK_SERVICES,
    IOT_MTLS_ENABLED: '0',
    SFTP_ENABLED: '0',
    BIND_HOST: '127.0.0.1',
    GATEWAY_PORT: String(port),
    STATE_DIR: stateDir,
    PERSIST_STATE: '0',
    LAMBDA_EXECUTOR: 'local',
    TMPDIR: tmpDir, // ministack writes its pid file (ministack-<port>.pid) to $TMPDIR
    PYTHONUNBUFFERED: '1',
    PYTHONDONTWRITEBYTECODE: '1',
    CSS_MINISTACK_PARENT_PID: String(process.pid),
    CSS_MINISTACK_EXT_DIR: path.join(REPO_ROOT, 'test', 'support'),
    ...(opts.env ?? {}),
  });

  const logFd = fs.openSync(logFile, 'a');
  const t0 = Date.now();
  /** @type {import('node:child_process').ChildProcess} */
  let child;
  try {
    child = spawn(VENV_PYTHON, ['-c', LAUNCHER], { env, cwd: tmpDir, stdio: ['ignore', logFd, logFd] });
  } finally {
    fs.closeSync(logFd);
  }
  const readLog = () => {
    try {
      return fs.readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };

  const pidFile = path.join(tmpDir, `ministack-${port}.pid`);
  const ownPidFile = () => {
    try {
      return Number(fs.readFileSync(pidFile, 'utf8').trim()) === child.pid;
    } catch {
      return false;
    }
  };
  // Don't keep the parent's event loop alive just for the emulator: a script that
  // forgets stop() still exits, and the 'exit' hook below kills the child.
  child.unref();

  /** @type {{ code: number | null, signal: NodeJS.Signals | null } | null} */
  let exited = null;
  /** @type {Error | null} */
  let spawnError = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
    child.on('error', (e) => {
      spawnError = e;
      exited ??= { code: null, signal: null };
      resolve(exited);
    });
  });
  const onParentExit = () => {
    if (!exited) {
      try {
        child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
    if (!keepTmpDir) {
      try {
        fs.rmSync(tmpDir, { recursive: true, force: true });
      } catch {
        /* best effort */
      }
    }
  };
  process.on('exit', onParentExit);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (!exited) {
      child.kill('SIGTERM');
      const killTimer = setTimeout(() => {
        if (!exited) child.kill('SIGKILL');
      }, 5000);
      await exitPromise;
      clearTimeout(killTimer);
    }
    process.off('exit', onParentExit);
    if (keepTmpDir) log(`ministack log kept at ${logFile}`);
    else await fsp.rm(tmpDir, { recursive: true, force: true });
  };

  /** @param {string} why */
  const fail = async (why) => {
    const text = readLog();
    await stop();
    return new Error(
      `ministack ${MINISTACK_VERSION} did not start on ${endpoint}: ${why}\n` +
        `--- ministack output (${logFile}) ---\n${tail(text) || '(empty)'}`,
    );
  };

  // Wait for health.
  const deadline = t0 + timeoutMs;
  for (;;) {
    if (exited) {
      const ex = /** @type {{code: number|null, signal: string|null}} */ (exited);
      const why = spawnError
        ? `spawn failed: ${/** @type {Error} */ (spawnError).message}`
        : `process exited early (code ${ex.code}, signal ${ex.signal})`;
      const text = readLog();
      const err = await fail(why);
      if (/already in use/.test(text)) err.message += '\n(port already in use)';
      throw err;
    }
    try {
      const res = await fetch(`${endpoint}/_ministack/health`, { signal: AbortSignal.timeout(2000) });
      // The answer must come from *our* child, not from something else already on
      // a fixed port: ministack writes $TMPDIR/ministack-<port>.pid (our tmpDir)
      // only after its own port-in-use check passed.
      if (res.ok && !exited && ownPidFile()) {
        const body = /** @type {{ version?: string }} */ (await res.json());
        if (body.version && body.version !== MINISTACK_VERSION) {
          throw await fail(`health reports version ${body.version}, expected ${MINISTACK_VERSION}`);
        }
        break;
      }
    } catch (e) {
      if (e instanceof Error && e.message.startsWith('ministack ')) throw e;
      // not listening yet
    }
    if (Date.now() > deadline) throw await fail(`health check not OK after ${timeoutMs} ms`);
    await sleep(100);
  }
  const startupMs = Date.now() - t0;

  const reset = async () => {
    const res = await fetch(`${endpoint}/_ministack/reset`, { method: 'POST', signal: AbortSignal.timeout(30_000) });
    if (!res.ok) throw new Error(`ministack reset failed: HTTP ${res.status} ${await res.text()}`);
  };

  return {
    endpoint,
    port,
    pid: /** @type {number} */ (child.pid),
    tmpDir,
    logFile,
    startupMs,
    reset,
    stop,
    readLog,
  };
}
