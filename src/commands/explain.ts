// THE ONE PLACE where the lower floors' typed errors become the command line's words. The engine,
// the steps and the state layer raise errors that carry data (which resource, which lock holder,
// which path); here each gets its code, its message where it names a flag, the hint (the flag to
// pass, the command to run) and its exit code. AWS SDK errors are explained in aws-errors.ts.
import { NotOwned, ReplaceNeeded } from '../engine/errors.js';
import { CliError, ConflictError, StateError, UsageError } from '../errors.js';
import { BadS3Url, Locked, LockChanged, MoveRefused, StateConflict, StateFault, StateInvalid, StateIo, StatePathUnusable, StateS3Failed, type LocationInput } from '../state/errors.js';
import { CodeUnusable, DeletionProtected, DomainTaken, LambdaNotReady, PasswordNeeded } from '../steps/errors.js';
import { explainAwsError, type AwsContext } from './aws-errors.js';

/** Explain a typed error of the engine, a step or the state; with `aws`, AWS SDK errors too. Anything else is returned as it is. */
export function explain(e: unknown, aws?: AwsContext): unknown {
  if (e instanceof CliError) return e;
  const x = explainEngine(e) ?? explainStep(e) ?? explainState(e);
  if (x) return x;
  return aws ? explainAwsError(e, aws) : e;
}

function explainEngine(e: unknown): CliError | undefined {
  if (e instanceof NotOwned) return new ConflictError(e.message, `Choose another stack name with --stack, or delete or rename that ${e.resource.kind} yourself.`);
  if (e instanceof ReplaceNeeded) {
    return new CliError('REPLACE_NEEDED', e.message, 'Run `plan` to see every replacement, then run init again with --allow-replace. Nothing was changed.', 1, { cause: e });
  }
  return undefined;
}

function explainStep(e: unknown): CliError | undefined {
  // Found before any request (the input pipeline reads the code): a usage error naming the flag.
  if (e instanceof CodeUnusable) return new UsageError([e.problem === 'handler-missing' ? `--handler ${JSON.stringify(e.handler)}: ${e.detail}` : `--code ${JSON.stringify(e.path)}: ${e.detail}`]);
  if (e instanceof DomainTaken) return new CliError(e.code, e.message, 'Pick another one with --domain-prefix, then run init again.', 1, { cause: e.cause ?? e });
  if (e instanceof PasswordNeeded) return new CliError(e.code, e.message, 'Pass it with --password-stdin or COGNITO_SCOPE_SETUP_PASSWORD, or use --invite or --no-user.', 2, { cause: e });
  if (e instanceof LambdaNotReady) {
    const hint =
      e.failure === undefined
        ? 'Look at the function in the Lambda console, then run init again; it resumes where it stopped.'
        : 'Fix the cause in the Lambda console or delete the function, then run init again.';
    return new CliError(e.code, e.message, hint, 1, { cause: e });
  }
  if (e instanceof DeletionProtected) return new CliError(e.code, e.message, 'Switch it off in the Cognito console (User pool > Settings > Deletion protection), then run destroy again.', 1, { cause: e.cause ?? e });
  return undefined;
}

const FLAG_OF: Record<LocationInput, string> = { state: '--state', to: '--to', 'state-dir': '--state-dir', env: 'COGNITO_SCOPE_SETUP_STATE_DIR' };
const PATH_RULE = 'the state must be a regular file of at most 1 MiB, or a path that does not exist yet';
const REFOUND = "resources this run created are found again by name and ownership tag";

const INVALID_HINTS: Partial<Record<StateInvalid['reason'], string>> = {
  'other-tool': 'Pass the right file with --state.',
  'too-big': 'Pass --state another key.',
  'too-new': 'Upgrade: npx cognito-scope-setup@latest <command>. The file was not changed.',
};
const REPAIR = {
  file: "Fix the file by hand, restore it from a backup, or move it aside and run init again: the stack's resources are found again by name and ownership tag.",
  s3: "Fix the object (download, edit, upload), or restore an earlier version if the bucket keeps versions; the stack's resources are found again by name and ownership tag.",
};

const ANOTHER_DISK = 'Free some space there, or pass --state a path on another disk; the previous state file was left as it was.';
const NOT_A_DIR = 'Pass --state a path whose parent is a directory.';
const IO_HINTS: Record<string, string> = {
  EISDIR: 'Pass --state a file path (for example --state ./state/<stack>.json).',
  EROFS: 'Pass --state (or set COGNITO_SCOPE_SETUP_STATE_DIR to) a writable place.',
  ENOSPC: ANOTHER_DISK,
  EDQUOT: ANOTHER_DISK,
  EACCES: 'Fix its permissions (it needs read and write for you), or pass --state a path you own.',
  EPERM: 'Fix its permissions or attributes, or pass --state a path you own.',
  ENOTDIR: NOT_A_DIR,
  EEXIST: NOT_A_DIR,
  ENAMETOOLONG: 'Pass --state a shorter path.',
  ELOOP: 'Pass --state a regular file.',
};

function explainState(e: unknown): CliError | undefined {
  if (!(e instanceof StateFault)) return undefined;
  if (e instanceof BadS3Url) return new UsageError([`${FLAG_OF[e.input]} ${e.url}: ${e.problem}`]);
  if (e instanceof StatePathUnusable) return new UsageError([`--state ${e.path}: ${e.reason}; ${PATH_RULE}`]);
  if (e instanceof StateInvalid) return new StateError(e.message, INVALID_HINTS[e.reason] ?? REPAIR[e.medium], e.code);
  if (e instanceof StateIo) return new StateError(e.message, IO_HINTS[e.errno] ?? 'Check the path and its permissions.', e.code);
  if (e instanceof Locked) {
    const ttl = Math.round((e.holder?.ttlMs ?? 30_000) / 1000);
    const more =
      e.remedy?.kind === 'force-unlock'
        ? ` If you are sure no run holds it: cognito-scope-setup unlock --force --state ${e.location}`
        : e.remedy?.kind === 'not-a-directory'
          ? ` ${e.remedy.path} is not a directory; remove it if no run is using this stack.`
          : '';
    return new CliError(e.code, e.message, `Wait for it to finish; a lock whose holder is gone (its process ended, or no heartbeat for ${ttl} s) is taken over automatically.${more}`, 1, { cause: e });
  }
  if (e instanceof LockChanged) return new CliError(e.code, e.message, 'Run unlock --force again to see who holds it now.', 1, { cause: e });
  if (e instanceof StateConflict) {
    const hint =
      e.situation === 'lock-lost'
        ? `Check the stack with status, then run init again: ${REFOUND}.`
        : e.situation === 'save'
          ? `Check the stack with status --state ${e.location}, then run init again: ${REFOUND}.`
          : `Check the stack with status --state ${e.location}.`;
    return new StateError(e.message, hint, e.code);
  }
  if (e instanceof StateS3Failed) return explainS3(e);
  if (e instanceof MoveRefused) {
    switch (e.reason) {
      case 'same-place':
        return new StateError(`--to ${e.message}`, 'Pass --to another place.', e.code);
      case 'no-state':
        return new StateError(e.message, 'Pass --stack / --state for an existing stack.', e.code);
      case 'other-stack':
        return new StateError(e.message, 'Pass --to another place.', e.code);
      case 'newer':
        return new StateError(e.message, `If the newer one is right, use it (--state ${e.to.location}); to copy it back the other way, run the opposite command.`, e.code);
    }
  }
  return new CliError(e.code, e.message, undefined, 1, { cause: e });
}

function explainS3(e: StateS3Failed): CliError {
  const { bucket, key, url } = e.where;
  if (e.problem === 'no-bucket') {
    return new CliError(e.code, `--state s3://${bucket}/${key}: the S3 bucket "${bucket}" does not exist (NoSuchBucket, while trying to ${e.doing}).`, `Create the bucket first (see "Teams and CI" in the README), or pass --state a bucket that exists. Check --region and --endpoint-url too.`, 2, { cause: e.cause });
  }
  if (e.problem === 'access-denied') {
    return new CliError(e.code, `Access denied to ${url} (${e.errorName || 403}, while trying to ${e.doing}): these credentials may not use the state there.`, `Grant s3:GetObject, s3:PutObject and s3:DeleteObject on the stack's key and its .lock, and s3:ListBucket on the bucket (README, "Teams and CI"); or use --profile with credentials that have them.`, 1, { cause: e.cause });
  }
  const x = explainAwsError(e.cause, e.conn);
  if (x instanceof CliError) return x;
  return new CliError(e.code, e.message, 'Check --endpoint-url, --region and the network, then run the same command again.', 1, { cause: e.cause });
}
