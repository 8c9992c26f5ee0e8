// The engine's public API (see types.ts for the contract and what each operation does).
export { destroy } from './destroy.js';
export { EngineError, MissingDependency, NotOwned, ReplaceNeeded, StepFailed, type Replacement, type ResourceRef } from './errors.js';
export { apply, execute, type ExecuteOptions } from './execute.js';
export { checkGraph, depth } from './graph.js';
export { dependencyAccess } from './read.js';
export { actionOf, plan, readAll } from './plan.js';
export type * from './types.js';
