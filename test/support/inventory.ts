// An independent look at the emulator with plain SDK clients: how many of each of a stack's
// resources exist. Used to prove "exactly one of each" after init and "none" after destroy. It
// uses no project code: plain SDK clients, the deterministic names, every page of every list.
import { APIGatewayClient, GetAuthorizersCommand, GetDeploymentsCommand, GetMethodCommand, GetResourcesCommand, GetRestApisCommand, GetStagesCommand } from '@aws-sdk/client-api-gateway';
import {
  CognitoIdentityProviderClient,
  DescribeUserPoolCommand,
  ListResourceServersCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';

/** accessKeyId: a 12-digit key is its own account on the emulator. */
export function sdkClients(endpoint: string, region = 'us-east-1', accessKeyId = 'test') {
  const cfg = { endpoint, region, credentials: { accessKeyId, secretAccessKey: 'test' } };
  return {
    iam: new IAMClient(cfg),
    lambda: new LambdaClient(cfg),
    apigw: new APIGatewayClient(cfg),
    cognito: new CognitoIdentityProviderClient(cfg),
    logs: new CloudWatchLogsClient(cfg),
  };
}

export interface Inventory {
  roles: number;
  /** Log groups named /aws/lambda/<stack>-lambda. */
  logGroups: number;
  functions: number;
  apis: number;
  authorizers: number;
  methodsWithScopes: string[][];
  stages: string[];
  pools: number;
  domains: string[];
  resourceServers: string[];
  clients: number;
  users: string[];
  /** Cognito status per user, in the order of `users` (CONFIRMED: can sign in). */
  userStatuses: string[];
  /** Deployments of the stack's REST APIs. */
  deployments: number;
  /** The ids found, per kind (to compare with what a state file recorded). */
  ids: { roles: string[]; functions: string[]; apis: string[]; authorizers: string[]; pools: string[]; clients: string[] };
}

export async function inventory(endpoint: string, stack: string, region = 'us-east-1', accessKeyId = 'test'): Promise<Inventory> {
  const c = sdkClients(endpoint, region, accessKeyId);
  const roles = (await c.iam.send(new ListRolesCommand({ MaxItems: 1000 }))).Roles?.filter((r) => r.RoleName === `${stack}-${region}-lambda-role` || r.RoleName === `${stack}-lambda-role`) ?? [];
  const functions = (await c.lambda.send(new ListFunctionsCommand({ MaxItems: 1000 }))).Functions?.filter((f) => f.FunctionName === `${stack}-lambda`) ?? [];
  const apis = (await c.apigw.send(new GetRestApisCommand({ limit: 500 }))).items?.filter((a) => a.name === `${stack}-api`) ?? [];
  let authorizers = 0;
  let deployments = 0;
  const authorizerIds: string[] = [];
  const clientIds: string[] = [];
  const methodsWithScopes: string[][] = [];
  const stages: string[] = [];
  for (const a of apis) {
    const auths = (await c.apigw.send(new GetAuthorizersCommand({ restApiId: a.id }))).items ?? [];
    authorizers += auths.length;
    authorizerIds.push(...auths.map((x) => x.id!));
    deployments += (await c.apigw.send(new GetDeploymentsCommand({ restApiId: a.id, limit: 500 }))).items?.length ?? 0;
    const root = (await c.apigw.send(new GetResourcesCommand({ restApiId: a.id }))).items?.find((r) => r.path === '/');
    const m = await c.apigw.send(new GetMethodCommand({ restApiId: a.id, resourceId: root!.id, httpMethod: 'GET' })).catch(() => undefined);
    if (m) methodsWithScopes.push(m.authorizationScopes ?? []);
    stages.push(...((await c.apigw.send(new GetStagesCommand({ restApiId: a.id }))).item?.map((s) => s.stageName!) ?? []));
  }
  const pools: { Id?: string }[] = [];
  let NextToken: string | undefined;
  do {
    const page = await c.cognito.send(new ListUserPoolsCommand({ MaxResults: 60, NextToken }));
    pools.push(...(page.UserPools?.filter((p) => p.Name === `${stack}-user-pool`) ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  const domains: string[] = [];
  const resourceServers: string[] = [];
  const users: string[] = [];
  const userStatuses: string[] = [];
  let clients = 0;
  for (const p of pools) {
    const d = (await c.cognito.send(new DescribeUserPoolCommand({ UserPoolId: p.Id }))).UserPool?.Domain;
    if (d) domains.push(d);
    resourceServers.push(...((await c.cognito.send(new ListResourceServersCommand({ UserPoolId: p.Id, MaxResults: 50 }))).ResourceServers?.map((r) => r.Identifier!) ?? []));
    const listedClients = (await c.cognito.send(new ListUserPoolClientsCommand({ UserPoolId: p.Id, MaxResults: 60 }))).UserPoolClients ?? [];
    clients += listedClients.length;
    clientIds.push(...listedClients.map((x) => x.ClientId!));
    const listed = (await c.cognito.send(new ListUsersCommand({ UserPoolId: p.Id }))).Users ?? [];
    users.push(...listed.map((u) => u.Username!));
    userStatuses.push(...listed.map((u) => u.UserStatus ?? ''));
  }
  const logGroups = (await c.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: `/aws/lambda/${stack}-lambda` }))).logGroups?.filter((g) => g.logGroupName === `/aws/lambda/${stack}-lambda`) ?? [];
  return {
    roles: roles.length, logGroups: logGroups.length, functions: functions.length, apis: apis.length, authorizers, methodsWithScopes, stages, pools: pools.length, domains, resourceServers, clients, users, userStatuses, deployments,
    ids: { roles: roles.map((r) => r.RoleName!), functions: functions.map((f) => f.FunctionName!), apis: apis.map((a) => a.id!), authorizers: authorizerIds, pools: pools.map((p) => p.Id!), clients: clientIds },
  };
}
