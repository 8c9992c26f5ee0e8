// The interactive wizard of `init`: the tutorial's questions, in the tutorial's order, each
// explained in one line and validated by the same zod field schema as its flag. Prompts go to
// stderr (stdout carries results only). The prompt functions are injectable, so the flow is
// tested with a scripted prompt set and the real prompts with @inquirer/testing.
import type * as z from 'zod/mini';
import type { RawInputs } from '../config/resolve.js';
import {
  DEFAULT_RUNTIME,
  DEFAULT_SCOPE,
  DEFAULT_USERNAME,
  SUPPORTED_RUNTIMES,
  TUTORIAL_CALLBACK,
  domainPrefix,
  email,
  password,
  region,
  resourceServerId,
  scope as scopeSchema,
  scopeName,
  stackName,
  username,
} from '../config/schema.js';
import { callbackUrlListProblems } from '../config/callback-url.js';
import { colorsFor, isTty, type Io } from './output.js';
import { askRoutes } from './prompt-routes.js';

export interface Choice<T> {
  name: string;
  value: T;
  description?: string;
}

/** The four prompt kinds the wizard uses; `inquirerPrompts` binds them to @inquirer/prompts. */
export interface PromptApi {
  input(o: { message: string; default?: string; validate?: (v: string) => true | string }): Promise<string>;
  password(o: { message: string; validate?: (v: string) => true | string }): Promise<string>;
  select<T extends string>(o: { message: string; choices: Choice<T>[]; default?: T }): Promise<T>;
  confirm(o: { message: string; default?: boolean }): Promise<boolean>;
}

/** Prompt only with a terminal on both ends, without --no-input, and not in CI. */
export function isInteractive(o: { input?: boolean }, io: Io): boolean {
  const ci = io.env.CI;
  const inCi = ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
  // stderr first: without a terminal there, stdin is never looked up (see processIo).
  return isTty(io.stderr) && isTty(io.stdin) && o.input !== false && !inCi;
}

type InquirerInput = (o: { message: string; validate?: (v: string) => true | string | Promise<true | string>; transformer?: (v: string, f: { isFinal: boolean }) => string }, ctx?: object) => Promise<string>;

/**
 * An input whose default cannot be erased: inquirer's input forgets its default when Backspace is
 * pressed on an empty line (and Enter then answers ""), so the default is not handed to it. It is
 * shown after the question, as inquirer shows it, and an empty answer (Enter) takes it.
 */
export function inputKeepingDefault(input: InquirerInput, io: Io, ctx?: object): PromptApi['input'] {
  const c = colorsFor(io);
  return async (o) => {
    if (o.default === undefined || o.default === '') return input({ message: o.message, validate: o.validate }, ctx);
    const fallback = o.default;
    const answer = await input(
      {
        message: `${o.message} ${c.dim(`(${fallback})`)}`,
        validate: (v) => (o.validate ? o.validate(v === '' ? fallback : v) : true),
        transformer: (v, { isFinal }) => (isFinal ? c.cyan(v === '' ? fallback : v) : v),
      },
      ctx,
    );
    return answer === '' ? fallback : answer;
  };
}

/** Inquirer's prompts, reading the terminal and drawing on stderr. */
export async function inquirerPrompts(io: Io): Promise<PromptApi> {
  const p = await import('@inquirer/prompts');
  const ctx = { input: io.stdin, output: io.stderr as NodeJS.WritableStream };
  return {
    input: inputKeepingDefault(p.input as InquirerInput, io, ctx),
    password: (o) => p.password({ ...o, mask: '*' }, ctx),
    select: <T extends string>(o: { message: string; choices: Choice<T>[]; default?: T }) => p.select<T>(o, ctx),
    confirm: (o) => p.confirm(o, ctx),
  };
}

/** A prompt validator from a zod field schema: the schema's own message, after the field's label. */
export function check(schema: z.ZodMiniType, label: string): (v: string) => true | string {
  return (v) => {
    const r = schema.safeParse(v);
    if (r.success) return true;
    // Several broken rules of one policy: name the policy once, at the end.
    const why = / \([^()]+\)$/.exec(r.error.issues[0]!.message)?.[0];
    const all = r.error.issues.map((i) => i.message);
    const shared = why && all.every((m) => m.endsWith(why));
    return `${label} ${(shared ? all.map((m) => m.slice(0, -why.length)) : all).join('; ')}${shared ? why : ''}`;
  };
}

export const splitList = (v: string) => v.split(/[\s,]+/).filter(Boolean);

export function checkCallbackUrls(v: string): true | string {
  const urls = splitList(v);
  if (urls.length === 0) return 'Give at least one callback URL';
  const problems = callbackUrlListProblems(urls);
  return problems.length === 0 ? true : problems.map((p) => `"${urls[p.index]}" ${p.message}`).join('; ');
}

export interface WizardOptions {
  io: Io;
  prompts: PromptApi;
  stack: string;
  /** True for a field that a flag, the config file or the state file already set: not asked. */
  has(field: keyof RawInputs | 'region'): boolean;
  /** The region the SDK would use (environment or profile), proposed as the default. */
  regionDefault?: string;
  /** The generated domain prefix, proposed as the default. */
  domainDefault: string;
  /** User mode already decided by a flag (--invite, --no-user) or the config file. */
  userMode?: RawInputs['userMode'];
}

export interface WizardResult {
  answers: RawInputs;
  region?: string;
}

export function explainer(io: Io) {
  const c = colorsFor(io);
  return (line: string) => io.stderr.write(`${c.dim(`  ${line}`)}\n`);
}

/** Two lines before the first question: what this is, and how to answer. */
export function printIntro(io: Io): void {
  const c = colorsFor(io);
  io.stderr.write(
    [
      `${c.bold('cognito-scope-setup')} sets up the AWS tutorial "protect a REST API with a Cognito user pool and a custom scope".`,
      c.dim('Press Enter to take the default in (parentheses). Nothing is created until you confirm the plan; Ctrl-C quits.'),
      '',
    ].join('\n'),
  );
}

/** The stack name comes first: it names every resource and the state file. */
export async function askStack(io: Io, prompts: PromptApi): Promise<string> {
  explainer(io)('Every resource is named after the stack (hello-world-lambda, hello-world-api, ...).');
  return prompts.input({ message: 'Stack name', default: 'hello-world', validate: check(stackName, 'The stack name') });
}

/** The questions after the stack name, in the tutorial's order, skipping what is already set. */
export async function runWizard(w: WizardOptions): Promise<WizardResult> {
  const { io, prompts: p, stack, has } = w;
  const say = explainer(io);
  const answers: RawInputs = {};
  let chosenRegion: string | undefined;

  if (!has('region')) {
    say('The AWS region every resource goes into.');
    chosenRegion = await p.input({ message: 'AWS region', default: w.regionDefault ?? 'us-east-1', validate: check(region, 'The region') });
  }
  if (!has('runtime')) {
    say('The Lambda function behind the API; it answers "Hello World!".');
    answers.runtime = await p.select({
      message: 'Lambda runtime',
      default: DEFAULT_RUNTIME,
      choices: SUPPORTED_RUNTIMES.map((r) => ({ name: r === DEFAULT_RUNTIME ? `${r} (default)` : r, value: r })),
    });
  }
  if (!has('endpointType')) {
    say('The REST API in front of the function.');
    answers.endpointType = await p.select({
      message: 'API endpoint type',
      default: 'EDGE',
      choices: [
        { name: 'EDGE (as in the tutorial)', value: 'EDGE', description: 'Served through CloudFront edge locations' },
        { name: 'REGIONAL', value: 'REGIONAL', description: 'Served from the region only' },
      ],
    });
  }
  const rsId = has('resourceServerId') ? undefined : await (async () => {
    say('The resource server that owns your scopes; its identifier prefixes each scope.');
    return p.input({ message: 'Resource server identifier', default: `${stack}-api`, validate: check(resourceServerId, 'The identifier') });
  })();
  if (rsId !== undefined) answers.resourceServerId = rsId;
  if (!has('scopes')) {
    say('The custom scopes; GET / demands them. Add several if you like.');
    const scopes: { name: string; description: string }[] = [];
    const prefix = rsId ?? `${stack}-api`;
    for (;;) {
      const n = scopes.length;
      const name = await p.input({
        message: n === 0 ? 'Scope name' : `Scope ${n + 1} name`,
        default: n === 0 ? DEFAULT_SCOPE.name : n === 1 ? 'write.helloworld.message' : `scope-${n + 1}`,
        validate: (v) => {
          const ok = check(scopeName, 'A scope name')(v);
          if (ok !== true) return ok;
          if (scopes.some((s) => s.name === v)) return `The scope "${v}" is already in the list`;
          if (prefix.length + 1 + v.length > 256) return `"${prefix}/${v}" would be longer than 256 characters (Cognito's limit)`;
          return true;
        },
      });
      const description = await p.input({
        message: `Description of ${name}`,
        default: name === DEFAULT_SCOPE.name ? DEFAULT_SCOPE.description : `Scope ${name}`,
        validate: check(scopeSchema.shape.description, 'The description'),
      });
      scopes.push({ name, description });
      if (scopes.length >= 49 || !(await p.confirm({ message: 'Add another scope?', default: false }))) break;
    }
    answers.scopes = scopes;
  }
  // The routes belong with the scopes: asked right after them, and only then (a run whose scopes
  // a flag, the config file or the state set asks nothing new; --route is there for it).
  if (answers.scopes && !has('routes')) {
    const routes = await askRoutes(io, p, answers.scopes.map((x) => (typeof x === 'string' ? x : x.name)));
    if (routes) answers.routes = routes;
  }
  if (!has('callbackUrls')) {
    say("Where Cognito sends the browser after sign-in; the default is Postman's.");
    answers.callbackUrls = splitList(await p.input({ message: 'Callback URLs (separate several with spaces)', default: TUTORIAL_CALLBACK, validate: checkCallbackUrls }));
  }
  if (!has('domainPrefix')) {
    say('The hosted sign-in page: https://<prefix>.auth.<region>.amazoncognito.com (unique per region).');
    answers.domainPrefix = await p.input({ message: 'Domain prefix', default: w.domainDefault, validate: check(domainPrefix, 'The domain prefix') });
  }
  if (w.userMode !== 'none') {
    const askName = !has('username');
    const askEmail = !has('email');
    if (askName || askEmail) say('A user to sign in with.');
    if (askName) answers.username = await p.input({ message: 'User name', default: DEFAULT_USERNAME, validate: check(username, 'The user name') });
    let mail: string | undefined;
    if (askEmail) {
      const needed = w.userMode === 'invite';
      const v = await p.input({
        message: needed ? 'E-mail address (the invitation goes there)' : 'E-mail address (optional: Enter to skip)',
        validate: (x) => (x === '' && !needed ? true : check(email, 'This')(x)),
      });
      if (v !== '') mail = answers.email = v;
    }
    if (w.userMode === undefined) {
      if (mail) {
        answers.userMode = await p.select<'password' | 'invite'>({
          message: 'How does the user get a password?',
          default: 'password',
          choices: [
            { name: 'I type one now', value: 'password', description: 'The user can sign in at once; no e-mail is sent' },
            { name: 'Cognito e-mails an invitation', value: 'invite', description: 'A temporary password, changed at first sign-in (as in the tutorial)' },
          ],
        });
      } else answers.userMode = 'password';
    }
  }
  return { answers, region: chosenRegion };
}

/** --yes: every default, without asking. Only the user name needs one here; resolveInputs has the rest. */
export function yesDefaults(has: WizardOptions['has'], userMode: RawInputs['userMode']): RawInputs {
  return userMode !== 'none' && !has('username') ? { username: DEFAULT_USERNAME } : {};
}

/** The user's password: masked, typed twice, checked against the pool's policy before any call. */
export async function askPassword(io: Io, prompts: PromptApi, user: string): Promise<string> {
  explainer(io)("The password is checked against the pool's policy (8+ characters, upper and lower case, a digit, a symbol) and never stored.");
  for (;;) {
    const first = await prompts.password({ message: `Password for ${user}`, validate: check(password, 'The password') });
    const again = await prompts.password({ message: 'The same password again' });
    if (again === first) return first;
    // Either one may be the mistyped one: ask for both again.
    io.stderr.write(`${colorsFor(io).yellow('The two passwords differ; type both again.')}\n`);
  }
}
