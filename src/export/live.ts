// Reads the live stack into the export model: every property the template carries comes from
// what AWS answers now (Describe/Get calls, all in one concurrent wave per service), not from
// what the inputs asked for, so the template describes what is there. The ids come from the
// status read the command made first (which also proved the stack is ours and in sync).
import { GetAuthorizersCommand, GetMethodCommand, GetResourcesCommand, GetRestApiCommand, GetStageCommand, type Resource } from '@aws-sdk/client-api-gateway';
import {
  DescribeResourceServerCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  DescribeUserPoolDomainCommand,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetRoleCommand, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import { GetFunctionCommand, GetPolicyCommand } from '@aws-sdk/client-lambda';
import type { AwsClients } from '../aws/clients.js';
import { orAbsent } from '../aws/errors.js';
import { lambdaCode, NODE_HANDLER, PYTHON_HANDLER } from '../steps/lambda-code.js';
import type { YamlValue } from './yaml.js';
import type { ExportModel } from './cloudformation.js';

export interface LiveIds {
  stack: string;
  region: string;
  roleName: string;
  functionName: string;
  apiId: string;
  stage: string;
  userPoolId: string;
  resourceServerId: string;
  clientIds: { id: string; m2m: boolean }[];
  logGroupName?: string;
}

const types = (v: unknown): string[] => (Array.isArray(v) ? v : v && typeof v === 'object' ? Object.values(v) : []).map(String);

interface Statement {
  Sid?: string;
  Action?: string | string[];
  Principal?: { Service?: string } | string;
  Condition?: { ArnLike?: Record<string, string> };
}

export async function readLiveModel(aws: AwsClients, ids: LiveIds, extra: { readLogGroup?: (name: string) => Promise<{ name: string; retentionInDays?: number } | undefined> } = {}): Promise<ExportModel> {
  const [iam, lambda, apigw, cognito] = await Promise.all([aws.iam(), aws.lambda(), aws.apigw(), aws.cognito()]);
  const [role, attached, fn, policy, api, resources, authorizers, stage, pool, rs, clients, users, logGroup] = await Promise.all([
    iam.send(new GetRoleCommand({ RoleName: ids.roleName })),
    iam.send(new ListAttachedRolePoliciesCommand({ RoleName: ids.roleName })),
    lambda.send(new GetFunctionCommand({ FunctionName: ids.functionName })),
    orAbsent(lambda.send(new GetPolicyCommand({ FunctionName: ids.functionName }))),
    apigw.send(new GetRestApiCommand({ restApiId: ids.apiId })),
    allResources(aws, ids.apiId),
    apigw.send(new GetAuthorizersCommand({ restApiId: ids.apiId, limit: 500 })),
    apigw.send(new GetStageCommand({ restApiId: ids.apiId, stageName: ids.stage })),
    cognito.send(new DescribeUserPoolCommand({ UserPoolId: ids.userPoolId })),
    cognito.send(new DescribeResourceServerCommand({ UserPoolId: ids.userPoolId, Identifier: ids.resourceServerId })),
    Promise.all(ids.clientIds.map(async (c) => ({ m2m: c.m2m, c: (await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: ids.userPoolId, ClientId: c.id }))).UserPoolClient! }))),
    allUsers(aws, ids.userPoolId),
    ids.logGroupName && extra.readLogGroup ? extra.readLogGroup(ids.logGroupName) : Promise.resolve(undefined),
  ]);
  const root = resources.find((r) => r.path === '/');
  if (!root?.id) throw new Error(`REST API ${ids.apiId} has no root resource`);
  const byId = new Map(resources.map((r) => [r.id!, r]));
  const methodsOf = resources.flatMap((r) => Object.keys(r.resourceMethods ?? {}).map((m) => ({ r, m })));
  const methods = await Promise.all(
    methodsOf.map(async ({ r, m }) => {
      const got = await apigw.send(new GetMethodCommand({ restApiId: ids.apiId, resourceId: r.id!, httpMethod: m }));
      const i = got.methodIntegration;
      return {
        resourceId: r.id!,
        path: r.path!,
        httpMethod: m,
        authorizationType: got.authorizationType ?? 'NONE',
        ...(got.authorizerId ? { authorizerId: got.authorizerId } : {}),
        scopes: got.authorizationScopes ?? [],
        ...(i?.type ? { integration: { type: i.type, httpMethod: i.httpMethod ?? 'POST', uri: i.uri ?? '' } } : {}),
      };
    }),
  );
  const domainPrefix = pool.UserPool?.Domain;
  const domain = domainPrefix ? (await cognito.send(new DescribeUserPoolDomainCommand({ Domain: domainPrefix }))).DomainDescription : undefined;

  const conf = fn.Configuration!;
  const runtime = conf.Runtime ?? '';
  const tutorial = lambdaCode(runtime);
  const inlineSource = conf.CodeSha256 === tutorial.sha256 ? (runtime.startsWith('python') ? PYTHON_HANDLER : NODE_HANDLER) : undefined;

  const statements: Statement[] = policy?.Policy ? (JSON.parse(policy.Policy).Statement ?? []) : [];
  const permissions = statements
    .filter((s) => (typeof s.Principal === 'object' ? s.Principal.Service : s.Principal) === 'apigateway.amazonaws.com')
    .map((s) => ({
      sid: s.Sid ?? '',
      sourceArn: s.Condition?.ArnLike?.['AWS:SourceArn'] ?? '',
      principal: 'apigateway.amazonaws.com',
      action: Array.isArray(s.Action) ? s.Action[0]! : (s.Action ?? 'lambda:InvokeFunction'),
    }))
    .filter((p) => p.sourceArn.includes(`:${ids.apiId}/`));

  const p = pool.UserPool!;
  const model: ExportModel = {
    stack: ids.stack,
    region: ids.region,
    role: {
      name: ids.roleName,
      assumeRolePolicy: JSON.parse(decodeURIComponent(role.Role!.AssumeRolePolicyDocument ?? '%7B%7D')) as YamlValue,
      managedPolicyArns: (attached.AttachedPolicies ?? []).map((x) => x.PolicyArn!).filter(Boolean),
    },
    ...(logGroup ? { logGroup } : {}),
    fn: {
      name: ids.functionName,
      runtime,
      handler: conf.Handler ?? '',
      ...(conf.Timeout ? { timeout: conf.Timeout } : {}),
      ...(conf.MemorySize ? { memorySize: conf.MemorySize } : {}),
      ...(conf.Description ? { description: conf.Description } : {}),
      ...(inlineSource ? { inlineSource } : {}),
    },
    api: {
      id: ids.apiId,
      name: api.name ?? '',
      rootResourceId: root.id,
      endpointTypes: types(api.endpointConfiguration?.types),
      ...(api.description ? { description: api.description } : {}),
    },
    resources: resources
      .filter((r) => r.id !== root.id)
      .sort((a, b) => a.path!.split('/').length - b.path!.split('/').length || a.path!.localeCompare(b.path!))
      .map((r) => ({ id: r.id!, path: r.path!, parentId: r.parentId!, pathPart: r.pathPart ?? byId.get(r.id!)?.pathPart ?? '' })),
    methods: methods.sort((a, b) => a.path.localeCompare(b.path) || a.httpMethod.localeCompare(b.httpMethod)),
    authorizers: (authorizers.items ?? [])
      .filter((a) => a.type === 'COGNITO_USER_POOLS')
      .map((a) => ({ id: a.id!, name: a.name ?? '', ...(a.identitySource ? { identitySource: a.identitySource } : {}), providerArns: a.providerARNs ?? [] })),
    stage: { name: ids.stage, deploymentId: stage.deploymentId! },
    permissions,
    userPool: {
      id: ids.userPoolId,
      arn: p.Arn!,
      name: p.Name!,
      ...(p.UserPoolTier ? { tier: p.UserPoolTier } : {}),
      ...(p.MfaConfiguration ? { mfa: p.MfaConfiguration } : {}),
      ...(p.AutoVerifiedAttributes?.length ? { autoVerifiedAttributes: p.AutoVerifiedAttributes } : {}),
      ...(p.AccountRecoverySetting?.RecoveryMechanisms?.length
        ? { recoveryMechanisms: p.AccountRecoverySetting.RecoveryMechanisms.map((r) => ({ Name: r.Name!, Priority: r.Priority! })) }
        : {}),
      ...(p.AdminCreateUserConfig?.AllowAdminCreateUserOnly !== undefined ? { allowAdminCreateUserOnly: p.AdminCreateUserConfig.AllowAdminCreateUserOnly } : {}),
      ...(p.UsernameConfiguration?.CaseSensitive !== undefined ? { caseSensitive: p.UsernameConfiguration.CaseSensitive } : {}),
      ...(p.DeletionProtection ? { deletionProtection: p.DeletionProtection } : {}),
    },
    ...(domainPrefix ? { domain: { prefix: domainPrefix, ...(domain?.ManagedLoginVersion ? { managedLoginVersion: domain.ManagedLoginVersion } : {}) } } : {}),
    resourceServer: {
      identifier: rs.ResourceServer!.Identifier!,
      name: rs.ResourceServer!.Name!,
      scopes: (rs.ResourceServer!.Scopes ?? []).map((s) => ({ name: s.ScopeName!, description: s.ScopeDescription! })),
    },
    clients: clients.map(({ m2m, c }) => ({
      id: c.ClientId!,
      name: c.ClientName!,
      generateSecret: Boolean(c.ClientSecret),
      flows: c.AllowedOAuthFlows ?? [],
      scopes: c.AllowedOAuthScopes ?? [],
      callbackUrls: c.CallbackURLs ?? [],
      logoutUrls: c.LogoutURLs ?? [],
      identityProviders: c.SupportedIdentityProviders ?? [],
      explicitAuthFlows: c.ExplicitAuthFlows ?? [],
      m2m,
    })),
    users,
  };
  return model;
}

/** Every user's name: ListUsers answers at most 60 per page. */
async function allUsers(aws: AwsClients, UserPoolId: string): Promise<string[]> {
  const cognito = await aws.cognito();
  const out: string[] = [];
  let PaginationToken: string | undefined;
  do {
    const page = await cognito.send(new ListUsersCommand({ UserPoolId, Limit: 60, PaginationToken }));
    out.push(...(page.Users ?? []).map((u) => u.Username ?? '').filter(Boolean));
    PaginationToken = page.PaginationToken;
  } while (PaginationToken);
  return out;
}

async function allResources(aws: AwsClients, restApiId: string): Promise<Resource[]> {
  const apigw = await aws.apigw();
  const out: Resource[] = [];
  let position: string | undefined;
  do {
    const page = await apigw.send(new GetResourcesCommand({ restApiId, limit: 500, position }));
    out.push(...(page.items ?? []));
    position = page.position;
  } while (position);
  return out;
}
