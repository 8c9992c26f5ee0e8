// Turns flags, a config file and what the state file recorded into validated Inputs.
// Precedence: flags > config file > recorded inputs (resume) > defaults.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import {
  DEFAULT_LOOPBACK_PORT,
  DEFAULT_RUNTIME,
  DEFAULT_SCOPE,
  TUTORIAL_CALLBACK,
  callbackUrl as callbackUrlSchema,
  domainPrefix as domainPrefixSchema,
  email as emailSchema,
  endpointType as endpointTypeSchema,
  inputsSchema,
  password as passwordSchema,
  region as regionSchema,
  endpointUrl as endpointUrlSchema,
  resourceServerId as resourceServerIdSchema,
  runtime as runtimeSchema,
  scope as scopeSchema,
  stackName,
  stage as stageSchema,
  username as usernameSchema,
  type Inputs,
  type Scope,
} from './schema.js';

/** Which flag sets each field: used to name the flag in every validation message. */
export const FLAG_OF: Record<string, string> = {
  stack: '--stack',
  region: '--region',
  endpointUrl: '--endpoint-url',
  runtime: '--runtime',
  endpointType: '--endpoint-type',
  stage: '--stage',
  domainPrefix: '--domain-prefix',
  resourceServerId: '--resource-server-id',
  scopes: '--scope',
  callbackUrls: '--callback-url',
  username: '--username',
  email: '--email',
  userMode: '--invite / --no-user',
  loopbackPort: '--callback-port',
  m2mClient: '--m2m-client',
  password: '--password-stdin (or COGNITO_SCOPE_SETUP_PASSWORD)',
};

const SECRET_FIELDS = new Set(['password']);

/** Raw values as they come from commander or a config file (all optional). */
export interface RawInputs {
  stack?: string;
  runtime?: string;
  endpointType?: string;
  stage?: string;
  domainPrefix?: string;
  resourceServerId?: string;
  scopes?: (string | Scope)[];
  callbackUrls?: string[];
  username?: string;
  email?: string;
  userMode?: 'password' | 'invite' | 'none';
  loopbackPort?: number | string;
  m2mClient?: boolean;
}

export function parseScopeFlag(v: string | Scope): Scope {
  if (typeof v !== 'string') return v;
  const eq = v.indexOf('=');
  if (eq < 0) return { name: v, description: v === DEFAULT_SCOPE.name ? DEFAULT_SCOPE.description : `Scope ${v}` };
  return { name: v.slice(0, eq), description: v.slice(eq + 1) };
}

/** `<stack>-<6 hex>`, without the words Cognito reserves (a stack may be called "my-aws-demo"). */
export function defaultDomainPrefix(stack: string): string {
  const base = stack.replace(/aws|amazon|cognito/g, '').replace(/-{2,}/g, '-').replace(/^-|-$/g, '') || 'login';
  return `${base}-${randomBytes(3).toString('hex')}`;
}

/** A zod issue path rendered as the flag that sets it, with the offending value. */
function describeIssue(issue: z.core.$ZodIssue, data: Record<string, unknown>, flagOf: Record<string, string>): string {
  const [field, index] = issue.path as (string | number)[];
  const flag = flagOf[String(field)] ?? String(field);
  let value: unknown = data[String(field)];
  if (typeof index === 'number' && Array.isArray(value)) {
    value = value[index];
    if (value && typeof value === 'object' && 'name' in value) value = (value as Scope).name;
  }
  // A secret is never echoed back.
  const shown = value === undefined || Array.isArray(value) || SECRET_FIELDS.has(String(field)) ? '' : ` ${JSON.stringify(value)}`;
  return `${flag}${shown}: ${issue.message}`;
}

export function validate<T>(schema: z.ZodType<T>, data: Record<string, unknown>, flagOf = FLAG_OF): T {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  throw new UsageError(r.error.issues.map((i) => describeIssue(i, data, flagOf)));
}

export interface ResolveOptions {
  flags: RawInputs;
  config?: RawInputs;
  /** The wizard's answers (or, with --yes, its defaults): only for what nothing above set. */
  answers?: RawInputs;
  recorded?: Inputs;
  /** The generated domain prefix the wizard showed, so the one created is the one shown. */
  domainDefault?: string;
}

export function resolveInputs({ flags, config, answers, recorded, domainDefault }: ResolveOptions): Inputs & { domainPrefixGenerated: boolean } {
  const pick = <K extends keyof RawInputs>(k: K): RawInputs[K] | undefined =>
    flags[k] ?? config?.[k] ?? answers?.[k] ?? (recorded?.[k as keyof Inputs] as RawInputs[K] | undefined);
  const stack = pick('stack') ?? 'hello-world';
  const userMode = pick('userMode') ?? 'password';
  // An accepted generated default is still a generated prefix.
  const chosen = pick('domainPrefix');
  const domainFromUser = chosen !== undefined && !(domainDefault !== undefined && chosen === domainDefault && flags.domainPrefix === undefined && config?.domainPrefix === undefined) ? chosen : undefined;
  const data: Record<string, unknown> = {
    stack,
    runtime: pick('runtime') ?? DEFAULT_RUNTIME,
    endpointType: (pick('endpointType') ?? 'EDGE').toUpperCase(),
    stage: pick('stage') ?? 'dev',
    domainPrefix: chosen ?? domainDefault ?? defaultDomainPrefix(stack),
    resourceServerId: pick('resourceServerId') ?? `${stack}-api`,
    scopes: (pick('scopes') ?? [DEFAULT_SCOPE]).map(parseScopeFlag),
    callbackUrls: pick('callbackUrls') ?? [TUTORIAL_CALLBACK],
    userMode,
    username: userMode === 'none' ? undefined : pick('username'),
    email: pick('email'),
    loopbackPort: pick('loopbackPort') ?? DEFAULT_LOOPBACK_PORT,
    m2mClient: pick('m2mClient') || undefined,
  };
  const inputs = validate(inputsSchema, data);
  return { ...inputs, domainPrefixGenerated: domainFromUser === undefined };
}

/** Values as given (flags or a config file), before they are combined: region and endpoint too. */
export type GivenValues = RawInputs & { region?: string; endpointUrl?: string };

const valuesShape = z.object({
  stack: stackName.optional(),
  region: regionSchema.optional(),
  endpointUrl: endpointUrlSchema.optional(),
  runtime: runtimeSchema.optional(),
  endpointType: endpointTypeSchema.optional(),
  stage: stageSchema.optional(),
  domainPrefix: domainPrefixSchema.optional(),
  resourceServerId: resourceServerIdSchema.optional(),
  scopes: z.array(scopeSchema).optional(),
  callbackUrls: z.array(callbackUrlSchema).optional(),
  username: usernameSchema.optional(),
  email: emailSchema.optional(),
});

/**
 * Every given value checked on its own against its field's rule, all problems at once, each
 * named by `labelOf` (a flag, or a config file key). Cross-field rules come later, in resolveInputs.
 */
export function valueProblems(values: GivenValues, labelOf: (field: string) => string = (f) => FLAG_OF[f] ?? f): string[] {
  const data: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) if (v !== undefined && k in valuesShape.shape) data[k] = v;
  if (typeof data.endpointType === 'string') data.endpointType = data.endpointType.toUpperCase();
  if (Array.isArray(data.scopes)) data.scopes = (data.scopes as (string | Scope)[]).map(parseScopeFlag);
  const r = valuesShape.safeParse(data);
  if (r.success) return [];
  const labels = Object.fromEntries(Object.keys(valuesShape.shape).map((k) => [k, labelOf(k)]));
  return r.error.issues.map((i) => describeIssue(i, data, labels));
}

export function validateStack(stack: string | undefined): string {
  return validate(z.object({ stack: stackName }), { stack: stack ?? 'hello-world' }).stack;
}

export function validateConnection(opts: { region?: string; endpointUrl?: string }): void {
  const shape = z.object({ region: regionSchema.optional(), endpointUrl: endpointUrlSchema.optional() });
  validate(shape, opts as Record<string, unknown>);
}

export function validatePassword(pw: string): string {
  return validate(z.object({ password: passwordSchema }), { password: pw }, { ...FLAG_OF, password: FLAG_OF.password! }).password;
}

/** A config file: JSON with the same keys as the flags (camelCase), validated by the same schema on use. */
export function loadConfigFile(path: string): RawInputs & { region?: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError([`--config ${JSON.stringify(path)}: cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`]);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UsageError([`--config ${JSON.stringify(path)}: is not valid JSON (${(e as Error).message})`]);
  }
  if (data && typeof data === 'object' && !Array.isArray(data) && 'password' in data) {
    throw new UsageError([`--config ${path}: password: a password never goes in a config file; pipe it in with --password-stdin or set COGNITO_SCOPE_SETUP_PASSWORD`]);
  }
  const shape = z
    .object({
      stack: z.string().optional(),
      runtime: z.string().optional(),
      endpointType: z.string().optional(),
      stage: z.string().optional(),
      domainPrefix: z.string().optional(),
      resourceServerId: z.string().optional(),
      scopes: z.array(z.union([z.string(), z.object({ name: z.string(), description: z.string() })])).optional(),
      callbackUrls: z.array(z.string()).optional(),
      username: z.string().optional(),
      email: z.string().optional(),
      userMode: z.enum(['password', 'invite', 'none']).optional(),
      loopbackPort: z.number().optional(),
      m2mClient: z.boolean().optional(),
      region: z.string().optional(),
    })
    .strict();
  const r = shape.safeParse(data);
  if (!r.success) {
    throw new UsageError(r.error.issues.map((i) => `--config ${path}: ${i.path.join('.') || '(top level)'}: ${i.message}`));
  }
  // The same rules as the flags, named by the file and key.
  const problems = valueProblems(r.data as GivenValues, (k) => `--config ${path}: ${k}`);
  if (problems.length) throw new UsageError(problems);
  return r.data as RawInputs & { region?: string };
}
