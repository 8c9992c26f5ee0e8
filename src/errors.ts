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
