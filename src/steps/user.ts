// The user who signs in (tutorial step 8). By default: no e-mail sent, password set permanent,
// so the user can sign in at once. In invite mode: Cognito's invitation e-mail, as in the tutorial.
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  type AttributeType,
} from '@aws-sdk/client-cognito-identity-provider';
import { createOrAdopt } from '../aws/create.js';
import { ignoreNotFound, orAbsent } from '../aws/errors.js';
import type { Change, Step } from '../engine/types.js';
import { PasswordNeeded } from './errors.js';
import type { App } from './app.js';
import { userPoolStep } from './user-pool.js';

export interface UserRecord extends Record<string, unknown> {
  id: string;
}

export const userStep: Step<App, UserRecord> = {
  key: 'user',
  title: 'User',
  displayName: (app) => app.inputs.username,
  dependsOn: ['userPool'],
  deletedWith: 'userPool',
  async read(ctx, recorded) {
    const { app } = ctx;
    const pool = ctx.get(userPoolStep);
    const username = app.inputs.username ?? recorded?.id;
    if (!pool || !username) return undefined;
    const cognito = await app.aws.cognito();
    const u = await orAbsent(cognito.send(new AdminGetUserCommand({ UserPoolId: pool.id, Username: username })));
    if (!u) {
      // A new user name: the recorded user is replaced (deleted once the new one exists).
      if (recorded?.id && recorded.id !== username) {
        const old = await orAbsent(cognito.send(new AdminGetUserCommand({ UserPoolId: pool.id, Username: recorded.id })));
        if (old) return { record: { id: recorded.id }, changes: [{ field: 'username', from: recorded.id, to: username, replace: true, reason: 'a user name cannot be changed: the new user is created, then the old one deleted' }] };
      }
      return undefined;
    }
    const changes: Change[] = [];
    const email = u.UserAttributes?.find((a) => a.Name === 'email')?.Value;
    if (app.inputs.email && email !== app.inputs.email) changes.push({ field: 'email', from: email, to: app.inputs.email });
    // Created, but the run stopped before the password was set: the user cannot sign in yet.
    if (app.inputs.userMode === 'password' && u.UserStatus === 'FORCE_CHANGE_PASSWORD') changes.push({ field: 'password', from: 'temporary', to: 'permanent' });
    return { record: { id: u.Username ?? username }, changes };
  },
  async create(ctx) {
    const { app } = ctx;
    const pool = ctx.need(userPoolStep);
    const cognito = await app.aws.cognito();
    const Username = app.inputs.username!;
    const invite = app.inputs.userMode === 'invite';
    if (!invite && !app.password) throw new PasswordNeeded(Username);
    const attrs: AttributeType[] = [];
    if (app.inputs.email) attrs.push({ Name: 'email', Value: app.inputs.email }, { Name: 'email_verified', Value: 'true' });
    // The user name is the key within our pool. Created by a run that crashed before recording it,
    // or by this one when the answer was lost: carry on with setting the password.
    await createOrAdopt({
      what: `user ${Username}`,
      note: ctx.note,
      find: async () => ((await orAbsent(cognito.send(new AdminGetUserCommand({ UserPoolId: pool.id, Username })))) ? true : undefined),
      create: async () => (
        await cognito.send(
          new AdminCreateUserCommand({
            UserPoolId: pool.id,
            Username,
            UserAttributes: attrs,
            ...(invite ? { DesiredDeliveryMediums: ['EMAIL'] } : { MessageAction: 'SUPPRESS' }),
          }),
        ),
        true
      ),
    });
    if (!invite) {
      await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.id, Username, Password: app.password, Permanent: true }));
    }
    return { id: Username };
  },
  async update(ctx, live) {
    const { app } = ctx;
    const pool = ctx.need(userPoolStep);
    const cognito = await app.aws.cognito();
    const Username = live.record.id;
    if (live.changes.some((c) => c.field === 'username')) {
      const created = await userStep.create(ctx);
      await userStep.delete(ctx, live.record);
      return created;
    }
    if (live.changes.some((c) => c.field === 'password')) {
      if (!app.password) throw new PasswordNeeded(Username);
      await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.id, Username, Password: app.password, Permanent: true }));
    }
    if (app.inputs.email && live.changes.some((c) => c.field === 'email')) {
      await cognito.send(
        new AdminUpdateUserAttributesCommand({
          UserPoolId: pool.id,
          Username,
          UserAttributes: [{ Name: 'email', Value: app.inputs.email }, { Name: 'email_verified', Value: 'true' }],
        }),
      );
    }
    return live.record;
  },
  async delete(ctx, record) {
    const pool = ctx.get(userPoolStep);
    if (!pool) return;
    const cognito = await ctx.app.aws.cognito();
    await ignoreNotFound(cognito.send(new AdminDeleteUserCommand({ UserPoolId: pool.id, Username: record.id })));
  },
};
