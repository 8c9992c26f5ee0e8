// Routes: which methods and paths of the REST API the stack protects, each with its own scopes.
// `--route "POST /messages/{id}=write,admin"`, or `routes: [{method, path, scopes}]` in a config
// file. Without routes the stack is the tutorial's: GET / demanding every declared scope.
// The rules here are API Gateway's (a path part is a literal or one {param}, a greedy {param+}
// only last, one variable part per level) and Lambda's (a statement id of at most 100 characters).
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'ANY'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface Route {
  method: HttpMethod;
  path: string;
  /** Scope names (without the resource server prefix), each declared by --scope. */
  scopes: string[];
}

/** At most this many routes: each is a statement in the function's resource policy (20 KB in all). */
export const MAX_ROUTES = 40;

const LITERAL = /^[A-Za-z0-9._~-]+$/;
const PARAM = /^\{[A-Za-z0-9._-]+\+?\}$/;

/** Why a path is not one API Gateway accepts, or undefined. */
export function pathProblem(path: string): string | undefined {
  if (path === '/') return undefined;
  if (!path.startsWith('/')) return 'must start with /';
  if (path.endsWith('/')) return 'must not end with / (only the root path is "/")';
  if (path.length > 1024) return 'must be at most 1024 characters';
  const parts = path.slice(1).split('/');
  for (const [i, p] of parts.entries()) {
    if (p === '') return 'must not contain an empty part (//)';
    if (PARAM.test(p)) {
      if (p.endsWith('+}') && i !== parts.length - 1) return `"${p}": a greedy {param+} must be the last part`;
      continue;
    }
    if (!LITERAL.test(p)) return `"${p}": a path part is letters, digits, - . _ ~, or one {param}`;
  }
  return undefined;
}

export const route = z.object({
  method: z.enum(HTTP_METHODS, { error: `method must be one of ${HTTP_METHODS.join(', ')}` }),
  path: z.string().check(
    z.superRefine((v, ctx) => {
      const p = pathProblem(v);
      if (p) ctx.addIssue({ code: 'custom', message: `path ${JSON.stringify(v)} ${p}` });
    }),
  ),
  scopes: z.array(z.string().check(z.minLength(1, 'a scope name must not be empty'))).check(z.minLength(1, 'needs at least one scope (METHOD /path=scope[,scope...])')),
});

/** A --route value ("POST /messages=write,admin") or a config file's object, as a Route (unchecked). */
export function parseRouteFlag(v: string | { method?: unknown; path?: unknown; scopes?: unknown }): Record<string, unknown> {
  if (typeof v !== 'string') return { ...v, method: typeof v.method === 'string' ? v.method.toUpperCase() : v.method };
  const m = /^\s*([A-Za-z]+)\s+(\S+?)\s*=\s*(.*)$/.exec(v);
  if (!m) return { unparsed: v };
  return { method: m[1]!.toUpperCase(), path: m[2]!, scopes: m[3]!.split(',').map((s) => s.trim()).filter(Boolean) };
}

/** --route values, after parsing (parseRouteFlag): each valid, none twice, one variable part per level. */
export const routeList = z.pipe(
  z.array(z.unknown()).check(z.superRefine((list, ctx) => {
    const good: { index: number; r: Route }[] = [];
    for (const [index, v] of list.entries()) {
      if (v && typeof v === 'object' && 'unparsed' in v) {
        ctx.addIssue({ code: 'custom', path: [index], message: 'must be "METHOD /path=scope[,scope...]", e.g. "POST /messages=write"' });
        continue;
      }
      const r = route.safeParse(v);
      if (r.success) good.push({ index, r: r.data });
      else for (const i of r.error.issues) ctx.addIssue({ code: 'custom', path: [index], message: i.message });
    }
    if (list.length > MAX_ROUTES) ctx.addIssue({ code: 'custom', path: [], message: `at most ${MAX_ROUTES} routes (each is a statement in the function's resource policy)` });
    for (const p of routeListProblems(good.map((g) => g.r))) ctx.addIssue({ code: 'custom', path: [good[p.index]!.index], message: p.message });
  })),
  z.transform((list) => list as Route[]),
);

/** Problems between routes: the same route twice; two variable parts ({id}, {name}) under one parent. */
export function routeListProblems(list: readonly Route[]): { index: number; message: string }[] {
  const out: { index: number; message: string }[] = [];
  const seen = new Set<string>();
  const paramAt = new Map<string, string>();
  for (const [index, r] of list.entries()) {
    const id = routeId(r);
    if (seen.has(id)) out.push({ index, message: `route ${id} is given twice` });
    seen.add(id);
    let parent = '';
    for (const part of r.path === '/' ? [] : r.path.slice(1).split('/')) {
      if (PARAM.test(part)) {
        const other = paramAt.get(parent);
        if (other !== undefined && other !== part) out.push({ index, message: `${r.path}: ${parent || '/'} has the variable parts ${other} and ${part}; API Gateway allows one per level` });
        else paramAt.set(parent, part);
      }
      parent += `/${part}`;
    }
  }
  return out;
}

export const routeId = (r: Pick<Route, 'method' | 'path'>): string => `${r.method} ${r.path}`;
export const DEFAULT_ROUTE_ID = 'GET /';

/** The routes a stack has: its own, else the tutorial's GET / demanding every declared scope. */
export function routesOf(inputs: { routes?: Route[]; scopes: { name: string }[] }): Route[] {
  return inputs.routes ?? [{ method: 'GET', path: '/', scopes: inputs.scopes.map((s) => s.name) }];
}

/** Every path that needs a resource of its own (not the root), parents first. */
export function resourcePaths(routes: readonly Pick<Route, 'path'>[]): string[] {
  const all = new Set<string>();
  for (const r of routes) {
    if (r.path === '/') continue;
    const parts = r.path.slice(1).split('/');
    for (let i = 1; i <= parts.length; i++) all.add(`/${parts.slice(0, i).join('/')}`);
  }
  return [...all].sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
}

export const parentPath = (path: string): string => path.slice(0, path.lastIndexOf('/')) || '/';

/**
 * The resource part of an execute-api SourceArn: `<METHOD>/<path>`, with `*` for ANY and for every
 * {param} part. The root path keeps its trailing slash (`GET/`), as AWS documents.
 */
export function sourceArnPart(r: Pick<Route, 'method' | 'path'>): string {
  const method = r.method === 'ANY' ? '*' : r.method;
  const path = r.path === '/' ? '' : r.path.slice(1).split('/').map((p) => (PARAM.test(p) ? '*' : p)).join('/');
  return `${method}/${path}`;
}

/**
 * The Lambda statement id of a route: the tutorial's `<stack>-apigateway-get-root` for GET /,
 * else `<stack>-apigateway-<method>-<path as letters and digits>-<6 hex of the path>`
 * (at most 32 + 12 + 7 + 40 + 7 = 98 of Lambda's 100 characters).
 */
export function statementId(stack: string, r: Pick<Route, 'method' | 'path'>): string {
  if (routeId(r) === DEFAULT_ROUTE_ID) return `${stack}-apigateway-get-root`;
  const slug = r.path.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'root';
  const hash = createHash('sha256').update(routeId(r)).digest('hex').slice(0, 6);
  return `${stack}-apigateway-${r.method.toLowerCase()}-${slug}-${hash}`;
}

/** A URL path for a route, with each {param} filled in (verify and Postman call it). */
export const samplePath = (path: string, fill = 'example'): string => path.replace(/\{[^}]+\}/g, fill);

/** A route as text: `POST /messages=write,admin`. */
export const routeText = (r: Route): string => `${routeId(r)}=${r.scopes.join(',')}`;
