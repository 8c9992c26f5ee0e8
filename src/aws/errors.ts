// AWS error classification: what counts as "not found", and what kind of failure an AWS error is
// (a quota, throttling, a taken domain...). What the user should do about it, in the command line's
// words, is said by the command layer (src/commands/aws-errors.ts).
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

export interface AwsErrorClass {
  code: 'QUOTA_EXCEEDED' | 'THROTTLED' | 'DOMAIN_TAKEN' | 'DOMAIN_ATTACHED' | 'IAM_PROPAGATION';
  message: string;
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
    };
  }
  if (isThrottling(e) || name === 'Throttling') {
    return {
      code: 'THROTTLED',
      message: `AWS kept throttling requests even after retrying for as long as the quota allows (${name}: ${msg}).`,
    };
  }
  if (isDomainTaken(e)) {
    return {
      code: 'DOMAIN_TAKEN',
      message: `The domain prefix is already used by another user pool (prefixes are unique per Region across all AWS accounts): ${msg}`,
    };
  }
  if (isDomainAttached(e)) {
    return {
      code: 'DOMAIN_ATTACHED',
      message: `The user pool still has a hosted-UI domain: ${msg}`,
    };
  }
  if (name === 'InvalidParameterValueException' && /cannot be assumed/i.test(msg)) {
    return {
      code: 'IAM_PROPAGATION',
      message: `Lambda still cannot assume the new IAM role after waiting 5 minutes for IAM to propagate (${msg}).`,
    };
  }
  return undefined;
}
