// Typed errors with a stable code, a user-facing message and a hint. Only the entry point
// turns them into exit codes; stack traces are shown only with --verbose.

export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
    readonly exitCode = 1,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}

/** Bad input: one line per problem, exit 2, raised before any AWS request. */
export class UsageError extends CliError {
  constructor(readonly problems: string[], hint?: string) {
    super('USAGE', problems.join('\n'), hint, 2);
    this.name = 'UsageError';
  }
}

/** A resource with our name exists but does not carry our ownership tag. */
export class ConflictError extends CliError {
  constructor(message: string, hint: string) {
    super('CONFLICT', message, hint, 1);
    this.name = 'ConflictError';
  }
}

export class StateError extends CliError {
  constructor(message: string, hint: string, code = 'STATE') {
    super(code, message, hint, 1);
    this.name = 'StateError';
  }
}

export class LockedError extends CliError {
  readonly pid: number | undefined;
  constructor(
    readonly holder: { pid: number; host: string; user: string; runId: string; startedAt: string; command?: string; ttlMs: number } | undefined,
    location: string,
    ageMs?: number,
    unlockHint?: string,
  ) {
    const who = holder
      ? `: host ${holder.host || '?'}, ${[holder.user && `user ${holder.user}`, holder.command, `run id ${holder.runId}`, holder.startedAt && `since ${holder.startedAt}`, ageMs !== undefined && `last heartbeat ${Math.max(0, Math.round(ageMs / 1000))} s ago`].filter(Boolean).join(', ')}`
      : '';
    super(
      'LOCKED',
      `Another cognito-scope-setup run${holder ? ` (pid ${holder.pid})` : ''} holds the lock on ${location}${who}.`,
      `Wait for it to finish; a lock whose holder is gone (its process ended, or no heartbeat for ${Math.round((holder?.ttlMs ?? 30_000) / 1000)} s) is taken over automatically.${unlockHint ? ` ${unlockHint}` : ''}`,
      1,
    );
    this.pid = holder?.pid;
    this.name = 'LockedError';
  }
}
