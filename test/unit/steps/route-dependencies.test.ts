// The route steps (resource, method, permission, deployment) read their dependencies by Step:
// a dependency whose record a create needs but that is absent is a MissingDependency naming it,
// before any request, not a TypeError on undefined or a request with an undefined id.
import { beforeEach, describe, expect, it } from 'vitest';
import { MissingDependency } from '../../../src/engine/index.js';
import type { Route } from '../../../src/config/routes.js';
import { deploymentStepFor } from '../../../src/steps/deployment.js';
import { stepsFor } from '../../../src/steps/index.js';
import { methodStepFor } from '../../../src/steps/method.js';
import { permissionStepFor } from '../../../src/steps/permission.js';
import { resourceStep } from '../../../src/steps/resource.js';
import { RECORDS, apigwMock, lambdaMock, makeHarness, resetMocks } from './harness.js';

beforeEach(resetMocks);

const ROUTES: Route[] = [
  { method: 'GET', path: '/messages', scopes: ['read'] },
  { method: 'DELETE', path: '/messages/{id}', scopes: ['admin'] },
];
const inputs = { scopes: [{ name: 'read', description: 'r' }, { name: 'admin', description: 'a' }], routes: ROUTES };

async function missing(work: Promise<unknown>): Promise<string | undefined> {
  const e = await work.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(MissingDependency);
  return (e as MissingDependency).dependency;
}

describe('route steps: a dependency a create needs and that has no record', () => {
  it('resource: its parent path resource, or the API for a path under the root', async () => {
    const h = makeHarness({ inputs, records: { api: RECORDS.api } });
    expect(await missing(resourceStep('/messages/{id}').create(h.ctx))).toBe('resource:/messages');
    expect(await missing(resourceStep('/messages').create(makeHarness({ inputs }).ctx))).toBe('api');
    expect(apigwMock.calls()).toEqual([]);
  });

  it('method: the authorizer, then its path resource', async () => {
    const step = methodStepFor(ROUTES[0]!);
    expect(await missing(step.create(makeHarness({ inputs, records: { api: RECORDS.api } }).ctx))).toBe('authorizer');
    expect(await missing(step.create(makeHarness({ inputs, records: { api: RECORDS.api, authorizer: RECORDS.authorizer } }).ctx))).toBe('resource:/messages');
    expect(apigwMock.calls()).toEqual([]);
  });

  it('permission: the function, then the API', async () => {
    const step = permissionStepFor(ROUTES[0]!);
    expect(await missing(step.create(makeHarness({ inputs }).ctx))).toBe('function');
    expect(await missing(step.create(makeHarness({ inputs, records: { function: RECORDS.function } }).ctx))).toBe('api');
    expect(lambdaMock.calls()).toEqual([]);
  });

  it('deployment: the API', async () => {
    const step = deploymentStepFor(ROUTES.map((r) => methodStepFor(r)));
    expect(await missing(step.create(makeHarness({ inputs }).ctx))).toBe('api');
    expect(apigwMock.calls()).toEqual([]);
  });
});

describe('the routes graph hands each step the steps it depends on', () => {
  it('a resource follows its parent, a method its path resource, the deployment every method', () => {
    const byKey = new Map(stepsFor({ userMode: 'none', m2mClient: false, routes: ROUTES }).map((s) => [s.key, s]));
    expect(byKey.get('resource:/messages/{id}')!.dependsOn).toEqual(['api', 'resource:/messages']);
    expect(byKey.get('resource:/messages/{id}')!.deletedWith).toBe('resource:/messages');
    expect(byKey.get('method:DELETE /messages/{id}')!.dependsOn).toEqual(['api', 'authorizer', 'function', 'resource:/messages/{id}']);
    expect(byKey.get('method:GET /messages')!.deletedWith).toBe('resource:/messages');
    expect(byKey.get('deployment')!.dependsOn).toEqual(['api', 'method:GET /messages', 'method:DELETE /messages/{id}', 'authorizer']);
  });
});
