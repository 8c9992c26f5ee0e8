// readLiveModel: every page of a paged listing reaches the model (ListUsers answers at most 60).
import { GetAuthorizersCommand, GetResourcesCommand, GetRestApiCommand, GetStageCommand } from '@aws-sdk/client-api-gateway';
import { DescribeResourceServerCommand, DescribeUserPoolCommand, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GetRoleCommand, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import { GetFunctionCommand, GetPolicyCommand } from '@aws-sdk/client-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { readLiveModel } from '../../../src/export/live.js';
import { apigwMock, awsError, cognitoMock, iamMock, lambdaMock, makeHarness, resetMocks } from '../steps/harness.js';

beforeEach(() => {
  resetMocks();
  iamMock.on(GetRoleCommand).resolves({ Role: { RoleName: 'r', Path: '/', Arn: 'arn:aws:iam::1:role/r', RoleId: 'x', CreateDate: new Date(), AssumeRolePolicyDocument: '%7B%7D' } });
  iamMock.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [] });
  lambdaMock.on(GetFunctionCommand).resolves({ Configuration: { Runtime: 'python3.13', Handler: 'h.h' } });
  lambdaMock.on(GetPolicyCommand).rejects(awsError('ResourceNotFoundException'));
  apigwMock.on(GetRestApiCommand).resolves({ name: 'api' });
  apigwMock.on(GetResourcesCommand).resolves({ items: [{ id: 'root', path: '/' }] });
  apigwMock.on(GetAuthorizersCommand).resolves({ items: [] });
  apigwMock.on(GetStageCommand).resolves({ stageName: 'dev', deploymentId: 'd' });
  cognitoMock.on(DescribeUserPoolCommand).resolves({ UserPool: { Id: 'p', Arn: 'arn:p', Name: 'pool' } });
  cognitoMock.on(DescribeResourceServerCommand).resolves({ ResourceServer: { UserPoolId: 'p', Identifier: 'i', Name: 'n', Scopes: [] } });
});

describe('readLiveModel', () => {
  it('lists every user, following ListUsers pages (60 per page)', async () => {
    const page = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ Username: `user${from + i}` }));
    cognitoMock
      .on(ListUsersCommand, { PaginationToken: undefined }).resolves({ Users: page(0, 60), PaginationToken: 't1' })
      .on(ListUsersCommand, { PaginationToken: 't1' }).resolves({ Users: page(60, 5) });
    const { app } = makeHarness();
    const m = await readLiveModel(app.aws, { stack: 's', region: 'us-east-1', roleName: 'r', functionName: 'f', apiId: 'a', stage: 'dev', userPoolId: 'p', resourceServerId: 'i', clientIds: [] });
    expect(m.users).toHaveLength(65);
    expect(m.users.at(-1)).toBe('user64');
    expect(cognitoMock.commandCalls(ListUsersCommand).map((c) => c.args[0].input.PaginationToken)).toEqual([undefined, 't1']);
  });
});
