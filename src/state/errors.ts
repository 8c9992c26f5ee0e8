// The state layer's typed errors. They say what went wrong and carry the data to explain it
// (which path, which lock holder, which S3 object); they name no flag and no command. The command
// layer (src/commands/explain.ts) turns each into the user's words, a hint and an exit code.
import type { LockOwner } from './owner.js';

/** Base of every error the state layer raises on purpose. */
export class StateFault extends Error {
  constructor(
    /** Stable code, as in the JSON error document (e.g. 'LOCKED', 'STATE_INVALID'). */
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StateFault';
  }
}

/** Where a state location came from, for the line that refuses it. */
export type LocationInput = 'state' | 'to' | 'state-dir' | 'env';

/** An s3:// location of the wrong form (a usage error: nothing was read). */
export class BadS3Url extends StateFault {
  constructor(
    readonly url: string,
    /** What is wrong with it, e.g. `"x" is not a valid S3 bucket name (...)`. */
    readonly problem: string,
    readonly input: LocationInput,
  ) {
    super('USAGE', `${url}: ${problem}`);
    this.name = 'BadS3Url';
  }
}

/** The state path is not a regular file of at most 1 MiB (a FIFO, a directory, too big...): nothing was read. */
export class StatePathUnusable extends StateFault {
  constructor(
    readonly path: string,
    /** What is there, e.g. "is a directory", "is a symbolic link to nothing (dangling)". */
    readonly reason: string,
  ) {
    super('USAGE', `${path}: ${reason}`);
    this.name = 'StatePathUnusable';
  }
}

export type InvalidReason = 'empty' | 'json' | 'not-object' | 'other-tool' | 'no-version' | 'too-new' | 'cannot-migrate' | 'format' | 'too-big';

/** A state file or object that cannot be used as it is (not ours, damaged, from a newer release). */
export class StateInvalid extends StateFault {
  constructor(
    message: string,
    readonly reason: InvalidReason,
    /** A file, or an object in S3 (the repair differs). */
    readonly medium: 'file' | 's3',
  ) {
    super(reason === 'too-new' ? 'STATE_TOO_NEW' : 'STATE_INVALID', message);
    this.name = 'StateInvalid';
  }
}

/** A file-system error on a state path that we can explain (a directory, read-only, full, no permission...). */
export class StateIo extends StateFault {
  constructor(
    readonly path: string,
    /** What was being done, e.g. "read the state". */
    readonly doing: string,
    /** The errno code, e.g. 'EACCES'. */
    readonly errno: string,
    /** What it means for this path, e.g. "permission denied on /x". */
    readonly what: string,
    options?: { cause?: unknown },
  ) {
    super('STATE_IO', `Cannot ${doing}: ${what} (${errno}).`, options);
    this.name = 'StateIo';
  }
}

/** Another run holds the lock of the stack. */
export class Locked extends StateFault {
  readonly pid: number | undefined;
  constructor(
    readonly holder: LockOwner | undefined,
    /** The state location the lock belongs to. */
    readonly location: string,
    readonly ageMs?: number,
    readonly remedy?: { kind: 'force-unlock' } | { kind: 'not-a-directory'; path: string },
  ) {
    const who = holder
      ? `: host ${holder.host || '?'}, ${[holder.user && `user ${holder.user}`, holder.command, `run id ${holder.runId}`, holder.startedAt && `since ${holder.startedAt}`, ageMs !== undefined && `last heartbeat ${Math.max(0, Math.round(ageMs / 1000))} s ago`].filter(Boolean).join(', ')}`
      : '';
    super('LOCKED', `Another cognito-scope-setup run${holder ? ` (pid ${holder.pid})` : ''} holds the lock on ${location}${who}.`);
    this.pid = holder?.pid;
    this.name = 'Locked';
  }
}

/** A forced unlock found the lock changed under it (taken or refreshed): nothing was removed. */
export class LockChanged extends StateFault {
  constructor(readonly location: string) {
    super('LOCK_CHANGED', `The lock on ${location} changed while it was being removed (another run took it or refreshed it); nothing was removed.`);
    this.name = 'LockChanged';
  }
}

/**
 * Another run changed the state under this one: its lock was taken over ('lock-lost'), or the
 * object changed before a save or a delete. `rescue` is where what this run recorded was written.
 */
export class StateConflict extends StateFault {
  constructor(
    readonly situation: 'lock-lost' | 'save' | 'delete',
    readonly location: string,
    /** The message without the rescue sentence. */
    readonly what: string,
    readonly rescue?: string,
  ) {
    super(situation === 'lock-lost' ? 'LOCK_LOST' : 'STATE_CONFLICT', `${what}${rescue ? ` What this run recorded is in ${rescue}.` : ''}`);
    this.name = 'StateConflict';
  }

  withRescue(rescue: string): StateConflict {
    return new StateConflict(this.situation, this.location, this.what, rescue);
  }
}

/** S3 failures on the state: the bucket is missing, access is denied, or anything else (`cause`). */
export class StateS3Failed extends StateFault {
  constructor(
    readonly problem: 'no-bucket' | 'access-denied' | 'other',
    /** The object (s3://bucket/key) and the state location it belongs to. */
    readonly where: { bucket: string; key: string; url: string },
    readonly doing: string,
    /** The S3 error name (e.g. 'NoSuchBucket'), or ''. */
    readonly errorName: string,
    /** How the S3 client was set up, to explain credential and network errors. */
    readonly conn: { endpoint?: string; profile?: string; region?: string },
    options: { cause: unknown },
  ) {
    super(problem === 'no-bucket' ? 'STATE_BUCKET' : problem === 'access-denied' ? 'STATE_ACCESS_DENIED' : 'STATE_S3', `Cannot ${doing} ${where.url}: ${(options.cause as Error)?.message ?? String(options.cause)}${errorName ? ` (${errorName})` : ''}.`, options);
    this.name = 'StateS3Failed';
  }
}

/** `state push` / `state pull` refused to move the state (nothing was changed). */
export class MoveRefused extends StateFault {
  constructor(
    readonly reason: 'same-place' | 'no-state' | 'other-stack' | 'newer',
    readonly stackName: string,
    readonly from: string,
    readonly to: { location: string; label: string },
    /** What the destination holds ('other-stack', 'newer'). */
    readonly there?: { stack: string; updatedAt: string },
    /** The source's updatedAt ('newer'). */
    readonly updatedAt?: string,
  ) {
    const codes = { 'same-place': 'STATE_SAME', 'no-state': 'NO_STATE', 'other-stack': 'STATE_OTHER_STACK', newer: 'STATE_NEWER' } as const;
    const messages = {
      'same-place': `${to.location} is where the state already is.`,
      'no-state': `No state for stack "${stackName}" at ${from}.`,
      'other-stack': `${to.label} holds stack "${there?.stack}", not "${stackName}"; it was not changed.`,
      newer: `${to.label} holds a newer state of stack "${stackName}" (updated ${there?.updatedAt}; the one at ${from} was updated ${updatedAt}); it was not overwritten.`,
    };
    super(codes[reason], messages[reason]);
    this.name = 'MoveRefused';
  }
}
