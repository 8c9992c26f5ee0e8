// The human output of init: the plan shown before anything is created, and the summary with
// the Postman settings of the tutorial's step 9 and the same test with curl.
import { PassThrough } from 'node:stream';
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { outputsOf } from '../../src/commands/context.js';
import { STATE_VERSION, type State } from '../../src/state/schema.js';
import { renderPlan, renderSummary, stdoutColors } from '../../src/ui/summary.js';

const state = (o: Partial<State> = {}): State => ({
  version: STATE_VERSION,
  tool: 'cognito-scope-setup',
  stack: 'hello-world',
  region: 'us-east-1',
  accountId: '123456789012',
  inputs: {
    stack: 'hello-world',
    runtime: 'python3.13',
    endpointType: 'EDGE',
    stage: 'dev',
    domainPrefix: 'hello-world-abc123',
    resourceServerId: 'hello-world-api',
    scopes: [{ name: 'read.helloworld.message', description: 'Read the hello world message' }],
    callbackUrls: ['https://oauth.pstmn.io/v1/callback'],
    userMode: 'password',
    username: 'alice',
  },
  domainPrefixGenerated: true,
  resources: {
    api: { id: 'a1b2c3d4e5' },
    deployment: { id: 'dev' },
    userPool: { id: 'us-east-1_AbCdEf' },
    domain: { id: 'hello-world-abc123' },
    client: { id: 'client123' },
    user: { id: 'alice' },
    function: { id: 'hello-world-lambda' },
  },
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...o,
});

describe('the summary', () => {
  const s = state();
  const text = renderSummary(s, outputsOf(s), '/work/.cognito-scope-setup/hello-world.json');

  it('says what exists', () => {
    expect(text).toContain('Stack hello-world is ready (us-east-1, account 123456789012).');
    expect(text).toMatch(/Invoke URL +https:\/\/a1b2c3d4e5\.execute-api\.us-east-1\.amazonaws\.com\/dev\//);
    expect(text).toMatch(/Cognito domain +hello-world-abc123\.auth\.us-east-1\.amazoncognito\.com/);
    expect(text).toMatch(/State file +\/work\/\.cognito-scope-setup\/hello-world\.json/);
  });

  it('gives the Postman settings of the tutorial step 9', () => {
    const rows = Object.fromEntries(
      text.split('\n').map((l) => /^ {4}(Grant type|Callback URL|Auth URL|Access Token URL|Client ID|Client Secret|Scope|Client Authentication) +(.*)$/.exec(l)).filter(Boolean).map((m) => [m![1], m![2]]),
    );
    expect(rows).toEqual({
      'Grant type': 'Authorization Code',
      'Callback URL': 'https://oauth.pstmn.io/v1/callback  (tick "Authorize using browser")',
      'Auth URL': 'https://hello-world-abc123.auth.us-east-1.amazoncognito.com/oauth2/authorize',
      'Access Token URL': 'https://hello-world-abc123.auth.us-east-1.amazoncognito.com/oauth2/token',
      'Client ID': 'client123',
      'Client Secret': 'not stored here: the command below prints it',
      Scope: 'hello-world-api/read.helloworld.message',
      'Client Authentication': 'Send as Basic Auth header',
    });
    expect(text).toContain('The client secret: npx cognito-scope-setup outputs --show-secret');
    expect(text).toContain('sign in as alice');
  });

  it('gives the same test with curl: sign-in URL, token exchange, API call', () => {
    const authorize = /^ {5}(https:\/\/\S+\/oauth2\/authorize\?\S+)$/m.exec(text)![1]!;
    const q = new URL(authorize).searchParams;
    expect(Object.fromEntries(q)).toEqual({ response_type: 'code', client_id: 'client123', redirect_uri: 'https://oauth.pstmn.io/v1/callback', scope: 'hello-world-api/read.helloworld.message' });
    expect(text).toContain('curl -s -u "client123:$CLIENT_SECRET" -d grant_type=authorization_code -d "code=$CODE" --data-urlencode "redirect_uri=https://oauth.pstmn.io/v1/callback" https://hello-world-abc123.auth.us-east-1.amazoncognito.com/oauth2/token');
    expect(text).toContain('curl -H "Authorization: Bearer $ACCESS_TOKEN" https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/dev/');
    expect(text).toContain('Check it: npx cognito-scope-setup status    Remove it: npx cognito-scope-setup destroy');
  });

  it('never holds a secret, and names the stack and endpoint when they are not the defaults', () => {
    const e = state({ stack: 'demo', endpoint: 'http://127.0.0.1:4566' });
    const t = renderSummary(e, outputsOf(e), '/x.json');
    // The endpoint is in the state file: the secret command needs only the stack.
    expect(t).toContain('npx cognito-scope-setup outputs --show-secret --stack demo');
    expect(t).toContain('npx cognito-scope-setup destroy --stack demo');
    expect(t).toContain('http://127.0.0.1:4566/oauth2/token');
    expect(t).not.toMatch(/secret[:=] *[A-Za-z0-9]{20,}/i);
  });

  it('without a client (a partial stack) it shows no Postman settings', () => {
    const p = state({ resources: { api: { id: 'a1' } } });
    const t = renderSummary(p, outputsOf(p), '/x.json');
    expect(t).not.toContain('Postman');
    expect(t).toContain('Invoke URL');
  });

  it('is plain text with NO_COLOR or without a terminal, and bold on a terminal', () => {
    const tty = Object.assign(new PassThrough(), { isTTY: true });
    const base = { stdin: new PassThrough(), stderr: new PassThrough() };
    expect(stdoutColors({ ...base, stdout: tty, env: { NO_COLOR: '1' } }).level).toBe(0);
    expect(stdoutColors({ ...base, stdout: new PassThrough(), env: {} }).level).toBe(0);
    expect(stdoutColors({ ...base, stdout: tty, env: {} }).level).toBeGreaterThan(0);
    const plain = renderSummary(state(), outputsOf(state()), '/x.json', { c: new Chalk({ level: 0 }) });
    expect(plain).not.toMatch(/\x1b\[/);
    const bold = renderSummary(state(), outputsOf(state()), '/x.json', { c: new Chalk({ level: 1 }) });
    expect(bold).toMatch(/\x1b\[1m/);
  });
});

describe('the plan', () => {
  it('shows each step with what will happen, the account and region, and the counts', () => {
    const text = renderPlan(
      [
        { key: 'role', title: 'IAM role', name: 'demo-lambda-role', action: 'create', changes: [], extras: [] },
        { key: 'userPool', title: 'User pool', action: 'adopt', changes: [], extras: [] },
        { key: 'client', title: 'App client', action: 'update', changes: [{ field: 'callbackUrls', from: [], to: ['x'] }], extras: [] },
        { key: 'domain', title: 'Domain', name: 'b', action: 'replace', changes: [{ field: 'domainPrefix', from: 'a', to: 'b', replace: true }], extras: [] },
        { key: 'api', title: 'REST API', action: 'no change', changes: [], extras: [] },
      ],
      { stack: 'demo', accountId: '123456789012', region: 'eu-west-1' },
      new Chalk({ level: 0 }),
    );
    expect(text.split('\n')).toEqual([
      'Plan for stack demo in account 123456789012, region eu-west-1:',
      '  + create     IAM role    demo-lambda-role',
      '  = adopt      User pool                     (exists with our tag: taken over)',
      '  ~ update     App client                    (callbackUrls)',
      '  ! replace    Domain      b                 (domainPrefix; needs --allow-replace)',
      '  · no change  REST API',
      '1 to create, 1 to adopt, 2 to change, 1 left alone.',
      '',
    ]);
  });

  it('shows extra copies tagged as the stack\'s as deletions beside the copy kept', () => {
    const text = renderPlan(
      [{ key: 'userPool', title: 'User pool', name: 'demo-user-pool', action: 'no change', changes: [], extras: [{ id: 'us-east-1_two' }] }],
      { stack: 'demo', accountId: '123456789012', region: 'us-east-1' },
      new Chalk({ level: 0 }),
    );
    expect(text.split('\n')).toEqual([
      'Plan for stack demo in account 123456789012, region us-east-1:',
      '  · no change  User pool  demo-user-pool',
      "  - delete     User pool  us-east-1_two   (another copy tagged as this stack's)",
      '0 to create, 0 to adopt, 0 to change, 1 to delete, 1 left alone.',
      '',
    ]);
  });
});

describe('summary next steps', () => {
  it('points to verify, token and export postman for the same stack', () => {
    const s = state({ stack: 'demo' });
    const t = renderSummary(s, outputsOf(s), '/x.json');
    expect(t).toContain('npx cognito-scope-setup verify --stack demo');
    expect(t).toContain('npx cognito-scope-setup token --stack demo');
    expect(t).toContain('npx cognito-scope-setup export postman --stack demo');
  });
});
