// The strict-AWS layer itself (test/support/strict-aws.ts), in front of a stand-in upstream that
// answers 200 to everything: real SDK clients send real wire requests, and the layer must decode
// every protocol (query, JSON, REST) against botocore's models and enforce AWS's rules.
import { APIGatewayClient, CreateRestApiCommand, PutMethodCommand } from '@aws-sdk/client-api-gateway';
import { CognitoIdentityProviderClient, UpdateUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { AddPermissionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureMinistack } from '../../support/ministack.mjs';
import { startStrictAws, type StrictLayer } from '../../support/strict-aws.js';

let upstream: http.Server;
let layer: StrictLayer;
const seen: string[] = [];

beforeAll(async () => {
  await ensureMinistack(); // botocore's models live in the test virtualenv
  upstream = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push(`${req.method} ${req.url} ${Buffer.concat(chunks).toString("utf8")}`);
      // GetMethod (the layer's PutMethod check) finds nothing; everything else "works".
      if (req.method === 'GET') {
        res.writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'NotFoundException' });
        return res.end('{"message":"Invalid Method identifier specified"}');
      }
      const xml = req.headers['content-type']?.includes('x-www-form-urlencoded');
      res.writeHead(200, { 'content-type': xml ? 'text/xml' : 'application/json' });
      res.end(xml ? '<CreateRoleResponse><CreateRoleResult><Role><Arn>arn:aws:iam::000000000000:role/r</Arn><RoleName>r</RoleName></Role></CreateRoleResult></CreateRoleResponse>' : '{}');
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
  layer = await startStrictAws(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`);
}, 300_000);
afterAll(async () => {
  await layer?.close();
  await new Promise<void>((r) => upstream.close(() => r()));
});

const cfg = () => ({ region: 'us-east-1', endpoint: layer.endpoint, credentials: { accessKeyId: '333344445555', secretAccessKey: 't' }, maxAttempts: 1 });

describe('the strict-AWS layer', () => {
  it('accepts a valid query-protocol request (IAM CreateRole with tags) and forwards it', async () => {
    const iam = new IAMClient(cfg());
    await iam.send(new CreateRoleCommand({ RoleName: 'ok-role', AssumeRolePolicyDocument: '{}', Tags: [{ Key: 'k', Value: 'v' }] }));
    expect(seen.some((s) => s.includes('Action=CreateRole'))).toBe(true);
    expect(layer.violations).toEqual([]);
    iam.destroy();
  });

  it('refuses what AWS\'s model refuses, loudly, in each protocol', async () => {
    const lambda = new LambdaClient(cfg());
    await expect(lambda.send(new AddPermissionCommand({ FunctionName: 'f', StatementId: 'x'.repeat(101), Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com' }))).rejects.toThrow(/strict-aws: .*StatementId/);
    const cognito = new CognitoIdentityProviderClient(cfg());
    await expect(cognito.send(new UpdateUserPoolClientCommand({ UserPoolId: 'us-east-1_abc', ClientId: 'c1', DefaultRedirectURI: '' }))).rejects.toThrow(/DefaultRedirectURI: length 0 is below the minimum 1/);
    const iam = new IAMClient(cfg());
    await expect(iam.send(new CreateRoleCommand({ RoleName: 'r'.repeat(65), AssumeRolePolicyDocument: '{}' }))).rejects.toThrow(/strict-aws: .*RoleName/);
    expect(layer.violations.map((v) => v.operation)).toEqual(['AddPermission', 'UpdateUserPoolClient', 'CreateRole']);
    layer.violations.length = 0;
    for (const c of [lambda, cognito, iam]) c.destroy();
  });

  it('throttles a second edge-optimized CreateRestApi inside the window with 429 and Retry-After', async () => {
    const apigw = new APIGatewayClient(cfg());
    await apigw.send(new CreateRestApiCommand({ name: 'a' }));
    const err = await apigw.send(new CreateRestApiCommand({ name: 'b' })).catch((e) => e);
    expect(err.name).toBe('TooManyRequestsException');
    expect(err.$metadata.httpStatusCode).toBe(429);
    expect(Number(err.retryAfterSeconds)).toBeGreaterThan(0);
    expect(layer.fired['quota:CreateRestApi']).toBe(1);
    apigw.destroy();
  });

  it('resets the members an UpdateUserPoolClient leaves out, as AWS does', async () => {
    const cognito = new CognitoIdentityProviderClient(cfg());
    seen.length = 0;
    await cognito.send(new UpdateUserPoolClientCommand({ UserPoolId: 'us-east-1_abc', ClientId: 'c1', CallbackURLs: ['https://x.example/cb'] }));
    const forwarded = JSON.parse(seen.at(-1)!.split(' ').slice(2).join(' '));
    expect(forwarded).toMatchObject({ CallbackURLs: ['https://x.example/cb'], AllowedOAuthFlows: [], AllowedOAuthScopes: [], AllowedOAuthFlowsUserPoolClient: false });
    cognito.destroy();
  });

  it('decodes REST requests by their URI template (PutMethod) and passes a valid one', async () => {
    const apigw = new APIGatewayClient(cfg());
    await apigw.send(new PutMethodCommand({ restApiId: 'abc123', resourceId: 'r1', httpMethod: 'GET', authorizationType: 'NONE' }));
    expect(layer.violations).toEqual([]);
    apigw.destroy();
  });
});
