// The state as a local file: only a regular file (or a path not there yet) of at most 1 MiB is
// read, and it is opened without blocking, so a FIFO, a device or a symlink to one is refused at
// once (exit 2) instead of hanging or reading for ever. Saves are atomic (temp file, fsync,
// rename, mode 0600); a temp file left by an interrupted save is removed by the next run that
// takes the lock (a temp file can only come from a lock holder, so under the lock any is a
// leftover).
import { closeSync, constants, existsSync, fstatSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readSync, realpathSync, renameSync, rmSync, statSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { StateBackend } from './backend.js';
import { StatePathUnusable } from './errors.js';
import { fileLockHolder, forceUnlockFile, lockFile, type HeldLock, type Holder, type LockOptions } from './file-lock.js';
import { fsError } from './fs-errors.js';
import { MAX_STATE_BYTES, parseState, serializeState } from './parse.js';
import type { State } from './schema.js';

const TMP_MARK = '.tmp-';

function kindOf(st: Stats): string | undefined {
  if (st.isFile()) return undefined;
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

/**
 * Refuse a state path that is not a regular file (a usage error), following one symlink level for the
 * message. Returns false when nothing is there yet.
 */
export function checkStatePath(path: string): boolean {
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return false;
    throw fsError(e, path, 'read the state');
  }
  let what = '';
  if (st.isSymbolicLink()) {
    try {
      st = statSync(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new StatePathUnusable(path, 'is a symbolic link to nothing (dangling)');
      throw fsError(e, path, 'read the state');
    }
    what = 'a symbolic link to ';
  }
  const kind = kindOf(st);
  if (kind) throw new StatePathUnusable(path, `is ${what}${kind}`);
  if (st.size > MAX_STATE_BYTES) throw new StatePathUnusable(path, `is ${what}a file of ${mib(st.size)}`);
  return true;
}

function readBounded(path: string): string {
  // O_NONBLOCK: should the path turn into a FIFO between the check and here, open does not wait.
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw fsError(e, path, 'read the state');
  }
  try {
    const st = fstatSync(fd);
    const kind = kindOf(st);
    if (kind) throw new StatePathUnusable(path, `is ${kind}`);
    if (st.size > MAX_STATE_BYTES) throw new StatePathUnusable(path, `is a file of ${mib(st.size)}`);
    const buf = Buffer.alloc(MAX_STATE_BYTES + 1);
    let n = 0;
    for (;;) {
      const r = readSync(fd, buf, n, buf.length - n, null);
      if (r === 0) break;
      n += r;
      if (n > MAX_STATE_BYTES) throw new StatePathUnusable(path, 'grew beyond 1 MiB while being read');
    }
    return buf.subarray(0, n).toString('utf8');
  } catch (e) {
    throw e instanceof StatePathUnusable ? e : fsError(e, path, 'read the state');
  } finally {
    closeSync(fd);
  }
}

/** Read and validate a state file; undefined when there is none. */
export function loadStateFile(file: string): State | undefined {
  if (!checkStatePath(file)) return undefined;
  return parseState(readBounded(file), `State file ${file}`);
}

/** The path a save writes: the target of a symlink to a regular file, else the path itself. */
function writeTarget(file: string): string {
  try {
    if (lstatSync(file).isSymbolicLink()) return realpathSync(file);
  } catch {
    /* not there yet */
  }
  return file;
}

let tmpCounter = 0;

/** Atomic write: a temp file next to the target, fsync, rename over it, fsync the directory. */
export function writeStateFile(file: string, text: string): void {
  const target = writeTarget(file);
  const dir = dirname(target);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw fsError(e, dir, 'create the state directory');
  }
  if (existsSync(target)) checkStatePath(target);
  const tmp = `${target}${TMP_MARK}${process.pid}-${++tmpCounter}`;
  try {
    const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      const buf = Buffer.from(text, 'utf8');
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw fsError(e, target, 'save the state');
  }
  try {
    const dfd = openSync(dir, constants.O_RDONLY);
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    /* some file systems cannot fsync a directory; the rename is still atomic */
  }
}

/** Temp files of interrupted saves of this state (ours: <file>.tmp-*; older releases': <file>.<digits>). */
export function leftoverTempFiles(file: string): string[] {
  const target = writeTarget(file);
  const base = basename(target);
  let names: string[];
  try {
    names = readdirSync(dirname(target));
  } catch {
    return [];
  }
  const old = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.\\d+$`);
  return names.filter((n) => (n.startsWith(`${base}${TMP_MARK}`) && !n.startsWith(`${base}.lock`)) || old.test(n)).map((n) => join(dirname(target), n));
}

export class FileBackend implements StateBackend {
  readonly kind = 'file' as const;
  readonly label: string;
  constructor(readonly location: string) {
    this.label = `State file ${location}`;
  }
  async load(): Promise<State | undefined> {
    return loadStateFile(this.location);
  }
  async save(state: State): Promise<void> {
    writeStateFile(this.location, serializeState(state));
  }
  async remove(): Promise<void> {
    try {
      rmSync(this.location, { force: true });
    } catch (e) {
      throw fsError(e, this.location, 'remove the state');
    }
  }
  async lock(o?: LockOptions): Promise<HeldLock> {
    const held = await lockFile(this.location, o);
    // Under the lock no other run can be saving: any temp file of this state is a leftover.
    for (const f of leftoverTempFiles(this.location)) rmSync(f, { force: true });
    return held;
  }
  async holder(): Promise<Holder | undefined> {
    return fileLockHolder(this.location);
  }
  async forceUnlock(): Promise<Holder | undefined> {
    return forceUnlockFile(this.location);
  }
}

/** Every *.json state file in a directory (list); a directory that is not there holds none. */
export function listFiles(dir: string): FileBackend[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => new FileBackend(join(dir, f)));
}
