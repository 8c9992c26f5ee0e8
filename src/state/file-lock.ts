// The per-stack lock of a state file, correct by construction with three atomic file-system
// operations and no library:
//   take      = build `<state>.lock.tmp-<run id>/owner-<run id>.json` privately, then rename that
//               directory to `<state>.lock`. rename(2) of a directory onto an existing non-empty
//               one fails (ENOTEMPTY/EEXIST) and onto an empty one replaces it: exactly one taker
//               wins, and a visible lock always holds its complete owner file.
//   take over = unlink `<state>.lock/owner-<holder's run id>.json` (the one judged stale). The
//               name is unique per holder, so of two takers that judged the same holder stale only
//               one unlink succeeds, and it can never remove a newer holder's file; then the
//               winner renames its own directory onto the now empty lock.
//   release   = unlink our owner file, then rmdir the lock, which fails harmlessly if another
//               run has already taken the empty directory.
// The holder refreshes its owner file's mtime (the heartbeat) every third of its time-to-live.
// Why not proper-lockfile (used before): its lock is a directory it removes with rmdir, so the
// owner record we kept inside made release fail with ENOTEMPTY and the lock stuck for good; it
// judges staleness by mtime alone (a live reused pid kept a lock for ever); and its takeover is
// remove-then-mkdir, where two takers can both win.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { hostname } from 'node:os';
import { Locked } from './errors.js';
import { DEFAULT_TTL_MS, markOurs, newOwner, parseOwner, staleReason, unmarkOurs, type LockOwner } from './owner.js';
import { fsError } from './fs-errors.js';

export interface HeldLock {
  readonly owner: LockOwner;
  /** The stale lock this run took over, and why it was judged stale. */
  readonly tookOver?: { owner: LockOwner; reason: string };
  /** True once another run has taken the lock from us (we were judged stale). */
  lost(): boolean;
  release(): Promise<void>;
  /** For exit paths that cannot wait (process.exit in a signal handler). */
  releaseSync(): void;
}

export interface LockOptions {
  command?: string;
  ttlMs?: number;
}

export interface Holder {
  owner: LockOwner;
  ageMs: number;
  /** Why the lock is stale; undefined while the holder may be running. */
  stale?: string;
}

const OWNER_PREFIX = 'owner-';
const lockDirOf = (file: string) => `${file}.lock`;

/** The owner record of a lock directory: ours (owner-<run id>.json) or a pre-1.0 owner.json. */
function inspect(lockDir: string): { holder: Holder; name: string } | 'empty' | 'gone' {
  let names: string[];
  try {
    names = readdirSync(lockDir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw e;
  }
  const name = names.find((n) => n.startsWith(OWNER_PREFIX) && n.endsWith('.json')) ?? names.find((n) => n === 'owner.json') ?? names[0];
  if (name === undefined) return 'empty';
  const path = join(lockDir, name);
  let text: string;
  let mtimeMs: number;
  try {
    mtimeMs = statSync(path).mtimeMs;
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw e;
  }
  const ageMs = Math.max(0, Date.now() - mtimeMs);
  let owner = parseOwner(text);
  if (!owner) {
    // An older release's lock (owner.json with a pid and no run id), or something unreadable:
    // judged by its pid on this host when there is one, else by its age alone.
    let pid = -1;
    try {
      const p = (JSON.parse(text) as { pid?: unknown }).pid;
      if (typeof p === 'number') pid = p;
    } catch {
      /* not JSON */
    }
    owner = { tool: 'cognito-scope-setup', runId: `unknown-${name}`, pid, host: pid > 0 ? hostname() : '', user: '', startedAt: '', heartbeatAt: '', ttlMs: DEFAULT_TTL_MS };
  }
  return { holder: { owner, ageMs, stale: staleReason(owner, ageMs) }, name };
}

/** Who holds the lock of a state file right now (stale or not), without taking it. */
export function fileLockHolder(file: string): Holder | undefined {
  const r = inspect(lockDirOf(file));
  return typeof r === 'string' ? undefined : r.holder;
}

function ageOf(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** Remove leftovers of runs that died while taking the lock (their private tmp directories). */
function removeDeadTmpDirs(file: string): void {
  const dir = dirname(file);
  const prefix = `${basename(lockDirOf(file))}.tmp-`;
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => n.startsWith(prefix));
  } catch {
    return;
  }
  for (const n of names) {
    const r = inspect(join(dir, n));
    if (r === 'gone') continue;
    // An empty one may be a taker between its mkdir and its owner file: only an old one is left over.
    const stale = r === 'empty' ? ageOf(join(dir, n)) > DEFAULT_TTL_MS : r.holder.stale !== undefined;
    if (stale) rmSync(join(dir, n), { recursive: true, force: true });
  }
}

export async function lockFile(file: string, o: LockOptions = {}): Promise<HeldLock> {
  const lockDir = lockDirOf(file);
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  } catch (e) {
    throw fsError(e, dirname(file), 'create the state directory');
  }
  removeDeadTmpDirs(file);
  const owner = newOwner(o.command, o.ttlMs);
  markOurs(owner.runId);
  const ownerName = `${OWNER_PREFIX}${owner.runId}.json`;
  const tmp = `${lockDir}.tmp-${owner.runId}`;
  const cleanup = () => {
    rmSync(tmp, { recursive: true, force: true });
    unmarkOurs(owner.runId);
  };
  try {
    mkdirSync(tmp, { mode: 0o700 });
    writeFileSync(join(tmp, ownerName), JSON.stringify(owner, null, 2) + '\n', { mode: 0o600 });
  } catch (e) {
    cleanup();
    throw fsError(e, tmp, 'take the lock');
  }
  let tookOver: { owner: LockOwner; reason: string } | undefined;
  let won = false;
  // Each round either wins, or removes one stale holder, or finds the lock gone or empty.
  for (let round = 0; round < 8 && !won; round++) {
    try {
      renameSync(tmp, lockDir);
      won = true;
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'ENOTDIR') {
        cleanup();
        throw fsError(e, lockDir, 'take the lock');
      }
      if (code === 'ENOTDIR') {
        // A plain file where the lock directory goes (not something we make): leave it to the user.
        cleanup();
        throw new Locked(undefined, file, undefined, { kind: 'not-a-directory', path: lockDir });
      }
    }
    const r = inspect(lockDir);
    if (r === 'gone' || r === 'empty') continue;
    if (!r.holder.stale) {
      cleanup();
      throw new Locked(r.holder.owner, file, r.holder.ageMs, { kind: 'force-unlock' });
    }
    try {
      unlinkSync(join(lockDir, r.name));
      tookOver = { owner: r.holder.owner, reason: r.holder.stale };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        cleanup();
        throw fsError(e, lockDir, 'take over the stale lock');
      }
      // Another taker removed it first: look again.
    }
  }
  if (!won) {
    cleanup();
    const h = fileLockHolder(file);
    throw new Locked(h?.owner, file, h?.ageMs);
  }

  const ownerPath = join(lockDir, ownerName);
  let lost = false;
  let released = false;
  const beat = setInterval(() => {
    try {
      const now = new Date();
      utimesSync(ownerPath, now, now);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') lost = true;
    }
  }, Math.max(250, Math.floor(owner.ttlMs / 3)));
  beat.unref();
  const releaseSync = () => {
    if (released) return;
    released = true;
    clearInterval(beat);
    try {
      unlinkSync(ownerPath);
    } catch {
      /* taken over already: nothing of ours is left */
    }
    try {
      rmdirSync(lockDir);
    } catch {
      /* gone, or another run took the empty directory: it is theirs now */
    }
    unmarkOurs(owner.runId);
  };
  return {
    owner,
    tookOver,
    lost: () => {
      if (!lost && !released) {
        try {
          statSync(ownerPath);
        } catch {
          lost = true;
        }
      }
      return lost;
    },
    release: async () => releaseSync(),
    releaseSync,
  };
}

/** Remove the lock whoever holds it (a forced unlock); returns the holder it removed. */
export function forceUnlockFile(file: string): Holder | undefined {
  const lockDir = lockDirOf(file);
  const h = fileLockHolder(file);
  rmSync(lockDir, { recursive: true, force: true });
  return h;
}
