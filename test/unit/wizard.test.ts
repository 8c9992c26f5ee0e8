// The wizard: the flow with a scripted prompt set (every question, its order, its validation),
// the real inquirer prompts driven by @inquirer/testing, and when prompting is allowed at all.
import { CALLBACK_URL_RULE } from '../../src/config/callback-url.js';
import { input, password as passwordPrompt } from '@inquirer/prompts';
import { render } from '@inquirer/testing';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { gatherInputs } from '../../src/commands/inputs.js';
import type { RawInputs } from '../../src/config/resolve.js';
import { domainPrefix, email, password, region, scopeName, stackName } from '../../src/config/schema.js';
import { UsageError } from '../../src/errors.js';
import { STATE_VERSION, type State } from '../../src/state/schema.js';
import { saveState } from '../../src/state/store.js';
import type { Io } from '../../src/ui/output.js';
import { askPassword, check, inputKeepingDefault, inquirerPrompts, isInteractive, type PromptApi } from '../../src/ui/prompts.js';

type Answer = string | boolean | undefined; // undefined: press Enter (take the default)

/** A prompt set that answers from a script, checks each question's text, and runs its validator like inquirer does. */
function scripted(script: [RegExp, Answer][]) {
  const asked: string[] = [];
  const errors: string[] = [];
  const next = (message: string): Answer => {
    const step = script.shift();
    if (!step) throw new Error(`unexpected question: ${message}`);
    if (!step[0].test(message)) throw new Error(`expected a question matching ${step[0]}, got "${message}"`);
    asked.push(message);
    return step[1];
  };
  const text = async (o: { message: string; default?: string; validate?: (v: string) => true | string }) => {
    for (;;) {
      const a = next(o.message);
      const v = a === undefined ? o.default ?? '' : String(a);
      const ok = o.validate ? o.validate(v) : true;
      if (ok === true) return v;
      errors.push(ok);
    }
  };
  const api: PromptApi = {
    input: text,
    password: text,
    async select(o) {
      const a = next(o.message);
      const v = (a === undefined ? o.default ?? o.choices[0]!.value : a) as (typeof o.choices)[number]['value'];
      if (!o.choices.some((c) => c.value === v)) throw new Error(`"${String(v)}" is not a choice of "${o.message}"`);
      return v;
    },
    async confirm(o) {
      const a = next(o.message);
      return a === undefined ? o.default ?? false : Boolean(a);
    },
  };
  return { api, asked, errors, left: script };
}

const tty = <T extends object>(s: T): T => Object.assign(s, { isTTY: true });
function fakeIo(o: { terminal?: boolean; env?: NodeJS.ProcessEnv } = {}) {
  const stderr = new PassThrough();
  const stdout = new PassThrough();
  let err = '';
  stderr.on('data', (d) => (err += d));
  const stdin = new PassThrough();
  const io: Io = { stdin: o.terminal === false ? stdin : tty(stdin), stdout, stderr: o.terminal === false ? stderr : tty(stderr), env: { NO_COLOR: '1', ...o.env } };
  return { io, stderr: () => err };
}
const stateFile = () => join(mkdtempSync(join(tmpdir(), 'css-wizard-')), 'stack.json');
const never = async (): Promise<PromptApi> => {
  throw new Error('the wizard must not prompt here');
};

// The questions of a run with no flags, in the tutorial's order.
const ALL_DEFAULTS: [RegExp, Answer][] = [
  [/^Stack name$/, undefined],
  [/^AWS region$/, undefined],
  [/^Lambda runtime$/, undefined],
  [/^API endpoint type$/, undefined],
  [/^Resource server identifier$/, undefined],
  [/^Scope name$/, undefined],
  [/^Description of read.helloworld.message$/, undefined],
  [/^Add another scope\?$/, undefined],
  [/^Protect routes of your own instead of GET \/\?$/, undefined],
  [/^Callback URLs/, undefined],
  [/^Domain prefix$/, undefined],
  [/^User name$/, undefined],
  [/^E-mail address \(optional/, undefined],
];

const savedRegion = process.env.AWS_REGION;
afterEach(() => {
  if (savedRegion === undefined) delete process.env.AWS_REGION;
  else process.env.AWS_REGION = savedRegion;
});

describe('the wizard (scripted answers)', () => {
  it('adds routes until done, each checked like --route, its scopes among those declared', async () => {
    const p = scripted([
      ...ALL_DEFAULTS.slice(0, 5),
      [/^Scope name$/, 'read'],
      [/^Description of read$/, undefined],
      [/^Add another scope\?$/, true],
      [/^Scope 2 name$/, 'write'],
      [/^Description of write$/, undefined],
      [/^Add another scope\?$/, false],
      [/^Protect routes of your own instead of GET \/\?$/, true],
      [/^Route \(METHOD \/path\)$/, 'FETCH /x'],
      [/^Route \(METHOD \/path\)$/, 'GET messages'],
      [/^Route \(METHOD \/path\)$/, undefined],
      [/^Scopes for GET \/messages/, 'admin'],
      [/^Scopes for GET \/messages/, undefined],
      [/^Add another route\?$/, true],
      [/^Route 2 \(METHOD \/path\)$/, 'get /messages'],
      [/^Route 2 \(METHOD \/path\)$/, 'delete /messages/{id}'],
      [/^Scopes for DELETE \/messages\/\{id\}/, 'write, read'],
      [/^Add another route\?$/, false],
      ...ALL_DEFAULTS.slice(9),
    ]);
    const g = await gatherInputs({ state: stateFile() }, fakeIo().io, {}, async () => p.api);
    expect(p.left).toEqual([]);
    expect(p.errors).toEqual([
      'The method must be one of GET, POST, PUT, PATCH, DELETE, ANY',
      'The path must start with /',
      'Not a declared scope: admin (declared: read, write)',
      'The route GET /messages is given twice',
    ]);
    expect(g.inputs.routes).toEqual([
      { method: 'GET', path: '/messages', scopes: ['read'] },
      { method: 'DELETE', path: '/messages/{id}', scopes: ['write', 'read'] },
    ]);
  });

  it('asks no route question when --route gave routes, nor when --scope (or the config file, or the state) gave the scopes', async () => {
    const p = scripted([...ALL_DEFAULTS.slice(0, 8), ...ALL_DEFAULTS.slice(9)]);
    const g = await gatherInputs({ state: stateFile() }, fakeIo().io, { routes: ['GET /m=read.helloworld.message'] }, async () => p.api);
    expect(p.left).toEqual([]);
    expect(p.asked.some((m) => /route/i.test(m))).toBe(false);
    expect(g.inputs.routes).toEqual([{ method: 'GET', path: '/m', scopes: ['read.helloworld.message'] }]);
    const q = scripted([...ALL_DEFAULTS.slice(0, 5), ...ALL_DEFAULTS.slice(9)]);
    const h = await gatherInputs({ state: stateFile() }, fakeIo().io, { scopes: ['read'] }, async () => q.api);
    expect(q.left).toEqual([]);
    expect(q.asked.some((m) => /route/i.test(m))).toBe(false);
    expect(h.inputs.routes).toBeUndefined();
  });

  it('asks the tutorial questions in order; Enter everywhere gives the tutorial stack', async () => {
    process.env.AWS_REGION = 'eu-west-2';
    const p = scripted([...ALL_DEFAULTS]);
    const { io, stderr } = fakeIo();
    const g = await gatherInputs({ state: stateFile() }, io, {}, async () => p.api);
    expect(p.left).toEqual([]);
    expect(p.errors).toEqual([]);
    expect(g.g.region).toBe('eu-west-2'); // the default came from the environment
    expect(g.inputs).toMatchObject({
      stack: 'hello-world',
      runtime: 'python3.13',
      endpointType: 'EDGE',
      stage: 'dev',
      resourceServerId: 'hello-world-api',
      scopes: [{ name: 'read.helloworld.message', description: 'Read the hello world message' }],
      callbackUrls: ['https://oauth.pstmn.io/v1/callback'],
      userMode: 'password',
      username: 'tutorial-user',
      domainPrefixGenerated: true,
    });
    expect(g.inputs.domainPrefix).toMatch(/^hello-world-[0-9a-f]{6}$/);
    expect(g.inputs.email).toBeUndefined();
    // One line of explanation per step, on stderr.
    expect(stderr()).toMatch(/sets up the AWS tutorial/);
    for (const line of ['named after the stack', 'AWS region', 'Lambda function', 'REST API', 'resource server', 'custom scopes', 'after sign-in', 'hosted sign-in page', 'user to sign in']) {
      expect(stderr()).toContain(line);
    }
  });

  it('takes custom answers, several scopes and an invitation', async () => {
    const p = scripted([
      [/^Stack name$/, 'demo'],
      [/^AWS region$/, 'eu-west-1'],
      [/^Lambda runtime$/, 'nodejs22.x'],
      [/^API endpoint type$/, 'REGIONAL'],
      [/^Resource server identifier$/, 'https://api.example.com'],
      [/^Scope name$/, 'read.items'],
      [/^Description of read.items$/, 'Read items'],
      [/^Add another scope\?$/, true],
      [/^Scope 2 name$/, undefined],
      [/^Description of write.helloworld.message$/, 'Write it'],
      [/^Add another scope\?$/, true],
      [/^Scope 3 name$/, 'admin'],
      [/^Description of admin$/, undefined],
      [/^Add another scope\?$/, false],
      [/^Protect routes of your own instead of GET \/\?$/, undefined],
      [/^Callback URLs/, 'https://app.example.com/cb http://localhost:3000/cb'],
      [/^Domain prefix$/, 'demo-login'],
      [/^User name$/, 'alice'],
      [/^E-mail address/, 'alice@example.com'],
      [/^How does the user get a password\?$/, 'invite'],
    ]);
    const { io } = fakeIo();
    const g = await gatherInputs({ state: stateFile() }, io, {}, async () => p.api);
    expect(p.left).toEqual([]);
    expect(g.g.region).toBe('eu-west-1');
    expect(g.inputs).toMatchObject({
      stack: 'demo',
      runtime: 'nodejs22.x',
      endpointType: 'REGIONAL',
      resourceServerId: 'https://api.example.com',
      scopes: [
        { name: 'read.items', description: 'Read items' },
        { name: 'write.helloworld.message', description: 'Write it' },
        { name: 'admin', description: 'Scope admin' },
      ],
      callbackUrls: ['https://app.example.com/cb', 'http://localhost:3000/cb'],
      domainPrefix: 'demo-login',
      domainPrefixGenerated: false,
      username: 'alice',
      email: 'alice@example.com',
      userMode: 'invite',
    });
  });

  it('refuses a bad answer with the schema rule and asks again', async () => {
    const p = scripted([
      [/^Stack name$/, 'Bad_Name'],
      [/^Stack name$/, 'good'],
      [/^AWS region$/, 'mars'],
      [/^AWS region$/, 'us-east-1'],
      [/^Lambda runtime$/, undefined],
      [/^API endpoint type$/, undefined],
      [/^Resource server identifier$/, 'has space'],
      [/^Resource server identifier$/, 'x'.repeat(250)],
      [/^Scope name$/, 'read/items'],
      [/^Scope name$/, 'read.a.long.name'], // x*250 + "/" + this > 256
      [/^Scope name$/, 'r'],
      [/^Description of r$/, 'Read'],
      [/^Add another scope\?$/, true],
      [/^Scope 2 name$/, 'r'],
      [/^Scope 2 name$/, 'w'],
      [/^Description of w$/, undefined],
      [/^Add another scope\?$/, false],
      [/^Protect routes of your own instead of GET \/\?$/, undefined],
      [/^Callback URLs/, 'https://ok.example.com http://example.com/cb'],
      [/^Callback URLs/, 'https://ok.example.com/#frag'],
      [/^Callback URLs/, undefined],
      [/^Domain prefix$/, 'my-cognito-login'],
      [/^Domain prefix$/, '-bad'],
      [/^Domain prefix$/, 'good-login'],
      [/^User name$/, 'has space'],
      [/^User name$/, 'bob'],
      [/^E-mail address/, 'nope'],
      [/^E-mail address/, ''],
    ]);
    const { io } = fakeIo();
    const g = await gatherInputs({ state: stateFile() }, io, {}, async () => p.api);
    expect(p.left).toEqual([]);
    expect(p.errors).toEqual([
      'The stack name must be 1-32 characters: lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen',
      'The region must be an AWS region code such as us-east-1',
      'The identifier may contain only printable ASCII without spaces, double quotes or backslashes',
      'A scope name may contain only printable ASCII without spaces, /, double quotes or backslashes',
      `"${'x'.repeat(250)}/read.a.long.name" would be longer than 256 characters (Cognito's limit)`,
      'The scope "r" is already in the list',
      `"http://example.com/cb" uses http on a host that is not loopback: ${CALLBACK_URL_RULE}`,
      `"https://ok.example.com/#frag" must not contain a fragment (#): ${CALLBACK_URL_RULE}`,
      'The domain prefix must not contain "aws", "amazon" or "cognito" (Cognito reserves them)',
      'The domain prefix must be 1-63 lowercase letters, digits or hyphens, not starting or ending with a hyphen',
      'The user name may not contain spaces or control characters',
      'This must be an e-mail address',
    ]);
    expect(g.inputs).toMatchObject({ stack: 'good', domainPrefix: 'good-login', username: 'bob', userMode: 'password', callbackUrls: ['https://oauth.pstmn.io/v1/callback'] });
  });

  it('the prompts use the same schema messages as the flags', () => {
    for (const [schema, bad] of [[stackName, 'A'], [region, 'x'], [scopeName, 'a b'], [domainPrefix, 'amazon'], [email, 'x@'], [password, 'short']] as const) {
      const r = schema.safeParse(bad);
      expect(r.success).toBe(false);
      expect(check(schema, 'X')(bad)).toBe(`X ${r.error!.issues.map((i) => i.message).join('; ').replaceAll(' (the pool password policy);', ';')}`);
    }
  });

  it('asks only what no flag, config file or state gave', async () => {
    const p = scripted([
      [/^Resource server identifier$/, undefined],
      [/^Domain prefix$/, undefined],
      [/^User name$/, undefined],
    ]);
    const { io } = fakeIo();
    const flags: RawInputs = { runtime: 'python3.12', endpointType: 'REGIONAL', scopes: ['read.x=Read x'], email: 'a@example.com' };
    const cfgDir = mkdtempSync(join(tmpdir(), 'css-wizard-cfg-'));
    const cfg = join(cfgDir, 'c.json');
    (await import('node:fs')).writeFileSync(cfg, JSON.stringify({ stack: 'from-config', region: 'ap-south-1', callbackUrls: ['https://a.example.com'], userMode: 'password' }));
    const g = await gatherInputs({ state: stateFile(), config: cfg }, io, flags, async () => p.api);
    expect(p.left).toEqual([]);
    expect(g.g).toMatchObject({ stack: 'from-config', region: 'ap-south-1' });
    expect(g.inputs).toMatchObject({ stack: 'from-config', runtime: 'python3.12', endpointType: 'REGIONAL', scopes: [{ name: 'read.x', description: 'Read x' }], callbackUrls: ['https://a.example.com'], email: 'a@example.com', username: 'tutorial-user', resourceServerId: 'from-config-api' });
  });

  it('--no-user asks no user question; --invite needs the e-mail', async () => {
    const rest = ALL_DEFAULTS.slice(2, 11);
    const none = scripted([[/^Stack name$/, undefined], ...rest]);
    const a = await gatherInputs({ state: stateFile(), region: 'us-east-1' }, fakeIo().io, { userMode: 'none' }, async () => none.api);
    expect(none.asked.some((m) => /User name|E-mail/.test(m))).toBe(false);
    expect(a.inputs).toMatchObject({ userMode: 'none', username: undefined });

    const inv = scripted([
      [/^Stack name$/, undefined],
      ...ALL_DEFAULTS.slice(2, 11),
      [/^User name$/, undefined],
      [/^E-mail address \(the invitation goes there\)$/, ''],
      [/^E-mail address \(the invitation goes there\)$/, 'bob@example.com'],
    ]);
    const b = await gatherInputs({ state: stateFile(), region: 'us-east-1' }, fakeIo().io, { userMode: 'invite' }, async () => inv.api);
    expect(inv.left).toEqual([]);
    expect(inv.errors).toEqual(['This must be an e-mail address']);
    expect(b.inputs).toMatchObject({ userMode: 'invite', email: 'bob@example.com' });
  });

  it('a stack with a state file asks nothing after the stack name, and says it resumes', async () => {
    const file = stateFile();
    const state: State = {
      version: STATE_VERSION,
      tool: 'cognito-scope-setup',
      stack: 'demo',
      region: 'eu-central-1',
      accountId: '123456789012',
      inputs: { stack: 'demo', runtime: 'python3.12', endpointType: 'EDGE', stage: 'dev', domainPrefix: 'demo-abc123', resourceServerId: 'demo-api', scopes: [{ name: 'r', description: 'R' }], callbackUrls: ['https://a.example.com'], userMode: 'password', username: 'alice' },
      domainPrefixGenerated: true,
      resources: {},
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    };
    await saveState(file, state);
    const p = scripted([[/^Stack name$/, 'demo']]);
    const { io, stderr } = fakeIo();
    const g = await gatherInputs({ state: file }, io, {}, async () => p.api);
    expect(p.left).toEqual([]);
    expect(stderr()).toMatch(/Resuming stack demo/);
    expect(g.inputs).toMatchObject({ runtime: 'python3.12', username: 'alice', domainPrefix: 'demo-abc123' });
  });

  it('--yes asks nothing and takes every default, with the user tutorial-user', async () => {
    // On a terminal the prompts exist (the password may still be asked), but no question is.
    const p = scripted([]);
    const g = await gatherInputs({ state: stateFile(), yes: true }, fakeIo().io, {}, async () => p.api);
    expect(p.asked).toEqual([]);
    expect(g.prompts).toBe(p.api);
    expect(g.inputs).toMatchObject({ stack: 'hello-world', username: 'tutorial-user', userMode: 'password', domainPrefixGenerated: true });
    // Without a terminal too.
    const h = await gatherInputs({ state: stateFile(), yes: true }, fakeIo({ terminal: false }).io, { userMode: 'invite', email: 'a@example.com' }, never);
    expect(h.prompts).toBeUndefined();
    expect(h.inputs).toMatchObject({ username: 'tutorial-user', userMode: 'invite' });
  });

  it('without a terminal nothing is asked and a missing value names its flag', async () => {
    const noTerm = fakeIo({ terminal: false }).io;
    await expect(gatherInputs({ state: stateFile() }, noTerm, {}, never)).rejects.toThrow(/--username: is required/);
    const withNoInput = fakeIo().io;
    await expect(gatherInputs({ state: stateFile(), input: false }, withNoInput, {}, never)).rejects.toThrow(/--username: is required/);
    const ci = fakeIo({ env: { CI: 'true' } }).io;
    await expect(gatherInputs({ state: stateFile() }, ci, {}, never)).rejects.toThrow(/--username: is required/);
  });

  it('every bad flag and config value is reported at once, before any prompt', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'css-wizard-cfg-'));
    const cfg = join(dir, 'c.json');
    (await import('node:fs')).writeFileSync(cfg, JSON.stringify({ stage: 'a b', callbackUrls: ['http://example.com'] }));
    const err = await gatherInputs({ state: stateFile(), stack: 'Bad', region: 'mars', config: cfg }, fakeIo().io, { runtime: 'python3.9', domainPrefix: 'aws' }, never).catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).problems).toEqual([
      expect.stringMatching(/^--stack "Bad": must be 1-32/),
      expect.stringMatching(/^--region "mars": must be an AWS region code/),
      expect.stringMatching(/^--runtime "python3.9": is deprecated/),
      expect.stringMatching(/^--domain-prefix "aws": must not contain/),
      expect.stringMatching(new RegExp(`^--config ${cfg}: stage "a b": must be 1-128`)),
      expect.stringMatching(new RegExp(`^--config ${cfg}: callbackUrls\\[0\\] "http://example.com": uses http on a host that is not loopback`)),
    ]);
  });
});

describe('when to prompt', () => {
  const streams = (a: boolean, b: boolean) => ({ stdin: a ? tty(new PassThrough()) : new PassThrough(), stderr: b ? tty(new PassThrough()) : new PassThrough(), stdout: new PassThrough() });
  it('only with stdin and stderr on a terminal, without --no-input, outside CI', () => {
    expect(isInteractive({}, { ...streams(true, true), env: {} })).toBe(true);
    expect(isInteractive({}, { ...streams(false, true), env: {} })).toBe(false);
    expect(isInteractive({}, { ...streams(true, false), env: {} })).toBe(false);
    expect(isInteractive({ input: false }, { ...streams(true, true), env: {} })).toBe(false);
    expect(isInteractive({}, { ...streams(true, true), env: { CI: 'true' } })).toBe(false);
    expect(isInteractive({}, { ...streams(true, true), env: { CI: 'false' } })).toBe(true);
  });
});

describe('the password', () => {
  it('is checked against the pool policy, typed twice; when the two differ, both are asked again', async () => {
    const p = scripted([
      [/^Password for alice$/, 'weakpass'],
      [/^Password for alice$/, 'Corr3ct-Horse?'],
      [/^The same password again$/, 'Corr3ct-Horse!'],
      // Either one may be the typo: the first is asked again too, not only the repeat.
      [/^Password for alice$/, 'Corr3ct-Horse!'],
      [/^The same password again$/, 'Corr3ct-Horse!'],
    ]);
    const { io, stderr } = fakeIo();
    expect(await askPassword(io, p.api, 'alice')).toBe('Corr3ct-Horse!');
    expect(p.left).toEqual([]);
    expect(p.errors).toEqual(['The password must contain an uppercase letter; must contain a digit; must contain a symbol (the pool password policy)']);
    expect(stderr()).toContain('The two passwords differ; type both again.');
    expect(stderr()).toMatch(/never stored/);
    expect(stderr()).not.toContain('Corr3ct');
  });
});

describe('the real prompts (@inquirer/testing)', () => {
  it('an input shows the schema rule under the question and accepts a fixed answer', async () => {
    const { answer, events, getScreen } = await render(input, { message: 'Domain prefix', default: 'hello-world-abc123', validate: check(domainPrefix, 'The domain prefix') });
    expect(getScreen()).toContain('Domain prefix (hello-world-abc123)');
    events.type('my-aws-login');
    events.keypress('enter');
    await new Promise((r) => setTimeout(r, 20));
    expect(getScreen()).toContain('The domain prefix must not contain "aws", "amazon" or "cognito"');
    for (let i = 0; i < 'my-aws-login'.length; i++) events.keypress('backspace');
    events.type('my-login');
    events.keypress('enter');
    await expect(answer).resolves.toBe('my-login');
  });

  it('Backspace on an empty line keeps the default: it stays shown and Enter takes it', async () => {
    const { io } = fakeIo();
    const keeping = (cfg: { message: string; default?: string; validate?: (v: string) => true | string }, ctx: object) => inputKeepingDefault(input, io, ctx)(cfg);
    const { answer, events, getScreen } = await render(keeping as never, { message: 'Stack name', default: 'hello-world', validate: check(stackName, 'The stack name') });
    expect(getScreen()).toContain('Stack name (hello-world)');
    events.keypress('backspace');
    events.keypress('backspace');
    expect(getScreen()).toContain('Stack name (hello-world)');
    // Typing and erasing it again changes nothing either.
    events.type('x');
    events.keypress('backspace');
    events.keypress('backspace');
    expect(getScreen()).toContain('Stack name (hello-world)');
    events.keypress('enter');
    await expect(answer).resolves.toBe('hello-world');
    expect(getScreen()).toContain('hello-world');
    expect(getScreen()).not.toContain('must');
  });

  it('a typed answer replaces the default and is validated as typed', async () => {
    const { io } = fakeIo();
    const keeping = (cfg: { message: string; default?: string; validate?: (v: string) => true | string }, ctx: object) => inputKeepingDefault(input, io, ctx)(cfg);
    const { answer, events, getScreen } = await render(keeping as never, { message: 'Stack name', default: 'hello-world', validate: check(stackName, 'The stack name') });
    events.type('Bad_Name');
    events.keypress('enter');
    await new Promise((r) => setTimeout(r, 20));
    expect(getScreen()).toContain('The stack name must be 1-32 characters');
    for (let i = 0; i < 'Bad_Name'.length; i++) events.keypress('backspace');
    events.type('demo');
    events.keypress('enter');
    await expect(answer).resolves.toBe('demo');
  });

  it('Enter takes the default', async () => {
    const { answer, events } = await render(input, { message: 'Stack name', default: 'hello-world', validate: check(stackName, 'The stack name') });
    events.keypress('enter');
    await expect(answer).resolves.toBe('hello-world');
  });

  it('a password is masked', async () => {
    const { answer, events, getScreen } = await render(passwordPrompt, { message: 'Password', mask: '*', validate: check(password, 'The password') });
    events.type('Corr3ct-Horse!');
    expect(getScreen()).toContain('**************');
    expect(getScreen()).not.toContain('Corr3ct');
    events.keypress('enter');
    await expect(answer).resolves.toBe('Corr3ct-Horse!');
  });

  it('Ctrl-C rejects with ExitPromptError (the CLI turns it into exit 130)', async () => {
    const { answer, events } = await render(input, { message: 'Stack name' });
    events.keypress({ name: 'c', ctrl: true });
    await expect(answer).rejects.toMatchObject({ name: 'ExitPromptError' });
  });

  it('inquirerPrompts draws on stderr, never on stdout', async () => {
    const stdin = tty(new PassThrough());
    let out = '';
    let err = '';
    const stdout = new PassThrough().on('data', (d) => (out += d));
    const stderr = new PassThrough().on('data', (d) => (err += d));
    const p = await inquirerPrompts({ stdin, stdout, stderr, env: {} });
    const answer = p.input({ message: 'Stack name', default: 'hello-world' });
    await new Promise((r) => setTimeout(r, 20));
    stdin.emit('keypress', null, { name: 'enter' });
    await expect(answer).resolves.toBe('hello-world');
    expect(err).toContain('Stack name');
    expect(out).toBe('');
  });
});
