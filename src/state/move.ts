// Move a stack's state between places (a file and S3, either way): `state push --to s3://...`
// and `state pull --to <file>`. Both places are locked while it happens, and a destination that
// holds a newer state of the stack (a later updatedAt), or another stack, is never overwritten.
import { StateError } from '../errors.js';
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
  if (from.location === to.location) throw new StateError(`--to ${to.location} is where the state already is.`, 'Pass --to another place.', 'STATE_SAME');
  const src = await from.load();
  if (!src) throw new StateError(`No state for stack "${stack}" at ${from.location}.`, 'Pass --stack / --state for an existing stack.', 'NO_STATE');
  const srcLock = await from.lock({ command });
  try {
    const dstLock = await to.lock({ command });
    try {
      // Read again under the locks: what is moved is what no run can be changing now.
      const state = (await from.load()) as State;
      const there = await to.load();
      if (there && there.stack !== state.stack) {
        throw new StateError(`${to.label} holds stack "${there.stack}", not "${state.stack}"; it was not changed.`, 'Pass --to another place.', 'STATE_OTHER_STACK');
      }
      if (there && there.updatedAt > state.updatedAt) {
        throw new StateError(
          `${to.label} holds a newer state of stack "${state.stack}" (updated ${there.updatedAt}; the one at ${from.location} was updated ${state.updatedAt}); it was not overwritten.`,
          `If the newer one is right, use it (--state ${to.location}); to copy it back the other way, run the opposite command.`,
          'STATE_NEWER',
        );
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
