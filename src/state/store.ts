// The state store a run works with: the backend, the state in memory, the lock, and one save
// queue. Saves are serialized; saves made while a write waits for its turn share it (it writes
// the state as it is when it starts), so a burst of finished steps costs one or two writes. A save
// that cannot land (the state changed under us, or our lock was taken over) stops the run and
// loses nothing: what this run recorded is written to a rescue file whose path the error names.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stateLocationFor, STATE_DIR_ENV, defaultStateDir, isS3Url, type StateBackend } from './backend.js';
import { StateConflict } from './errors.js';
import { FileBackend, listFiles, loadStateFile, writeStateFile } from './file.js';
import { fileLockHolder, type HeldLock, type Holder } from './file-lock.js';
import { describeOwner } from './owner.js';
import { serializeState } from './parse.js';
import type { State, StepRecord } from './schema.js';

export { STATE_DIR_ENV, defaultStateDir, stateLocationFor };

/** Where a save that could not land leaves what this run recorded. */
function rescuePath(backend: StateBackend, state: State, runId: string): string {
  if (backend.kind === 'file') return `${backend.location}.rescue-${runId}`;
  const dir = isS3Url(process.env[STATE_DIR_ENV]) ? resolve('.cognito-scope-setup') : defaultStateDir();
  return join(dir, `${state.stack}.json.rescue-${runId}`);
}

function writeRescue(backend: StateBackend, state: State, runId: string): string | undefined {
  const path = rescuePath(backend, state, runId);
  try {
    mkdirSync(resolve(path, '..'), { recursive: true, mode: 0o700 });
    writeStateFile(path, serializeState(state));
    return path;
  } catch {
    return undefined;
  }
}

export interface StateStore {
  readonly backend: StateBackend;
  readonly state: State;
  /** Record (or with undefined, forget) one step's record, and save. */
  save(key: string, record: StepRecord | undefined): Promise<void>;
  /** Write the whole state once more (after pending saves). */
  persist(): Promise<void>;
  /** Wait for pending saves (their failures are reported by save/persist, not here). */
  settle(): Promise<void>;
}

export interface StoreOptions {
  /** Write at all (init, destroy of a recorded stack); status and plan never write. */
  write: boolean;
  /** The lock this run holds: a save after it was taken over by another run is refused. */
  lock?: HeldLock;
  runId?: string;
}

export function createStore(backend: StateBackend, state: State, o: StoreOptions): StateStore {
  let chain: Promise<void> = Promise.resolve();
  let queued: Promise<void> | undefined;
  const runId = o.lock?.owner.runId ?? o.runId ?? `${process.pid}`;
  const write = async () => {
    if (!o.write) return;
    if (o.lock?.lost()) {
      const rescue = writeRescue(backend, state, runId);
      throw new StateConflict('lock-lost', backend.location, `The lock on ${backend.location} was taken over by another run (this run was judged gone: no heartbeat for its time-to-live); this run stopped without saving there.`, rescue);
    }
    state.updatedAt = new Date().toISOString();
    try {
      await backend.save(state);
    } catch (e) {
      if (e instanceof StateConflict) {
        const rescue = writeRescue(backend, state, runId);
        if (rescue) throw e.withRescue(rescue);
      }
      throw e;
    }
  };
  const enqueue = () => {
    if (!queued) {
      const start = () => {
        queued = undefined;
        return write();
      };
      queued = chain = chain.then(start, start);
    }
    return queued;
  };
  return {
    backend,
    state,
    save: (key, record) => {
      if (record === undefined) delete state.resources[key];
      else state.resources[key] = record;
      return enqueue();
    },
    persist: enqueue,
    settle: () => chain.catch(() => undefined),
  };
}

/** A one-line description of a lock holder, for warnings ("another run (...) is changing it"). */
export function holderLine(h: Holder): string {
  return describeOwner(h.owner, h.ageMs);
}

// ---- Local-file helpers (kept for the callers and tests that deal with files only) ----

export function stateFileFor(stack: string, explicit?: string): string {
  return stateLocationFor(stack, explicit);
}

export function loadState(file: string): State | undefined {
  return loadStateFile(file);
}

export async function saveState(file: string, state: State): Promise<void> {
  state.updatedAt = new Date().toISOString();
  await new FileBackend(file).save(state);
}

export function removeState(file: string): void {
  void new FileBackend(file).remove();
}

export function listStateFiles(dir = defaultStateDir()): string[] {
  return listFiles(dir).map((b) => b.location);
}

/** Take the lock of a state file; returns its release. */
export async function lockState(file: string, o: { command?: string; ttlMs?: number } = {}): Promise<() => Promise<void>> {
  const held = await new FileBackend(file).lock(o);
  return held.release;
}

/** The live holder of a state file's lock (not stale, not this process), if any. */
export function liveFileHolder(file: string): Holder | undefined {
  const h = fileLockHolder(file);
  return h && !h.stale && h.owner.pid !== process.pid ? h : undefined;
}
