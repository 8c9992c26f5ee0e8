// `unlock --force`: remove a stack's lock whoever holds it, naming the holder first. For the lock
// that cannot be judged (a holder on another machine that stopped without releasing, before its
// time-to-live passed); a lock whose holder is gone is taken over by the next run anyway.
import type { ArgsOf, UNLOCK_FIELDS } from '../config/fields.js';
import { UsageError } from '../errors.js';
import { describeOwner } from '../state/owner.js';
import { EXIT } from './exit-codes.js';
import type { Handler } from './kernel.js';

export const handler: Handler<ArgsOf<typeof UNLOCK_FIELDS>> = async (ctx) => {
  const local = ctx.local();
  try {
    const holder = await local.backend.holder();
    const who = holder ? `${describeOwner(holder.owner, holder.ageMs)}${holder.stale ? `; stale: ${holder.stale}` : '; it may still be running'}` : undefined;
    if (!ctx.args.force) {
      throw new UsageError([`--force: unlock removes the lock of stack ${local.stack} whoever holds it and needs --force${who ? ` (held by ${who})` : ` (there is no lock on ${local.stateFile} now)`}`]);
    }
    const removed = holder ? await local.backend.forceUnlock() : undefined;
    return {
      exit: EXIT.OK,
      json: { stack: local.stack, stateFile: local.stateFile, removed: removed ? { ...removed.owner, ageMs: removed.ageMs, stale: removed.stale ?? null } : null },
      text: removed
        ? `Removed the lock on ${local.stateFile}, held by ${describeOwner(removed.owner, removed.ageMs)}${removed.stale ? ` (stale: ${removed.stale})` : ''}.\nIf that run is still going, stop it: it finds the lock gone at its next save or heartbeat and stops there.\n`
        : `No lock on ${local.stateFile}: nothing to remove.\n`,
    };
  } finally {
    if (local.backend.kind === 's3') (await import('../state/s3.js')).closeS3();
  }
};
