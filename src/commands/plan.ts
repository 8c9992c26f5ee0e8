// `plan` (also `init --dry-run`): read everything live and say, per step, what `init` with the
// same flags would do: create, adopt, update (fields old -> new), replace (and why), delete, or
// no change. It sends no mutating request, takes no lock and never writes a state file.
//
// Exit codes: 0 nothing to change, 3 changes pending, 1 a read failed, 2 bad input.
import type { StackArgs } from '../config/fields.js';
import { plan, StepFailed, type Change, type Plan } from '../engine/index.js';
import { colorsFor, type Io } from '../ui/output.js';
import { routeId, routesOf } from '../config/routes.js';
import type { App } from '../steps/app.js';
import { routeOfMethodKey } from '../steps/keys.js';
import { routeScopes } from '../steps/method.js';
import { renderPlanView, type PlanViewRoute } from '../ui/plan-view.js';
import { commandLine, type Where } from './command-line.js';
import { EXIT } from './exit-codes.js';
import { readFailed } from './failures.js';
import { PASSWORD_ENV } from './inputs.js';
import type { Handler } from './kernel.js';

export type PlanStepAction = 'create' | 'adopt' | 'update' | 'replace' | 'delete' | 'no change';

export interface PlanStep {
  key: string;
  title: string;
  action: PlanStepAction;
  /** The live resource's id, when there is one. */
  id: string | null;
  /** The resource's name for these inputs (what a create would name it), when the step has one. */
  name?: string;
  changes?: Change[];
  /** For replace: why AWS cannot change it in place and what the replacement means. */
  reason?: string;
  /** Other copies tagged as this stack's (their ids): init deletes them and keeps this one. */
  extras?: string[];
}

export interface PlanDocument {
  stack: string;
  region: string;
  accountId: string;
  stateFile: string;
  stateFileExists: boolean;
  changesPending: boolean;
  /** A replacement is planned and --allow-replace was not given: init would refuse it. */
  needsAllowReplace: boolean;
  summary: Record<'create' | 'adopt' | 'update' | 'replace' | 'delete' | 'noChange', number>;
  steps: PlanStep[];
  notes: string[];
}

/** What init reports for each plan action (the contract `plan predicts init` is tested against). */
export const INIT_ACTION_OF: Record<PlanStepAction, string> = {
  create: 'created',
  adopt: 'adopted',
  update: 'updated',
  replace: 'updated',
  delete: 'deleted',
  'no change': 'unchanged',
};

function reasonFor(changes: Change[]): string {
  return changes
    .filter((c) => c.replace)
    .map((c) => c.reason ?? `${c.field} cannot be changed in place: the resource is deleted and created again`)
    .join('; ');
}

/**
 * The route changes of a plan, for the "Routes:" block: a route whose method is created (added),
 * deleted as no longer asked for (removed), or whose scopes change. Only on a stack with routes of
 * its own, or one losing them: the tutorial's GET / alone keeps the plan as it was.
 */
export function planRoutes(planned: Plan, app: App): PlanViewRoute[] {
  const out: PlanViewRoute[] = [];
  for (const p of planned.steps) {
    const route = routeOfMethodKey(p.key);
    if (!route) continue;
    if (p.action === 'create') {
      const r = routesOf(app.inputs).find((x) => routeId(x) === route);
      out.push({ route, change: 'add', scopes: r ? routeScopes(app, r) : [] });
    } else if (p.action === 'delete' && p.origin === 'retired') out.push({ route, change: 'remove' });
    else {
      const ch = p.changes.find((x) => x.field === 'authorizationScopes');
      if (ch && (p.action === 'update' || p.action === 'adopt')) out.push({ route, change: 'change', from: ch.from, to: ch.to });
    }
  }
  return app.inputs.routes || out.some((r) => r.change === 'remove') ? out : [];
}

/** The engine's plan as plan's JSON steps (and init's confirmation shows the same). */
export function planSteps(planned: Plan): PlanStep[] {
  return planned.steps.map((p) => {
    const action = p.action;
    const id = p.live?.record.id;
    const step: PlanStep = { key: p.key, title: p.title, action, id: typeof id === 'string' ? id : null, ...(p.name ? { name: p.name } : {}) };
    if (p.changes.length && (action === 'update' || action === 'replace')) step.changes = p.changes.map(({ reason: _reason, ...c }) => c);
    if (action === 'replace') step.reason = reasonFor(p.changes);
    if (p.extras.length) step.extras = p.extras.map((x) => String(x.id));
    return step;
  });
}

export const handler: Handler<StackArgs> = async (ctx) => {
  const { args: o, io } = ctx;
  // 1. Everything local, before any AWS request: the kernel ran the input pipeline (no prompts).
  const { local, inputs: resolved, g } = ctx.inputs;
  const holder = await local.backend.holder();
  if (holder && !holder.stale && holder.owner.pid !== process.pid) io.stderr.write(`warning: another run (pid ${holder.owner.pid}) is changing stack ${local.stack} right now; this plan may be out of date by the time it finishes.\n`);
  // Every local check first (the region too): a usage error comes before this line.
  const region = await (await import('./context.js')).regionOf(g, local);
  if (!o.json) io.stderr.write(`Reading stack ${local.stack} live in ${region}; nothing will be changed.\n`);

  // 2. AWS, reads only: no lock, no state file written or created.
  const session = await ctx.session({ resolved, early: true });
  io.stderr.write((await import('./notices.js')).costLine(session.app.inputs) + '\n');
  let planned;
  try {
    planned = await plan(session.engine(() => undefined));
  } catch (e) {
    if (e instanceof StepFailed) throw readFailed(e, g, session);
    throw e;
  }

  const steps = planSteps(planned);
  const extraCopies = steps.reduce((n, s) => n + (s.extras?.length ?? 0), 0);
  const count = (a: PlanStepAction) => steps.filter((s) => s.action === a).length;
  const summary = { create: count('create'), adopt: count('adopt'), update: count('update'), replace: count('replace'), delete: count('delete') + extraCopies, noChange: count('no change') };
  const changesPending = steps.some((s) => s.action !== 'no change' || s.extras);
  const needsAllowReplace = summary.replace > 0 && !o.allowReplace;
  const notes: string[] = [];
  if (!local.recorded) notes.push(`No state file at ${local.stateFile}: init would find existing resources by name and ownership tag (adopt) and create the rest.`);
  const inputs = session.app.inputs;
  if (steps.some((s) => s.key === 'user' && s.action === 'create') && inputs.userMode === 'password' && io.env[PASSWORD_ENV] === undefined && !o.passwordStdin) {
    notes.push(`init will need the password of user "${inputs.username}": pipe it in with --password-stdin or set ${PASSWORD_ENV}.`);
  }
  if (needsAllowReplace) notes.push('init refuses replacements unless you pass --allow-replace; without it, it stops before changing anything.');
  if (holder) notes.push(`Another run (pid ${holder.owner.pid}) held the stack's lock while this plan was read.`);

  const doc: PlanDocument = {
    stack: session.state.stack,
    region: session.state.region,
    accountId: session.state.accountId,
    stateFile: local.stateFile,
    stateFileExists: local.recorded !== undefined,
    changesPending,
    needsAllowReplace,
    summary,
    steps,
    notes,
  };
  return { exit: changesPending ? EXIT.PENDING : EXIT.OK, json: doc, text: renderPlan(doc, io, { stack: doc.stack, region: o.region, state: o.state, profile: o.profile }, planRoutes(planned, session.app)) };
};

export function renderPlan(doc: PlanDocument, io: Io, g: Where = { stack: doc.stack }, routes: readonly PlanViewRoute[] = []): string {
  const c = colorsFor({ env: io.env, stderr: io.stdout });
  const footer = doc.notes.map((n) => `Note: ${n}`);
  if (doc.changesPending) footer.push(`To apply: ${commandLine('init', g)} with the same flags${doc.needsAllowReplace ? ' plus --allow-replace' : ''}.`);
  else footer.push('Nothing to change: init would make no change.');
  return renderPlanView({ stack: doc.stack, region: doc.region, accountId: doc.accountId, steps: doc.steps, routes, footer }, c);
}
