// The tutorial's inputs for a stack, as unit tests' fixtures start from them.
import { DEFAULT_SCOPE, TUTORIAL_CALLBACK, type Inputs } from '../../src/config/schema.js';

export function tutorialInputs(stack: string, over: Partial<Inputs> = {}): Inputs {
  return {
    stack,
    runtime: 'python3.13',
    endpointType: 'EDGE',
    stage: 'dev',
    domainPrefix: `${stack}-ab12cd`,
    resourceServerId: `${stack}-api`,
    scopes: [{ ...DEFAULT_SCOPE }],
    callbackUrls: [TUTORIAL_CALLBACK],
    userMode: 'password',
    username: 'alice',
    email: 'alice@example.com',
    ...over,
  };
}
