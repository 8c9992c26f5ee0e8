// An independent look at the emulator with plain SDK clients: how many of each of a stack's
// resources exist. Used to prove "exactly one of each" after init and "none" after destroy.
import { APIGatewayClient, GetAuthorizersCommand, GetMethodCommand, GetResourcesCommand, GetRestApisCommand, GetStagesCommand } from '@aws-sdk/client-api-gateway';
import {
  CognitoIdentityProviderClient,
  DescribeUserPoolCommand,
  ListResourceServersCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';

export function sdkClients(endpoint: string, region = 'us-east-1') {
  const cfg = { endpoint, region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  return {
    iam: new IAMClient(cfg),
    lambda: new LambdaClient(cfg),
    apigw: new APIGatewayClient(cfg),
    cognito: new CognitoIdentityProviderClient(cfg),
  };
}

export interface Inventory {
  roles: number;
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
}

export async function inventory(endpoint: string, stack: string): Promise<Inventory> {
  const c = sdkClients(endpoint);
  const roles = (await c.iam.send(new ListRolesCommand({ MaxItems: 1000 }))).Roles?.filter((r) => r.RoleName === `${stack}-lambda-role`) ?? [];
  const functions = (await c.lambda.send(new ListFunctionsCommand({ MaxItems: 1000 }))).Functions?.filter((f) => f.FunctionName === `${stack}-lambda`) ?? [];
  const apis = (await c.apigw.send(new GetRestApisCommand({ limit: 500 }))).items?.filter((a) => a.name === `${stack}-api`) ?? [];
  let authorizers = 0;
  const methodsWithScopes: string[][] = [];
  const stages: string[] = [];
  for (const a of apis) {
    authorizers += (await c.apigw.send(new GetAuthorizersCommand({ restApiId: a.id }))).items?.length ?? 0;
    const root = (await c.apigw.send(new GetResourcesCommand({ restApiId: a.id }))).items?.find((r) => r.path === '/');
    const m = await c.apigw.send(new GetMethodCommand({ restApiId: a.id, resourceId: root!.id, httpMethod: 'GET' })).catch(() => undefined);
    if (m) methodsWithScopes.push(m.authorizationScopes ?? []);
    stages.push(...((await c.apigw.send(new GetStagesCommand({ restApiId: a.id }))).item?.map((s) => s.stageName!) ?? []));
  }
  const pools = (await c.cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools?.filter((p) => p.Name === `${stack}-user-pool`) ?? [];
  const domains: string[] = [];
  const resourceServers: string[] = [];
  const users: string[] = [];
  const userStatuses: string[] = [];
  let clients = 0;
  for (const p of pools) {
    const d = (await c.cognito.send(new DescribeUserPoolCommand({ UserPoolId: p.Id }))).UserPool?.Domain;
    if (d) domains.push(d);
    resourceServers.push(...((await c.cognito.send(new ListResourceServersCommand({ UserPoolId: p.Id, MaxResults: 50 }))).ResourceServers?.map((r) => r.Identifier!) ?? []));
    clients += (await c.cognito.send(new ListUserPoolClientsCommand({ UserPoolId: p.Id, MaxResults: 60 }))).UserPoolClients?.length ?? 0;
    const listed = (await c.cognito.send(new ListUsersCommand({ UserPoolId: p.Id }))).Users ?? [];
    users.push(...listed.map((u) => u.Username!));
    userStatuses.push(...listed.map((u) => u.UserStatus ?? ''));
  }
  return { roles: roles.length, functions: functions.length, apis: apis.length, authorizers, methodsWithScopes, stages, pools: pools.length, domains, resourceServers, clients, users, userStatuses };
}
