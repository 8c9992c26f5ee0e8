// The REST API (tutorial step 2), EDGE by default like the tutorial, tagged as ours.
import {
  CreateRestApiCommand,
  DeleteRestApiCommand,
  GetResourcesCommand,
  GetRestApiCommand,
  GetRestApisCommand,
  UpdateRestApiCommand,
  type RestApi,
} from '@aws-sdk/client-api-gateway';
import { createOrAdopt } from '../aws/create.js';
import { ignoreNotFound, orAbsent } from '../aws/errors.js';
import type { Change, Step } from '../engine/types.js';
import { TAG_KEY, assertOwned, tagsObject, type App } from './app.js';

export interface ApiRecord extends Record<string, unknown> {
  id: string;
  rootResourceId: string;
}

async function rootResourceId(app: App, api: RestApi): Promise<string> {
  // Real AWS returns rootResourceId; older API responses and some emulators do not.
  if (api.rootResourceId) return api.rootResourceId;
  const apigw = await app.aws.apigw();
  const res = await apigw.send(new GetResourcesCommand({ restApiId: api.id!, limit: 500 }));
  const root = res.items?.find((r) => r.path === '/');
  if (!root?.id) throw new Error(`REST API ${api.id} has no root resource`);
  return root.id;
}

async function findByName(app: App): Promise<RestApi | undefined> {
  const apigw = await app.aws.apigw();
  const named: RestApi[] = [];
  let position: string | undefined;
  do {
    const page = await apigw.send(new GetRestApisCommand({ limit: 500, position }));
    named.push(...(page.items ?? []).filter((a) => a.name === app.names.api));
    position = page.position;
  } while (position);
  if (named.length === 0) return undefined;
  // REST API names are not unique: prefer the one carrying our tag.
  const ours = named.find((a) => a.tags?.[TAG_KEY] === app.stack);
  if (ours) return ours;
  assertOwned(app, 'REST API', app.names.api, named[0]!.tags);
  return undefined;
}

export const apiStep: Step<App, ApiRecord> = {
  key: 'api',
  title: 'REST API',
  dependsOn: [],
  async read(ctx, recorded) {
    const { app } = ctx;
    const apigw = await app.aws.apigw();
    let api: RestApi | undefined;
    if (recorded?.id) {
      api = await orAbsent(apigw.send(new GetRestApiCommand({ restApiId: recorded.id })));
      if (api) assertOwned(app, 'REST API', `${api.name} (${api.id})`, api.tags);
    }
    if (!api) api = await findByName(app);
    if (!api) return undefined;
    const types = api.endpointConfiguration?.types ?? [];
    const changes: Change[] = [];
    if (!types.includes(app.inputs.endpointType)) changes.push({ field: 'endpointType', from: types.join(','), to: app.inputs.endpointType });
    const root = recorded && recorded.id === api.id && recorded.rootResourceId ? recorded.rootResourceId : await rootResourceId(app, api);
    return { record: { id: api.id!, rootResourceId: root }, changes, adopted: recorded?.id !== api.id };
  },
  async create(ctx) {
    const { app } = ctx;
    const apigw = await app.aws.apigw();
    const { value: api } = await createOrAdopt({
      what: `REST API ${app.names.api}`,
      note: ctx.note,
      find: () => findByName(app),
      create: () => apigw.send(
      new CreateRestApiCommand({
        name: app.names.api,
        description: 'Hello World API protected by a Cognito custom scope (cognito-scope-setup)',
        endpointConfiguration: { types: [app.inputs.endpointType] },
        tags: tagsObject(app),
      }),
    ),
    });
    await ctx.checkpoint({ id: api.id! });
    return { id: api.id!, rootResourceId: await rootResourceId(app, api) };
  },
  async update(ctx, live) {
    const apigw = await ctx.app.aws.apigw();
    const from = String(live.changes.find((c) => c.field === 'endpointType')?.from ?? '');
    if (from) {
      await apigw.send(
        new UpdateRestApiCommand({
          restApiId: live.record.id,
          patchOperations: [{ op: 'replace', path: `/endpointConfiguration/types/${from}`, value: ctx.app.inputs.endpointType }],
        }),
      );
    }
    return live.record;
  },
  async delete(ctx, record) {
    const apigw = await ctx.app.aws.apigw();
    await ignoreNotFound(apigw.send(new DeleteRestApiCommand({ restApiId: record.id })));
  },
};
