// The step graph of the tutorial stack. Order here is only for display; the engine orders by
// dependsOn and runs independent branches (IAM + Lambda, API Gateway, Cognito) concurrently.
import type { Inputs } from '../config/schema.js';
import type { AnyStep, StepRecord } from '../engine/types.js';
import { apiStep } from './api.js';
import type { App } from './app.js';
import { authorizerStep } from './authorizer.js';
import { clientStep } from './client.js';
import { deploymentStep } from './deployment.js';
import { domainStep } from './domain.js';
import { functionStep } from './function.js';
import { logGroupStep } from './log-group.js';
import { m2mClientStep } from './m2m-client.js';
import { methodStep } from './method.js';
import { permissionStep } from './permission.js';
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

/** This run's graph: every step these inputs call for (no user when userMode is 'none', the M2M client only when asked). */
export function stepsFor(inputs: Pick<Inputs, 'userMode' | 'm2mClient'>): AnyStep<App>[] {
  return STEPS.filter((s) => (s.key === 'user' ? inputs.userMode !== 'none' : s.key === 'm2mClient' ? inputs.m2mClient === true : true));
}

/** The step for a key recorded in state but not in this run's graph (switched off): the engine deletes it. */
export function retiredStep(key: string, _record: StepRecord): AnyStep<App> | undefined {
  return STEPS.find((s) => s.key === key);
}
