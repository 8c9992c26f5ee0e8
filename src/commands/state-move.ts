// `state push --to s3://bucket/key` and `state pull --to <file>`: move a stack's state between a
// local file and S3 (src/state/move.ts does the work; a newer state is never overwritten).
import { resolve } from 'node:path';
import type { ArgsOf, STATE_PULL_FIELDS, STATE_PUSH_FIELDS } from '../config/fields.js';
import { StateError, UsageError } from '../errors.js';
import { isS3Url, openBackend, validateLocation } from '../state/backend.js';
import { moveState } from '../state/move.js';
import { openLocal } from './context.js';
import { EXIT } from './exit-codes.js';
import type { Handler, HandlerContext } from './kernel.js';

async function move(direction: 'push' | 'pull', ctx: HandlerContext<{ to?: string }>) {
  const { args: o } = ctx;
  const to = o.to;
  if (!to) throw new UsageError([`--to: is required (state ${direction} --to ${direction === 'push' ? 's3://<bucket>/<key>' : '<file>'})`]);
  if (direction === 'push' && !isS3Url(to)) throw new UsageError([`--to ${to}: state push sends the state to S3; expected s3://<bucket>/<key> (state pull --to <file> brings it back)`]);
  if (direction === 'pull' && isS3Url(to)) throw new UsageError([`--to ${to}: state pull brings the state to a local file; expected a file path (state push --to s3://... sends it to S3)`]);
  validateLocation(to, 'to');
  // The stack's state is opened only now: every check above is a usage error before any request.
  const local = await openLocal(o);
  if (!local.recorded) throw new StateError(`No state for stack "${local.stack}" at ${local.stateFile}.`, 'Pass --stack / --state for an existing stack.', 'NO_STATE');
  const dest = await openBackend(isS3Url(to) ? to : resolve(to), { region: o.region, profile: o.profile, endpoint: o.endpointUrl });
  try {
    const r = await moveState(local.backend, dest, local.stack, `state ${direction}`);
    return {
      exit: EXIT.OK,
      json: r,
      text:
        r.result === 'unchanged'
          ? `${r.to} already holds this state of stack ${r.stack} (updated ${r.updatedAt}); nothing was written.\n`
          : `Copied the state of stack ${r.stack} (updated ${r.updatedAt}) from ${r.from} to ${r.to}${r.replaced ? `, replacing an older one (updated ${r.replaced})` : ''}.\n` +
            `The copy at ${r.from} is left as it was: use --state ${r.to} from now on, and remove the old copy once every machine does.\n`,
    };
  } finally {
    if (local.backend.kind === 's3' || dest.kind === 's3') (await import('../state/s3.js')).closeS3();
  }
}

export const push: Handler<ArgsOf<typeof STATE_PUSH_FIELDS>> = (ctx) => move('push', ctx);
export const pull: Handler<ArgsOf<typeof STATE_PULL_FIELDS>> = (ctx) => move('pull', ctx);
