import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  UserNotFoundException,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { beforeEach, describe, expect, it } from 'vitest';
import { PasswordNeeded } from '../../../src/steps/errors.js';
import { userStep } from '../../../src/steps/user.js';
import { stepsFor } from '../../../src/steps/index.js';
import { RECORDS, awsError, cognitoMock, makeHarness, resetMocks, sent } from './harness.js';

const POOL = RECORDS.userPool;
const PASSWORD = 'Corr3ct-Horse!';
const deps = { userPool: POOL };

beforeEach(resetMocks);

describe('user.create (password mode)', () => {
  it('creates the user without an e-mail, then sets a permanent password', async () => {
    const h = makeHarness({ records: deps, password: PASSWORD });
    await expect(userStep.create(h.ctx)).resolves.toEqual({ id: 'tester' });
    expect(sent(cognitoMock)).toEqual(['AdminCreateUserCommand', 'AdminSetUserPasswordCommand']);
    const create = cognitoMock.commandCalls(AdminCreateUserCommand)[0].args[0].input;
    expect(create).toEqual({
      UserPoolId: POOL.id,
      Username: 'tester',
      UserAttributes: [
        { Name: 'email', Value: 'tester@example.com' },
        { Name: 'email_verified', Value: 'true' },
      ],
      MessageAction: 'SUPPRESS',
    });
    expect(create).not.toHaveProperty('DesiredDeliveryMediums');
    expect(create).not.toHaveProperty('TemporaryPassword');
    expect(cognitoMock.commandCalls(AdminSetUserPasswordCommand)[0].args[0].input).toEqual({
      UserPoolId: POOL.id,
      Username: 'tester',
      Password: PASSWORD,
      Permanent: true,
    });
  });

  it('the password never appears in the record', async () => {
    const h = makeHarness({ records: deps, password: PASSWORD });
    const record = await userStep.create(h.ctx);
    expect(JSON.stringify(record)).not.toContain(PASSWORD);
    expect(JSON.stringify(h.checkpoints)).not.toContain(PASSWORD);
  });

  it('works without an e-mail address', async () => {
    const h = makeHarness({ records: deps, password: PASSWORD, inputs: { email: undefined } });
    await userStep.create(h.ctx);
    expect(cognitoMock.commandCalls(AdminCreateUserCommand)[0].args[0].input.UserAttributes).toEqual([]);
  });

  it('carries on with setting the password when the user already exists', async () => {
    const h = makeHarness({ records: deps, password: PASSWORD });
    cognitoMock.on(AdminCreateUserCommand).rejects(new UsernameExistsException({ message: 'User account already exists', $metadata: {} }));
    cognitoMock.on(AdminGetUserCommand).resolves({ Username: 'tester', UserStatus: 'FORCE_CHANGE_PASSWORD' });
    await expect(userStep.create(h.ctx)).resolves.toEqual({ id: 'tester' });
    expect(cognitoMock.commandCalls(AdminSetUserPasswordCommand)[0].args[0].input).toEqual({ UserPoolId: POOL.id, Username: 'tester', Password: PASSWORD, Permanent: true });
  });

  it('rethrows other AdminCreateUser errors', async () => {
    const h = makeHarness({ records: deps, password: PASSWORD });
    cognitoMock.on(AdminCreateUserCommand).rejects(awsError('InvalidParameterException', 'bad'));
    await expect(userStep.create(h.ctx)).rejects.toMatchObject({ name: 'InvalidParameterException' });
    expect(cognitoMock.commandCalls(AdminSetUserPasswordCommand)).toHaveLength(0);
  });

  it('fails with PasswordNeeded before any call when the password is missing', async () => {
    const h = makeHarness({ records: deps });
    const err = await userStep.create(h.ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PasswordNeeded);
    expect(err).toMatchObject({ code: 'PASSWORD_NEEDED', username: 'tester' });
    expect(sent(cognitoMock)).toEqual([]);
  });
});

describe('user.create (invite mode)', () => {
  it("lets Cognito e-mail the invitation and sets no password", async () => {
    const h = makeHarness({ records: deps, inputs: { userMode: 'invite' } });
    await expect(userStep.create(h.ctx)).resolves.toEqual({ id: 'tester' });
    expect(sent(cognitoMock)).toEqual(['AdminCreateUserCommand']);
    const create = cognitoMock.commandCalls(AdminCreateUserCommand)[0].args[0].input;
    expect(create).toMatchObject({ UserPoolId: POOL.id, Username: 'tester', DesiredDeliveryMediums: ['EMAIL'] });
    expect(create).not.toHaveProperty('MessageAction');
    expect(cognitoMock.commandCalls(AdminSetUserPasswordCommand)).toHaveLength(0);
  });

  it('needs no password', async () => {
    const h = makeHarness({ records: deps, inputs: { userMode: 'invite' }, password: undefined });
    await expect(userStep.create(h.ctx)).resolves.toEqual({ id: 'tester' });
  });
});

describe('user step in the graph', () => {
  it('is off with userMode none', () => {
    expect(stepsFor(makeHarness({ inputs: { userMode: 'none' } }).app.inputs)).not.toContain(userStep);
    expect(stepsFor(makeHarness({ inputs: { userMode: 'password' } }).app.inputs)).toContain(userStep);
    expect(stepsFor(makeHarness({ inputs: { userMode: 'invite' } }).app.inputs)).toContain(userStep);
  });
});

describe('user.read', () => {
  it('finds the user and reports a changed e-mail', async () => {
    const h = makeHarness({ records: deps });
    cognitoMock.on(AdminGetUserCommand).resolves({ Username: 'tester', UserAttributes: [{ Name: 'email', Value: 'old@example.com' }] });
    await expect(userStep.read(h.ctx, undefined)).resolves.toEqual({
      record: { id: 'tester' },
      changes: [{ field: 'email', from: 'old@example.com', to: 'tester@example.com' }],
    });
    expect(cognitoMock.commandCalls(AdminGetUserCommand)[0].args[0].input).toEqual({ UserPoolId: POOL.id, Username: 'tester' });
  });

  it('returns undefined when the user does not exist', async () => {
    const h = makeHarness({ records: deps });
    cognitoMock.on(AdminGetUserCommand).rejects(new UserNotFoundException({ message: 'User does not exist.', $metadata: {} }));
    await expect(userStep.read(h.ctx, undefined)).resolves.toBeUndefined();
  });
});

describe('user.read (interrupted create)', () => {
  it('reports a user left with a temporary password (the run stopped before setting it)', async () => {
    const h = makeHarness({ records: deps });
    cognitoMock.on(AdminGetUserCommand).resolves({ Username: 'tester', UserStatus: 'FORCE_CHANGE_PASSWORD', UserAttributes: [{ Name: 'email', Value: 'tester@example.com' }] });
    await expect(userStep.read(h.ctx, { id: 'tester' })).resolves.toEqual({ record: { id: 'tester' }, changes: [{ field: 'password', from: 'temporary', to: 'permanent' }] });
  });

  it('not in invite mode, where FORCE_CHANGE_PASSWORD is expected', async () => {
    const h = makeHarness({ records: deps, inputs: { userMode: 'invite' } });
    cognitoMock.on(AdminGetUserCommand).resolves({ Username: 'tester', UserStatus: 'FORCE_CHANGE_PASSWORD', UserAttributes: [{ Name: 'email', Value: 'tester@example.com' }] });
    await expect(userStep.read(h.ctx, { id: 'tester' })).resolves.toEqual({ record: { id: 'tester' }, changes: [] });
  });
});

describe('user.update', () => {
  it('sets the permanent password of a user left with a temporary one, and nothing else', async () => {
    const h = makeHarness({ records: deps, password: PASSWORD });
    await userStep.update!(h.ctx, { record: { id: 'tester' }, changes: [{ field: 'password', from: 'temporary', to: 'permanent' }] });
    expect(sent(cognitoMock)).toEqual(['AdminSetUserPasswordCommand']);
    expect(cognitoMock.commandCalls(AdminSetUserPasswordCommand)[0].args[0].input).toEqual({ UserPoolId: POOL.id, Username: 'tester', Password: PASSWORD, Permanent: true });
  });

  it('needs the password for that', async () => {
    const h = makeHarness({ records: deps });
    await expect(userStep.update!(h.ctx, { record: { id: 'tester' }, changes: [{ field: 'password', from: 'temporary', to: 'permanent' }] })).rejects.toMatchObject({
      code: 'PASSWORD_NEEDED',
    });
    expect(sent(cognitoMock)).toEqual([]);
  });

  it('updates the e-mail as verified', async () => {
    const h = makeHarness({ records: deps });
    await userStep.update!(h.ctx, { record: { id: 'tester' }, changes: [{ field: 'email', from: 'old@example.com', to: 'tester@example.com' }] });
    expect(cognitoMock.commandCalls(AdminUpdateUserAttributesCommand)[0].args[0].input).toEqual({
      UserPoolId: POOL.id,
      Username: 'tester',
      UserAttributes: [
        { Name: 'email', Value: 'tester@example.com' },
        { Name: 'email_verified', Value: 'true' },
      ],
    });
    expect(cognitoMock.commandCalls(AdminSetUserPasswordCommand)).toHaveLength(0);
  });
});

describe('user.delete', () => {
  it('deletes and treats not-found as success', async () => {
    const h = makeHarness({ records: deps });
    cognitoMock.on(AdminDeleteUserCommand).rejects(new UserNotFoundException({ message: 'User does not exist.', $metadata: {} }));
    await expect(userStep.delete(h.ctx, { id: 'tester' })).resolves.toBeUndefined();
    expect(cognitoMock.commandCalls(AdminDeleteUserCommand)[0].args[0].input).toEqual({ UserPoolId: POOL.id, Username: 'tester' });
  });
});

describe('user: a new --username replaces the recorded user', () => {
  it('reads the recorded user as a replacement when the new name does not exist yet', async () => {
    const h = makeHarness({ records: deps, password: PASSWORD });
    cognitoMock.on(AdminGetUserCommand, { UserPoolId: POOL.id, Username: 'tester' }).rejects(awsError('UserNotFoundException'));
    cognitoMock.on(AdminGetUserCommand, { UserPoolId: POOL.id, Username: 'old-user' }).resolves({ Username: 'old-user', UserStatus: 'CONFIRMED' });
    const live = await userStep.read(h.ctx, { id: 'old-user' });
    expect(live?.changes).toEqual([{ field: 'username', from: 'old-user', to: 'tester', replace: true, reason: expect.stringMatching(/user name cannot be changed/) }]);
  });

  it('update creates the new user, then deletes the old one', async () => {
    const h = makeHarness({ records: deps, password: PASSWORD });
    const rec = await userStep.update!(h.ctx, { record: { id: 'old-user' }, changes: [{ field: 'username', from: 'old-user', to: 'tester', replace: true }] });
    expect(rec).toEqual({ id: 'tester' });
    expect(sent(cognitoMock)).toEqual(['AdminCreateUserCommand', 'AdminSetUserPasswordCommand', 'AdminDeleteUserCommand']);
    expect(cognitoMock.commandCalls(AdminDeleteUserCommand)[0].args[0].input).toEqual({ UserPoolId: POOL.id, Username: 'old-user' });
  });

  it('neither exists: the user is simply created', async () => {
    const h = makeHarness({ records: deps, password: PASSWORD });
    cognitoMock.on(AdminGetUserCommand).rejects(awsError('UserNotFoundException'));
    await expect(userStep.read(h.ctx, { id: 'old-user' })).resolves.toBeUndefined();
  });
});
