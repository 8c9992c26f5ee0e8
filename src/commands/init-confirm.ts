// Before init's first change, on a terminal: the plan (what will be created, adopted, changed or
// left alone, in which account and region) and the question whether to go ahead.
import type { Plan } from '../engine/index.js';
import { colorsFor, type Io } from '../ui/output.js';
import type { PromptApi } from '../ui/prompts.js';
import { renderPlanView } from '../ui/plan-view.js';
import type { Session } from './context.js';
import { planRoutes, planSteps } from './plan.js';

/**
 * Before the first change: the plan shows what will be created, adopted, changed or left alone,
 * in which account and region, and asks to go ahead. Nothing to do: no question.
 */
export async function planAndConfirm(session: Session, plan: Plan, io: Io, prompts: PromptApi, allowReplace: boolean | undefined): Promise<boolean> {
  // Nothing to do: no plan, no question (the run then reports every step unchanged).
  if (plan.steps.every((s) => s.action === 'no change' && s.extras.length === 0)) return true;
  const { state } = session;
  const footer = plan.replacements.length && !allowReplace ? ['init refuses replacements unless you pass --allow-replace; it stops before changing anything.'] : [];
  io.stderr.write('\n' + renderPlanView({ stack: state.stack, accountId: state.accountId, region: state.region, endpoint: session.endpoint, steps: planSteps(plan), routes: planRoutes(plan, session.app), footer }, colorsFor(io)));
  // A replacement without --allow-replace: init refuses it before changing anything, and says why.
  if (plan.replacements.length && !allowReplace) return true;
  return prompts.confirm({ message: `Go ahead in account ${state.accountId} (${state.region})?`, default: true });
}
