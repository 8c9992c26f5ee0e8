import { describe, expect, it } from 'vitest';
import { parseScopeFlag, resolveInputs, validatePassword } from '../../src/config/resolve.js';
import { UsageError } from '../../src/errors.js';

const base = { username: 'alice' };
const problems = (f: () => unknown): string[] => {
  try {
    f();
  } catch (e) {
    if (e instanceof UsageError) return e.problems;
    throw e;
  }
  return [];
};

describe('defaults reproduce the tutorial', () => {
  it('names, scope, callback, stage, endpoint type, runtime', () => {
    const i = resolveInputs({ flags: base });
    expect(i).toMatchObject({
      stack: 'hello-world',
      resourceServerId: 'hello-world-api',
      scopes: [{ name: 'read.helloworld.message' }],
      callbackUrls: ['https://oauth.pstmn.io/v1/callback'],
      stage: 'dev',
      endpointType: 'EDGE',
      runtime: 'python3.13',
      userMode: 'password',
      domainPrefixGenerated: true,
    });
    expect(i.domainPrefix).toMatch(/^hello-world-[0-9a-f]{6}$/);
  });

  it('recorded inputs are reused (resume) and flags override them', () => {
    const first = resolveInputs({ flags: { ...base, domainPrefix: 'my-prefix' } });
    const again = resolveInputs({ flags: { stage: 'prod' }, recorded: first });
    expect(again.domainPrefix).toBe('my-prefix');
    expect(again.stage).toBe('prod');
    expect(again.username).toBe('alice');
  });

  it('parses NAME[=description] scopes', () => {
    expect(parseScopeFlag('write.x=Write things')).toEqual({ name: 'write.x', description: 'Write things' });
    expect(parseScopeFlag('read.helloworld.message').description).toBeTruthy();
  });
});

// [flag, good value, bad value, message fragment]
const table: [string, Record<string, unknown>, Record<string, unknown>, RegExp][] = [
  ['--stack', { stack: 'demo-1' }, { stack: 'Demo_1' }, /--stack "Demo_1": must be 1-32/],
  ['--runtime', { runtime: 'python3.12' }, { runtime: 'python3.9' }, /--runtime "python3.9": is deprecated/],
  ['--runtime', { runtime: 'nodejs22.x' }, { runtime: 'ruby9' }, /--runtime "ruby9": must be one of/],
  ['--endpoint-type', { endpointType: 'regional' }, { endpointType: 'PRIVATE' }, /--endpoint-type "PRIVATE": must be EDGE or REGIONAL/],
  ['--stage', { stage: 'prod_1' }, { stage: 'my stage' }, /--stage "my stage"/],
  ['--domain-prefix', { domainPrefix: 'hello-123' }, { domainPrefix: 'my-aws-login' }, /must not contain "aws"/],
  ['--domain-prefix', { domainPrefix: 'a' }, { domainPrefix: '-bad' }, /--domain-prefix "-bad": must be 1-63/],
  ['--domain-prefix', { domainPrefix: 'x'.repeat(63) }, { domainPrefix: 'x'.repeat(64) }, /must be 1-63/],
  ['--resource-server-id', { resourceServerId: 'https://api.example.com' }, { resourceServerId: 'has space' }, /--resource-server-id "has space"/],
  ['--scope', { scopes: ['read.items'] }, { scopes: ['read/items'] }, /--scope "read\/items": may contain only/],
  ['--scope', { scopes: ['a', 'b'] }, { scopes: ['a', 'a'] }, /given twice/],
  ['--callback-url', { callbackUrls: ['http://localhost:8080/cb'] }, { callbackUrls: ['http://example.com/cb'] }, /--callback-url "http:\/\/example.com\/cb": must use https/],
  ['--callback-url', { callbackUrls: ['https://example.com/cb'] }, { callbackUrls: ['not a url'] }, /must be an absolute URL/],
  ['--email', { email: 'a@example.com', userMode: 'invite' }, { email: 'nope' }, /--email "nope": must be an e-mail/],
  ['--email', { email: 'a@example.com', userMode: 'invite' }, { userMode: 'invite' }, /--email: is required with --invite/],
];

describe('validation table', () => {
  for (const [flag, good, bad, msg] of table) {
    it(`${flag}: accepts ${JSON.stringify(Object.values(good)[0])}, refuses ${JSON.stringify(Object.values(bad)[0])}`, () => {
      expect(problems(() => resolveInputs({ flags: { ...base, ...good } }))).toEqual([]);
      const p = problems(() => resolveInputs({ flags: { ...base, ...bad } }));
      expect(p.join('\n')).toMatch(msg);
    });
  }

  it('reports several problems at once', () => {
    const p = problems(() => resolveInputs({ flags: { ...base, stage: 'a b', runtime: 'python3.8', domainPrefix: 'cognito' } }));
    expect(p).toHaveLength(3);
  });

  it('needs a user name unless --no-user', () => {
    expect(problems(() => resolveInputs({ flags: {} })).join()).toMatch(/--username: is required/);
    expect(problems(() => resolveInputs({ flags: { userMode: 'none' } }))).toEqual([]);
  });

  it('checks the password against the pool policy', () => {
    expect(validatePassword('Passw0rd!')).toBe('Passw0rd!');
    for (const [pw, why] of [['short1!A', null], ['nouppercase1!', /uppercase/], ['NOLOWER1!', /lowercase/], ['NoDigits!!', /digit/], ['NoSymbol11', /symbol/], ['Sh0rt!', /at least 8/]] as const) {
      const p = problems(() => validatePassword(pw));
      if (why) expect(p.join()).toMatch(why);
      else expect(p).toEqual([]);
    }
    // The password itself is never echoed in the message.
    expect(problems(() => validatePassword('Secret1234')).join()).not.toContain('Secret1234');
  });
});
