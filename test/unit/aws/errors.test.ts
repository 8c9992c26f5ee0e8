// AWS errors classified by what the user should do (src/aws/errors.ts), each class with its own
// code and, in the command line's words, its hint (src/commands/aws-errors.ts).
import { describe, expect, it } from 'vitest';
import { classifyAwsError, isDomainAttached, isDomainTaken } from '../../../src/aws/errors.js';
import { explainAwsError } from '../../../src/commands/aws-errors.js';
import { CliError } from '../../../src/errors.js';

const err = (name: string, message: string, status = 400) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

describe('classifyAwsError', () => {
  it('a LimitExceededException is a hard quota, not throttling: no "wait a minute"', () => {
    const c = explainAwsError(err('LimitExceededException', 'The maximum number of user pools has been reached.'), {}) as CliError;
    expect(c.code).toBe('QUOTA_EXCEEDED');
    expect(c.hint).toMatch(/not throttling: waiting will not help/);
    expect(c.hint).toMatch(/Service Quotas/);
  });

  it('throttling is THROTTLED, with a hint to wait and resume', () => {
    for (const name of ['TooManyRequestsException', 'ThrottlingException', 'Throttling']) {
      const c = explainAwsError(err(name, 'Rate exceeded', 429), {}) as CliError;
      expect(c.code).toBe('THROTTLED');
      expect(c.hint).toMatch(/Wait a minute and run the same command again/);
    }
  });

  it('a domain prefix owned by another pool (any account) is DOMAIN_TAKEN; a pool that still has a domain is DOMAIN_ATTACHED', () => {
    const taken = err('InvalidParameterException', 'Domain already associated with another user pool.');
    expect(isDomainTaken(taken)).toBe(true);
    expect(classifyAwsError(taken)!.code).toBe('DOMAIN_TAKEN');
    const attached = err('InvalidParameterException', 'User pool cannot be deleted. It has a domain configured that should be deleted first.');
    expect(isDomainAttached(attached)).toBe(true);
    expect(classifyAwsError(attached)!.code).toBe('DOMAIN_ATTACHED');
    // Any other InvalidParameterException that mentions "domain" is neither.
    const other = err('InvalidParameterException', 'The domain prefix must not contain reserved words.');
    expect(isDomainTaken(other)).toBe(false);
    expect(isDomainAttached(other)).toBe(false);
    expect(classifyAwsError(other)).toBeUndefined();
  });

  it('IAM propagation that outlasted the budget is IAM_PROPAGATION', () => {
    expect(classifyAwsError(err('InvalidParameterValueException', 'The role defined for the function cannot be assumed by Lambda.'))!.code).toBe('IAM_PROPAGATION');
  });

  it('explainAwsError turns each class into a CliError with its code and hint', () => {
    const e = explainAwsError(err('LimitExceededException', 'too many'), {});
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).code).toBe('QUOTA_EXCEEDED');
  });
});
