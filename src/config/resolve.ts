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
  inputsSchema,
  password as passwordSchema,
  region as regionSchema,
  endpointUrl as endpointUrlSchema,
  stackName,
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

export function defaultDomainPrefix(stack: string): string {
  return `${stack}-${randomBytes(3).toString('hex')}`;
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
  recorded?: Inputs;
}

export function resolveInputs({ flags, config, recorded }: ResolveOptions): Inputs & { domainPrefixGenerated: boolean } {
  const pick = <K extends keyof RawInputs>(k: K): RawInputs[K] | undefined => flags[k] ?? config?.[k] ?? (recorded?.[k as keyof Inputs] as RawInputs[K] | undefined);
  const stack = pick('stack') ?? 'hello-world';
  const userMode = pick('userMode') ?? 'password';
  const domainFromUser = pick('domainPrefix');
  const data: Record<string, unknown> = {
    stack,
    runtime: pick('runtime') ?? DEFAULT_RUNTIME,
    endpointType: (pick('endpointType') ?? 'EDGE').toUpperCase(),
    stage: pick('stage') ?? 'dev',
    domainPrefix: domainFromUser ?? defaultDomainPrefix(stack),
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
export function loadConfigFile(path: string): RawInputs {
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
  return r.data as RawInputs;
}
