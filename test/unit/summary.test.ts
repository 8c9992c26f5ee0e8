// The human output of init: the plan shown before anything is created, and the summary with
// the Postman settings of the tutorial's step 9 and the same test with curl.
import { PassThrough } from 'node:stream';
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { outputsOf } from '../../src/commands/context.js';
import { STATE_VERSION, type State } from '../../src/state/schema.js';
import { renderPlanView } from '../../src/ui/plan-view.js';
import { renderSummary, stdoutColors } from '../../src/ui/summary.js';

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
    expect(t).toContain('npx cognito-scope-setup outputs --stack demo --show-secret');
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

describe('the plan (plan, init --dry-run and init\'s confirmation print the same)', () => {
  it('shows each step with what will happen, each change live then wanted, the account and region, and the counts', () => {
    const text = renderPlanView(
      {
        stack: 'demo',
        accountId: '123456789012',
        region: 'eu-west-1',
        steps: [
          { title: 'IAM role', name: 'demo-lambda-role', action: 'create' },
          { title: 'User pool', id: 'eu-west-1_x', action: 'adopt' },
          { title: 'App client', id: 'c1', action: 'update', changes: [{ field: 'callbackUrls', from: [], to: ['x'] }] },
          { title: 'Domain', name: 'b', id: 'a', action: 'replace', changes: [{ field: 'domainPrefix', from: 'a', to: 'b', replace: true }], reason: 'cannot be renamed' },
          { title: 'REST API', id: 'api1', action: 'no change' },
        ],
        footer: ['To apply: npx cognito-scope-setup init --stack demo with the same flags.'],
      },
      new Chalk({ level: 0 }),
    );
    expect(text.split('\n')).toEqual([
      'Plan for stack demo (eu-west-1, account 123456789012), against what is live now:',
      '',
      '  + create     IAM role    demo-lambda-role',
      "  > adopt      User pool   eu-west-1_x  (exists with this stack's tag: taken over)",
      '  ~ update     App client  c1',
      '               callbackUrls  live: []  wanted: ["x"]',
      '  ± replace    Domain      a',
      '               domainPrefix  live: "a"  wanted: "b"  (forces replacement)',
      '               why: cannot be renamed',
      '    no change  REST API    api1',
      '',
      'Plan: 1 to create, 1 to update, 1 to replace, 0 to delete, 1 to adopt, 1 unchanged.',
      'To apply: npx cognito-scope-setup init --stack demo with the same flags.',
      '',
    ]);
  });

  it("shows extra copies tagged as the stack's as deletions beside the copy kept", () => {
    const text = renderPlanView(
      { stack: 'demo', accountId: '123456789012', region: 'us-east-1', steps: [{ title: 'User pool', id: 'us-east-1_one', action: 'no change', extras: ['us-east-1_two'] }] },
      new Chalk({ level: 0 }),
    );
    expect(text.split('\n')).toEqual([
      'Plan for stack demo (us-east-1, account 123456789012), against what is live now:',
      '',
      '    no change  User pool  us-east-1_one',
      "  - delete     User pool  us-east-1_two  (another copy tagged as this stack's)",
      '',
      'Plan: 0 to create, 0 to update, 0 to replace, 1 to delete, 0 to adopt, 1 unchanged.',
      '',
    ]);
  });
});

describe('summary next steps', () => {
  it('shows the M2M client id and its --client-credentials commands (issue 13.6)', () => {
    const s = state({ stack: 'demo' });
    s.resources.m2mClient = { id: 'm2mclientid0123456789abcd' };
    const t = renderSummary(s, outputsOf(s), '/x.json');
    expect(t).toMatch(/M2M client id\s+m2mclientid0123456789abcd/);
    expect(t).toContain('npx cognito-scope-setup token --stack demo --client-credentials');
    expect(t).toContain('npx cognito-scope-setup verify --stack demo --client-credentials');
  });

  it('without a user: says so and how to add one, and does not send anyone to sign in', () => {
    const s = state({ stack: 'demo' });
    s.inputs = { ...s.inputs, userMode: 'none', username: undefined };
    delete s.resources.user;
    const t = renderSummary(s, outputsOf(s), '/x.json');
    expect(t).toContain('No user');
    expect(t).toContain('npx cognito-scope-setup init --stack demo --username <name>');
    expect(t).not.toMatch(/Get New Access Token|sign in once|verify --stack demo {2}/);
  });

  it('every command carries --state and --profile when they were given', () => {
    const s = state({ stack: 'demo' });
    const t = renderSummary(s, outputsOf(s), '/tmp/my state.json', { where: { state: '/tmp/my state.json', profile: 'dev' } });
    expect(t).toContain("npx cognito-scope-setup status --stack demo --state '/tmp/my state.json' --profile dev");
    expect(t).toContain("npx cognito-scope-setup verify --stack demo --state '/tmp/my state.json' --profile dev");
  });

  it('points to verify, token and export postman for the same stack', () => {
    const s = state({ stack: 'demo' });
    const t = renderSummary(s, outputsOf(s), '/x.json');
    expect(t).toContain('npx cognito-scope-setup verify --stack demo');
    expect(t).toContain('npx cognito-scope-setup token --stack demo');
    expect(t).toContain('npx cognito-scope-setup export postman --stack demo');
  });
});
