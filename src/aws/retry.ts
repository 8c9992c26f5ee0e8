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
// CreateDeployment, CreateResource, CreateRole, CreateFunction or AddPermission). So for these the SDK retries
// only what was refused before it ran (throttling, a connection that never opened), and the step
// decides after an unknown outcome: it looks for what it asked for and adopts it, or creates again
// only when nothing is there (see createOrAdopt in ./create.ts).
//
// Every other operation (reads, deletes, puts and updates that converge to the same result)
// keeps the SDK's adaptive retries.
//
// Budgets in the same table:
// - API Gateway's fixed control-plane quotas (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html,
//   they cannot be raised): one CreateRestApi per 30 s per account (edge-optimized; 3 s regional),
//   one DeleteRestApi per 30 s, one CreateDeployment per 5 s, five GetResources per 2 s, five
//   CreateResource or DeleteResource per second. The SDK
//   caps a Retry-After wait at its own backoff + 5 s and gives up after its attempts (about 35 s
//   in all): `destroy` then `init`, or two stacks in one account, failed with THROTTLED. These
//   get a budget of their own (at least 120 s) and wait exactly what Retry-After says, with a
//   note ("API Gateway allows one DeleteRestApi per 30 s in an account; waiting 22 s").
// - IAM propagation: a new role cannot be assumed by Lambda for seconds, sometimes minutes
//   (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency):
//   CreateFunction / UpdateFunctionConfiguration are retried on that answer (it ran nothing, so
//   it is safe for a create) for up to 5 minutes, with a countdown.
// Notes reach the user through the step's ctx.note, given to the request with noted(note, command).
//
// The strategy learns which operation a failed attempt belongs to from the error itself: the
// middleware below tags every error of a client's request with its operation, when its first
// attempt started and its note. (Not AsyncLocalStorage: on Node 20 it tracks every promise of the
// process once used, which cost an AWS command about 15 ms of start-up.)
import { AdaptiveRetryStrategy } from '@smithy/core/retry';
import type { RetryErrorInfo, RetryStrategyV2, StandardRetryToken } from '@smithy/types';
import { errorName } from './errors.js';
import { requestOutcome } from './outcome.js';

export interface RetryPolicy {
  /**
   * False for a create that makes a new resource each time it runs: the SDK never repeats it
   * after an outcome-unknown failure (only after a refusal); the step looks for the resource.
   */
  idempotent: boolean;
  /** At most this many attempts in all (default: the client's). */
  maxAttempts?: number;
  /** Throttling: keep retrying for this long (ms) from the first attempt, waiting what Retry-After says, past maxAttempts. */
  throttleBudgetMs?: number;
  /** The quota, for the note: "<service> allows <quota> in an account; waiting N s". */
  quota?: string;
  /** An answer that means "not yet: AWS is still propagating" (nothing ran): retried for budgetMs with a countdown note. */
  propagation?: { match: (e: unknown) => boolean; budgetMs: number; what: string };
}

const DEFAULT_POLICY: RetryPolicy = { idempotent: true };
const CREATE: RetryPolicy = { idempotent: false };

const iamNotPropagated = (e: unknown): boolean =>
  errorName(e) === 'InvalidParameterValueException' && /cannot be assumed|role.*(not|cannot).*(assume|found)/i.test((e as Error)?.message ?? '');
export const IAM_PROPAGATION_BUDGET_MS = 300_000;
/**
 * The wait before the next try of a request AWS answered "not propagated yet", `elapsed` ms after
 * its first try: a fifth of the wait so far, at least 1 s, at most 5 s. So a try lands at most 20%
 * of the wait (or 1 s) after the role became assumable: on AWS this is the wait that dominates a
 * new stack, typically seconds. At most one try a second, then one per 5 s, within Lambda's rates.
 */
export const propagationDelayMs = (elapsed: number): number => Math.min(5000, Math.max(1000, 0.2 * elapsed));
const IAM_PROPAGATION = { match: iamNotPropagated, budgetMs: IAM_PROPAGATION_BUDGET_MS, what: 'the new IAM role to propagate to Lambda' };

/** Per operation, `<client without "Client">.<operation>`, as the SDK names them. */
export const RETRY_POLICIES: Readonly<Record<string, RetryPolicy>> = {
  'CognitoIdentityProvider.CreateUserPool': CREATE,
  'CognitoIdentityProvider.CreateUserPoolClient': CREATE,
  'CognitoIdentityProvider.CreateResourceServer': CREATE,
  'CognitoIdentityProvider.CreateUserPoolDomain': CREATE,
  'CognitoIdentityProvider.AdminCreateUser': CREATE,
  'APIGateway.CreateRestApi': { ...CREATE, throttleBudgetMs: 180_000, quota: 'one CreateRestApi per 30 s (edge-optimized; per 3 s regional)' },
  'APIGateway.CreateAuthorizer': CREATE,
  'APIGateway.CreateResource': { ...CREATE, throttleBudgetMs: 60_000, quota: 'five CreateResource per second' },
  'APIGateway.DeleteResource': { idempotent: true, throttleBudgetMs: 60_000, quota: 'five DeleteResource per second' },
  'APIGateway.CreateDeployment': { ...CREATE, throttleBudgetMs: 120_000, quota: 'one CreateDeployment per 5 s' },
  'APIGateway.DeleteRestApi': { idempotent: true, throttleBudgetMs: 180_000, quota: 'one DeleteRestApi per 30 s' },
  'APIGateway.GetResources': { idempotent: true, throttleBudgetMs: 60_000, quota: 'five GetResources per 2 s' },
  'IAM.CreateRole': CREATE,
  'Lambda.CreateFunction': { ...CREATE, propagation: IAM_PROPAGATION },
  'Lambda.UpdateFunctionConfiguration': { idempotent: true, propagation: { ...IAM_PROPAGATION, what: 'the IAM role to propagate to Lambda' } },
  'Lambda.AddPermission': CREATE,
};

/** The service's name in notes, by the SDK's client name. */
const SERVICE_TITLES: Record<string, string> = { APIGateway: 'API Gateway', Lambda: 'Lambda', IAM: 'IAM', CognitoIdentityProvider: 'Cognito', CloudWatchLogs: 'CloudWatch Logs', STS: 'STS' };

export const operationKey = (clientName: string, commandName: string): string => `${clientName.replace(/Client$/, '')}.${commandName.replace(/Command$/, '')}`;

export function retryPolicy(operation: string | undefined): RetryPolicy {
  return (operation && RETRY_POLICIES[operation]) || DEFAULT_POLICY;
}

/** What a failed attempt's error carries for the strategy (set by the middleware below). */
export interface OperationTag {
  /** `<client without "Client">.<operation>`, as in RETRY_POLICIES. */
  key: string;
  /** When the request's first attempt started. */
  start: number;
  /** Where its long waits are reported: the step's ctx.note, given with noted(). */
  note?: (message: string) => void;
}
const TAG = Symbol('cognito-scope-setup.operation');
const NOTE = Symbol('cognito-scope-setup.note');
const START = Symbol('cognito-scope-setup.start');

/** Tag an error with the request it came from (not enumerable: it never shows in output). */
export function tagError(error: unknown, tag: OperationTag): void {
  if (error && typeof error === 'object') Object.defineProperty(error, TAG, { value: tag, configurable: true });
}
const tagOf = (error: unknown): OperationTag | undefined => (error && typeof error === 'object' ? (error as { [TAG]?: OperationTag })[TAG] : undefined);

interface CommandLike {
  middlewareStack: { add(mw: unknown, o: { step: 'initialize'; name: string; override: boolean }): void };
}
/**
 * The command, with its long waits (quotas, propagation) reported through `note` (a step's
 * ctx.note). Noting a command again replaces its note (a command object sent twice stays valid).
 */
export function noted<C extends CommandLike>(note: (message: string) => void, command: C): C {
  command.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: { [NOTE]?: (message: string) => void }) => (args: unknown) => {
      context[NOTE] = note;
      return next(args);
    },
    { step: 'initialize', name: 'cognitoScopeSetupNote', override: true },
  );
  return command;
}

/** A countdown for the propagation note: "4:32 left". */
export function formatLeft(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')} left`;
}

/** How long a throttling answer asks to wait: Retry-After (as the SDK parsed it, or the modelled retryAfterSeconds member), else a backoff. */
export function retryAfterMs(info: RetryErrorInfo, attempt: number, now: number): number {
  if (info.retryAfterHint instanceof Date) return Math.max(0, info.retryAfterHint.getTime() - now);
  const member = Number((info.error as { retryAfterSeconds?: string } | undefined)?.retryAfterSeconds);
  if (Number.isFinite(member) && member >= 0) return member * 1000;
  return Math.min(1000 * 2 ** attempt, 10_000);
}

/**
 * How many of a token's retries were the policy's own waits (a quota's Retry-After, IAM
 * propagation). They have budgets of their own, in time, so they do not use up the attempts kept
 * for other failures: a 5xx after seven quota waits is retried like a 5xx after none.
 */
const policyWaits = new WeakMap<StandardRetryToken, number>();
const waitsOf = (t: StandardRetryToken): number => policyWaits.get(t) ?? 0;

/** A retry token for a wait the policy decided on (the SDK's middleware sleeps getRetryDelay()). */
const ownToken = (count: number, delay: number, waits: number): StandardRetryToken => {
  const t: StandardRetryToken = { getRetryCount: () => count, getRetryDelay: () => delay, getRetryCost: () => undefined };
  policyWaits.set(t, waits);
  return t;
};

type SdkToken = StandardRetryToken & { isLongPoll?: () => boolean; $retryLog?: unknown };
/** The same token with another retry count (and the policy's waits it carries). */
const recounted = (t: SdkToken, count: number, waits: number): StandardRetryToken => {
  const r: SdkToken = { getRetryCount: () => count, getRetryDelay: () => t.getRetryDelay(), getRetryCost: () => t.getRetryCost(), isLongPoll: () => t.isLongPoll?.() ?? false, $retryLog: t.$retryLog };
  if (waits) policyWaits.set(r, waits);
  return r;
};

/**
 * The client's retry strategy: the SDK's adaptive strategy (client-side rate limiting, backoff,
 * retry quota), asked only when the operation's policy allows another attempt.
 */
export class PolicyRetryStrategy implements RetryStrategyV2 {
  readonly mode = 'adaptive';
  private readonly inner: AdaptiveRetryStrategy;

  constructor(
    private readonly maxAttempts: number,
    private readonly now: () => number = Date.now,
  ) {
    this.inner = new AdaptiveRetryStrategy(maxAttempts);
  }

  acquireInitialRetryToken(scope: string): Promise<StandardRetryToken> {
    return this.inner.acquireInitialRetryToken(scope) as Promise<StandardRetryToken>;
  }

  async refreshRetryTokenForRetry(token: StandardRetryToken, info: RetryErrorInfo): Promise<StandardRetryToken> {
    const op = tagOf(info.error);
    const policy = retryPolicy(op?.key);
    const elapsed = this.now() - (op?.start ?? this.now());
    const note = op?.note;
    const count = token.getRetryCount() + 1;
    // "Not yet": the answer says nothing ran, so even a create is safe to send again.
    if (policy.propagation?.match(info.error)) {
      const left = policy.propagation.budgetMs - elapsed;
      const delay = propagationDelayMs(elapsed);
      if (left - delay <= 0) throw info.error;
      note?.(`waiting for ${policy.propagation.what} (AWS: usually seconds, up to minutes; ${formatLeft(left)})`);
      return ownToken(count, delay, waitsOf(token) + 1);
    }
    // A fixed quota: wait exactly what Retry-After says (a little past it), for as long as the budget allows.
    if (policy.throttleBudgetMs && info.errorType === 'THROTTLING') {
      const wait = retryAfterMs(info, count - 1, this.now());
      const delay = Math.max(wait, 50) + Math.min(250, wait * 0.05);
      if (elapsed + delay > policy.throttleBudgetMs) throw info.error;
      const [client = '', operation = ''] = (op?.key ?? '').split('.');
      note?.(`${SERVICE_TITLES[client] ?? client} allows ${policy.quota ?? `only a few ${operation} calls at a time`} in an account; waiting ${Math.max(1, Math.round(delay / 1000))} s`);
      return ownToken(count, delay, waitsOf(token) + 1);
    }
    if (!policy.idempotent && requestOutcome(info.error) !== 'refused') throw new Error('not retried: the request may have run');
    // Attempts are counted without the policy's own waits; the SDK's strategy (which counts them
    // from the token) is given that count, and the waits are carried on to the next token.
    const waits = waitsOf(token);
    const attempts = token.getRetryCount() - waits;
    if (attempts + 1 >= (policy.maxAttempts ?? this.maxAttempts)) throw new Error('no attempts left');
    if (!waits) return (await this.inner.refreshRetryTokenForRetry(token, info)) as StandardRetryToken;
    const next = (await this.inner.refreshRetryTokenForRetry(recounted(token, attempts, 0), info)) as SdkToken;
    return recounted(next, next.getRetryCount() + waits, waits);
  }

  recordSuccess(token: StandardRetryToken): void {
    this.inner.recordSuccess(token);
  }
}

interface StackLike {
  middlewareStack: { add(mw: unknown, o: { step: 'deserialize'; name: string; priority?: 'high' }): void };
}
interface RequestContext {
  clientName?: string;
  commandName?: string;
  [NOTE]?: (message: string) => void;
  [START]?: number;
}

/**
 * Install the per-operation policy on a client: every error of one of its requests is tagged with
 * the request's operation, when its first attempt started and its note. The middleware sits in
 * the deserialize step, inside the SDK's retry loop (finalizeRequest) and around the deserializer
 * and the HTTP handler, so it sees every attempt and every answer or failure; the context object
 * is the request's, the same for each of its attempts.
 */
export function applyRetryPolicies<C extends StackLike>(client: C): C {
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: RequestContext) => async (args: unknown) => {
      const start = (context[START] ??= Date.now());
      try {
        return await next(args);
      } catch (e) {
        tagError(e, { key: operationKey(context.clientName ?? '', context.commandName ?? ''), start, note: context[NOTE] });
        throw e;
      }
    },
    { step: 'deserialize', name: 'cognitoScopeSetupRetryPolicy', priority: 'high' },
  );
  return client;
}
