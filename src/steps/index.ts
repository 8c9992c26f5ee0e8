// The step graph of the tutorial stack. Order here is only for display; the engine orders by
// dependsOn and runs independent branches (IAM + Lambda, API Gateway, Cognito) concurrently.
import type { Step } from '../engine/types.js';
import { apiStep } from './api.js';
import type { App } from './app.js';
import { authorizerStep } from './authorizer.js';
import { clientStep } from './client.js';
import { deploymentStep } from './deployment.js';
import { domainStep } from './domain.js';
import { functionStep } from './function.js';
import { m2mClientStep } from './m2m-client.js';
import { methodStep } from './method.js';
import { permissionStep } from './permission.js';
import { resourceServerStep } from './resource-server.js';
import { roleStep } from './role.js';
import { userPoolStep } from './user-pool.js';
import { userStep } from './user.js';

export const STEPS: readonly Step<App, any>[] = [
  roleStep,
  functionStep,
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
