// Every exit code of the CLI, in one place. Only the entry point (bin/ via cli.ts main) sets the
// process's exit code; commands return an outcome or throw an error that carries one of these.
export const EXIT = {
  OK: 0,
  /** A step or a check failed, a read failed, the plan was declined, something was left. */
  FAILED: 1,
  /** Bad or missing input, refused before any AWS request (commander's parse errors too). */
  USAGE: 2,
  /** status: not in sync (missing, drifted, duplicate); plan: changes pending. */
  PENDING: 3,
  /** 128 + the signal's number: stopped by SIGHUP (terminal closed), SIGINT (Ctrl-C), SIGTERM (CI cancel). */
  SIGHUP: 129,
  SIGINT: 130,
  SIGTERM: 143,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';
export const STOP_SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
export const exitCodeOfSignal = (s: StopSignal): ExitCode => EXIT[s];
