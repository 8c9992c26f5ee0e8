// An API Gateway resource for one path of the routes (`/messages`, `/messages/{id}`): each path
// part once, however many routes share it. The root `/` comes with the API (api.ts).
import { CreateResourceCommand, DeleteResourceCommand, GetResourceCommand, GetResourcesCommand, type Resource } from '@aws-sdk/client-api-gateway';
import { createOrAdopt } from '../aws/create.js';
import { ignoreNotFound, orAbsent } from '../aws/errors.js';
import { parentPath } from '../config/routes.js';
import type { Step } from '../engine/types.js';
import type { App, Ctx } from './app.js';
import type { ApiRecord } from './api.js';
import { resourceKey } from './keys.js';

export interface ResourceRecord extends Record<string, unknown> {
  /** The resource id. */
  id: string;
  path: string;
}

export { resourceKey };

/**
 * Every resource of an API, listed once per run and API (GetResources: five per 2 s per account,
 * and a stack's paths are read at once): a lookup by path for paths not recorded yet.
 */
const listings = new WeakMap<App, Map<string, Promise<Resource[]>>>();
function listResources(app: App, restApiId: string, fresh = false): Promise<Resource[]> {
  let byApi = listings.get(app);
  if (!byApi) listings.set(app, (byApi = new Map()));
  let p = fresh ? undefined : byApi.get(restApiId);
  if (!p) {
    p = (async () => {
      const apigw = await app.aws.apigw();
      const out: Resource[] = [];
      for (let position: string | undefined, first = true; first || position; first = false) {
        const page = await apigw.send(new GetResourcesCommand({ restApiId, limit: 500, position }));
        out.push(...(page.items ?? []));
        position = page.position;
      }
      return out;
    })();
    byApi.set(restApiId, p);
    p.catch(() => byApi!.delete(restApiId));
  }
  return p;
}

/** The parent's resource id: the API's root, or the parent path's resource. */
function parentId(ctx: Ctx, path: string): string | undefined {
  const parent = parentPath(path);
  return parent === '/' ? ctx.get<ApiRecord>('api')?.rootResourceId : ctx.get<ResourceRecord>(resourceKey(parent))?.id;
}

export function resourceStep(path: string): Step<App, ResourceRecord> {
  const parent = parentPath(path);
  const part = path.slice(path.lastIndexOf('/') + 1);
  const find = async (ctx: Ctx, fresh: boolean): Promise<ResourceRecord | undefined> => {
    const api = ctx.get<ApiRecord>('api');
    if (!api) return undefined;
    const hit = (await listResources(ctx.app, api.id, fresh)).find((x) => x.path === path);
    return hit?.id ? { id: hit.id, path } : undefined;
  };
  const step: Step<App, ResourceRecord> = {
    key: resourceKey(path),
    title: `API resource ${path}`,
    displayName: () => path,
    dependsOn: ['api', ...(parent === '/' ? [] : [resourceKey(parent)])],
    // Deleting the parent resource (or the API) deletes this one and its methods.
    deletedWith: parent === '/' ? 'api' : resourceKey(parent),
    async read(ctx, recorded) {
      const api = ctx.get<ApiRecord>('api');
      if (!api) return undefined;
      if (recorded?.id) {
        const apigw = await ctx.app.aws.apigw();
        const got = await orAbsent(apigw.send(new GetResourceCommand({ restApiId: api.id, resourceId: recorded.id })));
        if (got?.path === path) return { record: { id: got.id!, path }, changes: [] };
      }
      const found = await find(ctx, false);
      return found ? { record: found, changes: [] } : undefined;
    },
    async create(ctx) {
      const api = ctx.get<ApiRecord>('api')!;
      const apigw = await ctx.app.aws.apigw();
      // A create whose answer was lost, or one a crash left unrecorded: found by its path and used.
      const { value } = await createOrAdopt<ResourceRecord>({
        what: `API resource ${path}`,
        note: ctx.note,
        find: () => find(ctx, true),
        create: async () => ({ id: (await apigw.send(new CreateResourceCommand({ restApiId: api.id, parentId: parentId(ctx, path)!, pathPart: part }))).id!, path }),
      });
      return value;
    },
    async delete(ctx, record) {
      const api = ctx.get<ApiRecord>('api');
      if (!api) return;
      const apigw = await ctx.app.aws.apigw();
      await ignoreNotFound(apigw.send(new DeleteResourceCommand({ restApiId: api.id, resourceId: record.id })));
    },
  };
  return step;
}
