// An API Gateway resource for one path of the routes (`/messages`, `/messages/{id}`): each path
// part once, however many routes share it. The root `/` comes with the API (api.ts).
import { CreateResourceCommand, DeleteResourceCommand, GetResourceCommand, GetResourcesCommand, type Resource } from '@aws-sdk/client-api-gateway';
import { createOrAdopt } from '../aws/create.js';
import { ignoreNotFound, orAbsent } from '../aws/errors.js';
import { parentPath } from '../config/routes.js';
import type { Step } from '../engine/types.js';
import type { App, Ctx } from './app.js';
import { apiStep } from './api.js';
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

/**
 * The step of one path's resource. `parent`: the parent path's step in this graph (the root `/`
 * has none); built here when not given (a retired path's step, whose parent is looked up by key).
 */
export function resourceStep(path: string, parent: Step<App, ResourceRecord> | undefined = parentStepOf(path)): Step<App, ResourceRecord> {
  const part = path.slice(path.lastIndexOf('/') + 1);
  /** The parent's resource id: the API's root, or the parent path's resource. */
  const parentIdOf = (ctx: Ctx): string => (parent ? ctx.need(parent).id : ctx.need(apiStep).rootResourceId);
  const find = async (ctx: Ctx, fresh: boolean): Promise<ResourceRecord | undefined> => {
    const api = ctx.get(apiStep);
    if (!api) return undefined;
    const hit = (await listResources(ctx.app, api.id, fresh)).find((x) => x.path === path);
    return hit?.id ? { id: hit.id, path } : undefined;
  };
  const step: Step<App, ResourceRecord> = {
    key: resourceKey(path),
    title: `API resource ${path}`,
    displayName: () => path,
    dependsOn: ['api', ...(parent ? [parent.key] : [])],
    // Deleting the parent resource (or the API) deletes this one and its methods.
    deletedWith: parent ? parent.key : 'api',
    async read(ctx, recorded) {
      const api = ctx.get(apiStep);
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
      const api = ctx.need(apiStep);
      const parentId = parentIdOf(ctx);
      const apigw = await ctx.app.aws.apigw();
      // A create whose answer was lost, or one a crash left unrecorded: found by its path and used.
      const { value } = await createOrAdopt<ResourceRecord>({
        what: `API resource ${path}`,
        note: ctx.note,
        find: () => find(ctx, true),
        create: async () => ({ id: (await apigw.send(new CreateResourceCommand({ restApiId: api.id, parentId, pathPart: part }))).id!, path }),
      });
      return value;
    },
    async delete(ctx, record) {
      const api = ctx.get(apiStep);
      if (!api) return;
      const apigw = await ctx.app.aws.apigw();
      await ignoreNotFound(apigw.send(new DeleteResourceCommand({ restApiId: api.id, resourceId: record.id })));
    },
  };
  return step;
}

/** The parent path's step (undefined for a path right under the root). */
function parentStepOf(path: string): Step<App, ResourceRecord> | undefined {
  const parent = parentPath(path);
  return parent === '/' ? undefined : resourceStep(parent);
}
