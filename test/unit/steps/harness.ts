// Test harness for the steps: a fake App whose `aws` hands out real SDK v3 clients whose `send` is
// intercepted by aws-sdk-client-mock (mockClient(X) stubs X.prototype.send, so every instance is
// caught), and a fake StepContext that records checkpoints and notes.
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { STSClient } from '@aws-sdk/client-sts';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import type { AwsClients } from '../../../src/aws/clients.js';
import type { Inputs } from '../../../src/config/schema.js';
import { tutorialInputs } from '../../support/fixtures.js';
import type { StepRecord } from '../../../src/engine/types.js';
import { dependencyAccess } from '../../../src/engine/index.js';
import { namesFor, partitionOf, REGION_TAG_KEY, TAG_KEY, type App, type Ctx } from '../../../src/steps/app.js';

export const iamMock = mockClient(IAMClient);
export const lambdaMock = mockClient(LambdaClient);
export const apigwMock = mockClient(APIGatewayClient);
export const cognitoMock = mockClient(CognitoIdentityProviderClient);
export const stsMock = mockClient(STSClient);
export const logsMock = mockClient(CloudWatchLogsClient);

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';
export const STACK = 'hello-world';
export const OUR_TAG = { [TAG_KEY]: STACK };
export const OUR_TAG_LIST = [{ Key: TAG_KEY, Value: STACK }];
/** The IAM role's tags: the stack and, IAM being global to the account, the region. */
export const ROLE_TAG_LIST = [...OUR_TAG_LIST, { Key: REGION_TAG_KEY, Value: REGION }];

export function defaultInputs(stack = STACK): App['inputs'] {
  return { ...tutorialInputs(stack, { username: 'tester', email: 'tester@example.com' }), domainPrefixGenerated: false };
}

export interface HarnessOptions {
  stack?: string;
  region?: string;
  inputs?: Partial<Inputs & { domainPrefixGenerated: boolean }>;
  /** Records of the dependencies, as ctx.get returns them. */
  records?: Record<string, StepRecord>;
  changedDeps?: string[];
  password?: string;
}

export interface Harness {
  app: App;
  ctx: Ctx;
  /** Mutable: ctx.get reads from it. */
  records: Record<string, StepRecord>;
  /** Every ctx.checkpoint(partial), in order. */
  checkpoints: StepRecord[];
  /** Every ctx.note(message), in order. */
  notes: string[];
  /** Ordered log of harness-observable events ("checkpoint"); tests may push to it from fakes. */
  log: string[];
}

/** Reset every mock (behaviours and history). Call it in beforeEach, before setting up behaviours. */
export function resetMocks(): void {
  for (const m of [iamMock, lambdaMock, apigwMock, cognitoMock, stsMock, logsMock]) m.reset();
}

export function makeHarness(o: HarnessOptions = {}): Harness {
  const stack = o.stack ?? STACK;
  const region = o.region ?? REGION;
  const cfg = { region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
  const clients = {
    iam: new IAMClient(cfg),
    lambda: new LambdaClient(cfg),
    apigw: new APIGatewayClient(cfg),
    cognito: new CognitoIdentityProviderClient(cfg),
    sts: new STSClient(cfg),
    logs: new CloudWatchLogsClient(cfg),
  };
  const aws: AwsClients = {
    region,
    iam: async () => clients.iam,
    lambda: async () => clients.lambda,
    apigw: async () => clients.apigw,
    cognito: async () => clients.cognito,
    sts: async () => clients.sts,
    logs: async () => clients.logs,
    destroy() {
      for (const c of Object.values(clients)) c.destroy();
    },
  };
  const app: App = {
    aws,
    stack,
    region,
    accountId: ACCOUNT,
    partition: partitionOf(region),
    inputs: { ...defaultInputs(stack), ...o.inputs },
    names: namesFor(stack, region),
    password: o.password,
  };
  const records: Record<string, StepRecord> = { ...o.records };
  const checkpoints: StepRecord[] = [];
  const notes: string[] = [];
  const log: string[] = [];
  const ctx: Ctx = {
    app,
    ...dependencyAccess<App>('harness', (key) => records[key]),
    changedDeps: o.changedDeps ?? [],
    async checkpoint(partial) {
      checkpoints.push(structuredClone(partial));
      log.push('checkpoint');
    },
    note(message) {
      notes.push(message);
    },
  };
  return { app, ctx, records, checkpoints, notes, log };
}

/** Names of the commands a mocked client was sent, in order. */
export function sent(mock: AwsStub<any, any, any>): string[] {
  return mock.calls().map((c) => (c.args[0] as object).constructor.name);
}

/** An error shaped like an AWS SDK v3 service exception. */
export function awsError(name: string, message = name): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: 400 } });
}

/** Records of the dependencies as the engine would hand them over. */
export const RECORDS = {
  role: { id: `${STACK}-${REGION}-lambda-role`, arn: `arn:aws:iam::${ACCOUNT}:role/${STACK}-${REGION}-lambda-role` },
  function: { id: `${STACK}-lambda`, arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${STACK}-lambda` },
  api: { id: 'a1b2c3d4e5', rootResourceId: 'root123' },
  userPool: { id: `${REGION}_AbCdEf123`, arn: `arn:aws:cognito-idp:${REGION}:${ACCOUNT}:userpool/${REGION}_AbCdEf123` },
  resourceServer: { id: `${STACK}-api` },
  authorizer: { id: 'auth42' },
  permission: { id: `${STACK}-apigateway-get-root`, sourceArn: `arn:aws:execute-api:${REGION}:${ACCOUNT}:a1b2c3d4e5/*/GET/` },
} satisfies Record<string, StepRecord>;
