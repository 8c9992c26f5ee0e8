// Deploys the API to the stage (tutorial step 7). Any change to the method, its integration or
// the authorizer needs a new deployment, or the stage keeps serving the old configuration.
import { createHash, randomBytes } from 'node:crypto';
import { CreateDeploymentCommand, DeleteStageCommand, GetDeploymentCommand, GetDeploymentsCommand, GetStageCommand } from '@aws-sdk/client-api-gateway';
import { createOrAdopt } from '../aws/create.js';
import { ignoreNotFound, orAbsent } from '../aws/errors.js';
import { noted } from '../aws/retry.js';
import type { Change, Step } from '../engine/types.js';
import type { App, Ctx } from './app.js';
import { apiStep } from './api.js';
import { routeOfMethodKey } from './keys.js';
import { methodStep, type MethodRecord } from './method.js';

export interface DeploymentRecord extends Record<string, unknown> {
  /** The stage name. */
  id: string;
  deploymentId: string;
  /** The method fingerprint this deployment was made from. */
  fingerprint: string;
}

/**
 * What the stage should serve, as one hash: the tutorial's GET / alone keeps its method's
 * fingerprint (so stacks made before routes need no redeploy); several routes hash every method's
 * fingerprint with its key, so a route added, removed or changed means a new deployment.
 * Undefined while a method has no record yet (it is to be created: the deployment follows it).
 */
export function deployedFingerprint(get: (key: string) => MethodRecord | undefined, keys: readonly string[]): string | undefined {
  const records = keys.map(get);
  if (records.some((r) => r === undefined)) return undefined;
  if (keys.length === 1 && keys[0] === 'method') return records[0]!.fingerprint;
  const all = keys.map((k, i) => `${k}=${records[i]!.fingerprint}`).sort();
  return createHash('sha256').update(all.join('\n')).digest('hex').slice(0, 16);
}

/** The stage, serving these methods (the route steps of this graph). */
export function deploymentStepFor(methodSteps: readonly Step<App, MethodRecord>[]): Step<App, DeploymentRecord> {
  const methods = methodSteps.map((m) => m.key);
  const byKey = new Map(methodSteps.map((m) => [m.key, m]));
  const fingerprintOf = (ctx: Ctx) => deployedFingerprint((k) => ctx.get(byKey.get(k)!), methods);
  // What the stage serves, in the drift text: "the method" for the tutorial's GET / alone, else the routes by name.
  const routeIds = methods.map((k) => routeOfMethodKey(k) ?? k);
  const served = methods.length === 1 && methods[0] === 'method' ? 'the method' : `the method${methods.length > 1 ? 's' : ''} ${routeIds.join(', ')}`;
  const step: Step<App, DeploymentRecord> = {
    key: 'deployment',
    title: 'Deployment to stage',
    displayName: (app) => `stage ${app.inputs.stage}`,
    // Not the invoke permission: a deployment needs only the methods and their integrations, and
    // the permission is looked up when API Gateway invokes the function, not when it deploys.
    dependsOn: ['api', ...methods, 'authorizer'],
    deletedWith: 'api',
    async read(ctx, recorded) {
      const { app } = ctx;
      const api = ctx.get(apiStep);
      const fingerprint = fingerprintOf(ctx);
      if (!api) return undefined;
      const apigw = await app.aws.apigw();
      const stageName = app.inputs.stage;
      const stage = await orAbsent(apigw.send(new GetStageCommand({ restApiId: api.id, stageName })));
      const changes: Change[] = [];
      if (!stage) {
        // A renamed stage: the old one is still there and gets replaced.
        if (recorded?.id && recorded.id !== stageName) {
          const old = await orAbsent(apigw.send(new GetStageCommand({ restApiId: api.id, stageName: recorded.id })));
          if (old) return { record: recorded, changes: [{ field: 'stage', from: recorded.id, to: stageName }] };
        }
        return undefined;
      }
      const record: DeploymentRecord = { id: stageName, deploymentId: stage.deploymentId!, fingerprint: recorded?.fingerprint ?? '' };
      // Another deployment on the stage: a newer one (a redeploy by hand) serves the API as it is,
      // which the other steps' reads check; only an older one (a rollback) serves something else.
      if (recorded?.deploymentId && recorded.deploymentId !== stage.deploymentId) {
        const when = (id: string) => orAbsent(apigw.send(new GetDeploymentCommand({ restApiId: api.id, deploymentId: id }))).then((d) => d?.createdDate);
        const [live, ours] = await Promise.all([when(stage.deploymentId!), when(recorded.deploymentId)]);
        if (live && ours && live < ours) changes.push({ field: 'deployment', from: `an older deployment (${stage.deploymentId}, ${live.toISOString()})`, to: 'a new deployment of the current configuration' });
      }
      // The method (or the authorizer) changed since the stage was deployed: the stage serves the old one.
      if ((fingerprint !== undefined && fingerprint !== recorded?.fingerprint) || ctx.changedDeps.some((d) => d !== 'api')) {
        changes.push({ field: 'servedConfiguration', from: `an earlier configuration of ${served}`, to: 'the current one (a new deployment)' });
      }
      return { record, changes };
    },
    async create(ctx) {
      const { app } = ctx;
      const api = ctx.need(apiStep);
      const fingerprint = fingerprintOf(ctx)!;
      const apigw = await app.aws.apigw();
      // A description no other deployment has, so a deployment whose answer was lost is found by it.
      const description = `cognito-scope-setup ${fingerprint} ${randomBytes(4).toString('hex')}`;
      const { value: out } = await createOrAdopt({
        what: `deployment to stage ${app.inputs.stage}`,
        note: ctx.note,
        find: async () => {
          for (let position: string | undefined, first = true; first || position; first = false) {
            const page = await apigw.send(new GetDeploymentsCommand({ restApiId: api.id, limit: 500, position }));
            const hit = page.items?.find((d) => d.description === description);
            if (hit) return hit;
            position = page.position;
          }
          return undefined;
        },
        // One CreateDeployment per 5 s per account: the quota's budget and note are in src/aws/retry.ts.
        create: () => apigw.send(noted(ctx.note, new CreateDeploymentCommand({ restApiId: api.id, stageName: app.inputs.stage, description }))),
      });
      return { id: app.inputs.stage, deploymentId: out.id!, fingerprint };
    },
    async update(ctx, live) {
      const api = ctx.need(apiStep);
      const created = await step.create(ctx);
      if (live.record.id !== ctx.app.inputs.stage) {
        const apigw = await ctx.app.aws.apigw();
        await ignoreNotFound(apigw.send(new DeleteStageCommand({ restApiId: api.id, stageName: live.record.id })));
      }
      return created;
    },
    async delete(ctx, record) {
      const api = ctx.get(apiStep);
      if (!api) return;
      const apigw = await ctx.app.aws.apigw();
      await ignoreNotFound(apigw.send(new DeleteStageCommand({ restApiId: api.id, stageName: record.id })));
    },
  };
  return step;
}

/** The tutorial's stage, serving GET /. */
export const deploymentStep = deploymentStepFor([methodStep]);
