import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/config-file.js';
import { defaultDomainPrefix, parseScopeFlag, resolveInputs, validatePassword, valueProblems, type GivenValues } from '../../src/config/resolve.js';
import { VALIDATION_TABLE } from '../support/validation-table.js';
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

// The table lives in test/support/validation-table.ts: the e2e suite runs it through the CLI too.
describe('validation table', () => {
  const all = (v: GivenValues) => [...valueProblems({ ...base, ...v }), ...problems(() => resolveInputs({ flags: { ...base, ...v } }))];
  for (const { flag, rule, good, bad, msg } of VALIDATION_TABLE) {
    it(`${flag} (${rule}): accepts ${JSON.stringify(Object.values(good)[0]).slice(0, 40)}, refuses ${JSON.stringify(Object.values(bad)[0]).slice(0, 40)}`, () => {
      expect(all(good)).toEqual([]);
      const p = all(bad);
      expect(p.join('\n')).toMatch(msg);
      // One line per problem, naming the flag.
      for (const line of p) expect(line).toMatch(/^--[a-z-]+/);
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

describe('valueProblems: each given value on its own, all at once', () => {
  it('names each flag with its value and rule', () => {
    expect(valueProblems({ stack: 'A', region: 'mars', stage: 'a b', scopes: ['ok', 'x/y'], callbackUrls: ['https://a.example.com', 'http://b.example.com'] })).toEqual([
      expect.stringMatching(/^--stack "A": /),
      expect.stringMatching(/^--region "mars": /),
      expect.stringMatching(/^--stage "a b": /),
      expect.stringMatching(/^--scope "x\/y": /),
      expect.stringMatching(/^--callback-url "http:\/\/b.example.com": /),
    ]);
    expect(valueProblems({})).toEqual([]);
  });
});

describe('the generated domain prefix', () => {
  it('is <stack>-<6 hex>, without the words Cognito reserves', () => {
    expect(defaultDomainPrefix('demo')).toMatch(/^demo-[0-9a-f]{6}$/);
    for (const stack of ['my-aws-demo', 'cognito-test', 'amazon', 'aws']) {
      const d = defaultDomainPrefix(stack);
      expect(valueProblems({ domainPrefix: d }), d).toEqual([]);
    }
    expect(defaultDomainPrefix('my-aws-demo')).toMatch(/^my-demo-[0-9a-f]{6}$/);
    expect(resolveInputs({ flags: { ...base, stack: 'aws-demo' } }).domainPrefix).toMatch(/^demo-[0-9a-f]{6}$/);
  });
});

describe('--config file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'css-config-'));
  const file = (name: string, body: string) => {
    const f = join(dir, name);
    writeFileSync(f, body);
    return f;
  };

  it('holds the same settings as the flags, and flags win over it', () => {
    const f = file('ok.json', JSON.stringify({ stack: 'demo', region: 'eu-west-1', runtime: 'nodejs22.x', scopes: ['read.x', { name: 'write.x', description: 'Write x' }], callbackUrls: ['https://a.example.com'], username: 'alice', userMode: 'password' }));
    const config = loadConfigFile(f);
    expect(config.region).toBe('eu-west-1');
    const i = resolveInputs({ flags: { runtime: 'python3.12' }, config });
    expect(i).toMatchObject({ stack: 'demo', runtime: 'python3.12', scopes: [{ name: 'read.x' }, { name: 'write.x', description: 'Write x' }], username: 'alice' });
  });

  it('is checked by the same rules, each problem named by file and key', () => {
    const f = file('bad.json', JSON.stringify({ stage: 'a b', domainPrefix: 'aws-login', scopes: ['x/y'], region: 'mars' }));
    const p = problems(() => loadConfigFile(f));
    expect(p).toEqual([
      `--config ${f}: region "mars": must be an AWS region code such as us-east-1`,
      `--config ${f}: stage "a b": must be 1-128 letters, digits, hyphens or underscores`,
      `--config ${f}: domainPrefix "aws-login": must not contain "aws", "amazon" or "cognito" (Cognito reserves them)`,
      `--config ${f}: scopes[0] "x/y": may contain only printable ASCII without spaces, /, double quotes or backslashes`,
    ]);
  });

  it('names the key path, the value and the rule (issue 13.5)', () => {
    const f = file('slash.json', '{"scopes":[{"name":"a/b"}]}');
    expect(problems(() => loadConfigFile(f))).toEqual([`--config ${f}: scopes[0].name "a/b": may contain only printable ASCII without spaces, /, double quotes or backslashes`]);
    const g = file('nam.json', '{"scopes":[{"nam":"a"}]}');
    expect(problems(() => loadConfigFile(g))).toEqual([
      `--config ${g}: scopes[0]: unknown key "nam" (did you mean "name"?); the keys are name, description`,
      `--config ${g}: scopes[0].name: is missing: each scope needs a "name" ("description" is optional)`,
    ]);
    // A scope object without a description gets the default one, as --scope NAME does.
    expect(loadConfigFile(file('nodesc.json', '{"scopes":[{"name":"a.b"}]}')).scopes).toEqual([{ name: 'a.b' }]);
    expect(resolveInputs({ flags: base, config: { scopes: [{ name: 'a.b' }] } }).scopes).toEqual([{ name: 'a.b', description: 'Scope a.b' }]);
  });

  it('a problem between values (a scope given twice) names the file and key when the file gave them', () => {
    const f = file('twice.json', JSON.stringify({ scopes: ['a.b', 'a.b'] }));
    expect(problems(() => resolveInputs({ flags: base, config: loadConfigFile(f), configPath: f }))).toEqual([`--config ${f}: scopes "a.b": scope "a.b" is given twice`]);
    expect(problems(() => resolveInputs({ flags: { ...base, scopes: ['a.b', 'a.b'] }, config: loadConfigFile(f), configPath: f }))).toEqual(['--scope "a.b": scope "a.b" is given twice']);
  });

  it('reports every problem of the file at once: unknown keys, wrong types and broken rules together', () => {
    const f = file('many.json', JSON.stringify({ stag: 'x', runtime: 5, scopes: [{ name: 'ok' }, { nam: 'a' }, 'b/c'], callbackUrls: ['https://a.example.com', 7], stage: 'a b', m2mClient: 'yes' }));
    expect(problems(() => loadConfigFile(f))).toEqual([
      `--config ${f}: unknown key "stag" (did you mean "stage"?); the keys are ${['stack', 'region', 'runtime', 'endpointType', 'stage', 'domainPrefix', 'resourceServerId', 'scopes', 'routes', 'code', 'handler', 'callbackUrls', 'username', 'email', 'userMode', 'loopbackPort', 'tier', 'logRetentionDays', 'm2mClient'].join(', ')}`,
      `--config ${f}: runtime 5: must be a string`,
      `--config ${f}: scopes[1]: unknown key "nam" (did you mean "name"?); the keys are name, description`,
      `--config ${f}: scopes[1].name: is missing: each scope needs a "name" ("description" is optional)`,
      `--config ${f}: callbackUrls[1] 7: must be a string`,
      `--config ${f}: m2mClient "yes": must be true or false`,
      `--config ${f}: stage "a b": must be 1-128 letters, digits, hyphens or underscores`,
    ]);
  });

  it('refuses unknown keys, wrong types, bad JSON, a missing file and a password', () => {
    expect(problems(() => loadConfigFile(file('k.json', '{"stak": "x"}'))).join()).toMatch(/unknown key "stak" \(did you mean "stack"\?\)/);
    expect(problems(() => loadConfigFile(file('t.json', '{"scopes": "x"}'))).join()).toMatch(/scopes "x": must be a list of scopes/);
    expect(problems(() => loadConfigFile(file('a.json', '[1]'))).join()).toMatch(/must be a JSON object/);
    expect(problems(() => loadConfigFile(file('j.json', '{"stack": '))).join()).toMatch(/is not valid JSON/);
    expect(problems(() => loadConfigFile(join(dir, 'none.json'))).join()).toMatch(/cannot be read \(ENOENT\)/);
    const pw = problems(() => loadConfigFile(file('p.json', '{"password": "Secret-123"}'))).join();
    expect(pw).toMatch(/password never goes in a config file/);
    expect(pw).not.toContain('Secret-123');
  });
});

describe('--config file routes', () => {
  it('takes routes as objects or strings; a broken one is named by its key path', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { loadConfigFile } = await import('../../src/config/config-file.js');
    const f = join(mkdtempSync(join(tmpdir(), 'css-config-routes-')), 'c.json');
    writeFileSync(f, JSON.stringify({ scopes: ['read'], routes: [{ method: 'get', path: '/m', scopes: ['read'] }, 'POST /m=read'] }));
    expect(loadConfigFile(f).routes).toEqual([{ method: 'get', path: '/m', scopes: ['read'] }, 'POST /m=read']);
    writeFileSync(f, JSON.stringify({ routes: [{ method: 'GET', path: '/m', scope: ['read'] }, { method: 'GET', path: 'm', scopes: ['read'] }] }));
    let problems: string[] = [];
    try {
      loadConfigFile(f);
    } catch (e) {
      problems = (e as { problems: string[] }).problems;
    }
    expect(problems).toEqual([
      `--config ${f}: routes[0]: unknown key "scope" (did you mean "scopes"?); the keys are method, path, scopes`,
      `--config ${f}: routes[0].scopes: is missing: each route needs "method", "path" and "scopes"`,
    ]);
  });
});
