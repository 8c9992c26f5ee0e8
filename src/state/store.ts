// Load (parse, validate, migrate, refuse newer), atomic save (mode 0600) and the per-stack lock.
import * as fs from 'node:fs';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import lockfile from 'proper-lockfile';
import writeFileAtomic from 'write-file-atomic';
import { LockedError, StateError } from '../errors.js';
import { STATE_VERSION, TOOL, stateSchema, type State } from './schema.js';

export const STATE_DIR_ENV = 'COGNITO_SCOPE_SETUP_STATE_DIR';

export function defaultStateDir(): string {
  return resolve(process.env[STATE_DIR_ENV] ?? '.cognito-scope-setup');
}

export function stateFileFor(stack: string, explicit?: string): string {
  return explicit ? resolve(explicit) : join(defaultStateDir(), `${stack}.json`);
}

/** Older state versions are upgraded here, one version at a time. */
const MIGRATIONS: Record<number, (old: Record<string, unknown>) => Record<string, unknown>> = {
  // 1 is the first version; when version 2 arrives, add `1: (s) => ({ ...s, version: 2, ... })`.
};

export function loadState(file: string): State | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  const hint = `Fix the file by hand, restore it from a backup, or move it aside and run init again: the stack's resources are found again by name and ownership tag.`;
  if (text.trim() === '') throw new StateError(`State file ${file} is empty.`, hint, 'STATE_INVALID');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new StateError(`State file ${file} is not valid JSON (truncated or edited?): ${(e as Error).message}.`, hint, 'STATE_INVALID');
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new StateError(`State file ${file} does not hold a JSON object.`, hint, 'STATE_INVALID');
  let obj = raw as Record<string, unknown>;
  if (obj.tool !== undefined && obj.tool !== TOOL) throw new StateError(`${file} is not a cognito-scope-setup state file (tool: ${JSON.stringify(obj.tool)}).`, 'Pass the right file with --state.', 'STATE_INVALID');
  const version = obj.version;
  if (typeof version !== 'number' || !Number.isInteger(version)) throw new StateError(`State file ${file} has no valid "version".`, hint, 'STATE_INVALID');
  if (version > STATE_VERSION) {
    throw new StateError(
      `State file ${file} was written by a newer cognito-scope-setup (state version ${version}; this one reads up to ${STATE_VERSION}).`,
      'Upgrade: npx cognito-scope-setup@latest <command>. The file was not changed.',
      'STATE_TOO_NEW',
    );
  }
  for (let v = version; v < STATE_VERSION; v++) {
    const step = MIGRATIONS[v];
    if (!step) throw new StateError(`State file ${file} has version ${version}, which this release cannot migrate.`, hint, 'STATE_INVALID');
    obj = step(obj);
  }
  const r = stateSchema.safeParse(obj);
  if (!r.success) {
    const first = r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ');
    throw new StateError(`State file ${file} does not match the expected format: ${first}.`, hint, 'STATE_INVALID');
  }
  return r.data;
}

export async function saveState(file: string, state: State): Promise<void> {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  state.updatedAt = new Date().toISOString();
  await writeFileAtomic(file, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
}

export function removeState(file: string): void {
  rmSync(file, { force: true });
}

/** Stack names with a state file in the state directory. */
export function listStateFiles(dir = defaultStateDir()): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => join(dir, f));
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface LockOptions {
  /** How often the holder refreshes the lock's mtime (ms, at least 1000). */
  updateMs?: number;
  /** A lock not refreshed for this long is stale and taken over, whatever its pid (ms). */
  staleMs?: number;
}

/**
 * proper-lockfile's fs, except that creating the lock directory also writes owner.json into it,
 * before the library reads the directory's mtime. Writing it afterwards would change that mtime
 * and make the library declare its own lock compromised at the first refresh (it throws, and
 * the run dies, ten seconds in).
 */
function fsWritingOwner(lockDir: string, ownerFile: string): typeof fs {
  const mkdir = (path: fs.PathLike, cb: (err: NodeJS.ErrnoException | null) => void) =>
    fs.mkdir(path, (err) => {
      if (err || String(path) !== lockDir) return cb(err);
      try {
        writeFileSync(ownerFile, JSON.stringify({ pid: process.pid, since: new Date().toISOString() }));
      } catch (e) {
        rmSync(lockDir, { recursive: true, force: true });
        return cb(e as NodeJS.ErrnoException);
      }
      cb(null);
    });
  return { ...fs, mkdir } as unknown as typeof fs;
}

function lockOwner(ownerFile: string): number | undefined {
  try {
    const pid = JSON.parse(readFileSync(ownerFile, 'utf8')).pid;
    return typeof pid === 'number' ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the lock for one state file: `<file>.lock` (a directory, created atomically by
 * proper-lockfile, which also refreshes its mtime while we hold it) with our pid inside. A lock
 * whose holder pid is dead is taken over at once; one whose holder stopped refreshing it (another
 * machine, or no pid recorded) is stale after 30 s.
 */
export async function lockState(file: string, o: LockOptions = {}): Promise<() => Promise<void>> {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const lockDir = `${file}.lock`;
  const ownerFile = join(lockDir, 'owner.json');
  let releasing = false;
  const options = {
    realpath: false,
    lockfilePath: lockDir,
    stale: o.staleMs ?? 30_000,
    update: o.updateMs ?? 10_000,
    retries: 0,
    fs: fsWritingOwner(lockDir, ownerFile),
    // The library throws (an uncaught error that kills the run) when it finds its lock changed;
    // that also happens when a refresh races with our own release. Warn instead.
    onCompromised: (err: Error) => {
      if (!releasing) process.stderr.write(`warning: the lock ${lockDir} was changed by someone else while this run held it (${err.message}).\n`);
    },
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const release = await lockfile.lock(file, options);
      return async () => {
        releasing = true;
        rmSync(ownerFile, { force: true });
        await release().catch(() => undefined);
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ELOCKED') throw e;
      const pid = lockOwner(ownerFile);
      if (attempt === 0 && pid !== undefined && pid !== process.pid && !pidAlive(pid)) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      throw new LockedError(pid, file);
    }
  }
  throw new LockedError(undefined, file);
}
