// Move a stack's state between places (a file and S3, either way): the `state push`
// and `state pull` commands. Both places are locked while it happens, and a destination that
// holds a newer state of the stack (a later updatedAt), or another stack, is never overwritten.
import { MoveRefused } from './errors.js';
import type { StateBackend } from './backend.js';
import type { State } from './schema.js';

export interface MoveResult {
  stack: string;
  from: string;
  to: string;
  /** copied: written; unchanged: the destination already held this very state. */
  result: 'copied' | 'unchanged';
  updatedAt: string;
  /** The destination's updatedAt before, when it held an older state of the stack. */
  replaced?: string;
}

export async function moveState(from: StateBackend, to: StateBackend, stack: string, command: string): Promise<MoveResult> {
  if (from.location === to.location) throw new MoveRefused('same-place', stack, from.location, to);
  const src = await from.load();
  if (!src) throw new MoveRefused('no-state', stack, from.location, to);
  const srcLock = await from.lock({ command });
  try {
    const dstLock = await to.lock({ command });
    try {
      // Read again under the locks: what is moved is what no run can be changing now.
      const state = (await from.load()) as State;
      const there = await to.load();
      if (there && there.stack !== state.stack) {
        throw new MoveRefused('other-stack', state.stack, from.location, to, there);
      }
      if (there && there.updatedAt > state.updatedAt) {
        throw new MoveRefused('newer', state.stack, from.location, to, there, state.updatedAt);
      }
      if (there && JSON.stringify(there) === JSON.stringify(state)) {
        return { stack: state.stack, from: from.location, to: to.location, result: 'unchanged', updatedAt: state.updatedAt };
      }
      await to.save(state);
      return { stack: state.stack, from: from.location, to: to.location, result: 'copied', updatedAt: state.updatedAt, ...(there ? { replaced: there.updatedAt } : {}) };
    } finally {
      await dstLock.release();
    }
  } finally {
    await srcLock.release();
  }
}
