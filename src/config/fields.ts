// THE FIELD TABLE: every input of the CLI, declared once. Commander's options (src/commands/
// program.ts), the --config file schema and --print-config (config/resolve.ts), the messages that
// name a flag (FLAG_OF), the per-value checks (valueProblems), the wizard's questions and the
// README's flag tables (test/unit/config/fields.test.ts holds them equal) all come from here.
//
// To add an input: add one entry to the table it belongs to (GLOBAL_FIELDS: every command;
// STACK_FIELDS: what the stack should be, init and plan; or a command's own table below), then
// use it: `ctx.args.<attr>` in the command, or, for a stack setting with `key`, `inputs.<key>`
// (add the key to inputsSchema in schema.ts when it is recorded in the state file).
// This module loads nothing: rules are named lazily (`rule: (r) => r.x`, r = schema.js), so
// --help and commander's usage errors never load zod.
import type * as Rules from './schema.js';

type Rule = (r: typeof Rules) => Rules.AnyRule;

export interface FieldDef {
  /** Commander's flag spec: '--stage <name>', '--no-user', '-y, --yes'. */
  readonly flags: string;
  /** The --help line (a default, when there is one, is appended: "(default ...)"). */
  readonly help: string;
  /** string: one value; list: repeatable; boolean: a switch (a --no-x switch defaults to true). */
  readonly kind: 'string' | 'list' | 'boolean';
  readonly choices?: readonly string[];
  /** The default, as shown in --help and the README (the value itself is applied by resolveInputs). */
  readonly default?: string;
  /** The README's "Meaning" column (defaults to `help`). */
  readonly doc?: string;
  /** The stack setting this flag sets: its config-file key and its key in the resolved inputs. */
  readonly key?: string;
  /** The flag's value as the setting (e.g. --no-user: false -> userMode "none"); default: as given. */
  readonly value?: (v: unknown) => unknown;
  /** Accepted in a --config file (and printed by --print-config), with this JSON type. */
  readonly config?: 'string' | 'number' | 'boolean' | 'strings' | 'scopes' | 'routes' | 'userMode';
  /** Recorded in the state file's inputs (a re-run reuses it unless a flag changes it). */
  readonly recorded?: boolean;
  /** The rule every given value is checked against (flag, config file, wizard answer). */
  readonly rule?: Rule;
  /** A secret: never echoed in a message, never in the config file, the state or --json. */
  readonly secret?: boolean;
}

export type FieldTable = Readonly<Record<string, FieldDef>>;

/** Every command takes these. The order is the order problems are reported in. */
export const GLOBAL_FIELDS = {
  stack: { flags: '--stack <name>', help: 'stack name; every resource is named after it', kind: 'string', default: 'hello-world', key: 'stack', config: 'string', recorded: true, rule: (r) => r.stackName,
    doc: 'Stack name (default `hello-world`); every resource is named after it. Lowercase letters, digits, hyphens; 1-32 characters.' },
  state: { flags: '--state <file|s3-url>', help: 'state file, or s3://<bucket>/<key> (default: $COGNITO_SCOPE_SETUP_STATE_DIR/<stack>.json, else ./.cognito-scope-setup/<stack>.json)', kind: 'string',
    doc: 'State file, or `s3://<bucket>/<key>` (default `$COGNITO_SCOPE_SETUP_STATE_DIR/<stack>.json`, else `./.cognito-scope-setup/<stack>.json`; `COGNITO_SCOPE_SETUP_STATE_DIR` may be `s3://<bucket>/<prefix>/`). A regular file of at most 1 MiB, or a path not there yet.' },
  region: { flags: '--region <region>', help: 'AWS region (default: from the environment or profile)', kind: 'string', key: 'region', config: 'string', rule: (r) => r.region,
    doc: "AWS region (default: `AWS_REGION`, then the profile's region)." },
  profile: { flags: '--profile <name>', help: 'AWS profile from ~/.aws/config', kind: 'string', doc: "AWS profile; otherwise the SDK's standard credential chain." },
  endpointUrl: { flags: '--endpoint-url <url>', help: 'send every AWS request to this endpoint (a local emulator such as ministack)', kind: 'string', key: 'endpointUrl', rule: (r) => r.endpointUrl,
    doc: "Send every AWS request to this endpoint (a local emulator). Printed URLs then use the emulator's shapes." },
  json: { flags: '--json', help: 'print exactly one JSON document on stdout', kind: 'boolean', doc: 'Print exactly one JSON document on stdout, on success and on every failure (progress stays on stderr).' },
  yes: { flags: '-y, --yes', help: 'accept defaults and confirm without asking', kind: 'boolean' },
  input: { flags: '--no-input', help: 'never prompt; a missing value is an error', kind: 'boolean', doc: 'Never prompt; a missing value is an error naming its flag.' },
  verbose: { flags: '--verbose', help: 'show stack traces and more detail on errors', kind: 'boolean', doc: 'Stack traces and SDK warnings on errors.' },
} as const satisfies FieldTable;

const userModeOf = { invite: (v: unknown) => (v ? 'invite' : undefined), user: (v: unknown) => (v === false ? 'none' : undefined) };

/** What the stack should be: init, plan and init --dry-run take exactly these. */
export const STACK_FIELDS = {
  config: { flags: '--config <file>', help: 'JSON file with the same settings as the flags (flags win)', kind: 'string',
    doc: 'JSON file with the same settings (camelCase keys: `stack`, `runtime`, `endpointType`, `stage`, `domainPrefix`, `resourceServerId`, `scopes`, `callbackUrls`, `username`, `email`, `userMode`, `loopbackPort`, `m2mClient`, `tier`, `logRetentionDays`, `routes`, `code`, `handler`, `region`; `routes` is a list of `{"method", "path", "scopes"}`). Flags win.' },
  runtime: { flags: '--runtime <runtime>', help: 'Lambda runtime', default: 'python3.13', kind: 'string', key: 'runtime', config: 'string', recorded: true, rule: (r) => r.runtime,
    doc: 'Lambda runtime: `python3.11`-`python3.14`, `nodejs22.x`, `nodejs24.x`. Deprecated runtimes (`python3.9`, `nodejs20.x`, ...) are refused.' },
  endpointType: { flags: '--endpoint-type <type>', help: 'REST API endpoint type', default: 'EDGE', kind: 'string', choices: ['EDGE', 'REGIONAL', 'edge', 'regional'], key: 'endpointType', config: 'string', recorded: true,
    value: (v) => (typeof v === 'string' ? v.toUpperCase() : v), rule: (r) => r.endpointType, doc: 'REST API endpoint type: `EDGE` (as in the tutorial) or `REGIONAL`.' },
  stage: { flags: '--stage <name>', help: 'API Gateway stage', default: 'dev', kind: 'string', key: 'stage', config: 'string', recorded: true, rule: (r) => r.stage },
  domainPrefix: { flags: '--domain-prefix <prefix>', help: 'hosted UI domain prefix', default: '<stack>-<random>', kind: 'string', key: 'domainPrefix', config: 'string', recorded: true, rule: (r) => r.domainPrefix,
    doc: 'Hosted UI domain prefix: 1-63 of `a-z 0-9 -`, without `aws`, `amazon`, `cognito`; unique per region across all accounts. The generated suffix is kept in state.' },
  resourceServerId: { flags: '--resource-server-id <id>', help: 'resource server identifier', default: '<stack>-api', kind: 'string', key: 'resourceServerId', config: 'string', recorded: true, rule: (r) => r.resourceServerId },
  scope: { flags: '--scope <name[=description]>', help: 'custom scope, repeatable', default: 'read.helloworld.message', kind: 'list', key: 'scopes', config: 'scopes', recorded: true, rule: (r) => r.scopeList,
    doc: 'Custom scope; repeat for several.' },
  route: { flags: '--route <route>', help: 'protected route "METHOD /path=scope[,scope...]", repeatable', default: 'GET /=<every --scope>', kind: 'list', key: 'routes', config: 'routes', recorded: true, rule: (r) => r.routeList,
    doc: 'A protected route, `"METHOD /path=scope[,scope...]"`; repeat for several (`GET /messages=read`, `DELETE /messages/{id}=write,admin`). Methods GET, POST, PUT, PATCH, DELETE, ANY; paths nested, `{param}` parts allowed. Each scope must be declared by `--scope`; API Gateway lets a token through that carries any one of them. Each route gets its method, the Lambda integration and its own invoke permission.' },
  code: { flags: '--code <dir|file.zip|file>', help: "your Lambda code: a directory or a single file (zipped in memory) or a .zip (default: the tutorial's handler)", kind: 'string', key: 'code', config: 'string', recorded: true, rule: (r) => r.codePath,
    doc: "Your Lambda code instead of the tutorial's handler: a directory or a single file (zipped in memory, deterministically: an unchanged tree is no update) or a `.zip`. At most 50 MB zipped (checked before any request). A change is found by its hash and deployed with UpdateFunctionCode." },
  handler: { flags: '--handler <module.function>', help: 'the handler in --code (default lambda_function.lambda_handler for Python, index.handler for Node.js)', kind: 'string', key: 'handler', config: 'string', recorded: true, rule: (r) => r.handler,
    doc: "The handler in `--code`: `<module>.<function>` (default `lambda_function.lambda_handler` for Python, `index.handler` for Node.js, as in the tutorial)." },
  callbackUrl: { flags: '--callback-url <url>', help: 'OAuth callback URL, repeatable', default: 'https://oauth.pstmn.io/v1/callback', kind: 'list', key: 'callbackUrls', config: 'strings', recorded: true, rule: (r) => r.callbackUrlList,
    doc: 'OAuth callback URL; repeat for several, each once. `https://`; `http://` only on `localhost`, `127.0.0.1` or `[::1]`; or a native app\'s private-use scheme in reverse-domain form (`com.example.app:/callback`, RFC 8252 §7.1). Any other scheme (`ftp:`, `javascript:`, `myapp:`, ...) and a `#fragment` are refused.' },
  username: { flags: '--username <name>', help: 'user to create', kind: 'string', key: 'username', config: 'string', recorded: true, rule: (r) => r.username,
    default: 'tutorial-user with --yes or in the wizard', doc: 'The user to create.' },
  email: { flags: '--email <address>', help: "the user's e-mail address", kind: 'string', key: 'email', config: 'string', recorded: true, rule: (r) => r.email, doc: "The user's e-mail address (none by default)." },
  passwordStdin: { flags: '--password-stdin', help: "read the user's password from stdin (or set COGNITO_SCOPE_SETUP_PASSWORD)", kind: 'boolean', secret: true,
    doc: "Read the user's password from stdin; or set `COGNITO_SCOPE_SETUP_PASSWORD`. Checked against the pool's password policy (8+ characters, upper, lower, digit, symbol) before any AWS call. Never stored." },
  invite: { flags: '--invite', help: 'let Cognito e-mail the user a temporary password instead', kind: 'boolean', key: 'userMode', value: userModeOf.invite, config: 'userMode', recorded: true,
    doc: 'Let Cognito e-mail a temporary password instead (as the tutorial does; the user must change it at first sign-in).' },
  user: { flags: '--no-user', help: 'do not create a user', kind: 'boolean', key: 'userMode', value: userModeOf.user, config: 'userMode', recorded: true, doc: 'Skip the user (on a stack that has one: delete it).' },
  allowReplace: { flags: '--allow-replace', help: 'allow replacing resources AWS cannot change in place (domain prefix, resource server id)', kind: 'boolean',
    doc: 'Allow replacing what AWS cannot change in place (domain prefix, resource server identifier, user name).' },
  callbackPort: { flags: '--callback-port <port>', help: 'loopback port registered as http://localhost:<port>/callback for token and verify', default: '8976', kind: 'string', key: 'loopbackPort', config: 'number', recorded: true, rule: (r) => r.loopbackPort,
    doc: 'The loopback callback `http://localhost:<port>/callback` registered on the app client, used by `token` and `verify`.' },
  tier: { flags: '--tier <plan>', help: 'user pool feature plan (what it costs beyond the free tier is printed by plan and init)', default: 'lite', kind: 'string', choices: ['lite', 'essentials', 'plus'], key: 'tier', config: 'string', recorded: true,
    value: (v) => (typeof v === 'string' ? v.toLowerCase() : v), rule: (r) => r.tier,
    doc: "User pool feature plan: `lite` (enough for this stack, the cheapest per monthly active user beyond the free tier), `essentials` (AWS's default for new pools) or `plus`. Set explicitly on the pool; a change is made in place." },
  logRetentionDays: { flags: '--log-retention-days <days>', help: "retention of the Lambda function's log group", default: '14', kind: 'string', key: 'logRetentionDays', config: 'number', recorded: true, rule: (r) => r.logRetentionDays,
    doc: "Retention of the Lambda function's log group `/aws/lambda/<stack>-lambda`, created up front and deleted by `destroy`: one of CloudWatch Logs' periods (1, 3, 5, 7, 14, 30, 60, 90, ... 3653 days)." },
  m2mClient: { flags: '--m2m-client', help: 'also create a client_credentials app client (Cognito bills it monthly) so verify can test a token without the scope', kind: 'boolean', key: 'm2mClient', config: 'boolean', recorded: true,
    doc: 'Also create a `client_credentials` app client (Cognito bills such clients monthly: a warning is printed).' },
} as const satisfies FieldTable;

/** init's own switches, on top of STACK_FIELDS. */
export const INIT_FIELDS = {
  dryRun: { flags: '--dry-run', help: 'show what init would change, like plan, and change nothing', kind: 'boolean', doc: 'Show what `init` would change (the same as `plan`) and stop.' },
  printConfig: { flags: '--print-config', help: 'print the resolved settings (flags, --config, state, wizard answers) as a --config file and stop; no AWS call, no password', kind: 'boolean',
    doc: 'Print the resolved settings as a `--config` file and stop (no AWS request).' },
} as const satisfies FieldTable;

export const LIST_FIELDS = {
  stateDir: { flags: '--state-dir <dir|s3-prefix>', help: 'state directory or s3://<bucket>/<prefix>/ to look in (default: $COGNITO_SCOPE_SETUP_STATE_DIR or ./.cognito-scope-setup)', kind: 'string' },
} as const satisfies FieldTable;

/** token and verify: how to get a token. */
export const FLOW_FIELDS = {
  clientCredentials: { flags: '--client-credentials', help: 'use the M2M client (init --m2m-client) instead of signing in as the user', kind: 'boolean' },
  callbackPort: { flags: '--callback-port <port>', help: 'loopback port of the sign-in callback (default: the one init registered, 8976)', kind: 'string', rule: (r) => r.loopbackPort },
  timeout: { flags: '--timeout <seconds>', help: 'how long to wait for the sign-in (default 300)', kind: 'string', rule: (r) => r.timeoutSeconds },
  browser: { flags: '--no-browser', help: 'print the sign-in URL instead of opening a browser', kind: 'boolean' },
} as const satisfies FieldTable;

export const TOKEN_FIELDS = {
  ...FLOW_FIELDS,
  scope: { flags: '--scope <scope>', help: 'scope to ask for, repeatable (default: openid and the custom scopes; M2M: the custom scopes)', kind: 'list', rule: (r) => r.requestedScopes },
} as const satisfies FieldTable;

export const VERIFY_FIELDS = {
  ...FLOW_FIELDS,
  tokenStdin: { flags: '--token-stdin', help: 'read the access token from stdin instead of signing in', kind: 'boolean', secret: true },
} as const satisfies FieldTable;

export const POSTMAN_FIELDS = {
  outDir: { flags: '--out-dir <dir>', help: 'directory for <stack>.postman_collection.json and <stack>.postman_environment.json (default: .)', kind: 'string' },
  secret: { flags: '--no-secret', help: 'leave client_secret empty in the environment (no AWS request)', kind: 'boolean' },
} as const satisfies FieldTable;

export const OUTPUTS_FIELDS = {
  showSecret: { flags: '--show-secret', help: 'read the app client secret(s) from Cognito and print them', kind: 'boolean' },
} as const satisfies FieldTable;

export const CFN_FIELDS = {
  out: { flags: '--out <file>', help: 'write the template to this file (default: stdout; with --import: ./<stack>.template.yaml)', kind: 'string' },
  import: { flags: '--import', help: 'retain every resource and write the import change set files and the AWS CLI commands that hand the live stack over', kind: 'boolean' },
} as const satisfies FieldTable;

export const FORGET_FIELDS = {
  untag: { flags: '--untag', help: 'also remove the cognito-scope-setup:stack tag from its resources', kind: 'boolean' },
} as const satisfies FieldTable;

export const UNLOCK_FIELDS = {
  force: { flags: '--force', help: 'remove the lock even though its holder may still be running', kind: 'boolean' },
} as const satisfies FieldTable;

export const STATE_PUSH_FIELDS = {
  to: { flags: '--to <s3-url>', help: 'where to: s3://<bucket>/<key>', kind: 'string' },
} as const satisfies FieldTable;

export const STATE_PULL_FIELDS = {
  to: { flags: '--to <file>', help: 'where to: a file path', kind: 'string' },
} as const satisfies FieldTable;

/** The parsed options of a table: commander's attribute names, typed by kind. */
export type ArgsOf<T extends FieldTable> = string extends keyof T
  ? Record<never, never> // a table not known here: no fields of its own
  : { -readonly [K in keyof T]?: T[K]['kind'] extends 'list' ? string[] : T[K]['kind'] extends 'boolean' ? boolean : string };
export type GlobalArgs = ArgsOf<typeof GLOBAL_FIELDS>;

interface ConfigValues {
  string: string;
  number: number | string;
  boolean: boolean;
  strings: string[];
  scopes: (string | { name: string; description?: string })[];
  routes: (string | { method: string; path: string; scopes: string[] })[];
  userMode: 'password' | 'invite' | 'none';
}
type SettingValue<F> = F extends { config: infer C extends keyof ConfigValues } ? ConfigValues[C] : string;
type SettingsOf<T extends FieldTable> = { -readonly [K in keyof T as T[K] extends { key: infer S extends string } ? S : never]?: SettingValue<T[K]> };
/** A stack's settings as given (flags, a config file, wizard answers): all optional, not yet checked. */
export type GivenValues = SettingsOf<typeof GLOBAL_FIELDS> & SettingsOf<typeof STACK_FIELDS>;
/** The settings that go into the state file's inputs (all but the connection: region, endpoint URL). */
export type RawInputs = Omit<GivenValues, 'region' | 'endpointUrl'>;
export type StackArgs = GlobalArgs & ArgsOf<typeof STACK_FIELDS> & ArgsOf<typeof INIT_FIELDS>;

/** The long flag of a spec: '-y, --yes' -> '--yes', '--stage <name>' -> '--stage'. */
export const longFlag = (f: FieldDef): string => /--[a-z0-9-]+/.exec(f.flags)![0];

/** The --help line of a field. */
export const helpOf = (f: FieldDef): string => (f.default ? `${f.help} (default ${f.default})` : f.help);

/** The stack-setting fields, global ones first, in the order their problems are reported. */
export const SETTING_FIELDS: readonly (readonly [string, FieldDef])[] = [...Object.entries(GLOBAL_FIELDS), ...Object.entries(STACK_FIELDS)].filter(([, f]) => 'key' in f && f.key !== undefined);

/** Which flag sets each setting: used to name the flag in every validation message. */
export const FLAG_OF: Record<string, string> = (() => {
  const out: Record<string, string> = {};
  for (const [, f] of SETTING_FIELDS) out[f.key!] = out[f.key!] ? `${out[f.key!]} / ${longFlag(f)}` : longFlag(f);
  out.password = '--password-stdin (or COGNITO_SCOPE_SETUP_PASSWORD)';
  return out;
})();

/** The settings the flags give (undefined where a flag was not given), keyed by setting. */
export function settingsOf(args: Record<string, unknown>): GivenValues {
  const out: Record<string, unknown> = {};
  for (const [attr, f] of SETTING_FIELDS) {
    const v = f.value ? f.value(args[attr]) : args[attr];
    if (v !== undefined) out[f.key!] = v;
    else if (!(f.key! in out)) out[f.key!] = undefined;
  }
  return out as GivenValues;
}
