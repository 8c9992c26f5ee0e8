import { CreateDeploymentCommand, DeleteStageCommand, GetDeploymentCommand, GetStageCommand, NotFoundException } from '@aws-sdk/client-api-gateway';
import { beforeEach, describe, expect, it } from 'vitest';
import { deploymentStep, deploymentStepFor } from '../../../src/steps/deployment.js';
import { methodStepFor } from '../../../src/steps/method.js';
import { RECORDS, apigwMock, makeHarness, resetMocks, sent } from './harness.js';

const API = RECORDS.api;
const FP = 'f1f1f1f1f1f1f1f1';
const METHOD = { id: 'GET /', fingerprint: FP };
const deps = { api: API, method: METHOD, authorizer: RECORDS.authorizer, permission: RECORDS.permission };
const RECORDED = { id: 'dev', deploymentId: 'dep1', fingerprint: FP };
const notFound = () => new NotFoundException({ message: 'Invalid Stage identifier specified', $metadata: {} });

beforeEach(resetMocks);

describe('deployment.create', () => {
  it('deploys the API to the stage from the inputs and records the method fingerprint', async () => {
    const h = makeHarness({ records: deps, inputs: { stage: 'prod' } });
    apigwMock.on(CreateDeploymentCommand).resolves({ id: 'dep9' });
    await expect(deploymentStep.create(h.ctx)).resolves.toEqual({ id: 'prod', deploymentId: 'dep9', fingerprint: FP });
    const calls = apigwMock.commandCalls(CreateDeploymentCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0].args[0].input).toMatchObject({ restApiId: API.id, stageName: 'prod' });
  });
});

describe('deployment.read', () => {
  it('is unchanged when the stage exists, nothing changed and the fingerprint matches', async () => {
    const h = makeHarness({ records: deps });
    apigwMock.on(GetStageCommand).resolves({ stageName: 'dev', deploymentId: 'dep1' });
    await expect(deploymentStep.read(h.ctx, RECORDED)).resolves.toEqual({ record: RECORDED, changes: [] });
    expect(apigwMock.commandCalls(GetStageCommand)[0].args[0].input).toEqual({ restApiId: API.id, stageName: 'dev' });
  });

  it("reports a change when ctx.changedDeps includes 'method'", async () => {
    const h = makeHarness({ records: deps, changedDeps: ['method'] });
    apigwMock.on(GetStageCommand).resolves({ stageName: 'dev', deploymentId: 'dep1' });
    const live = await deploymentStep.read(h.ctx, RECORDED);
    expect(live?.changes.length).toBeGreaterThan(0);
    expect(live?.changes).toEqual([{ field: 'servedConfiguration', from: 'an earlier configuration of the method', to: 'the current one (a new deployment)' }]);
  });

  it("reports a change when ctx.changedDeps includes 'authorizer'", async () => {
    const h = makeHarness({ records: deps, changedDeps: ['authorizer'] });
    apigwMock.on(GetStageCommand).resolves({ stageName: 'dev', deploymentId: 'dep1' });
    const live = await deploymentStep.read(h.ctx, RECORDED);
    expect(live?.changes.length).toBeGreaterThan(0);
  });

  it('with routes, the text names the methods the stage serves, not "the method"', async () => {
    const routes = [{ method: 'GET', path: '/messages' }, { method: 'DELETE', path: '/messages/{id}' }] as const;
    const step = deploymentStepFor(routes.map((r) => methodStepFor(r)));
    const h = makeHarness({ records: { ...deps, 'method:GET /messages': { id: 'GET /messages', fingerprint: 'a' }, 'method:DELETE /messages/{id}': { id: 'DELETE /messages/{id}', fingerprint: 'b' } } });
    apigwMock.on(GetStageCommand).resolves({ stageName: 'dev', deploymentId: 'dep1' });
    const live = await step.read(h.ctx, RECORDED);
    expect(live?.changes).toEqual([{ field: 'servedConfiguration', from: 'an earlier configuration of the methods GET /messages, DELETE /messages/{id}', to: 'the current one (a new deployment)' }]);
    const one = deploymentStepFor([methodStepFor({ method: 'POST', path: '/messages' })]);
    const h1 = makeHarness({ records: { ...deps, 'method:POST /messages': { id: 'POST /messages', fingerprint: 'c' } } });
    expect((await one.read(h1.ctx, RECORDED))?.changes[0]?.from).toBe('an earlier configuration of the method POST /messages');
  });

  it('does not wait for, or redeploy for, the Lambda permission (it is not part of the deployment)', () => {
    expect(deploymentStep.dependsOn).not.toContain('permission');
  });

  it('reports a change when the method fingerprint differs from the recorded one', async () => {
    const h = makeHarness({ records: { ...deps, method: { id: 'GET /', fingerprint: 'new0new0new0new0' } } });
    apigwMock.on(GetStageCommand).resolves({ stageName: 'dev', deploymentId: 'dep1' });
    const live = await deploymentStep.read(h.ctx, RECORDED);
    // No fingerprint is shown: what the stage serves, live, then wanted.
    expect(live?.changes).toEqual([{ field: 'servedConfiguration', from: 'an earlier configuration of the method', to: 'the current one (a new deployment)' }]);
  });

  it('a newer deployment on the stage (a redeploy by hand, same configuration) is no drift; its id is recorded', async () => {
    const h = makeHarness({ records: deps });
    apigwMock.on(GetStageCommand).resolves({ stageName: 'dev', deploymentId: 'someone-elses' });
    apigwMock.on(GetDeploymentCommand, { deploymentId: 'someone-elses' }).resolves({ id: 'someone-elses', createdDate: new Date('2026-12-02T00:00:00Z') });
    apigwMock.on(GetDeploymentCommand, { deploymentId: 'dep1' }).resolves({ id: 'dep1', createdDate: new Date('2026-12-01T00:00:00Z') });
    await expect(deploymentStep.read(h.ctx, RECORDED)).resolves.toEqual({ record: { ...RECORDED, deploymentId: 'someone-elses' }, changes: [] });
  });

  it('an older deployment on the stage (a rollback) is reported, live then wanted', async () => {
    const h = makeHarness({ records: deps });
    apigwMock.on(GetStageCommand).resolves({ stageName: 'dev', deploymentId: 'old0' });
    apigwMock.on(GetDeploymentCommand, { deploymentId: 'old0' }).resolves({ id: 'old0', createdDate: new Date('2026-11-01T00:00:00Z') });
    apigwMock.on(GetDeploymentCommand, { deploymentId: 'dep1' }).resolves({ id: 'dep1', createdDate: new Date('2026-12-01T00:00:00Z') });
    const live = await deploymentStep.read(h.ctx, RECORDED);
    expect(live?.changes).toEqual([{ field: 'deployment', from: 'an older deployment (old0, 2026-11-01T00:00:00.000Z)', to: 'a new deployment of the current configuration' }]);
  });

  it('returns undefined when the stage does not exist', async () => {
    const h = makeHarness({ records: deps });
    apigwMock.on(GetStageCommand).rejects(notFound());
    await expect(deploymentStep.read(h.ctx, undefined)).resolves.toBeUndefined();
  });

  it('reports a renamed stage while the old one still exists', async () => {
    const h = makeHarness({ records: deps, inputs: { stage: 'prod' } });
    apigwMock.on(GetStageCommand, { stageName: 'prod' }).rejects(notFound());
    apigwMock.on(GetStageCommand, { stageName: 'dev' }).resolves({ stageName: 'dev', deploymentId: 'dep1' });
    await expect(deploymentStep.read(h.ctx, RECORDED)).resolves.toEqual({ record: RECORDED, changes: [{ field: 'stage', from: 'dev', to: 'prod' }] });
  });
});

describe('deployment.update', () => {
  it('deploys again to the same stage', async () => {
    const h = makeHarness({ records: deps });
    apigwMock.on(CreateDeploymentCommand).resolves({ id: 'dep2' });
    await expect(deploymentStep.update!(h.ctx, { record: RECORDED, changes: [{ field: 'deployedConfiguration', from: 'stale', to: 'method changed' }] })).resolves.toEqual({
      id: 'dev',
      deploymentId: 'dep2',
      fingerprint: FP,
    });
    expect(sent(apigwMock)).toEqual(['CreateDeploymentCommand']);
  });

  it('deploys to the new stage, then deletes the old one', async () => {
    const h = makeHarness({ records: deps, inputs: { stage: 'prod' } });
    apigwMock.on(CreateDeploymentCommand).resolves({ id: 'dep2' });
    await deploymentStep.update!(h.ctx, { record: RECORDED, changes: [{ field: 'stage', from: 'dev', to: 'prod' }] });
    expect(sent(apigwMock)).toEqual(['CreateDeploymentCommand', 'DeleteStageCommand']);
    expect(apigwMock.commandCalls(CreateDeploymentCommand)[0].args[0].input.stageName).toBe('prod');
    expect(apigwMock.commandCalls(DeleteStageCommand)[0].args[0].input).toEqual({ restApiId: API.id, stageName: 'dev' });
  });
});

describe('deployment.delete', () => {
  it('deletes the stage and treats not-found as success', async () => {
    const h = makeHarness({ records: deps });
    apigwMock.on(DeleteStageCommand).rejects(notFound());
    await expect(deploymentStep.delete(h.ctx, RECORDED)).resolves.toBeUndefined();
    expect(apigwMock.commandCalls(DeleteStageCommand)[0].args[0].input).toEqual({ restApiId: API.id, stageName: 'dev' });
  });
});
