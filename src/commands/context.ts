// Shared by the commands: validate everything local first (exit 2 before any AWS request), then
// lock the stack, resolve the account and hand the engine what it needs. The AWS SDK (and the
// steps, which use it) is imported only once the local checks passed: a usage error never loads it.
import { createClients, resolveRegion, type AwsClients } from '../aws/clients.js';
import { explainAwsError } from './aws-errors.js';
import type { GlobalArgs } from '../config/fields.js';
import { resolveInputs, validateConnection, validateStack, type RawInputs } from '../config/resolve.js';
import { routesOf } from '../config/routes.js';
import type { Inputs } from '../config/schema.js';
import type { EngineEvent, EngineOptions, StepRecord } from '../engine/types.js';
import { StateError, UsageError } from '../errors.js';
import { STATE_VERSION, TOOL, type State } from '../state/schema.js';
import { openBackend, stateLocationFor, validateLocation, type StateBackend } from '../state/backend.js';
import { createStore, holderLine, type StateStore } from '../state/store.js';
import { namesFor, partitionOf, type App } from '../steps/app.js';

/** The global flags (config/fields.ts GLOBAL_FIELDS), as every command receives them. */
export type GlobalOpts = GlobalArgs;

export interface LocalStack {
  stack: string;
  /** Where the state lives: a file path or an s3:// URL. */
  stateFile: string;
  backend: StateBackend;
  recorded?: State;
}

/** Flags' formats first (exit 2, no request), then the stack's state (a file, or an S3 object). */
export async function openLocal(g: GlobalOpts): Promise<LocalStack> {
  const stack = validateStack(g.stack);
  validateConnection({ region: g.region, endpointUrl: g.endpointUrl });
  const stateFile = stateLocationFor(stack, g.state);
  validateLocation(stateFile);
  const backend = await openBackend(stateFile, { region: g.region, profile: g.profile, endpoint: g.endpointUrl });
  const recorded = await backend.load();
  if (recorded && recorded.stack !== stack) {
    throw new StateError(`${backend.label} belongs to stack "${recorded.stack}", not "${stack}".`, `Pass --stack ${recorded.stack}, or another --state.`);
  }
  return { stack, stateFile, backend, recorded };
}

/** The region a run goes to (flag, state file, environment, profile); none is a usage error (exit 2). */
export async function regionOf(g: GlobalOpts, local: LocalStack): Promise<string> {
  const region = await resolveRegion(g.region ?? local.recorded?.region, g.profile);
  if (!region) throw new UsageError(['--region: no AWS region is configured; pass --region (for example --region us-east-1) or set AWS_REGION']);
  validateConnection({ region });
  return region;
}

export interface Session {
  local: LocalStack;
  state: State;
  app: App;
  aws: AwsClients;
  endpoint?: string;
  store: StateStore;
  /**
   * The account check (STS): settled before a write may go out. With `early`, openSession
   * returns before it; the engine awaits it alongside its first wave of reads.
   */
  ready: Promise<void>;
  release(): Promise<void>;
  /** Serialized, atomic save of one step's record into the state file. */
  save(key: string, record: StepRecord | undefined): Promise<void>;
  /** Flush pending saves and write the whole state once more. */
  persist(): Promise<void>;
  /** The engine's options: this run's graph for the inputs (destroy: every step there is). */
  engine(onEvent: (e: EngineEvent) => void, graph?: 'inputs' | 'every step'): EngineOptions<App>;
}

export interface OpenOptions {
  flags?: RawInputs;
  config?: RawInputs;
  /** Take the per-stack lock (commands that change things). */
  lock: boolean;
  /** The command taking the lock (recorded in it, shown to a run it keeps out). */
  command?: string;
  /** Write the state file (init); status and destroy never create one. */
  writeState: boolean;
  password?: string;
  /** Inputs already resolved by the command (e.g. with the wizard's answers): used as they are. */
  resolved?: Inputs & { domainPrefixGenerated: boolean };
  /** Return before the account check (STS) answered; the caller awaits `ready` before any write (the engine does). */
  early?: boolean;
}

export async function openSession(g: GlobalOpts, local: LocalStack, o: OpenOptions): Promise<Session> {
  const { stack, recorded } = local;
  const inputs = o.resolved ?? resolveInputs({ flags: { ...o.flags, stack }, config: o.config, recorded: recorded?.inputs });
  if (recorded && !o.resolved && !o.flags?.domainPrefix && !o.config?.domainPrefix) inputs.domainPrefixGenerated = recorded.domainPrefixGenerated;

  const region = await regionOf(g, local);
  if (recorded && recorded.region !== region) {
    throw new StateError(
      `${local.backend.label} records stack "${stack}" in ${recorded.region}, but this run targets ${region}.`,
      `Run with --region ${recorded.region}, or use another --stack (or --state) for a stack in ${region}.`,
      'REGION_MISMATCH',
    );
  }
  const endpoint = g.endpointUrl ?? recorded?.endpoint;
  if (recorded && (recorded.endpoint ?? '') !== (endpoint ?? '') && g.endpointUrl !== undefined) {
    throw new StateError(`${local.backend.label} was made against ${recorded.endpoint ?? 'AWS'}, not ${endpoint}.`, 'Use the same --endpoint-url as when the stack was created, or another --stack.', 'ENDPOINT_MISMATCH');
  }

  const held = o.lock ? await local.backend.lock({ command: o.command }) : undefined;
  if (held?.tookOver) process.stderr.write(`Took over the lock of stack ${stack}: its holder, ${holderLine({ owner: held.tookOver.owner, ageMs: 0 }).replace(/, last heartbeat 0 s ago/, '')}, is gone (${held.tookOver.reason}).\n`);
  const release = async () => {
    await held?.release();
    if (local.backend.kind === 's3') (await import('../state/s3.js')).closeS3();
  };
  const aws = createClients({ region, profile: g.profile, endpoint });
  try {
    // STS first: its client is the smallest part of the SDK, so the account check leaves before
    // the steps (and the other clients) are loaded, and its round trip overlaps that loading.
    const { GetCallerIdentityCommand } = await import('../aws/sdk/sts.js');
    const sts = await aws.sts();
    // The account (STS) goes out now and is not awaited here: the engine's first wave of reads
    // leaves alongside it and every write waits for `ready` (EngineOptions.ready). Reads name
    // resources by name or recorded id; the few comparisons that include the account wait for
    // it (accountOf in steps/app.ts).
    const account = sts.send(new GetCallerIdentityCommand({})).then(
      (r) => r.Account!,
      (e: unknown) => {
        throw explainAwsError(e, { endpoint, profile: g.profile, region });
      },
    );
    account.catch(() => undefined); // handled through `ready` below
    // While STS answers, load and build the other clients and the steps, so that the first wave
    // of reads leaves as soon as possible. Loading is CPU (dist/ is CommonJS: a require blocks), so
    // it goes one client at a time with a turn of the event loop in between, in which the account
    // check's socket connects, its request is written and its answer is read. (All at once, the
    // request would leave only after the loading, tens of milliseconds later.)
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    await turn();
    for (const client of [aws.iam, aws.lambda, aws.apigw, aws.cognito, aws.logs]) {
      await turn();
      await client().catch(() => undefined); // an error here is the step's to report, when it asks
    }
    const { everyStepFor, stepsFor, retiredStep } = await import('../steps/index.js');
    const now = new Date().toISOString();
    const { domainPrefixGenerated, ...plainInputs } = inputs;
    const state: State = recorded
      ? { ...recorded, inputs: plainInputs, domainPrefixGenerated, ...(endpoint ? { endpoint } : {}) }
      : { version: STATE_VERSION, tool: TOOL, stack, region, accountId: '', ...(endpoint ? { endpoint } : {}), inputs: plainInputs, domainPrefixGenerated, resources: {}, createdAt: now, updatedAt: now };
    const app: App = { aws, stack, region, accountId: recorded?.accountId ?? '', partition: partitionOf(region), inputs, names: namesFor(stack, region), password: o.password };
    // Before the first write (and before a command shows the account): the account is the one
    // the state file records.
    const ready = account.then((accountId) => {
      if (recorded && recorded.accountId !== accountId) {
        throw new StateError(
          `${local.backend.label} records stack "${stack}" in account ${recorded.accountId}, but your credentials are for account ${accountId}.`,
          'Switch to the credentials of that account (--profile), or use another --stack for this account.',
          'ACCOUNT_MISMATCH',
        );
      }
      app.accountId = accountId;
      state.accountId = accountId;
    });
    app.account = ready.then(() => app.accountId);
    // A rejection is the caller's to handle (it awaits `ready`); never an unhandled one meanwhile.
    app.account.catch(() => undefined);
    if (!o.early) await ready;

    const store = createStore(local.backend, state, { write: o.writeState, lock: held });
    const recordedResources = { ...(recorded?.resources ?? {}) };
    return {
      local,
      state,
      app,
      aws,
      endpoint,
      store,
      ready,
      release: async () => {
        await store.settle();
        aws.destroy();
        await release();
      },
      save: store.save,
      persist: store.persist,
      engine: (onEvent, graph = 'inputs') => ({ steps: graph === 'inputs' ? stepsFor(inputs) : everyStepFor(inputs), retired: retiredStep, app, recorded: recordedResources, save: store.save, onEvent, ready }),
    };
  } catch (e) {
    aws.destroy();
    await release();
    throw e;
  }
}

export interface Outputs {
  invokeUrl?: string;
  restApiId?: string;
  stage: string;
  userPoolId?: string;
  domain?: string;
  hostedUiUrl?: string;
  authorizeUrl?: string;
  tokenUrl?: string;
  clientId?: string;
  /** The client_credentials client, when init --m2m-client made one. */
  m2mClientId?: string;
  scopes: string[];
  /** A stack with --route: each route, its URL (a {param} shown as it is) and the scopes that let a token through. */
  routes?: RouteOutput[];
  username?: string;
  functionName: string;
}

export interface RouteOutput {
  method: string;
  path: string;
  url?: string;
  scopes: string[];
}

/** What a user needs next, from the recorded ids. With an endpoint: the emulator's URL shapes. */
export function outputsOf(state: State): Outputs {
  const r = (k: string) => state.resources[k] as Record<string, string> | undefined;
  const apiId = r('api')?.id;
  const stage = r('deployment')?.id ?? state.inputs.stage;
  const prefix = r('domain')?.id;
  const e = state.endpoint?.replace(/\/+$/, '');
  const domain = prefix ? `${prefix}.auth.${state.region}.amazoncognito.com` : undefined;
  const base = e ?? (domain ? `https://${domain}` : undefined);
  const invokeUrl = apiId ? (e ? `${e}/restapis/${apiId}/${stage}/_user_request_/` : `https://${apiId}.execute-api.${state.region}.amazonaws.com/${stage}/`) : undefined;
  const full = (s: string) => `${state.inputs.resourceServerId}/${s}`;
  return {
    invokeUrl,
    restApiId: apiId,
    stage,
    userPoolId: r('userPool')?.id,
    domain,
    hostedUiUrl: base && prefix ? `${base}/login` : undefined,
    authorizeUrl: base && prefix ? `${base}/oauth2/authorize` : undefined,
    tokenUrl: base && prefix ? `${base}/oauth2/token` : undefined,
    clientId: r('client')?.id,
    m2mClientId: r('m2mClient')?.id,
    scopes: state.inputs.scopes.map((s) => full(s.name)),
    // Only for a stack with routes of its own: the tutorial stack's outputs stay as they were.
    ...(state.inputs.routes ? { routes: routesOf(state.inputs).map((r) => ({ method: r.method, path: r.path, ...(invokeUrl ? { url: invokeUrl + r.path.slice(1) } : {}), scopes: r.scopes.map(full) })) } : {}),
    username: r('user')?.id,
    functionName: r('function')?.id ?? `${state.stack}-lambda`,
  };
}
