// AWS error classification: what counts as "not found", and how an AWS error becomes a message
// that says what to do next.
import { CliError } from '../errors.js';
// (outcome.ts imports errorName from here: a cycle of functions only, resolved at call time.)
import { isThrottling } from './outcome.js';

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
  // Classified by what the user should do (each its own code and hint).
  const cls = classifyAwsError(e);
  if (cls) return new CliError(cls.code, cls.message, cls.hint, 1, { cause: e });
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ECONNRESET' || code === 'ETIMEDOUT' || name === 'TimeoutError') {
    return new CliError('NETWORK', `Could not reach ${context.endpoint ?? 'AWS'} (${code ?? name}).`, context.endpoint ? 'Is the emulator running at --endpoint-url?' : 'Check your network connection, then run the same command again.', 1, { cause: e });
  }
  if (name && (e as { $metadata?: unknown })?.$metadata) {
    return new CliError('AWS_ERROR', `AWS answered ${name}: ${msg}`, 'Run the same command again to resume; add --verbose for details.', 1, { cause: e });
  }
  return e;
}

export interface AwsErrorClass {
  code: 'QUOTA_EXCEEDED' | 'THROTTLED' | 'DOMAIN_TAKEN' | 'DOMAIN_ATTACHED' | 'IAM_PROPAGATION';
  message: string;
  hint: string;
}

/** The domain prefix belongs to another user pool, in this or another account (prefixes are unique per region across AWS). */
export function isDomainTaken(e: unknown): boolean {
  return errorName(e) === 'InvalidParameterException' && /Domain already (associated|exists)|domain.*(already|is) (taken|in use|associated with another)/i.test((e as Error)?.message ?? '');
}

/** The pool still has a domain (DeleteUserPool), or already has another one (CreateUserPoolDomain). */
export function isDomainAttached(e: unknown): boolean {
  return errorName(e) === 'InvalidParameterException' && /has a domain configured|already has a domain/i.test((e as Error)?.message ?? '');
}

/**
 * What an AWS error means for the user, or undefined when it is none of these: a hard quota
 * (Cognito's and API Gateway's LimitExceededException: pools, clients, domains, APIs per account;
 * waiting does not help), throttling (waiting does), a domain prefix owned by someone else, a
 * domain still attached to the pool, and IAM propagation that outlasted the 5-minute budget.
 */
export function classifyAwsError(e: unknown): AwsErrorClass | undefined {
  const name = errorName(e);
  const msg = (e as Error)?.message ?? String(e);
  if (name === 'LimitExceededException') {
    return {
      code: 'QUOTA_EXCEEDED',
      message: `AWS refused because an account quota is used up (${name}: ${msg}).`,
      hint: 'This is a hard resource quota (for example user pools, app clients, domains or REST APIs per account and Region), not throttling: waiting will not help. Delete resources you no longer need, or ask for an increase in the Service Quotas console, then run the same command again.',
    };
  }
  if (isThrottling(e) || name === 'Throttling') {
    return {
      code: 'THROTTLED',
      message: `AWS kept throttling requests even after retrying for as long as the quota allows (${name}: ${msg}).`,
      hint: 'Another tool or stack in this account is probably using the same API quota. Wait a minute and run the same command again; it resumes where it stopped.',
    };
  }
  if (isDomainTaken(e)) {
    return {
      code: 'DOMAIN_TAKEN',
      message: `The domain prefix is already used by another user pool (prefixes are unique per Region across all AWS accounts): ${msg}`,
      hint: 'Pick another one with --domain-prefix, then run init again.',
    };
  }
  if (isDomainAttached(e)) {
    return {
      code: 'DOMAIN_ATTACHED',
      message: `The user pool still has a hosted-UI domain: ${msg}`,
      hint: 'Its domain must be deleted first: run the same command again (destroy deletes the domain before the pool), or delete the domain in the Cognito console (App integration > Domain).',
    };
  }
  if (name === 'InvalidParameterValueException' && /cannot be assumed/i.test(msg)) {
    return {
      code: 'IAM_PROPAGATION',
      message: `Lambda still cannot assume the new IAM role after waiting 5 minutes for IAM to propagate (${msg}).`,
      hint: 'IAM is usually consistent within a minute; check that the role exists and trusts lambda.amazonaws.com (status shows it), then run init again; it resumes where it stopped.',
    };
  }
  return undefined;
}
