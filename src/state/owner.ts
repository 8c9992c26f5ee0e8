// Who holds a lock, and whether that holder is gone. Shared by the file lock and the S3 lock.
// A holder is judged gone (its lock stale) when:
//   - it runs on this host and its pid is dead, or the pid now belongs to a process started at
//     another time (a reused pid: pid 1 in a restarted container), or the pid is ours while the
//     run id is not one of this process's (our own previous life);
//   - or, wherever it runs, its heartbeat is older than the time-to-live the holder recorded.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';

export interface LockOwner {
  tool: 'cognito-scope-setup';
  runId: string;
  pid: number;
  host: string;
  user: string;
  /** The command that took the lock (init, destroy, ...). */
  command?: string;
  /** When the lock was taken (ISO time, the holder's clock). */
  startedAt: string;
  /** When the holder last refreshed the lock (ISO time, the holder's clock). */
  heartbeatAt: string;
  /** A lock not refreshed for this long is stale, wherever its holder runs. */
  ttlMs: number;
  /** The holder process's start time (Linux: /proc/<pid>/stat field 22, with the boot id). */
  processStart?: string;
}

/** This process's run ids that hold (or are taking) a lock right now. */
const ourRuns = new Set<string>();
export const markOurs = (runId: string) => ourRuns.add(runId);
export const unmarkOurs = (runId: string) => ourRuns.delete(runId);

export const DEFAULT_TTL_MS = 30_000;
export const LOCK_TTL_ENV = 'COGNITO_SCOPE_SETUP_LOCK_TTL';

/** The time-to-live a new lock records: $COGNITO_SCOPE_SETUP_LOCK_TTL seconds (at least 1), else 30 s. */
export function lockTtlMs(): number {
  const v = process.env[LOCK_TTL_ENV];
  const n = v === undefined ? NaN : Number(v);
  return Number.isFinite(n) && n >= 1 ? Math.round(n * 1000) : DEFAULT_TTL_MS;
}

export function newRunId(): string {
  return `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
}

let bootId: string | undefined | null = null;
function readBootId(): string | undefined {
  if (bootId === null) {
    try {
      bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      bootId = undefined;
    }
  }
  return bootId;
}

/** A process's start time as "<boot id>:<ticks since boot>", or undefined where /proc is not there. */
export function processStartOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count from its end.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = fields[19];
    return start ? `${readBootId() ?? ''}:${start}` : undefined;
  } catch {
    return undefined;
  }
}

function userName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? String(process.getuid?.() ?? 'unknown');
  }
}

export function newOwner(command?: string, ttlMs = lockTtlMs()): LockOwner {
  const now = new Date().toISOString();
  return {
    tool: 'cognito-scope-setup',
    runId: newRunId(),
    pid: process.pid,
    host: hostname(),
    user: userName(),
    ...(command ? { command } : {}),
    startedAt: now,
    heartbeatAt: now,
    ttlMs,
    processStart: processStartOf(process.pid),
  };
}

/** A lock owner read back from a lock, or undefined when it is not one of ours. */
export function parseOwner(text: string): LockOwner | undefined {
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    if (!o || typeof o !== 'object' || typeof o.runId !== 'string' || typeof o.pid !== 'number') return undefined;
    return {
      tool: 'cognito-scope-setup',
      runId: o.runId,
      pid: o.pid,
      host: typeof o.host === 'string' ? o.host : '',
      user: typeof o.user === 'string' ? o.user : '',
      ...(typeof o.command === 'string' ? { command: o.command } : {}),
      startedAt: typeof o.startedAt === 'string' ? o.startedAt : '',
      heartbeatAt: typeof o.heartbeatAt === 'string' ? o.heartbeatAt : '',
      ttlMs: typeof o.ttlMs === 'number' && o.ttlMs > 0 ? o.ttlMs : DEFAULT_TTL_MS,
      ...(typeof o.processStart === 'string' ? { processStart: o.processStart } : {}),
    };
  } catch {
    return undefined;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Why a lock held by `owner` is stale, or undefined while its holder may still be running.
 * `ageMs` is how long ago the lock was last refreshed (its heartbeat), measured by one clock.
 */
export function staleReason(owner: LockOwner, ageMs: number): string | undefined {
  // Judged by its pid only on this very machine: same host name and, where known, the same boot
  // (two CI machines may share a host name; their boot ids differ).
  const boot = readBootId();
  const ownerBoot = owner.processStart?.split(':')[0];
  const sameMachine = owner.host === hostname() && (!boot || !ownerBoot || ownerBoot === boot);
  if (sameMachine) {
    if (owner.pid === process.pid) {
      if (!ourRuns.has(owner.runId)) return `its pid ${owner.pid} is this process, which does not hold it (a previous process with the same pid took it)`;
    } else if (!pidAlive(owner.pid)) {
      return `its process ${owner.pid} on this host is gone`;
    } else if (owner.processStart) {
      const now = processStartOf(owner.pid);
      if (now !== undefined && now !== owner.processStart) return `pid ${owner.pid} now belongs to another process (started at another time)`;
    }
  }
  if (ageMs > owner.ttlMs) return `its last heartbeat was ${Math.round(ageMs / 1000)} s ago, longer than its time-to-live of ${Math.round(owner.ttlMs / 1000)} s`;
  return undefined;
}

/** "pid 123 on host ci-7 (user runner, init, run id ..., since ...)": for messages. */
export function describeOwner(o: LockOwner, ageMs?: number): string {
  const bits = [o.user && `user ${o.user}`, o.command, `run id ${o.runId}`, o.startedAt && `since ${o.startedAt}`];
  if (ageMs !== undefined) bits.push(`last heartbeat ${Math.max(0, Math.round(ageMs / 1000))} s ago`);
  return `pid ${o.pid} on host ${o.host || '?'} (${bits.filter(Boolean).join(', ')})`;
}
