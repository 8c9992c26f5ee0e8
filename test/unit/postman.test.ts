// The Postman export: built with Postman's own library (postman-collection) and read back with it.
import { DescribeUserPoolClientCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pm from 'postman-collection';
import { afterEach, describe, expect, it } from 'vitest';
import { buildCollection, buildEnvironment, COLLECTION_SCHEMA, runExportPostman, type PostmanSettings } from '../../src/commands/export-postman.js';
import { captureIo, fakeState, writeStateFile } from './support/fake-stack.js';

const { Collection, VariableScope } = pm;
const SECRET = 'x1secretvalue0987654321abcdefghijklmnopqrstuv';
const SETTINGS: PostmanSettings = {
  stack: 'hello-world',
  region: 'us-east-1',
  accountId: '123456789012',
  invokeUrl: 'https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/dev/',
  authorizeUrl: 'https://hello-world-ab12cd.auth.us-east-1.amazoncognito.com/oauth2/authorize',
  tokenUrl: 'https://hello-world-ab12cd.auth.us-east-1.amazoncognito.com/oauth2/token',
  clientId: 'clientid1234567890abcdefgh',
  scopes: ['hello-world-api/read.helloworld.message'],
};

/** Every oauth2 parameter of the request, with collection variables resolved (as Postman does). */
function resolvedAuth(json: object, env: object) {
  const collection = new Collection(json as never);
  const item = collection.items.idx(0) as unknown as InstanceType<typeof pm.Item>;
  const auth = item.getAuth();
  const scope = new VariableScope(env as never);
  const vars: Record<string, unknown> = { ...collection.variables.toObject(false, true), ...scope.toObject(false, true) };
  const params = auth.parameters().toObject(false, true) as Record<string, unknown>;
  const resolve = (v: unknown) => (typeof v === 'string' ? v.replace(/\{\{(\w+)\}\}/g, (_m, k: string) => String(vars[k])) : v);
  return { collection, item, type: auth.type, params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, resolve(v)])), url: resolve(item.request.url.toString()) };
}

describe('Postman export (tutorial step 9)', () => {
  it('is a v2.1 collection whose request reproduces step 9 exactly', async () => {
    const json = await buildCollection(SETTINGS);
    expect((json.info as Record<string, unknown>).schema).toBe(COLLECTION_SCHEMA);
    const { type, params, url, item } = resolvedAuth(json, buildEnvironment(SETTINGS, SECRET));
    expect(item.request.method).toBe('GET');
    expect(url).toBe(SETTINGS.invokeUrl);
    expect(type).toBe('oauth2');
    expect(params).toEqual({
      // The token a runner passes (newman --env-var access_token=...), sent as "Bearer <token>".
      accessToken: '',
      headerPrefix: 'Bearer',
      grant_type: 'authorization_code',
      useBrowser: true,
      redirect_uri: 'https://oauth.pstmn.io/v1/callback',
      authUrl: SETTINGS.authorizeUrl,
      accessTokenUrl: SETTINGS.tokenUrl,
      clientId: SETTINGS.clientId,
      clientSecret: SECRET,
      scope: 'hello-world-api/read.helloworld.message',
      client_authentication: 'header',
      addTokenTo: 'header',
      tokenName: 'hello-world access token',
    });
  });

  it('keeps the secret out of the collection: only {{client_secret}}, defined in the environment as a secret variable', async () => {
    const json = await buildCollection(SETTINGS);
    const text = JSON.stringify(json);
    expect(text).not.toContain(SECRET);
    expect(text).toContain('{{client_secret}}');
    expect(new Collection(json as never).variables.has('client_secret')).toBe(false);
    const env = buildEnvironment(SETTINGS, SECRET);
    expect(env).toMatchObject({ _postman_variable_scope: 'environment', values: [{ key: 'client_secret', value: SECRET, type: 'secret', enabled: true }] });
    expect(new VariableScope(env as never).get('client_secret')).toBe(SECRET);
  });

  it('joins several scopes with spaces and gives stable ids, so a re-export writes the same files', async () => {
    const a = await buildCollection({ ...SETTINGS, scopes: ['api/read', 'api/write'] });
    const b = await buildCollection({ ...SETTINGS, scopes: ['api/read', 'api/write'] });
    expect(a).toEqual(b);
    expect(resolvedAuth(a, buildEnvironment(SETTINGS, undefined)).params.scope).toBe('api/read api/write');
    expect(buildEnvironment(SETTINGS, undefined)).toMatchObject({ values: [{ key: 'client_secret', value: '', type: 'secret' }] });
  });
});

describe('export postman command', () => {
  const cognito = mockClient(CognitoIdentityProviderClient);
  const sts = mockClient(STSClient);
  afterEach(() => {
    cognito.reset();
    sts.reset();
  });

  it('writes both files; the secret, read live, lands only in the environment (mode 0600)', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012' });
    cognito.on(DescribeUserPoolClientCommand).resolves({ UserPoolClient: { ClientId: 'clientid1234567890abcdefgh', ClientSecret: SECRET } });
    const state = fakeState();
    const file = writeStateFile(state);
    const out = mkdtempSync(join(tmpdir(), 'css-pm-'));
    const io = captureIo();
    const code = await runExportPostman({ state: file, outDir: join(out, 'nested'), json: true }, io);
    expect(code).toBe(0);
    const doc = JSON.parse(io.out());
    expect(doc).toEqual({ stack: 'hello-world', collection: join(out, 'nested', 'hello-world.postman_collection.json'), environment: join(out, 'nested', 'hello-world.postman_environment.json'), secretIncluded: true });
    const collectionText = readFileSync(doc.collection, 'utf8');
    const envText = readFileSync(doc.environment, 'utf8');
    expect(collectionText).not.toContain(SECRET);
    expect(envText).toContain(SECRET);
    expect(io.out()).not.toContain(SECRET);
    expect(io.err()).not.toContain(SECRET);
    expect(statSync(doc.environment).mode & 0o777).toBe(0o600);
    expect(cognito.commandCalls(DescribeUserPoolClientCommand)[0]!.args[0].input).toEqual({ UserPoolId: 'us-east-1_AbCdEfGhI', ClientId: 'clientid1234567890abcdefgh' });
    const { params, url } = resolvedAuth(JSON.parse(collectionText), JSON.parse(envText));
    expect(params.clientSecret).toBe(SECRET);
    expect(url).toBe('https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/dev/');
  });

  it('--no-secret leaves client_secret empty and sends no AWS request', async () => {
    const file = writeStateFile(fakeState());
    const out = mkdtempSync(join(tmpdir(), 'css-pm-'));
    const io = captureIo();
    expect(await runExportPostman({ state: file, outDir: out, secret: false }, io)).toBe(0);
    expect(io.out().trim().split('\n')).toEqual([join(out, 'hello-world.postman_collection.json'), join(out, 'hello-world.postman_environment.json')]);
    expect(JSON.parse(readFileSync(join(out, 'hello-world.postman_environment.json'), 'utf8')).values[0]).toMatchObject({ key: 'client_secret', value: '', type: 'secret' });
    expect(sts.calls()).toHaveLength(0);
    expect(cognito.calls()).toHaveLength(0);
    expect(io.err()).toMatch(/client_secret is empty/);
  });

  it('warns when the app client lacks the Postman callback', async () => {
    const s = fakeState();
    s.inputs.callbackUrls = ['https://app.example.com/cb'];
    const io = captureIo();
    await runExportPostman({ state: writeStateFile(s), outDir: mkdtempSync(join(tmpdir(), 'css-pm-')), secret: false }, io);
    expect(io.err()).toMatch(/does not list https:\/\/oauth\.pstmn\.io\/v1\/callback/);
  });

  it('refuses an --out-dir that is a file (exit 2) and a stack without state', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'css-pm-'));
    writeFileSync(join(dir, 'f'), '');
    await expect(runExportPostman({ state: writeStateFile(fakeState()), outDir: join(dir, 'f'), secret: false }, captureIo())).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/--out-dir/) });
    await expect(runExportPostman({ state: join(dir, 'none.json'), secret: false }, captureIo())).rejects.toMatchObject({ code: 'NO_STATE' });
  });
});

describe('Postman export of a stack with routes', () => {
  it('makes one request per route, each with its method, URL (a {param} as a path variable) and its scopes', async () => {
    const RS = 'hello-world-api';
    const routes = [
      { method: 'GET', path: '/messages', scopes: [`${RS}/read`] },
      { method: 'POST', path: '/messages', scopes: [`${RS}/write`] },
      { method: 'DELETE', path: '/messages/{id}', scopes: [`${RS}/write`, `${RS}/admin`] },
    ];
    const json = await buildCollection({ ...SETTINGS, routes, ownCode: true });
    const collection = new Collection(json as never);
    const items = collection.items.all() as unknown as InstanceType<typeof pm.Item>[];
    expect(items.map((i) => [i.name, i.request.method, i.request.url.toString()])).toEqual([
      ['GET /messages (read)', 'GET', '{{invoke_url}}messages'],
      ['POST /messages (write)', 'POST', '{{invoke_url}}messages'],
      ['DELETE /messages/{id} (write or admin)', 'DELETE', '{{invoke_url}}messages/:id'],
    ]);
    const scopes = items.map((i) => (i.getAuth().parameters().toObject(false, true) as Record<string, unknown>).scope);
    expect(scopes).toEqual([`${RS}/read`, `${RS}/write`, `${RS}/write ${RS}/admin`]);
    // Own code: each request tests the status only.
    expect(JSON.stringify(json)).not.toContain('Hello World!');
    // Stable: the same routes give the same file.
    expect(await buildCollection({ ...SETTINGS, routes, ownCode: true })).toEqual(json);
  });
});
