// THE COMMAND KERNEL: a command is a spec (registry.ts: name, help, its fields from
// config/fields.ts, what it needs) plus a handler that receives one context and returns an
// outcome. The kernel does the rest, the same way for every command: the one interactivity check,
// the state file (and the one "No state file" error), the input pipeline (inputs.ts) for commands
// that take the stack's settings, AWS sessions and secrets (opened on demand, always released),
// the reporter, and writing the outcome (text, or with --json its one JSON document). Errors are
// thrown; only the entry point (cli.ts) renders them (outcome.ts) and sets the exit code.
//
// To add a command: a spec in registry.ts (`load: () => import('./x.js')`), and in x.ts
// `export const handler: Handler<ArgsOf<typeof X_FIELDS>> = async (ctx) => ({ exit: EXIT.OK, json, text })`.
import type { ArgsOf, FieldTable, GlobalArgs } from '../config/fields.js';
import type { Inputs } from '../config/schema.js';
import { StateError } from '../errors.js';
import type { State } from '../state/schema.js';
import { printJson, processIo, type Io } from '../ui/output.js';
import { inquirerPrompts, isInteractive, type PromptApi } from '../ui/prompts.js';
import type { Reporter } from '../ui/reporter.js';
import type { LocalStack, OpenOptions, Outputs, Session } from './context.js';
import { commandLine } from './command-line.js';
import type { ExitCode } from './exit-codes.js';
import type { GatheredInputs } from './inputs.js';

export interface Needs {
  /**
   * none: no stack; optional: the stack and its state file when there is one; required: a state
   * file; complete: a state file whose stack has its hosted UI domain and app client.
   */
  state: 'none' | 'optional' | 'required' | 'complete';
  /** Takes the stack's settings (STACK_FIELDS): ctx.inputs, resolved by the one input pipeline. */
  inputs?: boolean;
  /** AWS: read = a session without the lock; write = with the stack's lock and state writes; secrets = read app client secrets. */
  aws: 'none' | 'read' | 'write' | 'secrets';
  /** May ask (wizard, confirmation, password): ctx.prompts is set when interactive. */
  prompts?: boolean;
}

export interface CommandSpec<T extends FieldTable = FieldTable> {
  /** As typed: 'init', 'export postman'. */
  readonly name: string;
  readonly description: string;
  /** Text after the options in --help (examples). */
  readonly help?: string;
  /** The command's own fields; the global ones (GLOBAL_FIELDS) come with every command. */
  readonly args: T;
  readonly needs: Needs;
  readonly load: Loader;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loader = () => Promise<{ handler: Handler<any> }>;

/** What a command returns: its exit code and what goes on stdout (json with --json, else text). */
export interface Outcome {
  exit: ExitCode;
  json?: unknown;
  text?: string;
}

export interface RecordedStack extends LocalStack {
  recorded: State;
  outputs: Outputs;
}

export interface Secrets {
  /** The app client as Cognito has it (with its secret), read live. */
  client(clientId: string): Promise<import('@aws-sdk/client-cognito-identity-provider').UserPoolClientType>;
}

export interface HandlerContext<A = GlobalArgs> {
  readonly command: string;
  readonly args: A & GlobalArgs;
  readonly io: Io;
  /** The one interactivity check: a terminal on both ends, no --no-input, not CI. */
  readonly interactive: boolean;
  /** Prompts, when interactive (else undefined). */
  readonly prompts?: PromptApi;
  /** The stack named by --stack (or the wizard), and its state file when there is one. */
  local(): LocalStack;
  /** The recorded stack: throws NO_STATE (or INCOMPLETE_STACK for needs.state 'complete'). */
  recorded(): RecordedStack;
  /** The stack's resolved settings (needs.inputs). */
  readonly inputs: GatheredInputs;
  reporter(): Promise<Reporter>;
  /** An AWS session for the stack; released by the kernel after the handler. */
  session(o?: Partial<OpenOptions>): Promise<Session>;
  secrets(): Promise<Secrets>;
}

/** A command's handler, typed by its fields: `Handler<ArgsOf<typeof MY_FIELDS>>`. */
export type Handler<A> = (ctx: HandlerContext<A>) => Promise<Outcome>;

export interface ExecuteDeps {
  /** The prompt set (tests inject a scripted one). */
  makePrompts?: (io: Io) => Promise<PromptApi>;
}

export async function execute<T extends FieldTable>(spec: CommandSpec<T>, args: ArgsOf<T> & GlobalArgs, io: Io = processIo(), deps: ExecuteDeps = {}): Promise<number> {
  const interactive = isInteractive(args, io);
  const closers: (() => Promise<void>)[] = [];
  let reporter: Promise<Reporter> | undefined;
  let local: LocalStack | undefined;
  let inputs: GatheredInputs | undefined;
  let secrets: Promise<Secrets> | undefined;
  let context: typeof import('./context.js') | undefined;
  const prompts = interactive && spec.needs.prompts ? await (deps.makePrompts ?? inquirerPrompts)(io) : undefined;

  const ctx: HandlerContext<ArgsOf<T>> = {
    command: spec.name,
    args: args as ArgsOf<T> & GlobalArgs,
    io,
    interactive,
    prompts,
    local: () => {
      if (!local) throw new Error(`${spec.name} does not declare needs.state`);
      return local;
    },
    recorded() {
      const l = ctx.local();
      const where = { stack: l.stack, region: args.region, state: args.state, profile: args.profile };
      const init = commandLine('init', where);
      if (!l.recorded) {
        const what = spec.name === 'init' ? init : `${init} first (or pass the --stack / --state of an existing stack; npx cognito-scope-setup list shows them), then ${commandLine(spec.name, where)}`;
        throw new StateError(`No state file for stack "${l.stack}" at ${l.stateFile}.`, `Run ${what}.`, 'NO_STATE');
      }
      const outputs = context!.outputsOf(l.recorded);
      if (spec.needs.state === 'complete' && (!outputs.tokenUrl || !outputs.clientId || !outputs.userPoolId)) {
        throw new StateError(`Stack "${l.stack}" has no hosted UI domain or app client yet.`, `Run ${init} to finish it, then ${commandLine(spec.name, where)}.`, 'INCOMPLETE_STACK');
      }
      return { ...l, recorded: l.recorded, outputs };
    },
    get inputs() {
      if (!inputs) throw new Error(`${spec.name} does not declare needs.inputs`);
      return inputs;
    },
    reporter: () => (reporter ??= import('../ui/reporter.js').then((m) => m.createReporter(io))),
    async session(o = {}) {
      const write = spec.needs.aws === 'write';
      const s = await context!.openSession(inputs?.g ?? args, ctx.local(), { lock: write, command: spec.name, writeState: write, ...o, ...(inputs && !o.resolved ? { resolved: inputs.inputs } : {}) });
      closers.push(() => s.release());
      return s;
    },
    secrets: () =>
      (secrets ??= import('./secrets.js').then(async ({ openSecrets }) => {
        const s = await openSecrets(args, ctx.local());
        closers.push(() => s.release());
        return s;
      })),
  };

  try {
    // Local checks first, in the order a user fixes them: flags and settings, then the state file.
    if (spec.needs.inputs) {
      const { gatherInputs } = await import('./inputs.js');
      inputs = await gatherInputs(args, io, undefined, async () => prompts!, { prompt: prompts !== undefined });
    }
    // The state and session code (state backends, the AWS client factory) only once the flags passed.
    if (spec.needs.state !== 'none') {
      context = await import('./context.js');
      local = inputs?.local ?? (await context.openLocal(args));
    }
    if (spec.needs.state === 'required' || spec.needs.state === 'complete') ctx.recorded();
    // The handler's module (and what it imports: the engine, the plan view...) only once the
    // local checks passed: a usage error never loads it.
    const { handler } = await spec.load();
    const outcome = await handler(ctx);
    await close();
    if (args.json) {
      if (outcome.json !== undefined) printJson(io, outcome.json);
    } else if (outcome.text) io.stdout.write(outcome.text);
    return outcome.exit;
  } finally {
    await close();
  }

  /** Stop the reporter, release sessions and locks; a failure here is a warning, never a second document. */
  async function close(): Promise<void> {
    if (reporter) (await reporter.catch(() => undefined))?.stop();
    for (const c of closers.splice(0).reverse()) {
      try {
        await c();
      } catch (e) {
        io.stderr.write(`warning: could not release the stack's lock or session: ${(e as Error)?.message ?? String(e)}\n`);
      }
    }
  }
}

/** For the types of a resolved stack: the inputs as a handler sees them. */
export type ResolvedInputs = Inputs & { domainPrefixGenerated: boolean };
