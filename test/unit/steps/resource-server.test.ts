import {
  CreateResourceServerCommand,
  DeleteResourceServerCommand,
  DescribeResourceServerCommand,
  InvalidParameterException,
  ResourceNotFoundException,
  UpdateResourceServerCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { beforeEach, describe, expect, it } from 'vitest';
import { VERIFY_NOACCESS_SCOPE } from '../../../src/config/schema.js';
import { resourceServerStep } from '../../../src/steps/resource-server.js';
import { RECORDS, STACK, awsError, cognitoMock, makeHarness, resetMocks } from './harness.js';

const POOL = RECORDS.userPool;
const ID = `${STACK}-api`;
const NAME = `${STACK}-resource-server`;
const SCOPES = [
  { name: 'read.helloworld.message', description: 'Read the hello world message' },
  { name: 'write.helloworld.message', description: 'Write it' },
];
const AWS_SCOPES = SCOPES.map((s) => ({ ScopeName: s.name, ScopeDescription: s.description }));

beforeEach(resetMocks);

describe('resourceServer.create', () => {
  it('creates the server with the identifier, name and every scope', async () => {
    const h = makeHarness({ records: { userPool: POOL }, inputs: { scopes: SCOPES } });
    cognitoMock.on(CreateResourceServerCommand).resolves({ ResourceServer: { Identifier: ID } });
    await expect(resourceServerStep.create(h.ctx)).resolves.toEqual({ id: ID });
    expect(cognitoMock.commandCalls(CreateResourceServerCommand).map((c) => c.args[0].input)).toEqual([
      { UserPoolId: POOL.id, Identifier: ID, Name: NAME, Scopes: AWS_SCOPES },
    ]);
  });

  it('with an M2M client, adds the verify-only scope that GET / never asks for', async () => {
    const h = makeHarness({ records: { userPool: POOL }, inputs: { scopes: SCOPES, m2mClient: true } });
    await resourceServerStep.create(h.ctx);
    expect(cognitoMock.commandCalls(CreateResourceServerCommand)[0].args[0].input.Scopes).toEqual([
      ...AWS_SCOPES,
      { ScopeName: VERIFY_NOACCESS_SCOPE.name, ScopeDescription: VERIFY_NOACCESS_SCOPE.description },
    ]);
  });

  it('converges a server that already exists (a crash before recording it)', async () => {
    const h = makeHarness({ records: { userPool: POOL }, inputs: { scopes: SCOPES } });
    cognitoMock.on(CreateResourceServerCommand).rejects(new InvalidParameterException({ message: `${ID} already exists in user pool ${POOL.id}.`, $metadata: {} }));
    // Read back: there it is, with the scopes that run asked for.
    cognitoMock.on(DescribeResourceServerCommand).resolves({ ResourceServer: { UserPoolId: POOL.id, Identifier: ID, Name: NAME, Scopes: [] } });
    await expect(resourceServerStep.create(h.ctx)).resolves.toEqual({ id: ID });
    expect(cognitoMock.commandCalls(UpdateResourceServerCommand)[0].args[0].input).toEqual({ UserPoolId: POOL.id, Identifier: ID, Name: NAME, Scopes: AWS_SCOPES });
  });

  it('rethrows other errors', async () => {
    const h = makeHarness({ records: { userPool: POOL } });
    cognitoMock.on(CreateResourceServerCommand).rejects(awsError('LimitExceededException', 'too many servers'));
    await expect(resourceServerStep.create(h.ctx)).rejects.toMatchObject({ name: 'LimitExceededException' });
    expect(cognitoMock.commandCalls(UpdateResourceServerCommand)).toHaveLength(0);
  });
});

describe('resourceServer.read', () => {
  it('is in sync when identifier, name and scopes match (in any order)', async () => {
    const h = makeHarness({ records: { userPool: POOL }, inputs: { scopes: SCOPES } });
    cognitoMock.on(DescribeResourceServerCommand).resolves({ ResourceServer: { UserPoolId: POOL.id, Identifier: ID, Name: NAME, Scopes: [...AWS_SCOPES].reverse() } });
    await expect(resourceServerStep.read(h.ctx, { id: ID })).resolves.toEqual({ record: { id: ID }, changes: [] });
    expect(cognitoMock.commandCalls(DescribeResourceServerCommand)[0].args[0].input).toEqual({ UserPoolId: POOL.id, Identifier: ID });
  });

  it('reports a missing scope', async () => {
    const h = makeHarness({ records: { userPool: POOL }, inputs: { scopes: SCOPES } });
    cognitoMock.on(DescribeResourceServerCommand).resolves({ ResourceServer: { Identifier: ID, Name: NAME, Scopes: [AWS_SCOPES[0]] } });
    const live = await resourceServerStep.read(h.ctx, { id: ID });
    expect(live?.changes).toHaveLength(1);
    expect(live?.changes[0]).toMatchObject({ field: 'scopes' });
    expect(live?.changes[0].to).toEqual(expect.arrayContaining([expect.stringContaining('write.helloworld.message')]));
    expect(live?.changes[0].from).not.toEqual(expect.arrayContaining([expect.stringContaining('write.helloworld.message')]));
  });

  it('reports a changed scope description', async () => {
    const h = makeHarness({ records: { userPool: POOL } });
    cognitoMock.on(DescribeResourceServerCommand).resolves({
      ResourceServer: { Identifier: ID, Name: NAME, Scopes: [{ ScopeName: 'read.helloworld.message', ScopeDescription: 'old text' }] },
    });
    const live = await resourceServerStep.read(h.ctx, { id: ID });
    expect(live?.changes.map((c) => c.field)).toEqual(['scopes']);
  });

  it('reports a renamed server', async () => {
    const h = makeHarness({ records: { userPool: POOL } });
    cognitoMock.on(DescribeResourceServerCommand).resolves({ ResourceServer: { Identifier: ID, Name: 'renamed', Scopes: [AWS_SCOPES[0]] } });
    const live = await resourceServerStep.read(h.ctx, { id: ID });
    expect(live?.changes).toEqual([{ field: 'name', from: 'renamed', to: NAME }]);
  });

  it('reports a new identifier as a replacement', async () => {
    const h = makeHarness({ records: { userPool: POOL }, inputs: { resourceServerId: 'https://api.example.com' } });
    cognitoMock.on(DescribeResourceServerCommand, { Identifier: ID }).resolves({ ResourceServer: { Identifier: ID, Name: NAME, Scopes: [AWS_SCOPES[0]] } });
    cognitoMock.on(DescribeResourceServerCommand, { Identifier: 'https://api.example.com' }).rejects(new ResourceNotFoundException({ message: 'no', $metadata: {} }));
    const live = await resourceServerStep.read(h.ctx, { id: ID });
    expect(live?.changes).toEqual([{ field: 'identifier', from: ID, to: 'https://api.example.com', replace: true, reason: expect.stringMatching(/identifier cannot be changed/) }]);
  });

  it('returns undefined when not found, and without a pool', async () => {
    const h = makeHarness({ records: { userPool: POOL } });
    cognitoMock.on(DescribeResourceServerCommand).rejects(new ResourceNotFoundException({ message: 'no', $metadata: {} }));
    await expect(resourceServerStep.read(h.ctx, undefined)).resolves.toBeUndefined();
    const none = makeHarness();
    await expect(resourceServerStep.read(none.ctx, undefined)).resolves.toBeUndefined();
  });
});

describe('resourceServer.update', () => {
  it('sends UpdateResourceServer with the full scope list', async () => {
    const h = makeHarness({ records: { userPool: POOL }, inputs: { scopes: SCOPES } });
    await expect(resourceServerStep.update!(h.ctx, { record: { id: ID }, changes: [{ field: 'scopes', from: [], to: [] }] })).resolves.toEqual({ id: ID });
    expect(cognitoMock.commandCalls(UpdateResourceServerCommand).map((c) => c.args[0].input)).toEqual([
      { UserPoolId: POOL.id, Identifier: ID, Name: NAME, Scopes: AWS_SCOPES },
    ]);
    expect(cognitoMock.commandCalls(CreateResourceServerCommand)).toHaveLength(0);
  });

  it('replaces the server for a new identifier: create the new one, then delete the old one', async () => {
    const h = makeHarness({ records: { userPool: POOL }, inputs: { resourceServerId: 'new-id' } });
    await expect(
      resourceServerStep.update!(h.ctx, { record: { id: ID }, changes: [{ field: 'identifier', from: ID, to: 'new-id', replace: true }] }),
    ).resolves.toEqual({ id: 'new-id' });
    expect(cognitoMock.commandCalls(CreateResourceServerCommand)[0].args[0].input).toMatchObject({ Identifier: 'new-id' });
    expect(cognitoMock.commandCalls(DeleteResourceServerCommand)[0].args[0].input).toEqual({ UserPoolId: POOL.id, Identifier: ID });
  });
});

describe('resourceServer.delete', () => {
  it('deletes and treats not-found as success', async () => {
    const h = makeHarness({ records: { userPool: POOL } });
    cognitoMock.on(DeleteResourceServerCommand).rejects(new ResourceNotFoundException({ message: 'no', $metadata: {} }));
    await expect(resourceServerStep.delete(h.ctx, { id: ID })).resolves.toBeUndefined();
    expect(cognitoMock.commandCalls(DeleteResourceServerCommand)[0].args[0].input).toEqual({ UserPoolId: POOL.id, Identifier: ID });
  });
});
