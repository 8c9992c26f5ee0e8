// The per-stack lock over time: held across its refreshes, and taken over when its holder died.
import { mkdirSync, mkdtempSync, readFileSync, utimesSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LockedError } from '../../src/errors.js';
import { lockState } from '../../src/state/store.js';

const dir = () => mkdtempSync(join(tmpdir(), 'css-lock-'));

afterEach(() => vi.restoreAllMocks());

describe('lock held over time', () => {
  it('survives its own mtime refreshes: the owner file does not make the library think it was stolen', async () => {
    const f = join(dir(), 'demo.json');
    const warnings: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (warnings.push(String(s)), true));
    const release = await lockState(f, { updateMs: 1000, staleMs: 5000 });
    // The owner is recorded from the moment the lock exists.
    expect(JSON.parse(readFileSync(join(f + '.lock', 'owner.json'), 'utf8')).pid).toBe(process.pid);
    // Three refreshes: each re-reads the lock directory's mtime and compares it with its own.
    await new Promise((r) => setTimeout(r, 3500));
    expect(warnings.filter((w) => /lock/.test(w))).toEqual([]);
    // Still ours: a second taker is refused and told our pid.
    const second = await lockState(f).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(LockedError);
    expect((second as Error).message).toContain(`pid ${process.pid}`);
    await release();
    expect(existsSync(f + '.lock')).toBe(false);
  }, 10_000);

  it('a lock directory without an owner (its holder died before writing it) is taken over once stale', async () => {
    const f = join(dir(), 'demo.json');
    mkdirSync(f + '.lock');
    const refused = await lockState(f, { staleMs: 2000 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LockedError);
    expect((refused as Error).message).not.toMatch(/pid/);
    const old = new Date(Date.now() - 10_000);
    utimesSync(f + '.lock', old, old);
    const release = await lockState(f, { staleMs: 2000 });
    await release();
  });
});
