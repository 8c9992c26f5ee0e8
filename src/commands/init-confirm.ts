// Before init's first change, on a terminal: the plan (what will be created, adopted, changed or
// left alone, in which account and region) and the question whether to go ahead.
import { apply } from '../engine/engine.js';
import { colorsFor, type Io } from '../ui/output.js';
import type { PromptApi } from '../ui/prompts.js';
import { renderPlan } from '../ui/summary.js';
import type { Session } from './context.js';

/**
 * Before the first change: a dry run shows what will be created, adopted, changed or left
 * alone, in which account and region, and asks to go ahead. Nothing to do: no question.
 */
export async function planAndConfirm(session: Session, io: Io, prompts: PromptApi, allowReplace: boolean | undefined): Promise<boolean> {
  const { STEPS } = await import('../steps/index.js');
  const { results } = await apply(session.engine(() => undefined), { dryRun: true, allowReplace });
  // Nothing to do: no plan, no question (the run then reports every step unchanged).
  if (results.every((r) => r.action === 'no change')) return true;
  const { state, app } = session;
  const n = app.names;
  const names: Record<string, string | undefined> = {
    role: n.role,
    function: n.function,
    api: n.api,
    permission: n.permissionSid,
    method: 'GET /',
    deployment: `stage ${state.inputs.stage}`,
    userPool: n.userPool,
    domain: state.inputs.domainPrefix,
    resourceServer: state.inputs.resourceServerId,
    client: n.client,
    authorizer: n.authorizer,
    user: state.inputs.username,
  };
  const titles = Object.fromEntries(STEPS.map((s) => [s.key, s.title]));
  io.stderr.write('\n' + renderPlan(results, { stack: state.stack, accountId: state.accountId, region: state.region, endpoint: session.endpoint, titles, names, allowReplace }, colorsFor(io)));
  // A replacement without --allow-replace: init refuses it before changing anything, and says why.
  if (results.some((r) => r.action === 'replace') && !allowReplace) return true;
  return prompts.confirm({ message: `Go ahead in account ${state.accountId} (${state.region})?`, default: true });
}
