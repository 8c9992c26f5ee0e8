// The per-stack lock over time: held across its refreshes, and taken over when its holder died.
import { mkdirSync, mkdtempSync, writeFileSync, utimesSync, existsSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Locked } from '../../src/state/errors.js';
import { lockState } from '../../src/state/store.js';
import { fileLockHolder } from '../../src/state/file-lock.js';

const dir = () => mkdtempSync(join(tmpdir(), 'css-lock-'));

afterEach(() => vi.restoreAllMocks());

describe('lock held over time', () => {
  it('survives its own heartbeats: the owner file stays, and no warning is printed', async () => {
    const f = join(dir(), 'demo.json');
    const warnings: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (warnings.push(String(s)), true));
    const release = await lockState(f, { ttlMs: 3000 });
    // The owner is recorded from the moment the lock exists.
    expect(fileLockHolder(f)!.owner.pid).toBe(process.pid);
    // Three heartbeats (every third of the time-to-live).
    await new Promise((r) => setTimeout(r, 3500));
    expect(warnings.filter((w) => /lock/.test(w))).toEqual([]);
    // Still ours: a second taker is refused and told our pid.
    const second = await lockState(f).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(Locked);
    expect((second as Error).message).toContain(`pid ${process.pid}`);
    await release();
    expect(existsSync(f + '.lock')).toBe(false);
  }, 10_000);

  it('an empty lock directory (a run stopped between the two steps of its release) is no lock: taken at once', async () => {
    const f = join(dir(), 'demo.json');
    mkdirSync(f + '.lock');
    const release = await lockState(f);
    expect(fileLockHolder(f)!.owner.pid).toBe(process.pid);
    await release();
    expect(existsSync(f + '.lock')).toBe(false);
  });

  it('a lock held on another host is kept while its heartbeat is fresh, and taken over once older than its time-to-live', async () => {
    const f = join(dir(), 'demo.json');
    mkdirSync(f + '.lock');
    const owner = { tool: 'cognito-scope-setup', runId: 'elsewhere-1', pid: process.pid, host: `not-${hostname()}`, user: 'ci', startedAt: new Date().toISOString(), heartbeatAt: new Date().toISOString(), ttlMs: 2000 };
    const file = join(f + '.lock', 'owner-elsewhere-1.json');
    writeFileSync(file, JSON.stringify(owner));
    const refused = await lockState(f).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Locked);
    expect((refused as Error).message).toContain(`host not-${hostname()}`);
    const old = new Date(Date.now() - 10_000);
    utimesSync(file, old, old);
    const release = await lockState(f);
    expect(fileLockHolder(f)!.owner.host).toBe(hostname());
    await release();
  });
});
