import {
  CreateUserPoolDomainCommand,
  DeleteUserPoolDomainCommand,
  DescribeUserPoolCommand,
  DescribeUserPoolDomainCommand,
  InvalidParameterException,
  LimitExceededException,
} from '@aws-sdk/client-cognito-identity-provider';
import { beforeEach, describe, expect, it } from 'vitest';
import { DomainTaken } from '../../../src/steps/errors.js';
import { domainStep } from '../../../src/steps/domain.js';
import { RECORDS, STACK, cognitoMock, makeHarness, resetMocks, sent } from './harness.js';

const POOL = RECORDS.userPool;
const PREFIX = `${STACK}-ab12cd`;
const taken = () => new InvalidParameterException({ message: 'Domain already associated with another user pool.', $metadata: {} });

beforeEach(resetMocks);

describe('domain.create', () => {
  it('creates the classic hosted UI domain (ManagedLoginVersion 1) with the prefix from the inputs', async () => {
    const h = makeHarness({ records: { userPool: POOL }, inputs: { domainPrefix: 'my-login-42' } });
    cognitoMock.on(CreateUserPoolDomainCommand).resolves({ ManagedLoginVersion: 1 });
    await expect(domainStep.create(h.ctx)).resolves.toEqual({ id: 'my-login-42' });
    expect(cognitoMock.commandCalls(CreateUserPoolDomainCommand).map((c) => c.args[0].input)).toEqual([
      { Domain: 'my-login-42', UserPoolId: POOL.id, ManagedLoginVersion: 1 },
    ]);
  });

  it('fails with DOMAIN_TAKEN when the prefix belongs to another user pool', async () => {
    const h = makeHarness({ records: { userPool: POOL } });
    cognitoMock.on(CreateUserPoolDomainCommand).rejects(taken());
    cognitoMock.on(DescribeUserPoolDomainCommand).resolves({ DomainDescription: { Domain: PREFIX, UserPoolId: 'eu-west-1_Someone' } });
    const err = await domainStep.create(h.ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainTaken);
    expect(err).toMatchObject({ code: 'DOMAIN_TAKEN', prefix: PREFIX, kept: undefined });
    expect((err as Error).message).toContain(PREFIX);
    expect(cognitoMock.commandCalls(DescribeUserPoolDomainCommand)[0].args[0].input).toEqual({ Domain: PREFIX });
  });

  it('fails with DOMAIN_TAKEN when DescribeUserPoolDomain shows no owner', async () => {
    const h = makeHarness({ records: { userPool: POOL } });
    cognitoMock.on(CreateUserPoolDomainCommand).rejects(taken());
    cognitoMock.on(DescribeUserPoolDomainCommand).resolves({ DomainDescription: {} });
    await expect(domainStep.create(h.ctx)).rejects.toMatchObject({ code: 'DOMAIN_TAKEN' });
  });

  it('adopts the domain when it already belongs to our pool (a crash after the call)', async () => {
    const h = makeHarness({ records: { userPool: POOL } });
    cognitoMock.on(CreateUserPoolDomainCommand).rejects(taken());
    cognitoMock.on(DescribeUserPoolDomainCommand).resolves({ DomainDescription: { Domain: PREFIX, UserPoolId: POOL.id } });
    await expect(domainStep.create(h.ctx)).resolves.toEqual({ id: PREFIX });
  });

  it('rethrows unrelated errors', async () => {
    const h = makeHarness({ records: { userPool: POOL } });
    const err = new LimitExceededException({ message: 'Rate exceeded', $metadata: {} });
    cognitoMock.on(CreateUserPoolDomainCommand).rejects(err);
    await expect(domainStep.create(h.ctx)).rejects.toBe(err);
    expect(cognitoMock.commandCalls(DescribeUserPoolDomainCommand)).toHaveLength(0);
  });
});

describe('domain.read', () => {
  it('returns undefined without a user pool', async () => {
    const h = makeHarness();
    await expect(domainStep.read(h.ctx, undefined)).resolves.toBeUndefined();
    expect(sent(cognitoMock)).toEqual([]);
  });

  it('reads the domain from the pool: in sync', async () => {
    const h = makeHarness({ records: { userPool: POOL } });
    cognitoMock.on(DescribeUserPoolCommand).resolves({ UserPool: { Id: POOL.id, Domain: PREFIX } });
    await expect(domainStep.read(h.ctx, { id: PREFIX })).resolves.toEqual({ record: { id: PREFIX }, changes: [] });
    expect(cognitoMock.commandCalls(DescribeUserPoolCommand)[0].args[0].input).toEqual({ UserPoolId: POOL.id });
  });

  it('falls back to DescribeUserPoolDomain by prefix', async () => {
    const h = makeHarness({ records: { userPool: POOL } });
    cognitoMock.on(DescribeUserPoolCommand).resolves({ UserPool: { Id: POOL.id } });
    cognitoMock.on(DescribeUserPoolDomainCommand, { Domain: PREFIX }).resolves({ DomainDescription: { Domain: PREFIX, UserPoolId: POOL.id } });
    await expect(domainStep.read(h.ctx, { id: PREFIX })).resolves.toEqual({ record: { id: PREFIX }, changes: [] });
  });

  it('returns undefined when the pool has no domain', async () => {
    const h = makeHarness({ records: { userPool: POOL } });
    cognitoMock.on(DescribeUserPoolCommand).resolves({ UserPool: { Id: POOL.id } });
    cognitoMock.on(DescribeUserPoolDomainCommand).resolves({ DomainDescription: {} });
    await expect(domainStep.read(h.ctx, undefined)).resolves.toBeUndefined();
  });

  it('adopts the live prefix when a generated prefix was lost with the state file', async () => {
    const h = makeHarness({ records: { userPool: POOL }, inputs: { domainPrefix: `${STACK}-zz9999`, domainPrefixGenerated: true } });
    cognitoMock.on(DescribeUserPoolCommand).resolves({ UserPool: { Id: POOL.id, Domain: PREFIX } });
    await expect(domainStep.read(h.ctx, undefined)).resolves.toEqual({ record: { id: PREFIX }, changes: [] });
  });

  it('reports a user-chosen different prefix as a replacement', async () => {
    const h = makeHarness({ records: { userPool: POOL }, inputs: { domainPrefix: 'my-new-login', domainPrefixGenerated: false } });
    cognitoMock.on(DescribeUserPoolCommand).resolves({ UserPool: { Id: POOL.id, Domain: PREFIX } });
    await expect(domainStep.read(h.ctx, { id: PREFIX })).resolves.toEqual({
      record: { id: PREFIX },
      changes: [{ field: 'domainPrefix', from: PREFIX, to: 'my-new-login', replace: true, reason: expect.stringMatching(/cannot be renamed/) }],
    });
  });

  it('also reports it when nothing was recorded', async () => {
    const h = makeHarness({ records: { userPool: POOL }, inputs: { domainPrefix: 'my-new-login', domainPrefixGenerated: false } });
    cognitoMock.on(DescribeUserPoolCommand).resolves({ UserPool: { Id: POOL.id, Domain: PREFIX } });
    const live = await domainStep.read(h.ctx, undefined);
    expect(live?.changes).toEqual([{ field: 'domainPrefix', from: PREFIX, to: 'my-new-login', replace: true, reason: expect.stringMatching(/cannot be renamed/) }]);
  });
});

describe('domain.delete', () => {
  it('deletes our domain', async () => {
    const h = makeHarness({ records: { userPool: POOL } });
    cognitoMock.on(DescribeUserPoolDomainCommand).resolves({ DomainDescription: { Domain: PREFIX, UserPoolId: POOL.id } });
    await domainStep.delete(h.ctx, { id: PREFIX });
    expect(cognitoMock.commandCalls(DeleteUserPoolDomainCommand).map((c) => c.args[0].input)).toEqual([{ Domain: PREFIX, UserPoolId: POOL.id }]);
  });

  it('after a read in the same run (destroy reads first), deletes with no second look', async () => {
    const h = makeHarness({ records: { userPool: POOL } });
    cognitoMock.on(DescribeUserPoolCommand).resolves({ UserPool: { Id: POOL.id, Domain: PREFIX } });
    const live = await domainStep.read(h.ctx, { id: PREFIX });
    cognitoMock.resetHistory();
    await domainStep.delete(h.ctx, live!.record);
    expect(sent(cognitoMock)).toEqual(['DeleteUserPoolDomainCommand']);
    expect(cognitoMock.commandCalls(DeleteUserPoolDomainCommand).map((c) => c.args[0].input)).toEqual([{ Domain: PREFIX, UserPoolId: POOL.id }]);
  });

  it('leaves a domain of another pool alone', async () => {
    const h = makeHarness({ records: { userPool: POOL } });
    cognitoMock.on(DescribeUserPoolDomainCommand).resolves({ DomainDescription: { Domain: PREFIX, UserPoolId: 'us-east-1_Other' } });
    await domainStep.delete(h.ctx, { id: PREFIX });
    expect(cognitoMock.commandCalls(DeleteUserPoolDomainCommand)).toHaveLength(0);
  });

  it('does nothing when the domain is gone', async () => {
    const h = makeHarness({ records: { userPool: POOL } });
    cognitoMock.on(DescribeUserPoolDomainCommand).resolves({ DomainDescription: {} });
    await expect(domainStep.delete(h.ctx, { id: PREFIX })).resolves.toBeUndefined();
    expect(cognitoMock.commandCalls(DeleteUserPoolDomainCommand)).toHaveLength(0);
  });
});

describe('domain.update', () => {
  it('replaces the domain: delete the old prefix, create the new one', async () => {
    const h = makeHarness({ records: { userPool: POOL }, inputs: { domainPrefix: 'my-new-login' } });
    cognitoMock.on(DescribeUserPoolDomainCommand, { Domain: PREFIX }).resolves({ DomainDescription: { Domain: PREFIX, UserPoolId: POOL.id } });
    await expect(
      domainStep.update!(h.ctx, { record: { id: PREFIX }, changes: [{ field: 'domainPrefix', from: PREFIX, to: 'my-new-login', replace: true }] }),
    ).resolves.toEqual({ id: 'my-new-login' });
    // First a check that the new prefix is free, then delete the old, then create the new.
    expect(sent(cognitoMock)).toEqual(['DescribeUserPoolDomainCommand', 'DescribeUserPoolDomainCommand', 'DeleteUserPoolDomainCommand', 'CreateUserPoolDomainCommand']);
    expect(cognitoMock.commandCalls(DescribeUserPoolDomainCommand)[0].args[0].input).toEqual({ Domain: 'my-new-login' });
    expect(cognitoMock.commandCalls(CreateUserPoolDomainCommand)[0].args[0].input).toEqual({ Domain: 'my-new-login', UserPoolId: POOL.id, ManagedLoginVersion: 1 });
  });

  it('keeps the current domain when the new prefix is taken by another pool', async () => {
    const h = makeHarness({ records: { userPool: POOL }, inputs: { domainPrefix: 'taken-login' } });
    cognitoMock.on(DescribeUserPoolDomainCommand, { Domain: 'taken-login' }).resolves({ DomainDescription: { Domain: 'taken-login', UserPoolId: 'us-east-1_someoneElse' } });
    await expect(
      domainStep.update!(h.ctx, { record: { id: PREFIX }, changes: [{ field: 'domainPrefix', from: PREFIX, to: 'taken-login', replace: true }] }),
    ).rejects.toMatchObject({ code: 'DOMAIN_TAKEN', prefix: 'taken-login', kept: PREFIX });
    expect(sent(cognitoMock)).toEqual(['DescribeUserPoolDomainCommand']);
  });

  it('a create refused for another reason (an InvalidParameterException that mentions "domain") is reported as it is, and the old domain is put back', async () => {
    const h = makeHarness({ records: { userPool: POOL }, inputs: { domainPrefix: 'my-new-login' } });
    cognitoMock.on(DescribeUserPoolDomainCommand, { Domain: PREFIX }).resolves({ DomainDescription: { Domain: PREFIX, UserPoolId: POOL.id } });
    const refused = new InvalidParameterException({ message: 'The domain name contains an invalid character.', $metadata: {} });
    cognitoMock.on(CreateUserPoolDomainCommand, { Domain: 'my-new-login' }).rejects(refused);
    cognitoMock.on(CreateUserPoolDomainCommand, { Domain: PREFIX }).resolves({});
    const err = await domainStep.update!(h.ctx, { record: { id: PREFIX }, changes: [{ field: 'domainPrefix', from: PREFIX, to: 'my-new-login', replace: true }] }).catch((e) => e);
    expect(err).toBe(refused);
    expect(cognitoMock.commandCalls(CreateUserPoolDomainCommand).map((c) => c.args[0].input.Domain)).toEqual(['my-new-login', PREFIX]);
    expect(h.notes.join('\n')).toMatch(/old domain "hello-world-ab12cd" was put back/);
  });

  it('waits while Cognito still counts the deleted domain as attached, then creates the new one', async () => {
    const h = makeHarness({ records: { userPool: POOL }, inputs: { domainPrefix: 'my-new-login' } });
    cognitoMock.on(DescribeUserPoolDomainCommand, { Domain: PREFIX }).resolves({ DomainDescription: { Domain: PREFIX, UserPoolId: POOL.id } });
    cognitoMock
      .on(CreateUserPoolDomainCommand)
      .rejectsOnce(new InvalidParameterException({ message: `User pool ${POOL.id} already has a domain configured.`, $metadata: {} }))
      .resolves({});
    await expect(domainStep.update!(h.ctx, { record: { id: PREFIX }, changes: [{ field: 'domainPrefix', from: PREFIX, to: 'my-new-login', replace: true }] })).resolves.toEqual({ id: 'my-new-login' });
    expect(cognitoMock.commandCalls(CreateUserPoolDomainCommand).map((c) => c.args[0].input.Domain)).toEqual(['my-new-login', 'my-new-login']);
  });
});
