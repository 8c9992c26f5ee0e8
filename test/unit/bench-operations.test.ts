// The bench's floor (scripts/bench/operations.mjs): the longest chain through what each AWS
// operation needs, and the check of the table against what the proxy counted. No timing here:
// the figures come from `npm run bench`.
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs script module, checked with // @ts-check, without declarations
import { DESTROY, INIT, READ_ONLY, checkAgainst, expectedWrites, floorOf, operationOf } from '../../scripts/bench/operations.mjs';

type Op = { step: string; op: string; needs: string[]; gives?: string[] };

describe('the bench floor', () => {
  it("init: the function's chain (read, CreateRole, CreateFunction, activation) when the activation is long", () => {
    const f = floorOf(INIT, { L: 50, W: 500 });
    expect(f.chain).toEqual(['read wave', 'CreateRole', 'CreateFunction', 'W']);
    expect(f).toMatchObject({ rt: 3, ms: 3 * 50 + 500 });
  });

  it("init: API Gateway's chain (API or pool, then authorizer or root id, method, integration, deployment) when the activation is short", () => {
    const f = floorOf(INIT, { L: 50, W: 0 });
    expect(f.chain.slice(-3)).toEqual(['PutMethod', 'PutIntegration', 'CreateDeployment']);
    expect(f.rt).toBe(6);
  });

  it('status and a no-op init: one round trip (STS and every read at once); destroy: three', () => {
    expect(floorOf(READ_ONLY, { L: 50, W: 500 }).rt).toBe(1);
    expect(floorOf(DESTROY, { L: 50, W: 500 }).rt).toBe(3);
  });

  it('a new operation extends the chain from its data alone (e.g. a route under the root resource)', () => {
    const route: Op[] = [
      { step: 'route', op: 'CreateResource', needs: ['apiId', 'rootResourceId'], gives: ['routeId'] },
      { step: 'route', op: 'PutMethod', needs: ['routeId', 'authorizerId'], gives: ['routeMethod'] },
      { step: 'route', op: 'PutIntegration', needs: ['routeMethod', 'account'], gives: ['routeIntegration'] },
      { step: 'deployment', op: 'CreateDeployment', needs: ['integration', 'routeIntegration'] },
    ];
    const ops = [...INIT.filter((o: Op) => o.op !== 'CreateDeployment'), ...route];
    // read, CreateRestApi, GetResources, CreateResource, PutMethod, PutIntegration, CreateDeployment
    expect(floorOf(ops, { L: 50, W: 0 }).rt).toBe(7);
    expect(expectedWrites(ops)).toMatchObject({ PutMethod: 2, PutIntegration: 2, CreateResource: 1, CreateDeployment: 1 });
  });

  it('a need no operation gives, or a datum given twice, is a broken table', () => {
    expect(() => floorOf([...READ_ONLY, { step: 'x', op: 'X', needs: ['nothing'] }], { L: 1, W: 0 })).toThrow(/needs "nothing"/);
    expect(() => floorOf([...READ_ONLY, { step: 'x', op: 'X', needs: [], gives: ['found'] }], { L: 1, W: 0 })).toThrow(/given by both/);
  });

  it('the check names a write the table does not expect, a missing one, and an unknown read', () => {
    const seen = [
      ...Object.entries(expectedWrites(DESTROY) as Record<string, number>).flatMap(([operation, n]) => Array.from({ length: n }, () => ({ operation, mutating: true }))),
      { operation: 'GetRole', mutating: false },
    ];
    expect(checkAgainst(DESTROY, seen)).toEqual([]);
    const wrong = [...seen.filter((r) => r.operation !== 'DeleteRole'), { operation: 'DeleteUserPoolClient', mutating: true }, { operation: 'GetBucketPolicy', mutating: false }];
    expect(checkAgainst(DESTROY, wrong)).toEqual([
      'DeleteRole: the table says 1, the proxy counted 0',
      'DeleteUserPoolClient: the table says 0, the proxy counted 1',
      'read GetBucketPolicy: not in READS',
    ]);
  });

  it('names REST requests by method and path', () => {
    expect(operationOf({ protocol: 'rest-json', method: 'PUT', path: '/restapis/a1/resources/r1/methods/GET/integration', operation: '' })).toBe('PutIntegration');
    expect(operationOf({ protocol: 'rest-json', method: 'POST', path: '/2015-03-31/functions/f/policy', operation: '' })).toBe('AddPermission');
    expect(operationOf({ protocol: 'json', method: 'POST', path: '/', operation: 'CreateUserPool' })).toBe('CreateUserPool');
  });
});
