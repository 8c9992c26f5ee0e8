// The file lock cannot stick (issue 11.3): a holder that is gone is judged so (dead pid, a reused
// pid whose start time differs, our own pid from a previous life, a heartbeat older than its
// time-to-live), its lock is taken over atomically (of several takers exactly one wins, in
// separate processes), and nothing is ever left inside the lock that release cannot remove.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { explain } from '../../../src/commands/explain.js';
import type { CliError } from '../../../src/errors.js';
import { Locked } from '../../../src/state/errors.js';
import { fileLockHolder, lockFile } from '../../../src/state/file-lock.js';
import { processStartOf } from '../../../src/state/owner.js';

const dir = () => mkdtempSync(join(tmpdir(), 'css-flock-'));

/** Leave a lock as a holder with this owner record would have left it. */
function plantLock(file: string, owner: Record<string, unknown>): string {
  mkdirSync(`${file}.lock`);
  const path = join(`${file}.lock`, `owner-${owner.runId}.json`);
  writeFileSync(path, JSON.stringify({ tool: 'cognito-scope-setup', user: 'someone', startedAt: new Date().toISOString(), heartbeatAt: new Date().toISOString(), ttlMs: 30_000, ...owner }));
  return path;
}

describe('file lock: judging a holder', () => {
  it('/proc gives this machine process start times (the reused-pid rule needs them)', () => {
    // Fails loudly where there is no /proc rather than letting the next tests pass for nothing.
    expect(processStartOf(process.pid)).toMatch(/^[0-9a-f-]*:\d+$/);
    expect(processStartOf(1)).toMatch(/:\d+$/);
  });

  it('a live foreign pid whose process started at another time (pid 1 in a restarted container) is taken over', async () => {
    const f = join(dir(), 'demo.json');
    const boot = processStartOf(process.pid)!.split(':')[0];
    plantLock(f, { runId: 'old-life', pid: 1, host: hostname(), processStart: `${boot}:1` });
    const held = await lockFile(f);
    expect(held.tookOver?.owner.runId).toBe('old-life');
    expect(held.tookOver?.reason).toMatch(/pid 1 now belongs to another process/);
    await held.release();
    expect(existsSync(`${f}.lock`)).toBe(false);
  });

  it('a live foreign pid with the same start time is a live holder: refused, naming it', async () => {
    const f = join(dir(), 'demo.json');
    plantLock(f, { runId: 'init-now', pid: 1, host: hostname(), processStart: processStartOf(1), command: 'init' });
    const e = await lockFile(f).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(Locked);
    expect((e as Error).message).toMatch(new RegExp(`\\(pid 1\\) holds the lock on ${f.replace(/[.]/g, '\\.')}: host ${hostname()}, user someone, init, run id init-now`));
    expect((explain(e) as CliError).hint).toMatch(/unlock --force/);
    // Still there, untouched.
    expect(fileLockHolder(f)!.owner.runId).toBe('init-now');
  });

  it('our own pid with a run id this process does not hold (a previous process with our pid) is taken over', async () => {
    const f = join(dir(), 'demo.json');
    plantLock(f, { runId: 'previous-me', pid: process.pid, host: hostname(), processStart: processStartOf(process.pid) });
    const held = await lockFile(f);
    expect(held.tookOver?.reason).toMatch(/is this process, which does not hold it/);
    await held.release();
  });

  it('a dead pid on this host is taken over at once', async () => {
    const f = join(dir(), 'demo.json');
    const child = spawn(process.execPath, ['-e', '0']);
    const pid = child.pid!;
    await new Promise((r) => child.once('exit', r));
    plantLock(f, { runId: 'dead', pid, host: hostname() });
    const held = await lockFile(f);
    expect(held.tookOver?.reason).toMatch(new RegExp(`process ${pid} on this host is gone`));
    await held.release();
  });

  it('a holder that lost its lock to a takeover knows it, and its release leaves the new holder alone', async () => {
    const f = join(dir(), 'demo.json');
    const first = await lockFile(f, { ttlMs: 1000 });
    // Another run judged us gone and took over (as it would after our time-to-live).
    const path = join(`${f}.lock`, `owner-${first.owner.runId}.json`);
    const { rmSync } = await import('node:fs');
    rmSync(path);
    const second = await lockFile(f);
    expect(first.lost()).toBe(true);
    await first.release();
    expect(fileLockHolder(f)!.owner.runId).toBe(second.owner.runId);
    await second.release();
    expect(existsSync(`${f}.lock`)).toBe(false);
  });

  it('release leaves nothing behind, so the next lock never meets ENOTEMPTY', async () => {
    const f = join(dir(), 'demo.json');
    for (let i = 0; i < 3; i++) {
      const held = await lockFile(f);
      await held.release();
    }
    expect(readdirSync(join(f, '..'))).toEqual([]);
  });
});

describe('file lock: several takers at once, in separate processes', () => {
  let bundle: string;
  beforeAll(() => {
    bundle = join(dir(), 'file-lock.mjs');
    buildSync({ entryPoints: ['src/state/file-lock.ts'], bundle: true, platform: 'node', format: 'esm', outfile: bundle, logLevel: 'silent' });
  });

  /** N processes wait for one go signal, then each tries to take the lock and reports; winners hold until told. */
  async function race(f: string, n: number): Promise<string[]> {
    const go = join(f + '.go');
    const code = `
      import { existsSync } from 'node:fs';
      const { lockFile } = await import(${JSON.stringify(bundle)});
      process.stdout.write('ready\\n');
      while (!existsSync(${JSON.stringify(go)})) await new Promise((r) => setTimeout(r, 5));
      try {
        const held = await lockFile(${JSON.stringify(f)});
        process.stdout.write('won' + (held.tookOver ? ' took-over' : '') + '\\n');
        process.stdin.once('data', async () => { await held.release(); process.exit(0); });
      } catch (e) {
        process.stdout.write((e.code ?? e.message) + '\\n');
        process.exit(0);
      }`;
    const kids = Array.from({ length: n }, () => spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['pipe', 'pipe', 'inherit'] }));
    const lines = kids.map((k) => {
      const waiting: ((l: string) => void)[] = [];
      const got: string[] = [];
      let buf = '';
      k.stdout.on('data', (d) => {
        buf += String(d);
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          const l = buf.slice(0, i);
          buf = buf.slice(i + 1);
          const w = waiting.shift();
          if (w) w(l);
          else got.push(l);
        }
      });
      return () => new Promise<string>((res) => (got.length ? res(got.shift()!) : waiting.push(res)));
    });
    // Every child is up and polling before the signal.
    expect(await Promise.all(lines.map((next) => next()))).toEqual(Array(n).fill('ready'));
    writeFileSync(go, '');
    const out = await Promise.all(lines.map((next) => next()));
    for (const k of kids) {
      k.stdin.on('error', () => undefined); // a refused child has exited already
      k.stdin.end('\n');
    }
    await Promise.all(kids.map((k) => (k.exitCode !== null ? undefined : new Promise((r) => k.once('exit', r)))));
    return out;
  }

  it('a free lock: exactly one of 6 wins, the others are refused', async () => {
    const f = join(dir(), 'demo.json');
    const out = await race(f, 6);
    expect(out.filter((o) => o.startsWith('won'))).toHaveLength(1);
    expect(out.filter((o) => o === 'LOCKED')).toHaveLength(5);
    expect(existsSync(`${f}.lock`)).toBe(false);
  }, 60_000);

  it('a stale lock (dead holder): exactly one of 6 takes it over', async () => {
    const f = join(dir(), 'demo.json');
    const child = spawn(process.execPath, ['-e', '0']);
    const pid = child.pid!;
    await new Promise((r) => child.once('exit', r));
    plantLock(f, { runId: 'dead', pid, host: hostname() });
    const out = await race(f, 6);
    // Which taker removed the stale owner and which renamed its lock in may differ: one holder either way.
    expect(out.filter((o) => o.startsWith('won'))).toHaveLength(1);
    expect(out.filter((o) => o === 'LOCKED')).toHaveLength(5);
    expect(existsSync(`${f}.lock`)).toBe(false);
  }, 60_000);
});
