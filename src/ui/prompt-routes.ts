// The wizard's route questions (init in a terminal, when no --route, config file or state gave
// routes): the tutorial's GET / unless the user adds routes of their own, until done.
import { MAX_ROUTES, parseRouteFlag, pathProblem, routeListProblems, route as routeSchema, type Route } from '../config/routes.js';
import type { Io } from './output.js';
import { explainer, splitList, type PromptApi } from './prompts.js';

/**
 * The routes: the tutorial's GET / (every scope) unless the user adds routes of their own, one at a
 * time until done, each "METHOD /path" and then its scopes, checked by the same rules as --route.
 */
export async function askRoutes(io: Io, p: PromptApi, declared: string[]): Promise<Route[] | undefined> {
  explainer(io)('The API protects GET / with every scope, as in the tutorial; or routes of your own, each with its scopes.');
  if (!(await p.confirm({ message: 'Protect routes of your own instead of GET /?', default: false }))) return undefined;
  const routes: Route[] = [];
  for (;;) {
    const n = routes.length;
    const where = await p.input({
      message: n === 0 ? 'Route (METHOD /path)' : `Route ${n + 1} (METHOD /path)`,
      default: n === 0 ? 'GET /messages' : n === 1 ? 'POST /messages' : undefined,
      validate: (v) => {
        const r = parseRouteFlag(`${v}=x`);
        if ('unparsed' in r) return 'A route is METHOD /path, e.g. POST /messages/{id}';
        const method = routeSchema.shape.method.safeParse(r.method);
        if (!method.success) return `The ${method.error.issues[0]!.message}`;
        const problem = pathProblem(String(r.path));
        if (problem) return `The path ${problem}`;
        const clash = routeListProblems([...routes, { ...(r as unknown as Route), scopes: ['x'] }]).find((x) => x.index === n);
        return clash ? `The ${clash.message}` : true;
      },
    });
    const r = parseRouteFlag(`${where}=x`) as unknown as Route;
    const scopes = await p.input({
      message: `Scopes for ${r.method} ${r.path} (any one lets a token through; separate with spaces)`,
      default: declared[Math.min(n, declared.length - 1)],
      validate: (v) => {
        const names = splitList(v);
        if (names.length === 0) return 'Give at least one scope';
        const missing = names.filter((x) => !declared.includes(x));
        return missing.length ? `Not a declared scope: ${missing.join(', ')} (declared: ${declared.join(', ')})` : true;
      },
    });
    routes.push({ method: r.method, path: r.path, scopes: splitList(scopes) });
    if (routes.length >= MAX_ROUTES || !(await p.confirm({ message: 'Add another route?', default: false }))) return routes;
  }
}

