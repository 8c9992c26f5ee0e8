// Turns flags, a config file and what the state file recorded into validated Inputs.
// Precedence: flags > config file > recorded inputs (resume) > defaults.
import { randomBytes } from 'node:crypto';
import * as z from 'zod/mini';
import type { $ZodIssue } from 'zod/v4/core';
import { UsageError } from '../errors.js';
import { FLAG_OF, SETTING_FIELDS, longFlag, type FieldDef, type FieldTable, type GivenValues, type RawInputs } from './fields.js';
import { parseRouteFlag, routeText, type Route } from './routes.js';
import * as rules from './schema.js';
import { DEFAULT_LOG_RETENTION_DAYS, DEFAULT_LOOPBACK_PORT, DEFAULT_RUNTIME, DEFAULT_TIER, DEFAULT_SCOPE, TUTORIAL_CALLBACK, inputsSchema, password as passwordSchema, stackName, type Inputs, type Scope } from './schema.js';

export { FLAG_OF, type GivenValues, type RawInputs };

const SECRET_FIELDS = new Set(['password']);

export function parseScopeFlag(v: string | { name: string; description?: string }): Scope {
  if (typeof v !== 'string') return { name: v.name, description: v.description ?? (v.name === DEFAULT_SCOPE.name ? DEFAULT_SCOPE.description : `Scope ${v.name}`) };
  const eq = v.indexOf('=');
  if (eq < 0) return { name: v, description: v === DEFAULT_SCOPE.name ? DEFAULT_SCOPE.description : `Scope ${v}` };
  return { name: v.slice(0, eq), description: v.slice(eq + 1) };
}

/** `<stack>-<6 hex>`, without the words Cognito reserves (a stack may be called "my-aws-demo"). */
export function defaultDomainPrefix(stack: string): string {
  const base = stack.replace(/aws|amazon|cognito/g, '').replace(/-{2,}/g, '-').replace(/^-|-$/g, '') || 'login';
  return `${base}-${randomBytes(3).toString('hex')}`;
}

/** The value at a path of what was given, as typed: stops at the first non-object (a scope given as "a=b"). */
export function valueAt(raw: unknown, path: readonly PropertyKey[]): { value: unknown; depth: number } {
  let value = raw;
  let depth = 0;
  for (const k of path) {
    if (value === null || typeof value !== 'object') break;
    value = (value as Record<PropertyKey, unknown>)[k];
    depth++;
  }
  return { value, depth };
}

/** A zod issue path rendered as the flag that sets it, with the offending value as it was typed. */
function describeIssue(issue: $ZodIssue, data: Record<string, unknown>, flagOf: Record<string, string>, raw: Record<string, unknown> = data): string {
  const [field, index] = issue.path as (string | number)[];
  const flag = flagOf[String(field)] ?? String(field);
  let value: unknown = raw[String(field)];
  if (typeof index === 'number' && Array.isArray(value)) {
    value = value[index];
    if (value && typeof value === 'object' && 'name' in value) value = (value as Scope).name;
    else if (value && typeof value === 'object' && 'unparsed' in value) value = (value as { unparsed: string }).unparsed;
    else if (value && typeof value === 'object' && 'path' in value) value = routeText({ ...(value as Route), scopes: Array.isArray((value as Route).scopes) ? (value as Route).scopes : [] });
  }
  // A secret is never echoed back.
  const shown = value === undefined || Array.isArray(value) || SECRET_FIELDS.has(String(field)) ? '' : ` ${JSON.stringify(value)}`;
  return `${flag}${shown}: ${issue.message}`;
}

export function validate<T>(schema: z.ZodMiniType<T>, data: Record<string, unknown>, flagOf = FLAG_OF): T {
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
  /** The --config file's path: a cross-field problem with a value from it names the file and key. */
  configPath?: string;
}

export function resolveInputs({ flags, config, answers, recorded, domainDefault, configPath }: ResolveOptions): Inputs & { domainPrefixGenerated: boolean } {
  const pick = <K extends keyof RawInputs>(k: K): RawInputs[K] | undefined =>
    flags[k] ?? config?.[k] ?? answers?.[k] ?? (recorded?.[k as keyof Inputs] as RawInputs[K] | undefined);
  const stack = pick('stack') ?? 'hello-world';
  // A user name given (flag or file) on a stack recorded without a user adds one: --username is how.
  const named = (flags.username ?? config?.username) !== undefined;
  const userMode = flags.userMode ?? config?.userMode ?? answers?.userMode ?? (recorded?.userMode === 'none' && named ? 'password' : recorded?.userMode) ?? 'password';
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
    tier: pick('tier') ?? DEFAULT_TIER,
    logRetentionDays: pick('logRetentionDays') ?? DEFAULT_LOG_RETENTION_DAYS,
    routes: pick('routes')?.map(parseRouteFlag),
    code: pick('code'),
    handler: pick('handler'),
  };
  // A value the config file gave (no flag over it) is named by the file and its key.
  const labels = { ...FLAG_OF };
  if (configPath !== undefined) for (const k of Object.keys(config ?? {})) if (flags[k as keyof RawInputs] === undefined) labels[k] = `--config ${configPath}: ${k}`;
  const inputs = validate(inputsSchema, data, labels);
  return { ...inputs, domainPrefixGenerated: domainFromUser === undefined };
}

/** The rule of every setting that has one, keyed by setting, in the field table's order. */
const valuesFields: Record<string, z.ZodMiniType> = Object.fromEntries(SETTING_FIELDS.filter(([, f]) => f.rule).map(([, f]) => [f.key!, z.optional(f.rule!(rules))]));
const valuesShape = z.object(valuesFields);

/** The given values of known fields, in the form their rules check (endpoint type upper-case, scope and route flags parsed). */
function normalized(values: GivenValues): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) if (v !== undefined && k in valuesFields) data[k] = v;
  if (typeof data.endpointType === 'string') data.endpointType = data.endpointType.toUpperCase();
  if (Array.isArray(data.scopes)) data.scopes = (data.scopes as (string | Scope)[]).map(parseScopeFlag);
  if (Array.isArray(data.routes)) data.routes = (data.routes as string[]).map(parseRouteFlag);
  return data;
}

/**
 * Every given value checked on its own against its field's rule, all problems at once, each
 * named by `labelOf` (a flag, or a config file key). Cross-field rules come later, in resolveInputs.
 */
export function valueProblems(values: GivenValues, labelOf: (field: string) => string = (f) => FLAG_OF[f] ?? f): string[] {
  const data = normalized(values);
  const r = valuesShape.safeParse(data);
  if (r.success) return [];
  const labels = Object.fromEntries(Object.keys(valuesFields).map((k) => [k, labelOf(k)]));
  return r.error.issues.map((i) => describeIssue(i, data, labels, values as Record<string, unknown>));
}

/** Every given value against its field's rule: each problem with its path in the values as given (scopes normalized). */
export function valueIssues(values: GivenValues): { path: PropertyKey[]; message: string }[] {
  const data = normalized(values);
  const r = valuesShape.safeParse(data);
  return r.success ? [] : r.error.issues.map((i) => ({ path: i.path, message: i.message }));
}

export function validateStack(stack: string | undefined): string {
  return validate(z.object({ stack: stackName }), { stack: stack ?? 'hello-world' }).stack;
}

export function validateConnection(opts: { region?: string; endpointUrl?: string }): void {
  const problems = valueProblems(opts);
  if (problems.length) throw new UsageError(problems);
}

export function validatePassword(pw: string): string {
  return validate(z.object({ password: passwordSchema }), { password: pw }, { ...FLAG_OF, password: FLAG_OF.password! }).password;
}

/** A config file: JSON with the same keys as the flags (camelCase), validated by the same schema on use. */
/** The keys a config file may hold, with their JSON types: the fields with `config` in fields.ts. */
export const CONFIG_KEYS: [string, NonNullable<FieldDef['config']>][] = [...new Map(SETTING_FIELDS.filter(([, f]) => f.config).map(([, f]) => [f.key!, f.config!])).entries()];

/** Resolved settings as a --config file (what --print-config prints): the config keys, in table order. */
export function configDocument(inputs: Inputs, region: string | undefined): Record<string, unknown> {
  const values: Record<string, unknown> = { ...inputs, region };
  const doc: Record<string, unknown> = {};
  for (const [key] of CONFIG_KEYS) if (values[key] !== undefined) doc[key] = values[key];
  return doc;
}

/** A command's own fields (not stack settings) checked by their rules; the values as the rules read them (e.g. numbers). */
export function validateFields(table: FieldTable, args: Record<string, unknown>): Record<string, unknown> {
  const ruled = Object.entries(table).filter(([, f]) => f.rule && f.key === undefined);
  const shape = z.object(Object.fromEntries(ruled.map(([attr, f]) => [attr, z.optional(f.rule!(rules))])));
  return validate(shape, Object.fromEntries(ruled.map(([attr]) => [attr, args[attr]])), Object.fromEntries(ruled.map(([attr, f]) => [attr, longFlag(f)])));
}
