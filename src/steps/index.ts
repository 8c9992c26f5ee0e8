// The step graph of the tutorial stack (its keys, in this order, and which a stack has: keys.ts).
// Order here is only for display; the engine orders by
// dependsOn and runs independent branches (IAM + Lambda, API Gateway, Cognito) concurrently.
import type { Inputs } from '../config/schema.js';
import type { AnyStep, Step, StepRecord } from '../engine/types.js';
import { apiStep } from './api.js';
import type { App } from './app.js';
import { authorizerStep } from './authorizer.js';
import { clientStep } from './client.js';
import { deploymentStep, deploymentStepFor } from './deployment.js';
import { domainStep } from './domain.js';
import { functionStep } from './function.js';
import { ROUTE_STEP_KEYS, stepWanted } from './keys.js';
import { logGroupStep } from './log-group.js';
import { m2mClientStep } from './m2m-client.js';
import { methodStep, methodStepFor } from './method.js';
import { permissionStep, permissionStepFor } from './permission.js';
import { parentPath, resourcePaths, type HttpMethod, type Route } from '../config/routes.js';
import { resourceStep, type ResourceRecord } from './resource.js';
import { resourceServerStep } from './resource-server.js';
import { roleStep } from './role.js';
import { userPoolStep } from './user-pool.js';
import { userStep } from './user.js';

export const STEPS: readonly AnyStep<App>[] = [
  roleStep,
  functionStep,
  logGroupStep,
  apiStep,
  userPoolStep,
  domainStep,
  resourceServerStep,
  clientStep,
  m2mClientStep,
  authorizerStep,
  permissionStep,
  methodStep,
  deploymentStep,
  userStep,
];

/** The steps of a stack's routes: a resource per path, a method and an invoke permission per route, the stage. */
function routeSteps(routes: readonly Route[]): AnyStep<App>[] {
  // Parents first (resourcePaths' order): each step gets its parent's step, each method its path's.
  const resources = new Map<string, Step<App, ResourceRecord>>();
  for (const p of resourcePaths(routes)) resources.set(p, resourceStep(p, resources.get(parentPath(p))));
  const methods = routes.map((r) => methodStepFor(r, resources.get(r.path)));
  return [...resources.values(), ...routes.map((r) => permissionStepFor(r)), ...methods, deploymentStepFor(methods)];
}


/**
 * This run's graph: every step these inputs call for (no user when userMode is 'none', the M2M client
 * only when asked; with routes of their own, each route's resources, method and permission in place of GET /'s).
 */
export function stepsFor(inputs: Pick<Inputs, 'userMode' | 'm2mClient'> & Partial<Pick<Inputs, 'routes'>>): AnyStep<App>[] {
  const base = STEPS.filter((s) => stepWanted(s.key, inputs));
  if (!inputs.routes) return base;
  const at = base.findIndex((s) => ROUTE_STEP_KEYS.has(s.key));
  const rest = base.filter((s) => !ROUTE_STEP_KEYS.has(s.key));
  return [...rest.slice(0, at), ...routeSteps(inputs.routes), ...rest.slice(at)];
}

/** Every step a stack's inputs could have (destroy): all optional steps, and the routes' steps. */
export function everyStepFor(inputs: Partial<Pick<Inputs, 'routes'>>): AnyStep<App>[] {
  return stepsFor({ userMode: 'password', m2mClient: true, routes: inputs.routes });
}

/**
 * The step for a key recorded in state but not in this run's graph (switched off, or a removed
 * route: `resource:<path>`, `method:<METHOD> <path>`, `permission:<METHOD> <path>`): the engine deletes it.
 */
export function retiredStep(key: string, _record: StepRecord): AnyStep<App> | undefined {
  const m = /^(method|permission):([A-Z]+) (\/.*)$/.exec(key);
  if (m) {
    const r = { method: m[2] as HttpMethod, path: m[3]! };
    return m[1] === 'method' ? methodStepFor(r) : permissionStepFor(r);
  }
  if (key.startsWith('resource:/')) return resourceStep(key.slice('resource:'.length));
  return STEPS.find((s) => s.key === key);
}
