// plan and init's confirmation show route changes as such: a "Routes:" block after the steps with
// each route added (+, its scopes), removed (-) and changed (~, live then wanted scopes).
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { planRoutes } from '../../../src/commands/plan.js';
import type { Plan, PlannedStep } from '../../../src/engine/index.js';
import { renderPlanView } from '../../../src/ui/plan-view.js';
import { makeHarness } from '../steps/harness.js';

const SCOPES = [
  { name: 'read', description: 'r' },
  { name: 'write', description: 'w' },
  { name: 'admin', description: 'a' },
];

const step = (key: string, action: PlannedStep['action'], o: Partial<PlannedStep> = {}): PlannedStep => ({ key, title: key, action, origin: 'graph', changes: [], extras: [], read: { kind: 'wave' }, ...o });
const planOf = (steps: PlannedStep[]): Plan => ({ steps, replacements: [], wave: new Map() });

describe('the Routes block', () => {
  it('renders added, changed and removed routes after the steps, before the counts', () => {
    const text = renderPlanView(
      {
        stack: 'demo',
        accountId: '123456789012',
        region: 'us-east-1',
        steps: [{ title: 'GET /health method and Lambda integration', name: 'GET /health', action: 'create' }],
        routes: [
          { route: 'GET /health', change: 'add', scopes: ['demo-api/read'] },
          { route: 'GET /messages', change: 'change', from: ['demo-api/read'], to: ['demo-api/read', 'demo-api/admin'] },
          { route: 'DELETE /messages/{id}', change: 'remove' },
        ],
      },
      new Chalk({ level: 0 }),
    );
    expect(text.split('\n').slice(3)).toEqual([
      '',
      'Routes:',
      '  + GET /health    scopes: demo-api/read',
      '  ~ GET /messages  scopes  live: ["demo-api/read"]  wanted: ["demo-api/read","demo-api/admin"]',
      '  - DELETE /messages/{id}',
      '',
      'Plan: 1 to create, 0 to update, 0 to replace, 0 to delete, 0 to adopt, 0 unchanged.',
      '',
    ]);
  });

  it('no routes, or an empty list: no block', () => {
    const view = { stack: 'demo', accountId: '1', region: 'us-east-1', steps: [{ title: 'REST API', id: 'a', action: 'no change' as const }] };
    const c = new Chalk({ level: 0 });
    expect(renderPlanView(view, c)).not.toMatch(/Routes:/);
    expect(renderPlanView({ ...view, routes: [] }, c)).toBe(renderPlanView(view, c));
  });
});

describe('planRoutes', () => {
  it("a routes stack: a created method is an added route with its scopes, a retired one removed, a scope change changed; other method changes are not route changes", () => {
    const { app } = makeHarness({ inputs: { scopes: SCOPES, routes: [{ method: 'GET', path: '/messages', scopes: ['read', 'admin'] }, { method: 'GET', path: '/health', scopes: ['read'] }, { method: 'POST', path: '/messages', scopes: ['write'] }] } });
    const plan = planOf([
      step('resource:/health', 'create'),
      step('method:GET /health', 'create'),
      step('method:GET /messages', 'update', { changes: [{ field: 'authorizationScopes', from: ['hello-world-api/read'], to: ['hello-world-api/read', 'hello-world-api/admin'] }] }),
      step('method:POST /messages', 'update', { changes: [{ field: 'integration', from: 'x', to: 'y' }] }),
      step('method:DELETE /messages/{id}', 'delete', { origin: 'retired' }),
      step('deployment', 'update'),
    ]);
    expect(planRoutes(plan, app)).toEqual([
      { route: 'GET /health', change: 'add', scopes: ['hello-world-api/read'] },
      { route: 'GET /messages', change: 'change', from: ['hello-world-api/read'], to: ['hello-world-api/read', 'hello-world-api/admin'] },
      { route: 'DELETE /messages/{id}', change: 'remove' },
    ]);
  });

  it("the tutorial's GET / alone: no block (its plan stays as it was); going back to it from routes: the removals and GET / added", () => {
    const { app } = makeHarness({ inputs: { scopes: SCOPES } });
    expect(planRoutes(planOf([step('method', 'create'), step('deployment', 'create')]), app)).toEqual([]);
    const back = planOf([step('method', 'create'), step('method:GET /messages', 'delete', { origin: 'retired' })]);
    expect(planRoutes(back, app)).toEqual([
      { route: 'GET /', change: 'add', scopes: ['hello-world-api/read', 'hello-world-api/write', 'hello-world-api/admin'] },
      { route: 'GET /messages', change: 'remove' },
    ]);
  });
});
