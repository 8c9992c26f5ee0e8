// The steps' typed errors: what AWS or the inputs did not allow, with the data to say so. They
// name no flag and no command; the command layer (src/commands/explain.ts) adds the words, the
// hint and the exit code.
import { EngineError } from '../engine/errors.js';

/** The domain prefix belongs to another user pool (prefixes are unique per region across all AWS accounts). */
export class DomainTaken extends EngineError {
  constructor(
    readonly prefix: string,
    /** The domain the pool kept (a replacement that found the new prefix taken). */
    readonly kept?: string,
    options?: { cause?: unknown },
  ) {
    super('DOMAIN_TAKEN', `The domain prefix "${prefix}" is already used by another user pool (prefixes are unique per region across all AWS accounts).${kept ? ` The current domain "${kept}" was kept.` : ''}`, options);
    this.name = 'DomainTaken';
  }
}

/** The user needs a password set (password mode) and this run was given none. */
export class PasswordNeeded extends EngineError {
  constructor(readonly username: string) {
    super('PASSWORD_NEEDED', `The user "${username}" needs its password set and no password was given.`);
    this.name = 'PasswordNeeded';
  }
}

/** The Lambda function did not become Active (or finish updating) in time, or Lambda failed it. */
export class LambdaNotReady extends EngineError {
  constructor(
    readonly functionName: string,
    readonly until: 'active' | 'updated',
    /** undefined: still pending when the wait ended; else Lambda's reason for the Failed state. */
    readonly failure?: string,
    readonly waitedMs?: number,
  ) {
    super(
      failure === undefined ? 'LAMBDA_NOT_READY' : 'LAMBDA_FAILED',
      failure === undefined
        ? `Lambda function ${functionName} is still not ${until === 'active' ? 'Active' : 'updated'} after ${Math.round((waitedMs ?? 0) / 1000)} s.`
        : `Lambda could not make function ${functionName} ready: ${failure}`,
    );
    this.name = 'LambdaNotReady';
  }
}

/** The user pool has deletion protection switched on (not by this tool): destroy cannot delete it. */
export class DeletionProtected extends EngineError {
  constructor(
    readonly poolId: string,
    options?: { cause?: unknown },
  ) {
    super('DELETION_PROTECTED', `User pool ${poolId} has deletion protection switched on (not by this tool).`, options);
    this.name = 'DeletionProtected';
  }
}

/** The user's own function code cannot be used: unreadable, empty, over Lambda's limits, or without the handler's file. */
export class CodeUnusable extends EngineError {
  constructor(
    /** The path as given. */
    readonly path: string,
    readonly problem: 'unreadable' | 'empty' | 'zip-too-large' | 'unzipped-too-large' | 'handler-missing',
    /** What was wrong, in words (no flag). */
    readonly detail: string,
    /** With 'handler-missing': the handler whose file is not in the code. */
    readonly handler?: string,
  ) {
    super('CODE_UNUSABLE', problem === 'handler-missing' ? `handler ${handler}: ${detail}` : `code ${path}: ${detail}`);
    this.name = 'CodeUnusable';
  }
}
