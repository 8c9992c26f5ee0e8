// `export cloudformation`: the live stack as a CloudFormation template, and (with --import) what
// CloudFormation needs to take the live resources over in place. Pure: a model of what was read
// live goes in (src/export/live.ts reads it), a template and an import plan come out.
//
// Names are written relative to a `StackName` parameter (default: this stack's name), so the
// same template deploys a twin under another name. No secret is in the template: Cognito
// generates each client's secret. Users are not template resources.
import type { YamlValue } from './yaml.js';

export const TAG_NOTE = 'cognito-scope-setup:stack';

export interface ExportModel {
  stack: string;
  region: string;
  role: { name: string; assumeRolePolicy: YamlValue; managedPolicyArns: string[] };
  logGroup?: { name: string; retentionInDays?: number };
  fn: {
    name: string;
    runtime: string;
    handler: string;
    timeout?: number;
    memorySize?: number;
    description?: string;
    /** The tutorial's handler source, when the live code is exactly it: written inline. */
    inlineSource?: string;
  };
  api: { id: string; name: string; rootResourceId: string; endpointTypes: string[]; description?: string };
  /** Every resource of the API but the root, parents before children. */
  resources: { id: string; path: string; parentId: string; pathPart: string }[];
  methods: {
    resourceId: string;
    path: string;
    httpMethod: string;
    authorizerId?: string;
    authorizationType: string;
    scopes: string[];
    integration?: { type: string; httpMethod: string; uri: string };
  }[];
  authorizers: { id: string; name: string; identitySource?: string; providerArns: string[] }[];
  stage: { name: string; deploymentId: string };
  /** Lambda resource-policy statements that let this API invoke the function. */
  permissions: { sid: string; sourceArn: string; principal: string; action: string }[];
  userPool: {
    id: string;
    arn: string;
    name: string;
    tier?: string;
    mfa?: string;
    autoVerifiedAttributes?: string[];
    recoveryMechanisms?: { Name: string; Priority: number }[];
    allowAdminCreateUserOnly?: boolean;
    caseSensitive?: boolean;
    deletionProtection?: string;
  };
  domain?: { prefix: string; managedLoginVersion?: number };
  resourceServer: { identifier: string; name: string; scopes: { name: string; description: string }[] };
  clients: {
    id: string;
    name: string;
    generateSecret: boolean;
    flows: string[];
    scopes: string[];
    callbackUrls: string[];
    logoutUrls: string[];
    identityProviders: string[];
    explicitAuthFlows: string[];
    m2m: boolean;
  }[];
  /** Users of the pool (names only): not template resources, listed in a comment. */
  users: string[];
}

export interface ImportEntry {
  ResourceType: string;
  LogicalResourceId: string;
  ResourceIdentifier: Record<string, string>;
}

export interface NotImported {
  logicalId: string;
  type: string;
  live: string;
  reason: string;
  todo: string;
}

export interface CloudFormationExport {
  /** The template of the live stack (deploys a twin; with --import, every resource retained). */
  template: { [key: string]: YamlValue };
  comments: string[];
  /** With --import: the first change set's template (only what is imported, no Outputs). */
  importTemplate?: { [key: string]: YamlValue };
  resourcesToImport?: ImportEntry[];
  notImported?: NotImported[];
}

type Doc = { [key: string]: YamlValue };
const ref = (name: string): Doc => ({ Ref: name });
const sub = (s: string): Doc => ({ 'Fn::Sub': s });
const getAtt = (res: string, attr: string): Doc => ({ 'Fn::GetAtt': [res, attr] });

/** CloudFormation logical ids: alphanumeric. */
function logicalPart(s: string): string {
  const words = s.replace(/\{([^}]+)\}/g, 'By $1').split(/[^A-Za-z0-9]+/).filter(Boolean);
  return words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('') || 'Root';
}

/** Escape a literal for Fn::Sub (a "${" in it would be read as a variable). */
const subLiteral = (s: string): string => s.replace(/\$\{/g, '${!');

export class Namer {
  constructor(
    private readonly stack: string,
    private readonly region: string,
  ) {}

  /**
   * A live name as a Fn::Sub of ${StackName} (and ${AWS::Region}), or the literal when neither is
   * in it. The stack name counts where a name or a path segment starts with it ("demo-lambda",
   * "/aws/lambda/demo-lambda"), not inside another word.
   */
  name(live: string): YamlValue {
    const esc = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    let s = subLiteral(live);
    const stackAt = new RegExp(`(^|/)${esc(this.stack)}(?=-|/|$)`, 'g');
    const regionAt = new RegExp(esc(this.region), 'g');
    const dynamic = stackAt.test(s) || regionAt.test(s);
    if (!dynamic) return live;
    s = s.replace(stackAt, '$1${StackName}').replace(regionAt, '${AWS::Region}');
    return sub(s);
  }
}

export interface LogicalIds {
  role: string;
  logGroup: string;
  fn: string;
  api: string;
  stage: string;
  deployment: string;
  userPool: string;
  domain: string;
  resourceServer: string;
  resource(path: string): string;
  method(httpMethod: string, path: string): string;
  authorizer(index: number): string;
  permission(index: number): string;
  client(c: { m2m: boolean }, index: number): string;
}

export const LOGICAL: LogicalIds = {
  role: 'LambdaRole',
  logGroup: 'LambdaLogGroup',
  fn: 'HelloFunction',
  api: 'RestApi',
  stage: 'Stage',
  deployment: 'Deployment',
  userPool: 'UserPool',
  domain: 'UserPoolDomain',
  resourceServer: 'ResourceServer',
  resource: (path) => `Resource${logicalPart(path)}`,
  method: (m, path) => `Method${logicalPart(m.toLowerCase())}${path === '/' ? 'Root' : logicalPart(path)}`,
  authorizer: (i) => (i === 0 ? 'Authorizer' : `Authorizer${i + 1}`),
  permission: (i) => (i === 0 ? 'InvokePermission' : `InvokePermission${i + 1}`),
  client: (c, i) => (c.m2m ? 'M2mClient' : i === 0 ? 'AppClient' : `AppClient${i + 1}`),
};

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

// What CloudFormation can import, and the identifier it takes (each type's primaryIdentifier in
// its registry schema). AWS::Lambda::Permission has no import support: "The following resource
// types are not supported for resource import: AWS::Lambda::Permission".
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resource-import-supported-resources.html
type Identify = (m: ExportModel, logicalId: string) => Record<string, string> | undefined;

export function buildImport(m: ExportModel): { importTemplate: Doc; resourcesToImport: ImportEntry[]; notImported: NotImported[]; template: Doc; comments: string[] } {
  const { template, comments } = buildTemplate(m, { retain: true });
  const resources = template.Resources as Doc;
  const identify: Record<string, Identify> = {
    'AWS::IAM::Role': () => ({ RoleName: m.role.name }),
    'AWS::Logs::LogGroup': () => ({ LogGroupName: m.logGroup!.name }),
    'AWS::Lambda::Function': () => ({ FunctionName: m.fn.name }),
    'AWS::ApiGateway::RestApi': () => ({ RestApiId: m.api.id }),
    'AWS::ApiGateway::Resource': (_, lid) => {
      const r = m.resources.find((x) => LOGICAL.resource(x.path) === lid)!;
      return { RestApiId: m.api.id, ResourceId: r.id };
    },
    'AWS::ApiGateway::Method': (_, lid) => {
      const meth = m.methods.find((x) => LOGICAL.method(x.httpMethod, x.path) === lid)!;
      return { RestApiId: m.api.id, ResourceId: meth.resourceId, HttpMethod: meth.httpMethod };
    },
    'AWS::ApiGateway::Authorizer': (_, lid) => {
      const i = m.authorizers.findIndex((_a, j) => LOGICAL.authorizer(j) === lid);
      return { RestApiId: m.api.id, AuthorizerId: m.authorizers[i]!.id };
    },
    'AWS::ApiGateway::Deployment': () => ({ DeploymentId: m.stage.deploymentId, RestApiId: m.api.id }),
    'AWS::ApiGateway::Stage': () => ({ RestApiId: m.api.id, StageName: m.stage.name }),
    'AWS::Cognito::UserPool': () => ({ UserPoolId: m.userPool.id }),
    'AWS::Cognito::UserPoolDomain': () => ({ UserPoolId: m.userPool.id, Domain: m.domain!.prefix }),
    'AWS::Cognito::UserPoolResourceServer': () => ({ UserPoolId: m.userPool.id, Identifier: m.resourceServer.identifier }),
    'AWS::Cognito::UserPoolClient': (_, lid) => {
      const i = m.clients.findIndex((c, j) => LOGICAL.client(c, j) === lid);
      return { UserPoolId: m.userPool.id, ClientId: m.clients[i]!.id };
    },
  };
  const resourcesToImport: ImportEntry[] = [];
  const notImported: NotImported[] = [];
  const importResources: Doc = {};
  for (const [logicalId, def] of Object.entries(resources)) {
    const type = (def as Doc).Type as string;
    const id = identify[type]?.(m, logicalId);
    if (id) {
      resourcesToImport.push({ ResourceType: type, LogicalResourceId: logicalId, ResourceIdentifier: id });
      importResources[logicalId] = def;
    } else if (type === 'AWS::Lambda::Permission') {
      const p = m.permissions[m.permissions.findIndex((_p, j) => LOGICAL.permission(j) === logicalId)]!;
      notImported.push({
        logicalId,
        type,
        live: `statement ${p.sid} on ${m.fn.name}`,
        reason: 'CloudFormation cannot import AWS::Lambda::Permission',
        todo: `the stack update after the import creates it as a new statement; then remove the old one: aws lambda remove-permission --function-name ${m.fn.name} --statement-id ${p.sid}`,
      });
    } else {
      throw new Error(`no import identifier for ${type} (${logicalId})`);
    }
  }
  // An import may add only the resources it imports, and no Outputs
  // (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resource-import-existing-stack.html):
  // the permission(s) and Outputs come with the update that follows.
  const importTemplate = structuredClone({ ...template, Resources: importResources }) as Doc;
  delete importTemplate.Outputs;
  // A DependsOn may name only resources of the template.
  for (const def of Object.values(importTemplate.Resources as Doc) as Doc[]) {
    if (Array.isArray(def.DependsOn)) {
      const kept = def.DependsOn.filter((d) => typeof d === 'string' && d in importResources);
      if (kept.length) def.DependsOn = kept;
      else delete def.DependsOn;
    }
  }
  return { importTemplate, resourcesToImport, notImported, template, comments };
}
