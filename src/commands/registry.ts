// Every command's spec: name, help, its fields (config/fields.ts), what it needs, and where its
// handler lives (imported only when the command runs: --help and usage errors stay fast).
// How to add a command: see the top of kernel.ts.
import {
  CFN_FIELDS,
  FORGET_FIELDS,
  STATE_PULL_FIELDS,
  STATE_PUSH_FIELDS,
  UNLOCK_FIELDS,
  INIT_FIELDS,
  LIST_FIELDS,
  OUTPUTS_FIELDS,
  POSTMAN_FIELDS,
  STACK_FIELDS,
  TOKEN_FIELDS,
  VERIFY_FIELDS,
} from '../config/fields.js';
import type { CommandSpec, Loader } from './kernel.js';

/** Typed as a Loader so that a spec's type does not depend on its handler's (which names the spec). */
const lazy = (load: Loader): Loader => load;

export const INIT = {
  name: 'init',
  description: 'create the whole stack, or resume or converge it; prints the URLs, client id and scope',
  args: { ...STACK_FIELDS, ...INIT_FIELDS },
  needs: { state: 'optional', inputs: true, aws: 'write', prompts: true },
  load: lazy(() => import('./init.js')),
  help: `
In a terminal, init asks for every value no flag or --config file gave (press Enter for the default),
shows the plan and asks before creating anything. Without a terminal, or with --no-input, it never
asks: a missing value is an error naming its flag (exit 2). --yes takes every default (user name
tutorial-user) and skips the confirmation; a password must still come from the terminal,
--password-stdin or COGNITO_SCOPE_SETUP_PASSWORD.

Examples:
  $ npx cognito-scope-setup init                                    # the wizard, step by step
  $ npx cognito-scope-setup init --print-config > stack.json        # answer the wizard, save the settings
  $ COGNITO_SCOPE_SETUP_PASSWORD=... npx cognito-scope-setup init --config stack.json --yes --no-input   # replay in CI
  $ printf '%s' "$PASSWORD" | npx cognito-scope-setup init --username alice --email alice@example.com --password-stdin --yes
  $ npx cognito-scope-setup init --stack demo --region eu-west-1 --endpoint-type REGIONAL --invite --username bob --email bob@example.com
  $ npx cognito-scope-setup init --scope read.helloworld.message --scope write.helloworld.message="Write it" --no-user --json
  $ npx cognito-scope-setup init --endpoint-url http://127.0.0.1:4566 --region us-east-1 --no-user   # against ministack`,
} as const satisfies CommandSpec;

export const PLAN = {
  name: 'plan',
  description: 'read everything live and show what init would create, update, replace or delete; changes nothing; exit 0 nothing to do, 3 changes pending, 1 error',
  args: STACK_FIELDS,
  needs: { state: 'optional', inputs: true, aws: 'read' },
  load: lazy(() => import('./plan.js')),
  help: `
Takes the same flags as init; "init --dry-run" is the same command.
Exit codes: 0 nothing to change, 3 changes pending (init would change something), 1 a read failed, 2 bad input.

Examples:
  $ npx cognito-scope-setup plan --stack demo
  $ npx cognito-scope-setup plan --stack demo --scope read.helloworld.message --scope write.helloworld.message --json
  $ npx cognito-scope-setup init --stack demo --domain-prefix demo-login-2 --dry-run`,
} as const satisfies CommandSpec;

export const LIST = {
  name: 'list',
  description: 'the stacks recorded in the state directory, with region, account and whether each is complete',
  args: LIST_FIELDS,
  needs: { state: 'none', aws: 'none' },
  load: lazy(() => import('./list.js')),
  help: `
Reads only the state files (no AWS request); run status --stack <name> for a live check.

Examples:
  $ npx cognito-scope-setup list
  $ npx cognito-scope-setup list --json`,
} as const satisfies CommandSpec;

export const STATUS = {
  name: 'status',
  description: 'check every recorded resource against AWS, live; exit 0 in sync, 3 not in sync, 1 on error',
  args: {},
  needs: { state: 'required', aws: 'read' },
  load: lazy(() => import('./status.js')),
  help: `
Examples:
  $ npx cognito-scope-setup status
  $ npx cognito-scope-setup status --stack demo --json`,
} as const satisfies CommandSpec;

export const DESTROY = {
  name: 'destroy',
  description: 'delete everything the stack owns, in reverse order, and its state file',
  args: {},
  needs: { state: 'optional', aws: 'write', prompts: true },
  load: lazy(() => import('./destroy.js')),
  help: `
Examples:
  $ npx cognito-scope-setup destroy
  $ npx cognito-scope-setup destroy --stack demo --yes --json`,
} as const satisfies CommandSpec;

export const TOKEN = {
  name: 'token',
  description: 'get an access token with the custom scope: sign in through the hosted UI (authorization code + PKCE), or --client-credentials',
  args: TOKEN_FIELDS,
  needs: { state: 'complete', aws: 'secrets' },
  load: lazy(() => import('./token.js')),
  help: `
Prints the access token on stdout; --json prints the token response with decoded claims.
The sign-in redirects to http://localhost:<port>/callback, served on 127.0.0.1 for one request.

Examples:
  $ curl -H "Authorization: Bearer $(npx cognito-scope-setup token)" <invoke URL>
  $ npx cognito-scope-setup token --client-credentials --json`,
} as const satisfies CommandSpec;

export const VERIFY = {
  name: 'verify',
  description: 'call the deployed API: no token gets 401, an access token with the scope gets 200 "Hello World!", tokens without it are refused',
  args: VERIFY_FIELDS,
  needs: { state: 'complete', aws: 'secrets' },
  load: lazy(() => import('./verify.js')),
  help: `
Exit 0 when every check that could run passed, 1 when one failed (with its likely cause), 2 bad input.

Examples:
  $ npx cognito-scope-setup verify
  $ npx cognito-scope-setup verify --client-credentials --json
  $ npx cognito-scope-setup token | npx cognito-scope-setup verify --token-stdin`,
} as const satisfies CommandSpec;

export const EXPORT_POSTMAN = {
  name: 'export postman',
  description: "write a Postman collection (v2.1) and environment that reproduce the tutorial's step 9",
  args: POSTMAN_FIELDS,
  needs: { state: 'complete', aws: 'secrets' },
  load: lazy(() => import('./export-postman.js')),
  help: `
The client secret goes only into the environment file (a Postman secret variable, file mode 0600).

Examples:
  $ npx cognito-scope-setup export postman
  $ npx cognito-scope-setup export postman --stack demo --out-dir postman --no-secret`,
} as const satisfies CommandSpec;

export const EXPORT_CLOUDFORMATION = {
  name: 'export cloudformation',
  description: 'write a CloudFormation template (YAML) of the live stack; --import: hand it over to CloudFormation in place',
  args: CFN_FIELDS,
  needs: { state: 'required', aws: 'read' },
  load: lazy(() => import('./export-cloudformation.js')),
  help: `
The stack is read live first, as status reads it; a stack that is not in sync is not exported.
No secret is in the template. Users are not template resources.

Examples:
  $ npx cognito-scope-setup export cloudformation --out hello-world.yaml
  $ npx cognito-scope-setup export cloudformation --import`,
} as const satisfies CommandSpec;

export const FORGET = {
  name: 'forget',
  description: 'stop managing the stack: remove its state and delete nothing (after export cloudformation --import)',
  args: FORGET_FIELDS,
  needs: { state: 'required', aws: 'write', prompts: true },
  load: lazy(() => import('./forget.js')),
  help: `
Examples:
  $ npx cognito-scope-setup forget --stack demo
  $ npx cognito-scope-setup forget --stack demo --untag --yes`,
} as const satisfies CommandSpec;

export const OUTPUTS = {
  name: 'outputs',
  description: "print the stack's outputs again from the state file; --show-secret adds the client secret, read live",
  args: OUTPUTS_FIELDS,
  needs: { state: 'required', aws: 'secrets' },
  load: lazy(() => import('./outputs.js')),
  help: `
Examples:
  $ npx cognito-scope-setup outputs --json
  $ npx cognito-scope-setup outputs --show-secret`,
} as const satisfies CommandSpec;

/** Parent commands that only group others (`export postman`). */
export const GROUPS: Record<string, string> = { export: 'export the stack for other tools', state: "move a stack's state between a local file and S3" };

export const UNLOCK = {
  name: 'unlock',
  description: "remove the stack's lock whoever holds it (names the holder first); a lock whose holder is gone is taken over without this",
  args: UNLOCK_FIELDS,
  needs: { state: 'optional', aws: 'none' },
  load: lazy(() => import('./unlock.js')),
  help: `
Without --force it only names the holder (exit 2).

Examples:
  $ npx cognito-scope-setup unlock --stack demo
  $ npx cognito-scope-setup unlock --stack demo --force --state s3://my-team-state/stacks/demo.json`,
} as const satisfies CommandSpec;

export const STATE_PUSH = {
  name: 'state push',
  description: 'copy the stack\'s state (from --state or the default file) to S3; refuses to overwrite a newer one',
  args: STATE_PUSH_FIELDS,
  needs: { state: 'none', aws: 'none' },
  load: lazy(() => import('./state-move.js').then((m) => ({ handler: m.push }))),
  help: `
Examples:
  $ npx cognito-scope-setup state push --stack demo --to s3://my-team-state/stacks/demo.json`,
} as const satisfies CommandSpec;

export const STATE_PULL = {
  name: 'state pull',
  description: 'copy the stack\'s state (from --state s3://...) to a local file; refuses to overwrite a newer one',
  args: STATE_PULL_FIELDS,
  needs: { state: 'none', aws: 'none' },
  load: lazy(() => import('./state-move.js').then((m) => ({ handler: m.pull }))),
  help: `
Examples:
  $ npx cognito-scope-setup state pull --stack demo --state s3://my-team-state/stacks/demo.json --to ./.cognito-scope-setup/demo.json`,
} as const satisfies CommandSpec;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each command's args type is its own
export const COMMANDS: readonly CommandSpec<any>[] = [INIT, PLAN, LIST, STATUS, DESTROY, TOKEN, VERIFY, EXPORT_POSTMAN, EXPORT_CLOUDFORMATION, FORGET, OUTPUTS, UNLOCK, STATE_PUSH, STATE_PULL];
