// The commander program and global flags. Each command's module (and with it the AWS SDK, the
// prompt and spinner libraries) is imported only when that command runs, so `--help`,
// `--version` and usage errors stay fast. Commands return exit codes; only bin/ sets it.
import { Command, CommanderError, Option } from 'commander';
import { CliError, UsageError } from './errors.js';
import { VERSION } from './version.js';

const collect = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];

function globalOptions(cmd: Command): Command {
  return cmd
    .option('--stack <name>', 'stack name; every resource is named after it', undefined)
    .option('--state <file>', 'state file (default: ./.cognito-scope-setup/<stack>.json)')
    .option('--region <region>', 'AWS region (default: from the environment or profile)')
    .option('--profile <name>', 'AWS profile from ~/.aws/config')
    .option('--endpoint-url <url>', 'send every AWS request to this endpoint (a local emulator such as ministack)')
    .option('--json', 'print exactly one JSON document on stdout')
    .option('-y, --yes', 'accept defaults and confirm without asking')
    .option('--no-input', 'never prompt; a missing value is an error')
    .option('--verbose', 'show stack traces and more detail on errors');
}

/** The flags that say what the stack should be: init and plan take the same ones. */
function stackInputOptions(cmd: Command): Command {
  return cmd
    .option('--config <file>', 'JSON file with the same settings as the flags (flags win)')
    .option('--runtime <runtime>', 'Lambda runtime (default python3.13)')
    .addOption(new Option('--endpoint-type <type>', 'REST API endpoint type (default EDGE, as in the tutorial)').choices(['EDGE', 'REGIONAL', 'edge', 'regional']))
    .option('--stage <name>', 'API Gateway stage (default dev)')
    .option('--domain-prefix <prefix>', 'hosted UI domain prefix (default: <stack>-<random>)')
    .option('--resource-server-id <id>', 'resource server identifier (default <stack>-api)')
    .option('--scope <name[=description]>', 'custom scope, repeatable (default read.helloworld.message)', collect)
    .option('--callback-url <url>', 'OAuth callback URL, repeatable (default https://oauth.pstmn.io/v1/callback)', collect)
    .option('--username <name>', 'user to create')
    .option('--email <address>', "the user's e-mail address")
    .option('--password-stdin', "read the user's password from stdin (or set COGNITO_SCOPE_SETUP_PASSWORD)")
    .option('--invite', 'let Cognito e-mail the user a temporary password instead')
    .option('--no-user', 'do not create a user')
    .option('--allow-replace', 'allow replacing resources AWS cannot change in place (domain prefix, resource server id)')
    .option('--callback-port <port>', 'loopback port registered as http://localhost:<port>/callback for token and verify (default 8976)')
    .option('--m2m-client', 'also create a client_credentials app client (Cognito bills it monthly) so verify can test a token without the scope');
}

export function buildProgram(run: (name: string, opts: Record<string, unknown>) => Promise<number>): Command {
  const program = new Command('cognito-scope-setup')
    .description('Protect a REST API with a Cognito user pool and a custom OAuth scope, in one command.')
    .version(VERSION, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) })
    .exitOverride();
  globalOptions(program);

  const init = stackInputOptions(
    program.command('init').description('create the whole stack, or resume or converge it; prints the URLs, client id and scope'),
  )
    .option('--dry-run', 'show what init would change, like plan, and change nothing')
    .option('--print-config', 'print the resolved settings (flags, --config, state, wizard answers) as a --config file and stop; no AWS call, no password')
    .addHelpText(
      'after',
      `
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
    );
  globalOptions(init).action(async (_o, cmd: Command) => {
    program.setOptionValue('__exit', await run('init', cmd.optsWithGlobals()));
  });

  const plan = stackInputOptions(
    program
      .command('plan')
      .description('read everything live and show what init would create, update, replace or delete; changes nothing; exit 0 nothing to do, 3 changes pending, 1 error'),
  ).addHelpText('after', `
Takes the same flags as init; "init --dry-run" is the same command.
Exit codes: 0 nothing to change, 3 changes pending (init would change something), 1 a read failed, 2 bad input.

Examples:
  $ npx cognito-scope-setup plan --stack demo
  $ npx cognito-scope-setup plan --stack demo --scope read.helloworld.message --scope write.helloworld.message --json
  $ npx cognito-scope-setup init --stack demo --domain-prefix demo-login-2 --dry-run`);
  globalOptions(plan).action(async (_o, cmd: Command) => {
    program.setOptionValue('__exit', await run('plan', cmd.optsWithGlobals()));
  });

  const list = program
    .command('list')
    .description('the stacks recorded in the state directory, with region, account and whether each is complete')
    .option('--state-dir <dir>', 'state directory to look in (default: $COGNITO_SCOPE_SETUP_STATE_DIR or ./.cognito-scope-setup)')
    .addHelpText('after', `
Reads only the state files (no AWS request); run status --stack <name> for a live check.

Examples:
  $ npx cognito-scope-setup list
  $ npx cognito-scope-setup list --json`);
  globalOptions(list).action(async (_o, cmd: Command) => {
    program.setOptionValue('__exit', await run('list', cmd.optsWithGlobals()));
  });

  const status = program
    .command('status')
    .description('check every recorded resource against AWS, live; exit 0 in sync, 3 not in sync, 1 on error')
    .addHelpText('after', `
Examples:
  $ npx cognito-scope-setup status
  $ npx cognito-scope-setup status --stack demo --json`);
  globalOptions(status).action(async (_o, cmd: Command) => {
    program.setOptionValue('__exit', await run('status', cmd.optsWithGlobals()));
  });

  const destroy = program
    .command('destroy')
    .description('delete everything the stack owns, in reverse order, and its state file')
    .addHelpText('after', `
Examples:
  $ npx cognito-scope-setup destroy
  $ npx cognito-scope-setup destroy --stack demo --yes --json`);
  globalOptions(destroy).action(async (_o, cmd: Command) => {
    program.setOptionValue('__exit', await run('destroy', cmd.optsWithGlobals()));
  });
  // Tutorial step 9, automated: get a token, check the API, hand Postman the same settings.
  const flowOptions = (cmd: Command) =>
    cmd
      .option('--client-credentials', 'use the M2M client (init --m2m-client) instead of signing in as the user')
      .option('--callback-port <port>', 'loopback port of the sign-in callback (default: the one init registered, 8976)')
      .option('--timeout <seconds>', 'how long to wait for the sign-in (default 300)')
      .option('--no-browser', 'print the sign-in URL instead of opening a browser');
  const token = flowOptions(
    program
      .command('token')
      .description('get an access token with the custom scope: sign in through the hosted UI (authorization code + PKCE), or --client-credentials'),
  )
    .option('--scope <scope>', 'scope to ask for, repeatable (default: openid and the custom scopes; M2M: the custom scopes)', collect)
    .addHelpText('after', `
Prints the access token on stdout; --json prints the token response with decoded claims.
The sign-in redirects to http://localhost:<port>/callback, served on 127.0.0.1 for one request.

Examples:
  $ curl -H "Authorization: Bearer $(npx cognito-scope-setup token)" <invoke URL>
  $ npx cognito-scope-setup token --client-credentials --json`);
  globalOptions(token).action(async (_o, cmd: Command) => {
    program.setOptionValue('__exit', await run('token', cmd.optsWithGlobals()));
  });

  const verify = flowOptions(
    program
      .command('verify')
      .description('call the deployed API: no token gets 401, an access token with the scope gets 200 "Hello World!", tokens without it are refused'),
  )
    .option('--token-stdin', 'read the access token from stdin instead of signing in')
    .addHelpText('after', `
Exit 0 when every check that could run passed, 1 when one failed (with its likely cause), 2 bad input.

Examples:
  $ npx cognito-scope-setup verify
  $ npx cognito-scope-setup verify --client-credentials --json
  $ npx cognito-scope-setup token | npx cognito-scope-setup verify --token-stdin`);
  globalOptions(verify).action(async (_o, cmd: Command) => {
    program.setOptionValue('__exit', await run('verify', cmd.optsWithGlobals()));
  });

  const exp = program.command('export').description('export the stack for other tools');
  const postman = exp
    .command('postman')
    .description('write a Postman collection (v2.1) and environment that reproduce the tutorial\'s step 9')
    .option('--out-dir <dir>', 'directory for <stack>.postman_collection.json and <stack>.postman_environment.json (default: .)')
    .option('--no-secret', 'leave client_secret empty in the environment (no AWS request)')
    .addHelpText('after', `
The client secret goes only into the environment file (a Postman secret variable, file mode 0600).

Examples:
  $ npx cognito-scope-setup export postman
  $ npx cognito-scope-setup export postman --stack demo --out-dir postman --no-secret`);
  globalOptions(postman).action(async (_o, cmd: Command) => {
    program.setOptionValue('__exit', await run('export-postman', cmd.optsWithGlobals()));
  });

  const cfn = exp
    .command('cloudformation')
    .description('write a CloudFormation template (YAML) of the live stack; --import: hand it over to CloudFormation in place')
    .option('--out <file>', 'write the template to this file (default: stdout; with --import: ./<stack>.template.yaml)')
    .option('--import', 'retain every resource and write the import change set files and the AWS CLI commands that hand the live stack over')
    .addHelpText('after', `
The stack is read live first, as status reads it; a stack that is not in sync is not exported.
No secret is in the template. Users are not template resources.

Examples:
  $ npx cognito-scope-setup export cloudformation --out hello-world.yaml
  $ npx cognito-scope-setup export cloudformation --import`);
  globalOptions(cfn).action(async (_o, cmd: Command) => {
    program.setOptionValue('__exit', await run('export-cloudformation', cmd.optsWithGlobals()));
  });

  const forget = program
    .command('forget')
    .description('stop managing the stack: remove its state and delete nothing (after export cloudformation --import)')
    .option('--untag', 'also remove the cognito-scope-setup:stack tag from its resources')
    .addHelpText('after', `
Examples:
  $ npx cognito-scope-setup forget --stack demo
  $ npx cognito-scope-setup forget --stack demo --untag --yes`);
  globalOptions(forget).action(async (_o, cmd: Command) => {
    program.setOptionValue('__exit', await run('forget', cmd.optsWithGlobals()));
  });

  const outputs = program
    .command('outputs')
    .description("print the stack's outputs again from the state file; --show-secret adds the client secret, read live")
    .option('--show-secret', 'read the app client secret(s) from Cognito and print them')
    .addHelpText('after', `
Examples:
  $ npx cognito-scope-setup outputs --json
  $ npx cognito-scope-setup outputs --show-secret`);
  globalOptions(outputs).action(async (_o, cmd: Command) => {
    program.setOptionValue('__exit', await run('outputs', cmd.optsWithGlobals()));
  });
  return program;
}

async function runCommand(name: string, opts: Record<string, unknown>): Promise<number> {
  switch (name) {
    case 'init':
      if (opts.dryRun) return (await import('./commands/plan.js')).runPlan(opts);
      return (await import('./commands/init.js')).runInit(opts);
    case 'plan':
      return (await import('./commands/plan.js')).runPlan(opts);
    case 'list':
      return (await import('./commands/list.js')).runList(opts);
    case 'status':
      return (await import('./commands/status.js')).runStatus(opts);
    case 'destroy':
      return (await import('./commands/destroy.js')).runDestroy(opts);
    case 'token':
      return (await import('./commands/token.js')).runToken(opts);
    case 'verify':
      return (await import('./commands/verify.js')).runVerify(opts);
    case 'export-postman':
      return (await import('./commands/export-postman.js')).runExportPostman(opts);
    case 'outputs':
      return (await import('./commands/outputs.js')).runOutputs(opts);
    case 'export-cloudformation':
      return (await import('./commands/export-cloudformation.js')).runExportCloudFormation(opts);
    case 'forget':
      return (await import('./commands/forget.js')).runForget(opts);
    default:
      throw new Error(`unknown command ${name}`);
  }
}

export function reportError(e: unknown, verbose: boolean, json: boolean): number {
  const write = (s: string) => process.stderr.write(s + '\n');
  // Ctrl-C at a prompt (inquirer's ExitPromptError): prompts come before any change.
  if ((e as Error)?.name === 'ExitPromptError' || (e as Error)?.name === 'AbortPromptError') {
    e = new CliError('CANCELLED', 'Cancelled (Ctrl-C) at a prompt: nothing was created, changed or deleted.', undefined, 130);
    verbose = false;
  }
  if (e instanceof UsageError) {
    for (const p of e.problems) write(`error: ${p}`);
    if (e.hint) write(`hint: ${e.hint}`);
  } else if (e instanceof CliError) {
    write(`error: ${e.message}`);
    if (e.hint) write(`hint: ${e.hint}`);
  } else {
    write(`error: ${(e as Error)?.message ?? String(e)}`);
    if (!verbose) write('hint: run again with --verbose for details');
  }
  if (verbose && e instanceof Error && e.stack) write(e.stack);
  const code = e instanceof CliError ? e.exitCode : 1;
  if (json) {
    const err = e as CliError;
    process.stdout.write(JSON.stringify({ error: { code: err?.code ?? 'ERROR', message: err?.message ?? String(e), hint: err?.hint } }, null, 2) + '\n');
  }
  return code;
}

export async function main(argv: string[], run = runCommand): Promise<number> {
  const program = buildProgram(run);
  const verbose = argv.includes('--verbose');
  const json = argv.includes('--json');
  try {
    if (argv.length <= 2) {
      program.outputHelp();
      return 0;
    }
    await program.parseAsync(argv);
    return (program.getOptionValue('__exit') as number | undefined) ?? 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return 2;
    }
    return reportError(e, verbose, json);
  }
}
