// What the user wants, validated with AWS's real naming rules. One schema serves flags,
// the config file and (later) prompts, so a value is judged the same way wherever it comes from.
// zod/mini (the tree-shakable API, about 30 KB bundled instead of 750 KB) keeps a usage error
// nearly as quick as --help; the English messages for zod's own issues come from its locale.
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { callbackUrlListProblems, callbackUrlProblem } from './callback-url.js';
import { routeList } from './routes.js';

export { routeList };

/** Lambda runtimes we accept: supported by AWS today (2026-11), not deprecated. */
export const SUPPORTED_RUNTIMES = ['python3.13', 'python3.14', 'python3.12', 'python3.11', 'nodejs22.x', 'nodejs24.x'] as const;
/** Runtimes AWS has deprecated (no new functions): refused with a pointer to a current one. */
export const DEPRECATED_RUNTIMES = [
  'python2.7', 'python3.6', 'python3.7', 'python3.8', 'python3.9', 'python3.10',
  'nodejs', 'nodejs4.3', 'nodejs6.10', 'nodejs8.10', 'nodejs10.x', 'nodejs12.x', 'nodejs14.x', 'nodejs16.x', 'nodejs18.x', 'nodejs20.x',
] as const;
export const DEFAULT_RUNTIME = 'python3.13';
export const TUTORIAL_CALLBACK = 'https://oauth.pstmn.io/v1/callback';
export const DEFAULT_SCOPE = { name: 'read.helloworld.message', description: 'Read the hello world message' };
/** The user the wizard proposes and `--yes` takes when no --username is given. */
export const DEFAULT_USERNAME = 'tutorial-user';

z.config(en());

const RESERVED_DOMAIN_WORDS = ['aws', 'amazon', 'cognito'];

export const stackName = z
  .string()
  .check(z.regex(/^[a-z][a-z0-9-]{0,30}[a-z0-9]$|^[a-z]$/, 'must be 1-32 characters: lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen'));

export const region = z.string().check(z.regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/, 'must be an AWS region code such as us-east-1'));

/** What to use instead of a deprecated runtime: the current ones of its family, the usual one first. */
export function runtimeSuggestion(deprecated: string): string {
  if (deprecated.startsWith('nodejs')) return 'use nodejs24.x or nodejs22.x';
  const others = SUPPORTED_RUNTIMES.filter((r) => r.startsWith('python') && r !== DEFAULT_RUNTIME);
  return `use ${DEFAULT_RUNTIME} (or ${others.join(', ')})`;
}

export const runtime = z.string().check(z.superRefine((v, ctx) => {
  if ((DEPRECATED_RUNTIMES as readonly string[]).includes(v)) {
    ctx.addIssue({ code: 'custom', message: `is deprecated by AWS Lambda; ${runtimeSuggestion(v)}` });
  } else if (!(SUPPORTED_RUNTIMES as readonly string[]).includes(v)) {
    ctx.addIssue({ code: 'custom', message: `must be one of ${SUPPORTED_RUNTIMES.join(', ')}` });
  }
}));

export const endpointType = z.enum(['EDGE', 'REGIONAL'], { error: 'must be EDGE or REGIONAL' });

export const stage = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be 1-128 letters, digits, hyphens or underscores'));

export const domainPrefix = z
  .string()
  .check(
    z.regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'must be 1-63 lowercase letters, digits or hyphens, not starting or ending with a hyphen'),
    z.refine((v) => !RESERVED_DOMAIN_WORDS.some((w) => v.includes(w)), 'must not contain "aws", "amazon" or "cognito" (Cognito reserves them)'),
  );

export const resourceServerId = z
  .string()
  .check(
    z.minLength(1, 'must not be empty'),
    z.maxLength(256, 'must be at most 256 characters'),
    z.regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'may contain only printable ASCII without spaces, double quotes or backslashes'),
  );

export const scopeName = z
  .string()
  .check(
    z.minLength(1, 'must not be empty'),
    z.maxLength(256, 'must be at most 256 characters'),
    z.regex(/^[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]+$/, 'may contain only printable ASCII without spaces, /, double quotes or backslashes'),
  );

export const scope = z.object({
  name: scopeName,
  description: z.string().check(z.minLength(1, 'description must not be empty'), z.maxLength(256, 'description must be at most 256 characters')),
});

/** One callback URL: the rule is src/config/callback-url.ts (https; http on loopback; RFC 8252 app schemes). */
export const callbackUrl = z.string().check(
  z.superRefine((v, ctx) => {
    const problem = callbackUrlProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
);

/** A client's callback URLs: each one valid, none twice; every problem reported, by position. */
const callbackUrlListCheck = z.superRefine((list: string[], ctx) => {
  for (const p of callbackUrlListProblems(list)) ctx.addIssue({ code: 'custom', path: [p.index], message: p.message });
});
export const callbackUrlList = z.array(z.string()).check(callbackUrlListCheck);

export const username = z
  .string()
  .check(
    z.minLength(1, 'must not be empty'),
    z.maxLength(128, 'must be at most 128 characters'),
    z.regex(/^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u, 'may not contain spaces or control characters'),
  );

export const email = z.email({ error: 'must be an e-mail address' });

export const endpointUrl = z.string().check(
  z.superRefine((v, ctx) => {
    try {
      const u = new URL(v);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') ctx.addIssue({ code: 'custom', message: 'must be an http(s) URL' });
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be an http(s) URL such as http://127.0.0.1:4566' });
    }
  }),
);

/** Cognito's default password policy, which the pool we create keeps. */
export const password = z
  .string()
  .check(
    z.minLength(8, 'must be at least 8 characters (the pool password policy)'),
    z.maxLength(256, 'must be at most 256 characters'),
    z.refine((v) => /[a-z]/.test(v), 'must contain a lowercase letter (the pool password policy)'),
    z.refine((v) => /[A-Z]/.test(v), 'must contain an uppercase letter (the pool password policy)'),
    z.refine((v) => /[0-9]/.test(v), 'must contain a digit (the pool password policy)'),
    z.refine((v) => /[\^$*.[\]{}()?"!@#%&/\\,><':;|_~`=+\- ]/.test(v), 'must contain a symbol (the pool password policy)'),
    z.refine((v) => !/^\s|\s$/.test(v), 'must not start or end with a space'),
  );

export const userMode = z.enum(['password', 'invite', 'none']);

/** Loopback port of the `token`/`verify` sign-in callback, http://localhost:<port>/callback on every client. */
export const DEFAULT_LOOPBACK_PORT = 8976;
export const loopbackCallbackUrl = (port: number): string => `http://localhost:${port}/callback`;
export const loopbackPort = z.coerce
  .number({ error: 'must be a port number' })
  .check(z.refine((v) => Number.isInteger(v), 'must be a whole number'), z.gte(1024, 'must be from 1024 to 65535 (no privileged ports)'), z.lte(65535, 'must be from 1024 to 65535'));
/** Resource-server scope the M2M client holds and GET / never asks for: lets `verify` get a token without the method's scope. */
export const VERIFY_NOACCESS_SCOPE = { name: 'verify.noaccess', description: 'Grants nothing: cognito-scope-setup verify uses it to check that a token without the scope is refused' };
export const verifyNoAccessScope = (inputs: { resourceServerId: string }): string => `${inputs.resourceServerId}/${VERIFY_NOACCESS_SCOPE.name}`;

/** --code: a directory, a .zip file or a single source file (checked on disk by src/steps/lambda-code.ts). */
export const codePath = z.string().check(z.minLength(1, 'must not be empty'));
/** --handler: Lambda's Handler (module.function for Python, file.export for Node.js). */
export const handler = z
  .string()
  .check(z.maxLength(128, 'must be at most 128 characters'), z.regex(/^[^\s.][^\s]*\.[^\s.]+$/, 'must be <module>.<function>, e.g. app.handler'));

/** The user pool's feature plan (UserPoolTier); AWS's default for a new pool is Essentials, ours is Lite. */
export const TIERS = ['lite', 'essentials', 'plus'] as const;
export const DEFAULT_TIER = 'lite';
export const tier = z.enum(TIERS, { error: 'must be lite, essentials or plus' });

/** CloudWatch Logs' retention periods (PutRetentionPolicy's `Days` in AWS's model). */
export const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;
export const DEFAULT_LOG_RETENTION_DAYS = 14;
export const logRetentionDays = z.coerce
  .number({ error: 'must be a number of days' })
  .check(z.refine((v) => (RETENTION_DAYS as readonly number[]).includes(v), `must be one of CloudWatch Logs' retention periods: ${RETENTION_DAYS.join(', ')}`));

/** The settings of a stack: everything `init` needs, none of it secret. */
export const inputsSchema = z
  .object({
    stack: stackName,
    runtime,
    endpointType,
    stage,
    domainPrefix,
    resourceServerId,
    scopes: z.array(scope).check(z.minLength(1, 'needs at least one scope'), z.maxLength(49, 'at most 49 custom scopes (a client holds 50 with openid)')),
    callbackUrls: z.array(z.string()).check(callbackUrlListCheck, z.minLength(1, 'needs at least one callback URL'), z.maxLength(100, 'at most 100 callback URLs')),
    userMode,
    username: z.optional(username),
    email: z.optional(email),
    // Optional (not .default()) so state files written before they existed stay valid and the
    // Inputs type stays assignable from older literals; resolveInputs fills loopbackPort.
    loopbackPort: z.optional(loopbackPort),
    m2mClient: z.optional(z.boolean()),
    // Optional for the same reason; resolveInputs fills both (defaults lite and 14).
    tier: z.optional(tier),
    logRetentionDays: z.optional(logRetentionDays),
    // Absent: the tutorial's GET / with every scope (routesOf in routes.ts); state files before routes stay valid.
    routes: z.optional(routeList),
    code: z.optional(codePath),
    handler: z.optional(handler),
  })
  .check(z.superRefine((v, ctx) => {
    const seen = new Set<string>();
    for (const [i, s] of v.scopes.entries()) {
      if (seen.has(s.name)) ctx.addIssue({ code: 'custom', path: ['scopes', i, 'name'], message: `scope "${s.name}" is given twice` });
      seen.add(s.name);
      // The app client lists "<identifier>/<scope>", and Cognito allows 256 characters there.
      if (v.resourceServerId.length + 1 + s.name.length > 256) {
        ctx.addIssue({ code: 'custom', path: ['scopes', i, 'name'], message: `makes "${v.resourceServerId}/${s.name}" longer than 256 characters (Cognito's limit for a client scope); shorten it or --resource-server-id` });
      }
    }
    if (v.userMode !== 'none' && !v.username) ctx.addIssue({ code: 'custom', path: ['username'], message: 'is required unless the user step is skipped (--no-user)' });
    if (v.m2mClient && v.scopes.some((s) => s.name === VERIFY_NOACCESS_SCOPE.name)) {
      ctx.addIssue({ code: 'custom', path: ['scopes'], message: `"${VERIFY_NOACCESS_SCOPE.name}" is reserved for the M2M client's verify scope (--m2m-client); choose another scope name` });
    }
    const declared = new Set(v.scopes.map((s) => s.name));
    for (const [i, r] of (v.routes ?? []).entries()) {
      // A route refused by its own rules (not METHOD /path=scopes) has nothing to look at here.
      if (!Array.isArray(r?.scopes)) continue;
      const missing = r.scopes.filter((s) => !declared.has(s));
      if (missing.length) ctx.addIssue({ code: 'custom', path: ['routes', i], message: `${missing.map((s) => `"${s}"`).join(', ')} ${missing.length > 1 ? 'are' : 'is'} not declared by any --scope (declared: ${[...declared].join(', ')})` });
    }
    if (v.handler !== undefined && v.code === undefined) ctx.addIssue({ code: 'custom', path: ['handler'], message: "needs --code (the tutorial's handler is fixed)" });
    if (v.userMode === 'invite' && !v.email) ctx.addIssue({ code: 'custom', path: ['email'], message: 'is required with --invite (the invitation goes there)' });
  }));

export type Inputs = z.infer<typeof inputsSchema>;
export type Scope = z.infer<typeof scope>;

/** The rules the field table (fields.ts) names. */
export type AnyRule = z.ZodMiniType;
/** --scope values, after NAME[=description] is split (parseScopeFlag). */
export const scopeList = z.array(scope);
/** token/verify --timeout. */
export const timeoutSeconds = z.coerce.number({ error: 'must be a number of seconds' }).check(z.gt(0, 'must be more than 0 seconds'), z.lte(3600, 'must be at most 3600 seconds'));
/** token --scope: a scope as it goes into the token request. */
export const requestedScopes = z.array(z.string().check(z.regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'must be a scope name such as read.helloworld.message or <resource server>/<scope>')));
