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
import { noted } from '../aws/retry.js';
import type { Change, Step } from '../engine/types.js';
import { TAG_KEY, assertOwned, tagsObject, type App } from './app.js';

export interface ApiRecord extends Record<string, unknown> {
  id: string;
  rootResourceId: string;
}

/**
 * The API's endpoint types as a list. AWS answers a list; the emulator answers a map after an
 * EDGE -> REGIONAL patch (test/EMULATOR.md), and anything else counts as none rather than a crash.
 */
export function endpointTypes(api: RestApi): string[] {
  const t = api.endpointConfiguration?.types as unknown;
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === 'string');
  if (typeof t === 'string') return [t];
  if (t && typeof t === 'object') return Object.values(t as Record<string, unknown>).filter((x): x is string => typeof x === 'string');
  return [];
}

async function rootResourceId(app: App, api: RestApi, note?: (message: string) => void): Promise<string> {
  // Real AWS returns rootResourceId; older API responses and some emulators do not.
  if (api.rootResourceId) return api.rootResourceId;
  const apigw = await app.aws.apigw();
  const get = new GetResourcesCommand({ restApiId: api.id!, limit: 500 });
  const res = await apigw.send(note ? noted(note, get) : get);
  const root = res.items?.find((r) => r.path === '/');
  if (!root?.id) throw new Error(`REST API ${api.id} has no root resource`);
  return root.id;
}

/** Every REST API with our name, oldest first (names are not unique). */
async function named(app: App): Promise<RestApi[]> {
  const apigw = await app.aws.apigw();
  const out: RestApi[] = [];
  let position: string | undefined;
  do {
    const page = await apigw.send(new GetRestApisCommand({ limit: 500, position }));
    out.push(...(page?.items ?? []).filter((a) => a.name === app.names.api));
    position = page?.position;
  } while (position);
  return out.sort((a, b) => (a.createdDate?.getTime() ?? 0) - (b.createdDate?.getTime() ?? 0));
}

const isOurs = (app: App, a: RestApi) => a.tags?.[TAG_KEY] === app.stack;

/** The oldest REST API with our name and tag; same-named ones of someone else's alone: ConflictError. */
async function findByName(app: App): Promise<RestApi | undefined> {
  const all = await named(app);
  const ours = all.find((a) => isOurs(app, a));
  if (!ours && all.length) assertOwned(app, 'REST API', app.names.api, all[0]!.tags);
  return ours;
}

export const apiStep: Step<App, ApiRecord> = {
  key: 'api',
  title: 'REST API',
  displayName: (app) => app.names.api,
  dependsOn: [],
  async read(ctx, recorded) {
    const { app } = ctx;
    const apigw = await app.aws.apigw();
    // The recorded API and every API with our name at once: a second tagged copy (left by a
    // create whose answer was lost, before creates were read back) is reported as an extra.
    const [byId, all] = await Promise.all([recorded?.id ? orAbsent(apigw.send(new GetRestApiCommand({ restApiId: recorded.id }))) : undefined, named(app)]);
    if (byId) assertOwned(app, 'REST API', `${byId.name} (${byId.id})`, byId.tags);
    const ours = all.filter((a) => isOurs(app, a) && a.id !== byId?.id);
    const api = byId ?? ours.shift();
    if (!api) {
      if (all.length) assertOwned(app, 'REST API', app.names.api, all[0]!.tags);
      return undefined;
    }
    const types = endpointTypes(api);
    const changes: Change[] = [];
    if (!types.includes(app.inputs.endpointType)) changes.push({ field: 'endpointType', from: types.join(','), to: app.inputs.endpointType });
    const root = recorded && recorded.id === api.id && recorded.rootResourceId ? recorded.rootResourceId : await rootResourceId(app, api);
    const extras = ours.map((a) => ({ id: a.id!, rootResourceId: a.rootResourceId ?? '' }));
    return { record: { id: api.id!, rootResourceId: root }, changes, adopted: recorded?.id !== api.id, ...(extras.length ? { extras } : {}) };
  },
  async create(ctx) {
    const { app } = ctx;
    const apigw = await app.aws.apigw();
    const { value: api } = await createOrAdopt({
      what: `REST API ${app.names.api}`,
      note: ctx.note,
      find: () => findByName(app),
      // One CreateRestApi per 30 s per account (edge-optimized): the quota's budget and note are in src/aws/retry.ts.
      create: () =>
        apigw.send(
          noted(
            ctx.note,
            new CreateRestApiCommand({
              name: app.names.api,
              description: 'Hello World API protected by a Cognito custom scope (cognito-scope-setup)',
              endpointConfiguration: { types: [app.inputs.endpointType] },
              tags: tagsObject(app),
            }),
          ),
        ),
    });
    await ctx.checkpoint({ id: api.id! });
    return { id: api.id!, rootResourceId: await rootResourceId(app, api, ctx.note) };
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
    // One DeleteRestApi per 30 s per account: the quota's budget and note are in src/aws/retry.ts.
    await ignoreNotFound(apigw.send(noted(ctx.note, new DeleteRestApiCommand({ restApiId: record.id }))));
  },
};
