// The engine's typed errors in the command line's words: message, hint, code. The engine and the
// steps carry data only (which resource, which change); the flags to use are named here.
import { NotOwned, ReplaceNeeded } from '../engine/index.js';
import { CliError, ConflictError } from '../errors.js';

export function explainEngineError(e: unknown): unknown {
  if (e instanceof NotOwned) return new ConflictError(e.message, `Choose another stack name with --stack, or delete or rename that ${e.resource.kind} yourself.`);
  if (e instanceof ReplaceNeeded) {
    return new CliError('REPLACE_NEEDED', e.message, 'Run `plan` to see every replacement, then run init again with --allow-replace. Nothing was changed.', 1, { cause: e });
  }
  return e;
}
