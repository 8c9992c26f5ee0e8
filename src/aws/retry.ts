// How AWS requests are retried: one per-operation retry policy table and one retry strategy that
// applies it, using the classification of a failed request in ./outcome.ts (refused before it
// ran, answered, or outcome unknown). Loaded with the first SDK client only.
//
// Why per operation: a create that AWS carried out, but whose answer was lost (a 5xx, a timeout
// or a connection reset after the request ran), must not be sent again blindly, or a second copy
// appears (two user pools, two REST APIs, a second app client with a live secret). None of the
// creates used here takes an idempotency token (checked in botocore 1.43's service models: no
// member with the idempotencyToken trait on CreateUserPool, CreateUserPoolClient,
// CreateResourceServer, CreateUserPoolDomain, AdminCreateUser, CreateRestApi, CreateAuthorizer,
// CreateDeployment, CreateRole, CreateFunction or AddPermission). So for these the SDK retries
// only what was refused before it ran (throttling, a connection that never opened), and the step
// decides after an unknown outcome: it looks for what it asked for and adopts it, or creates again
// only when nothing is there (see createOrAdopt in ./create.ts).
//
// Every other operation (reads, deletes, puts and updates that converge to the same result)
// keeps the SDK's adaptive retries. Per-operation budgets (e.g. API Gateway's fixed quotas)
// belong in the same table.
import { AsyncLocalStorage } from 'node:async_hooks';
import { AdaptiveRetryStrategy } from '@smithy/core/retry';
import type { RetryErrorInfo, RetryStrategyV2, StandardRetryToken } from '@smithy/types';
import { requestOutcome } from './outcome.js';

export interface RetryPolicy {
  /**
   * False for a create that makes a new resource each time it runs: the SDK never repeats it
   * after an outcome-unknown failure (only after a refusal); the step looks for the resource.
   */
  idempotent: boolean;
  /** At most this many attempts in all (default: the client's). */
  maxAttempts?: number;
}

const DEFAULT_POLICY: RetryPolicy = { idempotent: true };
const CREATE: RetryPolicy = { idempotent: false };

/** Per operation, `<client without "Client">.<operation>`, as the SDK names them. */
export const RETRY_POLICIES: Readonly<Record<string, RetryPolicy>> = {
  'CognitoIdentityProvider.CreateUserPool': CREATE,
  'CognitoIdentityProvider.CreateUserPoolClient': CREATE,
  'CognitoIdentityProvider.CreateResourceServer': CREATE,
  'CognitoIdentityProvider.CreateUserPoolDomain': CREATE,
  'CognitoIdentityProvider.AdminCreateUser': CREATE,
  'APIGateway.CreateRestApi': CREATE,
  'APIGateway.CreateAuthorizer': CREATE,
  'APIGateway.CreateDeployment': CREATE,
  'IAM.CreateRole': CREATE,
  'Lambda.CreateFunction': CREATE,
  'Lambda.AddPermission': CREATE,
};

export const operationKey = (clientName: string, commandName: string): string => `${clientName.replace(/Client$/, '')}.${commandName.replace(/Command$/, '')}`;

export function retryPolicy(operation: string | undefined): RetryPolicy {
  return (operation && RETRY_POLICIES[operation]) || DEFAULT_POLICY;
}

/** The operation a request belongs to, for the retry strategy (set by the middleware below). */
const currentOperation = new AsyncLocalStorage<string>();

/**
 * The client's retry strategy: the SDK's adaptive strategy (client-side rate limiting, backoff,
 * retry quota), asked only when the operation's policy allows another attempt.
 */
export class PolicyRetryStrategy implements RetryStrategyV2 {
  readonly mode = 'adaptive';
  private readonly inner: AdaptiveRetryStrategy;

  constructor(private readonly maxAttempts: number) {
    this.inner = new AdaptiveRetryStrategy(maxAttempts);
  }

  acquireInitialRetryToken(scope: string): Promise<StandardRetryToken> {
    return this.inner.acquireInitialRetryToken(scope) as Promise<StandardRetryToken>;
  }

  async refreshRetryTokenForRetry(token: StandardRetryToken, info: RetryErrorInfo): Promise<StandardRetryToken> {
    const policy = retryPolicy(currentOperation.getStore());
    if (!policy.idempotent && requestOutcome(info.error) !== 'refused') throw new Error('not retried: the request may have run');
    if (token.getRetryCount() + 1 >= (policy.maxAttempts ?? this.maxAttempts)) throw new Error('no attempts left');
    return (await this.inner.refreshRetryTokenForRetry(token, info)) as StandardRetryToken;
  }

  recordSuccess(token: StandardRetryToken): void {
    this.inner.recordSuccess(token);
  }
}

interface StackLike {
  middlewareStack: { add(mw: unknown, o: { step: 'initialize'; name: string; priority?: 'high' }): void };
}

/** Install the per-operation policy on a client: its strategy learns each request's operation. */
export function applyRetryPolicies<C extends StackLike>(client: C): C {
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: { clientName?: string; commandName?: string }) => (args: unknown) =>
      currentOperation.run(operationKey(context.clientName ?? '', context.commandName ?? ''), () => next(args)),
    { step: 'initialize', name: 'cognitoScopeSetupRetryPolicy', priority: 'high' },
  );
  return client;
}
