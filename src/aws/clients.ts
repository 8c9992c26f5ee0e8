// Lazy AWS SDK v3 client factory: a client (and its package) is loaded on first use only, so
// help, usage errors and validation never load the SDK. Every client talks to one endpoint
// when an endpoint URL is given, and uses adaptive retries (Cognito's control plane is throttled
// hard, about 15 requests per second per account) under the per-operation retry policy of
// ./retry.ts (a create whose answer was lost is never sent again by the SDK; API Gateway's fixed
// quotas and IAM propagation get budgets of their own). Each client class comes from its own tiny
// module in ./sdk/: a dynamic import of the package itself would load its whole index (every
// command and shape, tens of kilobytes in the bundle) to reach one class.
import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { STSClient } from '@aws-sdk/client-sts';

export interface ConnectionOptions {
  region: string;
  profile?: string;
  endpoint?: string;
  maxAttempts?: number;
}

export interface AwsClients {
  readonly region: string;
  readonly endpoint?: string;
  iam(): Promise<IAMClient>;
  lambda(): Promise<LambdaClient>;
  apigw(): Promise<APIGatewayClient>;
  cognito(): Promise<CognitoIdentityProviderClient>;
  logs(): Promise<CloudWatchLogsClient>;
  sts(): Promise<STSClient>;
  destroy(): void;
}

export function baseConfig(o: ConnectionOptions) {
  const cfg: Record<string, unknown> = {
    region: o.region,
    maxAttempts: o.maxAttempts ?? 8,
    // A request that hangs is an outcome-unknown failure like a reset, not a wait for ever.
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 60_000 },
  };
  if (o.profile) cfg.profile = o.profile;
  if (o.endpoint) {
    cfg.endpoint = o.endpoint;
    // A local emulator accepts any credentials; use dummy ones when none are configured.
    if (!o.profile && !process.env.AWS_ACCESS_KEY_ID && !process.env.AWS_PROFILE) {
      cfg.credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
    }
  }
  return cfg;
}

export function createClients(o: ConnectionOptions): AwsClients {
  const cache = new Map<string, Promise<{ destroy(): void }>>();
  const lazy = <T extends { destroy(): void }>(name: string, make: () => Promise<T>): (() => Promise<T>) => () => {
    let p = cache.get(name);
    if (!p) {
      p = make();
      cache.set(name, p);
    }
    return p as Promise<T>;
  };
  const base = baseConfig(o);
  // Each client its own strategy (and so its own adaptive rate limiter), as the SDK does.
  const withPolicy = async <T extends object>(make: (cfg: Record<string, unknown>) => T): Promise<T> => {
    const { PolicyRetryStrategy, applyRetryPolicies } = await import('./retry.js');
    return applyRetryPolicies(make({ ...base, retryStrategy: new PolicyRetryStrategy(o.maxAttempts ?? 8) }) as T & Parameters<typeof applyRetryPolicies>[0]);
  };
  return {
    region: o.region,
    endpoint: o.endpoint,
    iam: lazy('iam', async () => {
      const { IAMClient } = await import('./sdk/iam.js');
      return withPolicy((cfg) => new IAMClient(cfg));
    }),
    lambda: lazy('lambda', async () => {
      const { LambdaClient } = await import('./sdk/lambda.js');
      return withPolicy((cfg) => new LambdaClient(cfg));
    }),
    apigw: lazy('apigw', async () => {
      const { APIGatewayClient } = await import('./sdk/api-gateway.js');
      return withPolicy((cfg) => new APIGatewayClient(cfg));
    }),
    cognito: lazy('cognito', async () => {
      const { CognitoIdentityProviderClient } = await import('./sdk/cognito.js');
      return withPolicy((cfg) => new CognitoIdentityProviderClient(cfg));
    }),
    logs: lazy('logs', async () => {
      const { CloudWatchLogsClient } = await import('./sdk/logs.js');
      return withPolicy((cfg) => new CloudWatchLogsClient(cfg));
    }),
    sts: lazy('sts', async () => {
      const { STSClient } = await import('./sdk/sts.js');
      return withPolicy((cfg) => new STSClient(cfg));
    }),
    destroy() {
      for (const p of cache.values()) void p.then((c) => c.destroy(), () => undefined);
    },
  };
}

/** Region from the flag, else the SDK's own resolution (environment, then the profile's config file). */
export async function resolveRegion(flag: string | undefined, profile: string | undefined): Promise<string | undefined> {
  if (flag) return flag;
  const { STSClient } = await import('./sdk/sts.js');
  const probe = new STSClient(profile ? { profile } : {});
  try {
    return await probe.config.region();
  } catch {
    return undefined;
  } finally {
    probe.destroy();
  }
}
