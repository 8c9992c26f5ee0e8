// verify's diagnosis of a failed check, and the token/verify flag checks (exit 2, no request).
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { flowSettings } from '../../src/commands/oauth-flow.js';
import { runToken } from '../../src/commands/token.js';
import { likelyCause, reportedTokenFailure, runVerify } from '../../src/commands/verify.js';
import { CliError, UsageError } from '../../src/errors.js';
import { captureIo, fakeState, writeStateFile } from './support/fake-stack.js';

const SCOPE = 'hello-world-api/read.helloworld.message';
const future = Math.floor(Date.now() / 1000) + 3600;

describe('likely cause of a failed verify check', () => {
  it.each([
    ['an ID token sent as the access token', 'access-token-with-scope', 401, '{"message":"Unauthorized"}', { token_use: 'id', exp: future }, /ID token was sent instead of an access token/],
    ['a token without the scope', 'access-token-with-scope', 401, '{"message":"Unauthorized"}', { token_use: 'access', scope: 'openid', exp: future }, /scope is missing on the app client/],
    ['an expired token', 'access-token-with-scope', 401, '', { token_use: 'access', scope: SCOPE, exp: 1000 }, /expired/],
    ['a good token refused', 'access-token-with-scope', 401, '', { token_use: 'access', scope: SCOPE, exp: future }, /stage was not redeployed/],
    ['no Lambda permission', 'access-token-with-scope', 500, '{"message": "Internal server error"}', { token_use: 'access', scope: SCOPE, exp: future }, /Lambda permission/],
    ['a stage without the method', 'access-token-with-scope', 403, '{"message":"Missing Authentication Token"}', undefined, /not \(re\)deployed/],
    ['a Lambda failure', 'access-token-with-scope', 502, '', undefined, /CloudWatch logs/],
    ['wrong body', 'access-token-with-scope', 200, 'Bye', undefined, /another function/],
    ['no authorizer on the stage', 'no-token', 200, '"Hello World!"', undefined, /does not use the Cognito authorizer.*redeployed/],
    ['an ID token accepted', 'id-token', 200, '"Hello World!"', { token_use: 'id' }, /authorizationScopes is missing .* or the stage was not redeployed/],
    ['a token without the scope accepted', 'access-token-without-scope', 200, '"Hello World!"', undefined, /authorizationScopes is missing/],
  ] as const)('%s', (_name, id, status, body, claims, cause) => {
    expect(likelyCause(id, status, body, claims, [SCOPE])).toMatch(cause);
  });
});

describe('which token failures verify reports as a failed check', () => {
  it('a CliError (a refused grant, an unreachable domain) is reported; bad input and anything unexpected end the run', () => {
    expect(reportedTokenFailure(new CliError('TOKEN_ERROR', 'refused', 'hint'))).toBe(true);
    expect(reportedTokenFailure(new UsageError(['--scope "x": not declared']))).toBe(false);
    expect(reportedTokenFailure(new Error('a bug'))).toBe(false);
    expect(reportedTokenFailure('a string')).toBe(false);
  });
});

describe('token and verify flags (exit 2 before any request)', () => {
  const sts = mockClient(STSClient);
  const cognito = mockClient(CognitoIdentityProviderClient);
  afterEach(() => {
    sts.reset();
    cognito.reset();
  });
  const noRequests = () => {
    expect(sts.calls()).toHaveLength(0);
    expect(cognito.calls()).toHaveLength(0);
  };

  it('validates --callback-port, --timeout and --scope, naming the flag', () => {
    const inputs = fakeState().inputs;
    expect(flowSettings({}, inputs)).toEqual({ port: 8976, timeoutMs: 300_000, scopes: undefined });
    expect(flowSettings({ callbackPort: '9000', timeout: '2.5', scope: ['read.helloworld.message', 'other-api/x', 'openid'] }, inputs)).toEqual({
      port: 9000,
      timeoutMs: 2500,
      scopes: [SCOPE, 'other-api/x', 'openid'],
    });
    expect(() => flowSettings({ callbackPort: '80' }, inputs)).toThrow(/--callback-port "80": must be from 1024 to 65535/);
    expect(() => flowSettings({ callbackPort: 'http' }, inputs)).toThrow(/--callback-port "http": must be a port number/);
    expect(() => flowSettings({ timeout: '0' }, inputs)).toThrow(/--timeout "0": must be more than 0 seconds/);
    expect(() => flowSettings({ scope: ['has space'] }, inputs)).toThrow(/--scope "has space"/);
    // A state file written before loopbackPort existed: the default port.
    const { loopbackPort: _drop, ...old } = inputs;
    expect(flowSettings({}, old as typeof inputs).port).toBe(8976);
  });

  it('token --client-credentials without an M2M client names --m2m-client, exit 2', async () => {
    const file = writeStateFile(fakeState());
    await expect(runToken({ state: file, clientCredentials: true }, captureIo())).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/--client-credentials: .*--m2m-client/) });
    noRequests();
  });

  it('token on a stack without state or without a client says to run init', async () => {
    await expect(runToken({ state: '/nonexistent/x.json' }, captureIo())).rejects.toMatchObject({ code: 'NO_STATE' });
    const s = fakeState();
    delete s.resources.client;
    await expect(runToken({ state: writeStateFile(s) }, captureIo())).rejects.toMatchObject({ code: 'INCOMPLETE_STACK', hint: expect.stringMatching(/init/) });
    noRequests();
  });

  it('verify --token-stdin refuses something that is not a JWT, and a second token source', async () => {
    const file = writeStateFile(fakeState());
    await expect(runVerify({ state: file, tokenStdin: true }, captureIo('not a token\n'))).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/--token-stdin: not a JWT/) });
    await expect(runVerify({ state: file, tokenStdin: true, clientCredentials: true }, captureIo('a.b.c'))).rejects.toMatchObject({ exitCode: 2 });
    await expect(runVerify({ state: file, timeout: '-1' }, captureIo())).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/--timeout/) });
    noRequests();
  });
});
