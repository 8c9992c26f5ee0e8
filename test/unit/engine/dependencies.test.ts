// A step reads its dependencies' records through ctx.get / ctx.need with the dependency's Step:
// the record type follows the step (no cast at the call), and a record that must exist but does
// not is a MissingDependency naming both steps, not a TypeError on undefined.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { dependencyAccess, MissingDependency, type Step, type StepRecord } from '../../../src/engine/index.js';

interface PoolRecord extends StepRecord {
  id: string;
  arn: string;
}
const poolStep: Step<null, PoolRecord> = {
  key: 'pool',
  title: 'Pool',
  dependsOn: [],
  read: async () => undefined,
  create: async () => ({ id: 'p1', arn: 'arn:p1' }),
  delete: async () => undefined,
};

describe('dependencyAccess', () => {
  const records: Record<string, StepRecord> = { pool: { id: 'p1', arn: 'arn:p1' } };

  it('get and need by Step return that step record, typed', () => {
    const ctx = dependencyAccess<null>('client', (k) => records[k]);
    const got = ctx.get(poolStep);
    expectTypeOf(got).toEqualTypeOf<PoolRecord | undefined>();
    expect(got).toEqual({ id: 'p1', arn: 'arn:p1' });
    const needed = ctx.need(poolStep);
    expectTypeOf(needed).toEqualTypeOf<PoolRecord>();
    expect(needed.arn).toBe('arn:p1');
    // Not by key string: that would make the record's type the caller's claim.
    // @ts-expect-error -- get takes the dependency's Step only
    expect(ctx.get('pool')).toBeUndefined();
  });

  it('get of a missing dependency is undefined; need throws MissingDependency naming both steps', () => {
    const ctx = dependencyAccess<null>('client', () => undefined);
    expect(ctx.get(poolStep)).toBeUndefined();
    const e = (() => {
      try {
        return ctx.need(poolStep);
      } catch (x) {
        return x;
      }
    })();
    expect(e).toBeInstanceOf(MissingDependency);
    expect(e).toMatchObject({ code: 'MISSING_DEPENDENCY', key: 'client', dependency: 'pool', message: 'step client needs the record of pool, and there is none' });
  });
});
