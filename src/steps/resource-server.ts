// The resource server and its custom scopes (tutorial step 4).
import {
  CreateResourceServerCommand,
  DeleteResourceServerCommand,
  DescribeResourceServerCommand,
  UpdateResourceServerCommand,
  type ResourceServerType,
} from '@aws-sdk/client-cognito-identity-provider';
import { createOrAdopt } from '../aws/create.js';
import { ignoreNotFound, orAbsent } from '../aws/errors.js';
import { VERIFY_NOACCESS_SCOPE } from '../config/schema.js';
import type { Change, Step } from '../engine/types.js';
import type { App } from './app.js';
import { userPoolStep } from './user-pool.js';

export interface ResourceServerRecord extends Record<string, unknown> {
  /** The identifier (e.g. hello-world-api). */
  id: string;
}

async function describe(app: App, poolId: string, identifier: string): Promise<ResourceServerType | undefined> {
  const cognito = await app.aws.cognito();
  return (await orAbsent(cognito.send(new DescribeResourceServerCommand({ UserPoolId: poolId, Identifier: identifier }))))?.ResourceServer;
}

/** The inputs' scopes, plus the verify-only scope when the stack has an M2M client. */
export function serverScopes(app: App): { ScopeName: string; ScopeDescription: string }[] {
  const scopes = app.inputs.m2mClient ? [...app.inputs.scopes, VERIFY_NOACCESS_SCOPE] : app.inputs.scopes;
  return scopes.map((s) => ({ ScopeName: s.name, ScopeDescription: s.description }));
}

const scopeKey = (s: { ScopeName?: string; ScopeDescription?: string }) => `${s.ScopeName}=${s.ScopeDescription}`;

export const resourceServerStep: Step<App, ResourceServerRecord> = {
  key: 'resourceServer',
  title: 'Resource server and scopes',
  displayName: (app) => app.inputs.resourceServerId,
  dependsOn: ['userPool'],
  deletedWith: 'userPool',
  async read(ctx, recorded) {
    const { app } = ctx;
    const pool = ctx.get(userPoolStep);
    if (!pool) return undefined;
    const want = app.inputs.resourceServerId;
    const ids = [...new Set([recorded?.id, want].filter((x): x is string => !!x))];
    let rs: ResourceServerType | undefined;
    for (const id of ids) if ((rs = await describe(app, pool.id, id))) break;
    if (!rs) return undefined;
    const changes: Change[] = [];
    if (rs.Identifier !== want) changes.push({ field: 'identifier', from: rs.Identifier, to: want, replace: true, reason: 'a resource server identifier cannot be changed: a new resource server is created and the old one deleted; the app client and the method move to the new scopes' });
    if (rs.Name !== app.names.resourceServer) changes.push({ field: 'name', from: rs.Name, to: app.names.resourceServer });
    const have = (rs.Scopes ?? []).map(scopeKey).sort();
    const wantScopes = serverScopes(app).map(scopeKey).sort();
    if (have.join('\n') !== wantScopes.join('\n')) changes.push({ field: 'scopes', from: have, to: wantScopes });
    return { record: { id: rs.Identifier! }, changes };
  },
  async create(ctx) {
    const { app } = ctx;
    const pool = ctx.need(userPoolStep);
    const cognito = await app.aws.cognito();
    const Identifier = app.inputs.resourceServerId;
    const Scopes = serverScopes(app);
    const { value: rs, adopted } = await createOrAdopt<ResourceServerType>({
      what: `resource server ${Identifier}`,
      note: ctx.note,
      // The identifier is the key within our pool.
      find: () => describe(app, pool.id, Identifier),
      create: async () => (await cognito.send(new CreateResourceServerCommand({ UserPoolId: pool.id, Identifier, Name: app.names.resourceServer, Scopes })))?.ResourceServer ?? { Identifier, Name: app.names.resourceServer, Scopes },
    });
    // Found rather than made (left by a run that crashed before recording it): converge it.
    if (adopted && (rs.Name !== app.names.resourceServer || (rs.Scopes ?? []).map(scopeKey).sort().join('\n') !== Scopes.map(scopeKey).sort().join('\n'))) {
      await cognito.send(new UpdateResourceServerCommand({ UserPoolId: pool.id, Identifier, Name: app.names.resourceServer, Scopes }));
    }
    return { id: Identifier };
  },
  async update(ctx, live) {
    const { app } = ctx;
    const pool = ctx.need(userPoolStep);
    const cognito = await app.aws.cognito();
    if (live.changes.some((c) => c.field === 'identifier')) {
      // Identifier changes need a new server (only when replacing is allowed); the old one goes.
      const created = await resourceServerStep.create(ctx);
      await ignoreNotFound(cognito.send(new DeleteResourceServerCommand({ UserPoolId: pool.id, Identifier: live.record.id })));
      return created;
    }
    await cognito.send(
      new UpdateResourceServerCommand({
        UserPoolId: pool.id,
        Identifier: live.record.id,
        Name: app.names.resourceServer,
        Scopes: serverScopes(app),
      }),
    );
    return live.record;
  },
  async delete(ctx, record) {
    const pool = ctx.get(userPoolStep);
    if (!pool) return;
    const cognito = await ctx.app.aws.cognito();
    await ignoreNotFound(cognito.send(new DeleteResourceServerCommand({ UserPoolId: pool.id, Identifier: record.id })));
  },
};
