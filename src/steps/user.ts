// The user who signs in (tutorial step 8). By default: no e-mail sent, password set permanent,
// so the user can sign in at once. With --invite: Cognito's invitation e-mail, as in the tutorial.
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  type AttributeType,
} from '@aws-sdk/client-cognito-identity-provider';
import { CliError } from '../errors.js';
import { errorName, ignoreNotFound, orAbsent } from '../aws/errors.js';
import type { Change, Step } from '../engine/types.js';
import type { App } from './app.js';
import type { UserPoolRecord } from './user-pool.js';

export interface UserRecord extends Record<string, unknown> {
  id: string;
}

export const userStep: Step<App, UserRecord> = {
  key: 'user',
  title: 'User',
  dependsOn: ['userPool'],
  deletedWith: 'userPool',
  enabled: (app) => app.inputs.userMode !== 'none',
  async read(ctx, recorded) {
    const { app } = ctx;
    const pool = ctx.get<UserPoolRecord>('userPool');
    const username = app.inputs.username ?? recorded?.id;
    if (!pool || !username) return undefined;
    const cognito = await app.aws.cognito();
    const u = await orAbsent(cognito.send(new AdminGetUserCommand({ UserPoolId: pool.id, Username: username })));
    if (!u) return undefined;
    const changes: Change[] = [];
    const email = u.UserAttributes?.find((a) => a.Name === 'email')?.Value;
    if (app.inputs.email && email !== app.inputs.email) changes.push({ field: 'email', from: email, to: app.inputs.email });
    return { record: { id: u.Username ?? username }, changes };
  },
  async create(ctx) {
    const { app } = ctx;
    const pool = ctx.get<UserPoolRecord>('userPool')!;
    const cognito = await app.aws.cognito();
    const Username = app.inputs.username!;
    const invite = app.inputs.userMode === 'invite';
    if (!invite && !app.password) {
      throw new CliError('PASSWORD_NEEDED', `The user "${Username}" must be created and no password was given.`, 'Pass it with --password-stdin or COGNITO_SCOPE_SETUP_PASSWORD, or use --invite or --no-user.', 2);
    }
    const attrs: AttributeType[] = [];
    if (app.inputs.email) attrs.push({ Name: 'email', Value: app.inputs.email }, { Name: 'email_verified', Value: 'true' });
    try {
      await cognito.send(
        new AdminCreateUserCommand({
          UserPoolId: pool.id,
          Username,
          UserAttributes: attrs,
          ...(invite ? { DesiredDeliveryMediums: ['EMAIL'] } : { MessageAction: 'SUPPRESS' }),
        }),
      );
    } catch (e) {
      // Created by a run that crashed before recording it: carry on with setting the password.
      if (errorName(e) !== 'UsernameExistsException') throw e;
    }
    if (!invite) {
      await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.id, Username, Password: app.password, Permanent: true }));
    }
    return { id: Username };
  },
  async update(ctx, live) {
    const { app } = ctx;
    const pool = ctx.get<UserPoolRecord>('userPool')!;
    const cognito = await app.aws.cognito();
    if (app.inputs.email) {
      await cognito.send(
        new AdminUpdateUserAttributesCommand({
          UserPoolId: pool.id,
          Username: live.record.id,
          UserAttributes: [{ Name: 'email', Value: app.inputs.email }, { Name: 'email_verified', Value: 'true' }],
        }),
      );
    }
    return live.record;
  },
  async delete(ctx, record) {
    const pool = ctx.get<UserPoolRecord>('userPool');
    if (!pool) return;
    const cognito = await ctx.app.aws.cognito();
    await ignoreNotFound(cognito.send(new AdminDeleteUserCommand({ UserPoolId: pool.id, Username: record.id })));
  },
};
