// What a failed AWS request tells us about the request itself: refused before it ran (safe to
// send again), answered with an error AWS decided on, or outcome unknown (it may have run). The
// retry policy (./retry.ts) and the create-then-verify helper (./create.ts) both decide by it.
// No SDK import: cheap to load.
import { errorName } from './errors.js';

/** What a failed request tells us about whether it ran. */
export type RequestOutcome =
  /** AWS refused it before doing anything (throttling, a connection that never opened): safe to send again. */
  | 'refused'
  /** AWS answered with an error it decided on (validation, conflict, not found): it did not run as asked. */
  | 'answered'
  /** It may or may not have run (a 5xx, a timeout, a reset or a closed connection). */
  | 'unknown';

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
]);
/** The connection was never made: the request cannot have reached AWS. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function errnoCode(e: unknown, depth = 0): string | undefined {
  const err = e as { code?: unknown; cause?: unknown } | undefined;
  if (typeof err?.code === 'string') return err.code;
  return depth < 5 && err?.cause ? errnoCode(err.cause, depth + 1) : undefined;
}

export function isThrottling(e: unknown): boolean {
  const status = (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  return status === 429 || THROTTLING.has(errorName(e)) || (e as { $retryable?: { throttling?: boolean } })?.$retryable?.throttling === true;
}

/** Classify a failed AWS request (see RequestOutcome). */
export function requestOutcome(e: unknown): RequestOutcome {
  if (isThrottling(e)) return 'refused';
  const code = errnoCode(e);
  if (code && NOT_SENT_CODES.has(code)) return 'refused';
  const status = (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  // 408 Request Timeout and every 5xx: the service may have done the work.
  if (typeof status === 'number') return status >= 400 && status < 500 && status !== 408 ? 'answered' : 'unknown';
  // A modeled service error without a status (as some tests build them): the client's fault is an answer.
  return (e as { $fault?: string })?.$fault === 'client' ? 'answered' : 'unknown';
}

/** The request may have run although it failed: look before doing it again. */
export const isOutcomeUnknown = (e: unknown): boolean => requestOutcome(e) === 'unknown';

