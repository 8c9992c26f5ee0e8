// The template and import plan from a model of the live stack: names relative to StackName,
// references instead of ids, every resource retained for an import, the identifiers
// CloudFormation's schemas name, and what cannot be imported listed with what to do.
import { describe, expect, it } from 'vitest';
import { buildTemplate, Namer, type ExportModel } from '../../../src/export/cloudformation.js';
import { buildImport } from '../../../src/export/import.js';
import { toYaml } from '../../../src/export/yaml.js';
import { handOverCommands } from '../../../src/commands/export-cloudformation.js';

const ARN_POOL = 'arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_abc';

function model(over: Partial<ExportModel> = {}): ExportModel {
  return {
    stack: 'demo',
    region: 'eu-west-1',
    role: { name: 'demo-lambda-role', assumeRolePolicy: { Version: '2012-10-17', Statement: [] }, managedPolicyArns: ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'] },
    logGroup: { name: '/aws/lambda/demo-lambda', retentionInDays: 14 },
    fn: { name: 'demo-lambda', runtime: 'python3.13', handler: 'lambda_function.lambda_handler', timeout: 10, memorySize: 128, inlineSource: 'def lambda_handler(e, c):\n    return 1\n' },
    api: { id: 'api123', name: 'demo-api', rootResourceId: 'root1', endpointTypes: ['EDGE'] },
    resources: [
      { id: 'r1', path: '/messages', parentId: 'root1', pathPart: 'messages' },
      { id: 'r2', path: '/messages/{id}', parentId: 'r1', pathPart: '{id}' },
    ],
    methods: [
      { resourceId: 'root1', path: '/', httpMethod: 'GET', authorizerId: 'auth1', authorizationType: 'COGNITO_USER_POOLS', scopes: ['demo-api/read'], integration: { type: 'AWS_PROXY', httpMethod: 'POST', uri: 'arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:demo-lambda/invocations' } },
      { resourceId: 'r2', path: '/messages/{id}', httpMethod: 'DELETE', authorizerId: 'auth1', authorizationType: 'COGNITO_USER_POOLS', scopes: ['demo-api/write', 'demo-api/admin'], integration: { type: 'AWS_PROXY', httpMethod: 'POST', uri: 'arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:demo-lambda/invocations' } },
    ],
    authorizers: [{ id: 'auth1', name: 'demo-authorizer', identitySource: 'method.request.header.Authorization', providerArns: [ARN_POOL] }],
    stage: { name: 'dev', deploymentId: 'dep1' },
    permissions: [{ sid: 'demo-apigateway-get-root', sourceArn: 'arn:aws:execute-api:eu-west-1:123456789012:api123/*/GET/', principal: 'apigateway.amazonaws.com', action: 'lambda:InvokeFunction' }],
    userPool: { id: 'eu-west-1_abc', arn: ARN_POOL, name: 'demo-user-pool', tier: 'LITE', mfa: 'OFF', deletionProtection: 'INACTIVE' },
    domain: { prefix: 'demo-x1y2z3', managedLoginVersion: 1 },
    resourceServer: { identifier: 'demo-api', name: 'demo-resource-server', scopes: [{ name: 'read', description: 'Read' }, { name: 'write', description: 'Write' }, { name: 'admin', description: 'Admin' }] },
    clients: [
      { id: 'c1', name: 'demo-client', generateSecret: true, flows: ['code'], scopes: ['openid', 'demo-api/read'], callbackUrls: ['https://oauth.pstmn.io/v1/callback'], logoutUrls: [], identityProviders: ['COGNITO'], explicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'], m2m: false },
      { id: 'c2', name: 'demo-m2m-client', generateSecret: true, flows: ['client_credentials'], scopes: ['demo-api/read'], callbackUrls: [], logoutUrls: [], identityProviders: ['COGNITO'], explicitAuthFlows: [], m2m: true },
    ],
    users: ['alice'],
    ...over,
  };
}

const res = (t: Record<string, any>) => t.Resources as Record<string, any>;

describe('buildTemplate', () => {
  it('names every resource after the StackName parameter (default: the stack) and the region', () => {
    const { template } = buildTemplate(model());
    expect(template.Parameters).toMatchObject({ StackName: { Type: 'String', Default: 'demo' } });
    const r = res(template);
    expect(r.LambdaRole.Properties.RoleName).toEqual({ 'Fn::Sub': '${StackName}-lambda-role' });
    expect(r.HelloFunction.Properties.FunctionName).toEqual({ 'Fn::Sub': '${StackName}-lambda' });
    expect(r.UserPoolDomain.Properties.Domain).toEqual({ 'Fn::Sub': '${StackName}-x1y2z3' });
    expect(r.LambdaLogGroup.Properties).toEqual({ LogGroupName: { 'Fn::Sub': '/aws/lambda/${StackName}-lambda' }, RetentionInDays: 14 });
    expect(new Namer('demo', 'eu-west-1').name('demo-eu-west-1-lambda-role')).toEqual({ 'Fn::Sub': '${StackName}-${AWS::Region}-lambda-role' });
    expect(new Namer('demo', 'eu-west-1').name('shared-thing')).toBe('shared-thing');
    // A "${" in a live name is a literal in Fn::Sub.
    expect(new Namer('demo', 'eu-west-1').name('demo-${x}')).toEqual({ 'Fn::Sub': '${StackName}-${!x}' });
  });

  it('refers to resources instead of their live ids, so a twin wires up its own', () => {
    const r = res(buildTemplate(model()).template);
    const text = JSON.stringify(r);
    for (const liveId of ['api123', 'root1', 'r1', 'r2', 'auth1', 'dep1', 'eu-west-1_abc', '123456789012', 'c1', 'c2']) expect(text).not.toContain(`"${liveId}"`);
    expect(r.MethodGetRoot.Properties).toMatchObject({
      ResourceId: { 'Fn::GetAtt': ['RestApi', 'RootResourceId'] },
      AuthorizerId: { Ref: 'Authorizer' },
      AuthorizationScopes: [{ 'Fn::Sub': '${StackName}-api/read' }],
      Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST', Uri: { 'Fn::Sub': 'arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${HelloFunction.Arn}/invocations' } },
    });
    expect(r.MethodDeleteMessagesById.Properties.ResourceId).toEqual({ Ref: 'ResourceMessagesById' });
    expect(r.ResourceMessagesById.Properties).toEqual({ RestApiId: { Ref: 'RestApi' }, ParentId: { Ref: 'ResourceMessages' }, PathPart: '{id}' });
    expect(r.ResourceMessages.Properties.ParentId).toEqual({ 'Fn::GetAtt': ['RestApi', 'RootResourceId'] });
    expect(r.Authorizer.Properties.ProviderARNs).toEqual([{ 'Fn::GetAtt': ['UserPool', 'Arn'] }]);
    expect(r.InvokePermission.Properties.SourceArn).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${RestApi}/*/GET/' });
    // The deployment follows every method; clients follow the resource server (ScopeDoesNotExistException otherwise).
    expect(r.Deployment.DependsOn).toEqual(['MethodGetRoot', 'MethodDeleteMessagesById']);
    expect(r.Stage.Properties).toEqual({ RestApiId: { Ref: 'RestApi' }, StageName: 'dev', DeploymentId: { Ref: 'Deployment' } });
    expect(r.AppClient.DependsOn).toEqual(['ResourceServer']);
    expect(r.HelloFunction.DependsOn).toEqual(['LambdaLogGroup']);
  });

  it('writes the tutorial handler inline (index.<function>), other code as an S3 location parameter', () => {
    const inline = buildTemplate(model());
    expect(res(inline.template).HelloFunction.Properties).toMatchObject({ Handler: 'index.lambda_handler', Code: { ZipFile: 'def lambda_handler(e, c):\n    return 1\n' } });
    expect(inline.template.Parameters).not.toHaveProperty('CodeS3Bucket');
    const own = buildTemplate(model({ fn: { name: 'demo-lambda', runtime: 'python3.13', handler: 'app.main' } }));
    expect(res(own.template).HelloFunction.Properties).toMatchObject({ Handler: 'app.main', Code: { S3Bucket: { Ref: 'CodeS3Bucket' }, S3Key: { Ref: 'CodeS3Key' } } });
    expect(own.template.Parameters).toHaveProperty('CodeS3Bucket');
    const node = buildTemplate(model({ fn: { name: 'demo-lambda', runtime: 'nodejs22.x', handler: 'index.handler', inlineSource: 'export const handler = async () => 1;\n' } }));
    expect(res(node.template).HelloFunction.Properties.Code.ZipFile).toBe('exports.handler = async () => 1;\n');
  });

  it('carries the pool tier, both clients with GenerateSecret and no secret, and outputs the URLs, ids and scopes', () => {
    const { template, comments } = buildTemplate(model());
    const r = res(template);
    expect(r.UserPool.Properties.UserPoolTier).toBe('LITE');
    expect(r.AppClient.Properties).toMatchObject({ GenerateSecret: true, AllowedOAuthFlows: ['code'], AllowedOAuthScopes: ['openid', { 'Fn::Sub': '${StackName}-api/read' }] });
    expect(r.M2mClient.Properties).toMatchObject({ AllowedOAuthFlows: ['client_credentials'] });
    expect(r.M2mClient.Properties).not.toHaveProperty('CallbackURLs');
    expect(Object.keys(template.Outputs as object)).toEqual(['InvokeUrl', 'HostedUiDomain', 'AuthorizeUrl', 'TokenUrl', 'UserPoolId', 'AppClientId', 'M2mClientId', 'Scopes']);
    expect(comments.join('\n')).toMatch(/Users are not template resources/);
    expect(comments.join('\n')).toContain('alice');
    expect(r.LambdaRole.Properties.ManagedPolicyArns).toEqual([{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' }]);
    expect(Object.values(r).every((d: any) => d.DeletionPolicy === undefined)).toBe(true);
  });
});

describe('buildImport', () => {
  it('retains every resource and names each live identifier as its CloudFormation schema does', () => {
    const plan = buildImport(model());
    for (const def of Object.values(res(plan.template))) expect(def).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    const ids = Object.fromEntries(plan.resourcesToImport.map((e) => [e.LogicalResourceId, [e.ResourceType, e.ResourceIdentifier]]));
    expect(ids).toEqual({
      LambdaRole: ['AWS::IAM::Role', { RoleName: 'demo-lambda-role' }],
      LambdaLogGroup: ['AWS::Logs::LogGroup', { LogGroupName: '/aws/lambda/demo-lambda' }],
      HelloFunction: ['AWS::Lambda::Function', { FunctionName: 'demo-lambda' }],
      RestApi: ['AWS::ApiGateway::RestApi', { RestApiId: 'api123' }],
      ResourceMessages: ['AWS::ApiGateway::Resource', { RestApiId: 'api123', ResourceId: 'r1' }],
      ResourceMessagesById: ['AWS::ApiGateway::Resource', { RestApiId: 'api123', ResourceId: 'r2' }],
      Authorizer: ['AWS::ApiGateway::Authorizer', { RestApiId: 'api123', AuthorizerId: 'auth1' }],
      MethodGetRoot: ['AWS::ApiGateway::Method', { RestApiId: 'api123', ResourceId: 'root1', HttpMethod: 'GET' }],
      MethodDeleteMessagesById: ['AWS::ApiGateway::Method', { RestApiId: 'api123', ResourceId: 'r2', HttpMethod: 'DELETE' }],
      Deployment: ['AWS::ApiGateway::Deployment', { DeploymentId: 'dep1', RestApiId: 'api123' }],
      Stage: ['AWS::ApiGateway::Stage', { RestApiId: 'api123', StageName: 'dev' }],
      UserPool: ['AWS::Cognito::UserPool', { UserPoolId: 'eu-west-1_abc' }],
      UserPoolDomain: ['AWS::Cognito::UserPoolDomain', { UserPoolId: 'eu-west-1_abc', Domain: 'demo-x1y2z3' }],
      ResourceServer: ['AWS::Cognito::UserPoolResourceServer', { UserPoolId: 'eu-west-1_abc', Identifier: 'demo-api' }],
      AppClient: ['AWS::Cognito::UserPoolClient', { UserPoolId: 'eu-west-1_abc', ClientId: 'c1' }],
      M2mClient: ['AWS::Cognito::UserPoolClient', { UserPoolId: 'eu-west-1_abc', ClientId: 'c2' }],
    });
  });

  it('leaves the permission and the Outputs out of the import change set, and says what to do about them', () => {
    const plan = buildImport(model());
    expect(plan.importTemplate).not.toHaveProperty('Outputs');
    expect(Object.keys(res(plan.importTemplate))).not.toContain('InvokePermission');
    expect(Object.keys(res(plan.importTemplate)).sort()).toEqual(plan.resourcesToImport.map((e) => e.LogicalResourceId).sort());
    expect(plan.notImported).toEqual([
      expect.objectContaining({ logicalId: 'InvokePermission', type: 'AWS::Lambda::Permission', reason: expect.stringContaining('cannot import'), todo: expect.stringContaining('remove-permission --function-name demo-lambda --statement-id demo-apigateway-get-root') }),
    ]);
    // The full template still has them, and the import template's edits did not leak into it.
    expect(res(plan.template).InvokePermission).toBeDefined();
    expect(plan.template.Outputs).toBeDefined();
  });

  it('prints the hand-over as exact AWS CLI commands, in order', () => {
    const plan = buildImport(model());
    const cmds = handOverCommands({ stack: 'demo', region: 'eu-west-1', templateFile: '/t/demo.yaml', importFile: '/t/demo.import.yaml', resourcesFile: '/t/demo.resources-to-import.json', notImported: plan.notImported, fn: 'demo-lambda' });
    expect(cmds.map((c) => c.split(' ').slice(0, 3).join(' '))).toEqual([
      'aws cloudformation create-change-set',
      'aws cloudformation wait',
      'aws cloudformation execute-change-set',
      'aws cloudformation wait',
      'aws cloudformation deploy',
      'aws lambda remove-permission',
      'npx cognito-scope-setup forget',
    ]);
    expect(cmds[0]).toBe(
      'aws cloudformation create-change-set --stack-name demo --change-set-name import-demo --change-set-type IMPORT --template-body file:///t/demo.import.yaml --resources-to-import file:///t/demo.resources-to-import.json --parameters ParameterKey=StackName,ParameterValue=demo --capabilities CAPABILITY_NAMED_IAM --region eu-west-1',
    );
  });
});

describe('toYaml', () => {
  it('writes JSON-quoted scalars (no type can change) and literal blocks for code', () => {
    const y = toYaml({ a: 'yes', b: '0123', c: 1, d: true, e: [], f: { 'Fn::Sub': 'x' }, g: 'line1\nline2\n', h: [{ k: 'v', l: ['m'] }] }, ['hello']);
    expect(y).toBe(
      ['# hello', 'a: "yes"', 'b: "0123"', 'c: 1', 'd: true', 'e: []', 'f:', '  Fn::Sub: "x"', 'g: |', '  line1', '  line2', 'h:', '  - k: "v"', '    l:', '      - "m"', ''].join('\n'),
    );
    // Text a literal block cannot hold exactly stays a quoted string.
    expect(toYaml({ t: ' lead\nx' })).toBe('t: " lead\\nx"\n');
    expect(toYaml({ t: 'trail \nx' })).toBe('t: "trail \\nx"\n');
  });
});
