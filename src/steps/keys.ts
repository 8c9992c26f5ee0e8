// Which steps a stack has, by key, for its inputs: what `list` needs to tell a complete stack from
// an incomplete one without loading the steps (and with them the AWS SDK). The steps themselves
// are in index.ts, in this order (test/unit/steps/graph.test.ts holds the two equal).
import { DEFAULT_ROUTE_ID, resourcePaths, routeId, type Route } from '../config/routes.js';
import type { Inputs } from '../config/schema.js';

type RouteRef = Pick<Route, 'method' | 'path'>;

/** A path's resource step: `resource:/messages`. */
export const resourceKey = (path: string): string => `resource:${path}`;
/** A route's method step: `method` for the tutorial's GET /, else `method:POST /messages`. */
export const methodKey = (r: RouteRef): string => (routeId(r) === DEFAULT_ROUTE_ID ? 'method' : `method:${routeId(r)}`);
/** The route of a method step's key (`GET /`, `POST /messages`); undefined for any other key. */
export const routeOfMethodKey = (key: string): string | undefined => (key === 'method' ? DEFAULT_ROUTE_ID : key.startsWith('method:') ? key.slice('method:'.length) : undefined);
/** A route's invoke permission step: `permission`, or `permission:POST /messages`. */
export const permissionKey = (r: RouteRef): string => (routeId(r) === DEFAULT_ROUTE_ID ? 'permission' : `permission:${routeId(r)}`);

export const STEP_KEYS = [
  'role',
  'function',
  'logGroup',
  'api',
  'userPool',
  'domain',
  'resourceServer',
  'client',
  'm2mClient',
  'authorizer',
  'permission',
  'method',
  'deployment',
  'user',
] as const;

/** Does this stack have the step? No user when the user step is off; the M2M client only when asked. */
export function stepWanted(key: string, inputs: Pick<Inputs, 'userMode' | 'm2mClient'>): boolean {
  return key === 'user' ? inputs.userMode !== 'none' : key === 'm2mClient' ? inputs.m2mClient === true : true;
}

/** The steps a stack's own routes take the place of GET /'s with. */
export const ROUTE_STEP_KEYS: ReadonlySet<string> = new Set(['permission', 'method', 'deployment']);

/** The keys of a stack's routes' steps: a resource per path, a permission and a method per route, the stage. */
export const routeStepKeys = (routes: readonly RouteRef[]): string[] => [...resourcePaths(routes).map(resourceKey), ...routes.map(permissionKey), ...routes.map(methodKey), 'deployment'];

/** The keys of this stack's steps, in display order (index.ts stepsFor, by key). */
export function stepKeysFor(inputs: Pick<Inputs, 'userMode' | 'm2mClient'> & Partial<Pick<Inputs, 'routes'>>): string[] {
  const base = STEP_KEYS.filter((k) => stepWanted(k, inputs));
  if (!inputs.routes) return base;
  const at = base.findIndex((k) => ROUTE_STEP_KEYS.has(k));
  const rest = base.filter((k) => !ROUTE_STEP_KEYS.has(k));
  return [...rest.slice(0, at), ...routeStepKeys(inputs.routes), ...rest.slice(at)];
}
