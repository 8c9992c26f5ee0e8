import { describe, expect, it } from 'vitest';
import { checkGraph } from '../../../src/engine/graph.js';
import type { Step } from '../../../src/engine/types.js';
import type { App } from '../../../src/steps/app.js';
import { STEPS, stepsFor } from '../../../src/steps/index.js';
import { STEP_KEYS, stepKeysFor } from '../../../src/steps/keys.js';

const byKey = new Map(STEPS.map((s) => [s.key, s]));
const deps = (key: string) => [...byKey.get(key)!.dependsOn].sort();

/** Kahn's algorithm, independent of src/engine: returns a topological order or throws on a cycle. */
function topoOrder(steps: readonly Step<App, any>[]): string[] {
  const indegree = new Map(steps.map((s) => [s.key, s.dependsOn.length]));
  const ready = steps.filter((s) => s.dependsOn.length === 0).map((s) => s.key);
  const order: string[] = [];
  while (ready.length) {
    const k = ready.shift()!;
    order.push(k);
    for (const s of steps) {
      if (!s.dependsOn.includes(k)) continue;
      indegree.set(s.key, indegree.get(s.key)! - 1);
      if (indegree.get(s.key) === 0) ready.push(s.key);
    }
  }
  if (order.length !== steps.length) throw new Error(`cycle among: ${steps.filter((s) => !order.includes(s.key)).map((s) => s.key).join(', ')}`);
  return order;
}

describe('the step graph', () => {
  it('has the twelve steps of the tutorial, the Lambda log group and the optional M2M client, each key once', () => {
    expect(STEPS.map((s) => s.key).sort()).toEqual(
      ['api', 'authorizer', 'client', 'deployment', 'domain', 'function', 'logGroup', 'm2mClient', 'method', 'permission', 'resourceServer', 'role', 'user', 'userPool'].sort(),
    );
  });

  it('has no cycles and only known dependencies', () => {
    expect(() => checkGraph(STEPS)).not.toThrow();
    const order = topoOrder(STEPS);
    for (const s of STEPS) for (const d of s.dependsOn) expect(order.indexOf(d), `${s.key} after ${d}`).toBeLessThan(order.indexOf(s.key));
  });

  it('the cycle checks do catch a cycle', () => {
    const a = { ...byKey.get('role')!, dependsOn: ['function'] };
    const broken = STEPS.map((s) => (s.key === 'role' ? a : s));
    expect(() => checkGraph(broken)).toThrow(/cycle/);
    expect(() => topoOrder(broken)).toThrow(/cycle/);
  });

  it('has exactly the expected dependencies', () => {
    const expected: Record<string, string[]> = {
      role: [],
      function: ['role'],
      logGroup: [],
      api: [],
      userPool: [],
      domain: ['userPool'],
      resourceServer: ['userPool'],
      client: ['resourceServer', 'userPool'],
      m2mClient: ['resourceServer', 'userPool'],
      authorizer: ['api', 'userPool'],
      permission: ['api', 'function'],
      method: ['api', 'authorizer', 'function'],
      deployment: ['api', 'authorizer', 'method'],
      user: ['userPool'],
    };
    expect(Object.fromEntries(STEPS.map((s) => [s.key, deps(s.key)]))).toEqual(expected);
  });

  it('the clients wait for the resource server (a client may list a scope only once it exists)', () => {
    expect(byKey.get('client')!.dependsOn).toContain('resourceServer');
    expect(byKey.get('m2mClient')!.dependsOn).toContain('resourceServer');
  });

  it('the deployment follows the method and the authorizer, not the invoke permission', () => {
    expect(byKey.get('deployment')!.dependsOn).toEqual(expect.arrayContaining(['method', 'authorizer']));
    expect(byKey.get('deployment')!.dependsOn).not.toContain('permission');
  });

  it('the function waits for the role, the method for the function to exist (its integration URI; not for it to be Active)', () => {
    expect(byKey.get('function')!.dependsOn).toContain('role');
    expect(byKey.get('method')!.dependsOn).toEqual(expect.arrayContaining(['authorizer', 'function']));
  });

  it('the role, the API and the user pool start at once (independent branches)', () => {
    for (const k of ['role', 'api', 'userPool']) expect(byKey.get(k)!.dependsOn).toEqual([]);
  });

  it('deletedWith: only what AWS really deletes along with its parent', () => {
    const deletedWith = Object.fromEntries(STEPS.map((s) => [s.key, s.deletedWith]));
    expect(deletedWith).toEqual({
      role: undefined,
      function: undefined,
      api: undefined,
      userPool: undefined,
      // A pool cannot be deleted while it has a domain: the domain is deleted on its own, first.
      domain: undefined,
      resourceServer: 'userPool',
      client: 'userPool',
      m2mClient: 'userPool',
      user: 'userPool',
      authorizer: 'api',
      method: 'api',
      deployment: 'api',
      permission: 'function',
    });
    for (const s of STEPS) if (s.deletedWith) expect(s.dependsOn).toContain(s.deletedWith);
  });

  it('only the role is deleted alongside its dependents (IAM deletes a role a function still names)', () => {
    expect(STEPS.filter((s) => s.deleteAlongsideDependents).map((s) => s.key)).toEqual(['role']);
  });

  it('only the user and the M2M client steps can be switched off', () => {
    const fewest = stepsFor({ userMode: 'none', m2mClient: false });
    expect(STEPS.filter((s) => !fewest.includes(s)).map((s) => s.key).sort()).toEqual(['m2mClient', 'user']);
    expect(stepsFor({ userMode: 'password', m2mClient: true })).toEqual([...STEPS]);
  });

  it('keys.ts (what list loads instead of the steps) names the same steps, in the same order, for every inputs', () => {
    expect([...STEP_KEYS]).toEqual(STEPS.map((s) => s.key));
    for (const userMode of ['password', 'invite', 'none'] as const) {
      for (const m2mClient of [true, false]) expect(stepKeysFor({ userMode, m2mClient })).toEqual(stepsFor({ userMode, m2mClient }).map((s) => s.key));
    }
    const routes = [
      { method: 'GET' as const, path: '/', scopes: ['read'] },
      { method: 'POST' as const, path: '/messages/{id}', scopes: ['write'] },
    ];
    expect(stepKeysFor({ userMode: 'none', m2mClient: false, routes })).toEqual(stepsFor({ userMode: 'none', m2mClient: false, routes }).map((s) => s.key));
  });
});
