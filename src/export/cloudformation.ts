// `export cloudformation`: the live stack as a CloudFormation template, and (with --import) what
// CloudFormation needs to take the live resources over in place. Pure: a model of what was read
// live goes in (src/export/live.ts reads it), a template and an import plan come out.
//
// Names are written relative to a `StackName` parameter (default: this stack's name), so the
// same template deploys a twin under another name. No secret is in the template: Cognito
// generates each client's secret. Users are not template resources.
import type { ExportModel } from './model.js';
import { LOGICAL, Namer, subLiteral } from './names.js';
import type { YamlValue } from './yaml.js';

export type { ExportModel, ImportEntry, NotImported, CloudFormationExport } from './model.js';
export { LOGICAL, Namer } from './names.js';

type Doc = { [key: string]: YamlValue };
const ref = (name: string): Doc => ({ Ref: name });
const sub = (s: string): Doc => ({ 'Fn::Sub': s });
const getAtt = (res: string, attr: string): Doc => ({ 'Fn::GetAtt': [res, attr] });

/** Where a scope string names the resource server's identifier, refer to it (so the client waits for it). */
function scopeValue(scope: string, rs: ExportModel['resourceServer'], namer: Namer): YamlValue {
  if (scope.startsWith(`${rs.identifier}/`)) {
    const id = namer.name(rs.identifier);
    const rest = subLiteral(scope.slice(rs.identifier.length));
    return typeof id === 'string' ? scope : sub(`${(id as Doc)['Fn::Sub'] as string}${rest}`);
  }
  return scope;
}

function resourceIdRef(m: ExportModel, id: string): YamlValue {
  if (id === m.api.rootResourceId) return getAtt(LOGICAL.api, 'RootResourceId');
  const r = m.resources.find((x) => x.id === id);
  if (!r) throw new Error(`API resource ${id} is not in the model`);
  return ref(LOGICAL.resource(r.path));
}

/** The method's integration URI with the function and partition/region as references. */
function integrationUri(m: ExportModel, uri: string): YamlValue {
  const fnArnPattern = /^arn:([^:]+):apigateway:([^:]+):lambda:path\/2015-03-31\/functions\/(arn:[^/]+)\/invocations$/;
  const hit = uri.match(fnArnPattern);
  if (hit && hit[3]!.endsWith(`:function:${m.fn.name}`)) {
    return sub('arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${' + LOGICAL.fn + '.Arn}/invocations');
  }
  return uri;
}

/** A permission's SourceArn with the API, account, region and partition as references. */
function sourceArn(m: ExportModel, arn: string): YamlValue {
  const hit = arn.match(/^arn:[^:]+:execute-api:[^:]+:[^:]+:([^/]+)(\/.*)$/);
  if (hit && hit[1] === m.api.id) {
    return sub('arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${' + LOGICAL.api + '}' + subLiteral(hit[2]!));
  }
  return arn;
}

export function buildTemplate(m: ExportModel, o: { retain?: boolean } = {}): { template: Doc; comments: string[] } {
  const namer = new Namer(m.stack, m.region);
  const resources: Doc = {};
  const retain: Doc = o.retain ? { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' } : {};
  const add = (logicalId: string, type: string, properties: Doc, extra: Doc = {}) => {
    resources[logicalId] = { Type: type, ...retain, ...extra, Properties: properties };
  };

  add(LOGICAL.role, 'AWS::IAM::Role', {
    RoleName: namer.name(m.role.name),
    AssumeRolePolicyDocument: m.role.assumeRolePolicy,
    ManagedPolicyArns: m.role.managedPolicyArns.map((a) => (a.startsWith('arn:aws:iam::aws:policy/') ? sub(`arn:\${AWS::Partition}${a.slice('arn:aws'.length)}`) : a)),
  });
  if (m.logGroup) {
    add(LOGICAL.logGroup, 'AWS::Logs::LogGroup', {
      LogGroupName: namer.name(m.logGroup.name),
      ...(m.logGroup.retentionInDays ? { RetentionInDays: m.logGroup.retentionInDays } : {}),
    });
  }
  const node = m.fn.runtime.startsWith('nodejs');
  const inline = m.fn.inlineSource !== undefined;
  add(
    LOGICAL.fn,
    'AWS::Lambda::Function',
    {
      FunctionName: namer.name(m.fn.name),
      Runtime: m.fn.runtime,
      // Inline code lands in index.py / index.js, so the handler's module is "index".
      Handler: inline ? `index.${m.fn.handler.split('.').pop()}` : m.fn.handler,
      Role: getAtt(LOGICAL.role, 'Arn'),
      Code: inline ? { ZipFile: node ? toCommonJs(m.fn.inlineSource!) : m.fn.inlineSource! } : { S3Bucket: ref('CodeS3Bucket'), S3Key: ref('CodeS3Key') },
      ...(m.fn.description ? { Description: m.fn.description } : {}),
      ...(m.fn.timeout ? { Timeout: m.fn.timeout } : {}),
      ...(m.fn.memorySize ? { MemorySize: m.fn.memorySize } : {}),
    },
    m.logGroup ? { DependsOn: [LOGICAL.logGroup] } : {},
  );

  add(LOGICAL.api, 'AWS::ApiGateway::RestApi', {
    Name: namer.name(m.api.name),
    ...(m.api.description ? { Description: m.api.description } : {}),
    EndpointConfiguration: { Types: m.api.endpointTypes },
  });
  for (const r of m.resources) {
    add(LOGICAL.resource(r.path), 'AWS::ApiGateway::Resource', {
      RestApiId: ref(LOGICAL.api),
      ParentId: resourceIdRef(m, r.parentId),
      PathPart: r.pathPart,
    });
  }
  m.authorizers.forEach((a, i) => {
    add(LOGICAL.authorizer(i), 'AWS::ApiGateway::Authorizer', {
      RestApiId: ref(LOGICAL.api),
      Name: namer.name(a.name),
      Type: 'COGNITO_USER_POOLS',
      ...(a.identitySource ? { IdentitySource: a.identitySource } : {}),
      ProviderARNs: a.providerArns.map((arn) => (arn === m.userPool.arn ? getAtt(LOGICAL.userPool, 'Arn') : arn)),
    });
  });
  const methodIds: string[] = [];
  for (const meth of m.methods) {
    const id = LOGICAL.method(meth.httpMethod, meth.path);
    methodIds.push(id);
    const authIndex = m.authorizers.findIndex((a) => a.id === meth.authorizerId);
    add(id, 'AWS::ApiGateway::Method', {
      RestApiId: ref(LOGICAL.api),
      ResourceId: resourceIdRef(m, meth.resourceId),
      HttpMethod: meth.httpMethod,
      AuthorizationType: meth.authorizationType,
      ...(authIndex >= 0 ? { AuthorizerId: ref(LOGICAL.authorizer(authIndex)) } : {}),
      ...(meth.scopes.length ? { AuthorizationScopes: meth.scopes.map((s) => scopeValue(s, m.resourceServer, namer)) } : {}),
      ...(meth.integration
        ? { Integration: { Type: meth.integration.type, IntegrationHttpMethod: meth.integration.httpMethod, Uri: integrationUri(m, meth.integration.uri) } }
        : {}),
    });
  }
  m.permissions.forEach((p, i) => {
    add(LOGICAL.permission(i), 'AWS::Lambda::Permission', {
      FunctionName: getAtt(LOGICAL.fn, 'Arn'),
      Action: p.action,
      Principal: p.principal,
      SourceArn: sourceArn(m, p.sourceArn),
    });
  });
  // A deployment snapshots the methods that exist when it is made: it must come after them.
  add(LOGICAL.deployment, 'AWS::ApiGateway::Deployment', { RestApiId: ref(LOGICAL.api), Description: 'cognito-scope-setup export' }, { DependsOn: methodIds });
  add(LOGICAL.stage, 'AWS::ApiGateway::Stage', { RestApiId: ref(LOGICAL.api), StageName: m.stage.name, DeploymentId: ref(LOGICAL.deployment) });

  const pool = m.userPool;
  add(LOGICAL.userPool, 'AWS::Cognito::UserPool', {
    UserPoolName: namer.name(pool.name),
    ...(pool.tier ? { UserPoolTier: pool.tier } : {}),
    ...(pool.mfa ? { MfaConfiguration: pool.mfa } : {}),
    ...(pool.autoVerifiedAttributes?.length ? { AutoVerifiedAttributes: pool.autoVerifiedAttributes } : {}),
    ...(pool.recoveryMechanisms?.length ? { AccountRecoverySetting: { RecoveryMechanisms: pool.recoveryMechanisms } } : {}),
    ...(pool.allowAdminCreateUserOnly !== undefined ? { AdminCreateUserConfig: { AllowAdminCreateUserOnly: pool.allowAdminCreateUserOnly } } : {}),
    ...(pool.caseSensitive !== undefined ? { UsernameConfiguration: { CaseSensitive: pool.caseSensitive } } : {}),
    ...(pool.deletionProtection ? { DeletionProtection: pool.deletionProtection } : {}),
  });
  if (m.domain) {
    add(LOGICAL.domain, 'AWS::Cognito::UserPoolDomain', {
      UserPoolId: ref(LOGICAL.userPool),
      Domain: namer.name(m.domain.prefix),
      ...(m.domain.managedLoginVersion ? { ManagedLoginVersion: m.domain.managedLoginVersion } : {}),
    });
  }
  add(LOGICAL.resourceServer, 'AWS::Cognito::UserPoolResourceServer', {
    UserPoolId: ref(LOGICAL.userPool),
    Identifier: namer.name(m.resourceServer.identifier),
    Name: namer.name(m.resourceServer.name),
    Scopes: m.resourceServer.scopes.map((s) => ({ ScopeName: s.name, ScopeDescription: s.description })),
  });
  m.clients.forEach((c, i) => {
    const usesServer = c.scopes.some((s) => s.startsWith(`${m.resourceServer.identifier}/`));
    add(
      LOGICAL.client(c, i),
      'AWS::Cognito::UserPoolClient',
      {
        UserPoolId: ref(LOGICAL.userPool),
        ClientName: namer.name(c.name),
        GenerateSecret: c.generateSecret,
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthFlows: c.flows,
        AllowedOAuthScopes: c.scopes.map((s) => scopeValue(s, m.resourceServer, namer)),
        SupportedIdentityProviders: c.identityProviders,
        ...(c.callbackUrls.length ? { CallbackURLs: c.callbackUrls } : {}),
        ...(c.logoutUrls.length ? { LogoutURLs: c.logoutUrls } : {}),
        ...(c.explicitAuthFlows.length ? { ExplicitAuthFlows: c.explicitAuthFlows } : {}),
      },
      // A client may list a custom scope only once its resource server exists.
      usesServer ? { DependsOn: [LOGICAL.resourceServer] } : {},
    );
  });

  const parameters: Doc = {
    StackName: {
      Type: 'String',
      Default: m.stack,
      AllowedPattern: '^[a-z][a-z0-9-]{0,30}[a-z0-9]$|^[a-z]$',
      Description: 'Every resource is named after it (as cognito-scope-setup --stack does). Another value deploys a twin.',
    },
  };
  if (!inline) {
    parameters.CodeS3Bucket = { Type: 'String', Description: `S3 bucket holding the zip of the function's code (aws lambda get-function --function-name ${m.fn.name} gives a download link)` };
    parameters.CodeS3Key = { Type: 'String', Description: "S3 key of the function's code zip" };
  }

  const outputs: Doc = {
    InvokeUrl: { Description: 'The API stage URL (note the trailing slash)', Value: sub('https://${' + LOGICAL.api + '}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${' + LOGICAL.stage + '}/') },
  };
  if (m.domain) {
    const base = 'https://${' + LOGICAL.domain + '}.auth.${AWS::Region}.amazoncognito.com';
    outputs.HostedUiDomain = { Description: 'Cognito hosted UI domain', Value: sub(base) };
    outputs.AuthorizeUrl = { Description: 'OAuth 2.0 authorize endpoint', Value: sub(`${base}/oauth2/authorize`) };
    outputs.TokenUrl = { Description: 'OAuth 2.0 token endpoint', Value: sub(`${base}/oauth2/token`) };
  }
  outputs.UserPoolId = { Value: ref(LOGICAL.userPool) };
  m.clients.forEach((c, i) => {
    const id = LOGICAL.client(c, i);
    outputs[`${id}Id`] = { Description: `${c.m2m ? 'M2M (client_credentials)' : 'App'} client id; its secret: aws cognito-idp describe-user-pool-client`, Value: ref(id) };
  });
  outputs.Scopes = {
    Description: 'The custom scopes, as clients ask for them',
    Value: { 'Fn::Join': [' ', m.resourceServer.scopes.map((s) => scopeValue(`${m.resourceServer.identifier}/${s.name}`, m.resourceServer, namer))] },
  };

  const template: Doc = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `${m.stack}: a REST API protected by a Cognito user pool and custom OAuth scopes (exported by cognito-scope-setup)`,
    Parameters: parameters,
    Resources: resources,
    Outputs: outputs,
  };
  const comments = [
    `Exported by cognito-scope-setup from the live stack "${m.stack}" in ${m.region}.`,
    'Deploy a twin: aws cloudformation deploy --template-file <this file> --stack-name <name> --parameter-overrides StackName=<name> --capabilities CAPABILITY_NAMED_IAM',
    'No secret is in this template: Cognito generates each app client secret.',
    'Users are not template resources (CloudFormation would keep their passwords in the template);',
    m.users.length
      ? `this stack's users (${m.users.join(', ')}) are recreated with: aws cognito-idp admin-create-user --user-pool-id <pool> --username <name> --message-action SUPPRESS, then admin-set-user-password --permanent.`
      : 'create them with: aws cognito-idp admin-create-user --message-action SUPPRESS, then admin-set-user-password --permanent.',
  ];
  return { template, comments };
}

/** The tutorial's Node handler is an ES module (index.mjs); inline code is written to index.js, CommonJS. */
function toCommonJs(src: string): string {
  return src.replace(/^export const (\w+) = /m, 'exports.$1 = ');
}
