// AWS error classification: what counts as "not found", and how an AWS error becomes a message
// that says what to do next.
import { CliError } from '../errors.js';

const NOT_FOUND = new Set([
  'NoSuchEntityException', // IAM
  'NoSuchEntity',
  'ResourceNotFoundException', // Lambda, Cognito
  'NotFoundException', // API Gateway
  'UserNotFoundException', // Cognito users
]);

export function errorName(e: unknown): string {
  const err = e as { name?: string; Code?: string; code?: string };
  return err?.name ?? err?.Code ?? err?.code ?? '';
}

export function isNotFound(e: unknown): boolean {
  return NOT_FOUND.has(errorName(e));
}

/** Run an AWS read; a not-found answer becomes undefined, every other error is rethrown. */
export async function orAbsent<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** Run an AWS delete; a not-found answer counts as deleted. */
export async function ignoreNotFound(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}

/** Turn an AWS SDK error into a CliError with a next step. Non-AWS errors are returned as they are. */
export function explainAwsError(e: unknown, context: { endpoint?: string; profile?: string; region?: string }): unknown {
  if (e instanceof CliError) return e;
  const name = errorName(e);
  const msg = (e as Error)?.message ?? String(e);
  const code = (e as NodeJS.ErrnoException)?.code;
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(msg)) {
    return new CliError('NO_CREDENTIALS', 'No AWS credentials were found.', context.profile ? `Check the profile "${context.profile}" (aws configure list --profile ${context.profile}), or run aws sso login --profile ${context.profile}.` : 'Set AWS_PROFILE or pass --profile, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.', 1, { cause: e });
  }
  if (/ExpiredToken|RequestExpired|TokenRefreshRequired/.test(name) || /token.*expired/i.test(msg)) {
    return new CliError('EXPIRED_CREDENTIALS', `Your AWS credentials have expired (${name}).`, 'Refresh them (for SSO: aws sso login), then run the same command again; it resumes where it stopped.', 1, { cause: e });
  }
  if (/AccessDenied|UnauthorizedOperation|NotAuthorized/.test(name) || /not authorized to perform/i.test(msg)) {
    return new CliError('ACCESS_DENIED', `AWS refused a request: ${msg}`, 'Use credentials allowed to manage IAM roles, Lambda, API Gateway and Cognito (for example AdministratorAccess in a sandbox account), then run the same command again.', 1, { cause: e });
  }
  if (/InvalidClientTokenId|UnrecognizedClient|SignatureDoesNotMatch/.test(name)) {
    return new CliError('BAD_CREDENTIALS', `AWS did not accept your credentials (${name}).`, 'Check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the profile you pass with --profile.', 1, { cause: e });
  }
  if (name === 'TooManyRequestsException' || name === 'ThrottlingException' || name === 'LimitExceededException') {
    return new CliError('THROTTLED', `AWS kept throttling requests even after retries (${name}: ${msg}).`, 'Wait a minute and run the same command again; it resumes where it stopped.', 1, { cause: e });
  }
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ECONNRESET' || code === 'ETIMEDOUT' || name === 'TimeoutError') {
    return new CliError('NETWORK', `Could not reach ${context.endpoint ?? 'AWS'} (${code ?? name}).`, context.endpoint ? 'Is the emulator running at --endpoint-url?' : 'Check your network connection, then run the same command again.', 1, { cause: e });
  }
  if (name && (e as { $metadata?: unknown })?.$metadata) {
    return new CliError('AWS_ERROR', `AWS answered ${name}: ${msg}`, 'Run the same command again to resume; add --verbose for details.', 1, { cause: e });
  }
  return e;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Retry while a freshly created IAM role has not propagated to the service that must assume it
 * (Lambda: "The role defined for the function cannot be assumed by Lambda"), for up to ~60 s.
 */
export async function retryIamPropagation<T>(fn: () => Promise<T>, onWait: (elapsedMs: number) => void, budgetMs = 60_000): Promise<T> {
  const start = Date.now();
  let delay = 1000;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      const propagating = errorName(e) === 'InvalidParameterValueException' && /cannot be assumed|role.*(not|cannot).*(assume|found)/i.test((e as Error).message);
      if (!propagating || Date.now() - start + delay > budgetMs) throw e;
      onWait(Date.now() - start);
      await sleep(delay);
      delay = Math.min(delay * 1.5, 8000);
    }
  }
}
