import {
  CreateRestApiCommand,
  DeleteRestApiCommand,
  GetResourcesCommand,
  GetRestApiCommand,
  GetRestApisCommand,
  NotFoundException,
  UpdateRestApiCommand,
} from '@aws-sdk/client-api-gateway';
import { beforeEach, describe, expect, it } from 'vitest';
import { NotOwned } from '../../../src/engine/errors.js';
import { apiStep } from '../../../src/steps/api.js';
import { OUR_TAG, STACK, apigwMock, awsError, makeHarness, resetMocks, sent } from './harness.js';

const NAME = `${STACK}-api`;
const notFound = () => new NotFoundException({ message: 'Invalid API identifier specified', $metadata: {} });

beforeEach(resetMocks);

describe('api.create', () => {
  for (const endpointType of ['EDGE', 'REGIONAL'] as const) {
    it(`creates ${NAME} with endpoint type ${endpointType} and our tag`, async () => {
      const h = makeHarness({ inputs: { endpointType } });
      apigwMock.on(CreateRestApiCommand).resolves({ id: 'api1', name: NAME, rootResourceId: 'root1' });

      const record = await apiStep.create(h.ctx);

      expect(record).toEqual({ id: 'api1', rootResourceId: 'root1' });
      const input = apigwMock.commandCalls(CreateRestApiCommand)[0].args[0].input;
      expect(input).toMatchObject({
        name: NAME,
        endpointConfiguration: { types: [endpointType] },
        tags: { 'cognito-scope-setup:stack': STACK },
      });
      expect(input.endpointConfiguration).toEqual({ types: [endpointType] });
      expect(h.checkpoints).toEqual([{ id: 'api1' }]);
      // The root resource id came back with the API: no extra call.
      expect(sent(apigwMock)).toEqual(['CreateRestApiCommand']);
    });
  }

  it('finds the root resource with GetResources when CreateRestApi does not return it', async () => {
    const h = makeHarness();
    apigwMock.on(CreateRestApiCommand).resolves({ id: 'api1', name: NAME });
    apigwMock.on(GetResourcesCommand).resolves({
      items: [
        { id: 'child', path: '/pets', parentId: 'rootX' },
        { id: 'rootX', path: '/' },
      ],
    });

    await expect(apiStep.create(h.ctx)).resolves.toEqual({ id: 'api1', rootResourceId: 'rootX' });
    expect(apigwMock.commandCalls(GetResourcesCommand)[0].args[0].input).toMatchObject({ restApiId: 'api1' });
    // Checkpointed before the extra call, so a crash there still leaves the id in state.
    expect(h.checkpoints).toEqual([{ id: 'api1' }]);
  });
});

describe('api.read', () => {
  it('reads by the recorded id, reuses the recorded root resource, reports no change', async () => {
    const h = makeHarness();
    apigwMock.on(GetRestApiCommand).resolves({ id: 'api1', name: NAME, tags: OUR_TAG, endpointConfiguration: { types: ['EDGE'] } });

    const live = await apiStep.read(h.ctx, { id: 'api1', rootResourceId: 'root1' });

    expect(live).toEqual({ record: { id: 'api1', rootResourceId: 'root1' }, changes: [], adopted: false });
    expect(apigwMock.commandCalls(GetRestApiCommand)[0].args[0].input).toEqual({ restApiId: 'api1' });
    // The list goes out at the same time, to notice a second tagged copy (test/unit/steps/extras.test.ts).
    expect(sent(apigwMock).sort()).toEqual(['GetRestApiCommand', 'GetRestApisCommand']);
  });

  it('reports an endpoint type drift', async () => {
    const h = makeHarness({ inputs: { endpointType: 'REGIONAL' } });
    apigwMock.on(GetRestApiCommand).resolves({ id: 'api1', name: NAME, tags: OUR_TAG, endpointConfiguration: { types: ['EDGE'] } });
    const live = await apiStep.read(h.ctx, { id: 'api1', rootResourceId: 'root1' });
    expect(live?.changes).toEqual([{ field: 'endpointType', from: 'EDGE', to: 'REGIONAL' }]);
  });

  it('refuses a recorded API that lost our tag', async () => {
    const h = makeHarness();
    apigwMock.on(GetRestApiCommand).resolves({ id: 'api1', name: NAME, tags: {}, endpointConfiguration: { types: ['EDGE'] } });
    await expect(apiStep.read(h.ctx, { id: 'api1', rootResourceId: 'root1' })).rejects.toBeInstanceOf(NotOwned);
  });

  it('finds it by name across pages when nothing is recorded, picking the one with our tag', async () => {
    const h = makeHarness();
    apigwMock
      .on(GetRestApisCommand)
      .resolvesOnce({
        items: [
          { id: 'other', name: 'something-else', tags: OUR_TAG },
          { id: 'foreign', name: NAME, tags: { team: 'x' } },
        ],
        position: 'page2',
      })
      .resolvesOnce({ items: [{ id: 'ours', name: NAME, tags: OUR_TAG, endpointConfiguration: { types: ['EDGE'] } }] });
    apigwMock.on(GetResourcesCommand, { restApiId: 'ours' }).resolves({ items: [{ id: 'rootOurs', path: '/' }] });

    const live = await apiStep.read(h.ctx, undefined);

    expect(live).toEqual({ record: { id: 'ours', rootResourceId: 'rootOurs' }, changes: [], adopted: true });
    const pages = apigwMock.commandCalls(GetRestApisCommand).map((c) => c.args[0].input);
    expect(pages).toHaveLength(2);
    expect(pages[0].position).toBeUndefined();
    expect(pages[1].position).toBe('page2');
    expect(apigwMock.commandCalls(GetRestApiCommand)).toHaveLength(0);
  });

  it('falls back to the name when the recorded id is gone', async () => {
    const h = makeHarness();
    apigwMock.on(GetRestApiCommand).rejects(notFound());
    apigwMock.on(GetRestApisCommand).resolves({ items: [] });
    await expect(apiStep.read(h.ctx, { id: 'gone', rootResourceId: 'r' })).resolves.toBeUndefined();
    expect(apigwMock.commandCalls(GetRestApisCommand)).toHaveLength(1);
  });

  it('throws NotOwned for a same-named API without our tag', async () => {
    const h = makeHarness();
    apigwMock.on(GetRestApisCommand).resolves({ items: [{ id: 'foreign', name: NAME }] });
    const err = await apiStep.read(h.ctx, undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotOwned);
    expect(err).toMatchObject({ code: 'CONFLICT' });
  });

  it('rethrows errors that are not not-found', async () => {
    const h = makeHarness();
    apigwMock.on(GetRestApiCommand).rejects(awsError('TooManyRequestsException'));
    await expect(apiStep.read(h.ctx, { id: 'api1', rootResourceId: 'r' })).rejects.toMatchObject({ name: 'TooManyRequestsException' });
  });
});

describe('api.update', () => {
  it('replaces the endpoint type with a patch operation', async () => {
    const h = makeHarness({ inputs: { endpointType: 'REGIONAL' } });
    await apiStep.update!(h.ctx, { record: { id: 'api1', rootResourceId: 'r' }, changes: [{ field: 'endpointType', from: 'EDGE', to: 'REGIONAL' }] });
    expect(apigwMock.commandCalls(UpdateRestApiCommand)[0].args[0].input).toEqual({
      restApiId: 'api1',
      patchOperations: [{ op: 'replace', path: '/endpointConfiguration/types/EDGE', value: 'REGIONAL' }],
    });
  });
});

describe('api.delete', () => {
  it('deletes by id and treats not-found as success', async () => {
    const h = makeHarness();
    apigwMock.on(DeleteRestApiCommand).rejects(notFound());
    await expect(apiStep.delete(h.ctx, { id: 'api1', rootResourceId: 'r' })).resolves.toBeUndefined();
    expect(apigwMock.commandCalls(DeleteRestApiCommand)[0].args[0].input).toEqual({ restApiId: 'api1' });
  });
});

describe('endpointTypes', () => {
  it('reads AWS list answers, and never crashes on the map the emulator answers after a patch', async () => {
    const { endpointTypes } = await import('../../../src/steps/api.js');
    expect(endpointTypes({ endpointConfiguration: { types: ['REGIONAL'] } })).toEqual(['REGIONAL']);
    expect(endpointTypes({ endpointConfiguration: { types: { 0: 'REGIONAL' } as never } })).toEqual(['REGIONAL']);
    expect(endpointTypes({ endpointConfiguration: { types: 'EDGE' as never } })).toEqual(['EDGE']);
    expect(endpointTypes({})).toEqual([]);
  });
});
