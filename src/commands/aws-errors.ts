// AWS errors in the command line's words: each kind of failure (credentials, quota, throttling,
// a taken domain, the network...) gets its code, a message and what to do next. The AWS layer
// (src/aws/errors.ts) only says what kind of failure an error is.
import { classifyAwsError, errorName, type AwsErrorClass } from '../aws/errors.js';
import { CliError } from '../errors.js';

/** How the AWS clients were set up, for messages that name the endpoint or the profile. */
export interface AwsContext {
  endpoint?: string;
  profile?: string;
  region?: string;
}

const CLASS_HINTS: Record<AwsErrorClass['code'], string> = {
  QUOTA_EXCEEDED:
    'This is a hard resource quota (for example user pools, app clients, domains or REST APIs per account and Region), not throttling: waiting will not help. Delete resources you no longer need, or ask for an increase in the Service Quotas console, then run the same command again.',
  THROTTLED: 'Another tool or stack in this account is probably using the same API quota. Wait a minute and run the same command again; it resumes where it stopped.',
  DOMAIN_TAKEN: 'Pick another one with --domain-prefix, then run init again.',
  DOMAIN_ATTACHED:
    'Its domain must be deleted first: run the same command again (destroy deletes the domain before the pool), or delete the domain in the Cognito console (App integration > Domain).',
  IAM_PROPAGATION:
    'IAM is usually consistent within a minute; check that the role exists and trusts lambda.amazonaws.com (status shows it), then run init again; it resumes where it stopped.',
};

/** Turn an AWS SDK error into a CliError with a next step. Non-AWS errors are returned as they are. */
export function explainAwsError(e: unknown, context: AwsContext): unknown {
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
  if (cls) return new CliError(cls.code, cls.message, CLASS_HINTS[cls.code], 1, { cause: e });
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ECONNRESET' || code === 'ETIMEDOUT' || name === 'TimeoutError') {
    return new CliError('NETWORK', `Could not reach ${context.endpoint ?? 'AWS'} (${code ?? name}).`, context.endpoint ? 'Is the emulator running at --endpoint-url?' : 'Check your network connection, then run the same command again.', 1, { cause: e });
  }
  if (name && (e as { $metadata?: unknown })?.$metadata) {
    return new CliError('AWS_ERROR', `AWS answered ${name}: ${msg}`, 'Run the same command again to resume; add --verbose for details.', 1, { cause: e });
  }
  return e;
}
