// Every non-idempotent create under a lost answer (issue 11.1). For each step: the create fails
// with an outcome-unknown error (a 500, or a reset connection) although AWS ran it, the step reads
// back what it asked for and adopts it, never sending the create twice; when the read-back finds
// nothing, the create is sent once more. The SDK's own retries are off here (maxAttempts 1), as
// they are off for these operations in the real clients (src/aws/retry.ts).
import {
  CreateAuthorizerCommand,
  CreateDeploymentCommand,
  CreateRestApiCommand,
  GetAuthorizersCommand,
  GetDeploymentsCommand,
  GetRestApisCommand,
} from '@aws-sdk/client-api-gateway';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  CreateResourceServerCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
  DescribeResourceServerCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  DescribeUserPoolDomainCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  UpdateResourceServerCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { AttachRolePolicyCommand, CreateRoleCommand, GetRoleCommand } from '@aws-sdk/client-iam';
import { AddPermissionCommand, CreateFunctionCommand, GetFunctionCommand, GetPolicyCommand } from '@aws-sdk/client-lambda';
import type { AwsStub } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Step, StepRecord } from '../../../src/engine/types.js';
import { NotOwned } from '../../../src/engine/errors.js';
import type { App } from '../../../src/steps/app.js';
import { apiStep } from '../../../src/steps/api.js';
import { authorizerStep } from '../../../src/steps/authorizer.js';
import { clientStep } from '../../../src/steps/client.js';
import { deploymentStep } from '../../../src/steps/deployment.js';
import { domainStep } from '../../../src/steps/domain.js';
import { functionStep } from '../../../src/steps/function.js';
import { permissionStep } from '../../../src/steps/permission.js';
import { resourceServerStep } from '../../../src/steps/resource-server.js';
import { roleStep } from '../../../src/steps/role.js';
import { userPoolStep } from '../../../src/steps/user-pool.js';
import { userStep } from '../../../src/steps/user.js';
import { ACCOUNT, OUR_TAG, ROLE_TAG_LIST, RECORDS, REGION, STACK, apigwMock, cognitoMock, iamMock, lambdaMock, makeHarness, resetMocks } from './harness.js';

beforeEach(resetMocks);

/** AWS ran it, then answered 500 (or the proxy lost the answer and made one up). */
const lost500 = () => Object.assign(new Error('Internal failure'), { name: 'InternalErrorException', $fault: 'server', $metadata: { httpStatusCode: 500 } });
/** The connection was reset after the request went out. */
const reset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

const POOL = RECORDS.userPool;
const API = RECORDS.api;
const PASSWORD = 'Corr3ct-Horse!';
const SOURCE_ARN = `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API.id}/*/GET/`;
const FP = 'f1f1f1f1f1f1f1f1';

interface Case {
  name: string;
  step: Step<App, any>;
  records?: Record<string, StepRecord>;
  mock: AwsStub<any, any, any>;
  create: any;
  /** What the create answers when it gets through. */
  created: unknown;
  /** Make the step's read-back find what the lost create made. */
  present: () => void;
  /** The record the step returns. */
  record: StepRecord;
  /** Make the read-back find nothing, where an unmocked read would not say so (lists). */
  absent?: () => void;
}

const CASES: Case[] = [
  {
    name: 'user pool (CreateUserPool)',
    step: userPoolStep,
    mock: cognitoMock,
    create: CreateUserPoolCommand,
    created: { UserPool: { Id: POOL.id, Arn: POOL.arn } },
    present: () => {
      cognitoMock.on(ListUserPoolsCommand).resolves({ UserPools: [{ Id: POOL.id, Name: `${STACK}-user-pool` }] });
      cognitoMock.on(DescribeUserPoolCommand).resolves({ UserPool: { Id: POOL.id, Arn: POOL.arn, Name: `${STACK}-user-pool`, UserPoolTags: OUR_TAG } });
    },
    record: POOL,
    absent: () => cognitoMock.on(ListUserPoolsCommand).resolves({ UserPools: [] }),
  },
  {
    name: 'app client (CreateUserPoolClient)',
    step: clientStep,
    records: { userPool: POOL, resourceServer: RECORDS.resourceServer },
    mock: cognitoMock,
    create: CreateUserPoolClientCommand,
    created: { UserPoolClient: { ClientId: 'client1' } },
    present: () => {
      cognitoMock.on(ListUserPoolClientsCommand).resolves({ UserPoolClients: [{ ClientId: 'client1', ClientName: `${STACK}-client`, UserPoolId: POOL.id }] });
      cognitoMock.on(DescribeUserPoolClientCommand).resolves({ UserPoolClient: { ClientId: 'client1', ClientName: `${STACK}-client`, UserPoolId: POOL.id } });
    },
    record: { id: 'client1' },
  },
  {
    name: 'resource server (CreateResourceServer)',
    step: resourceServerStep,
    records: { userPool: POOL },
    mock: cognitoMock,
    create: CreateResourceServerCommand,
    created: {},
    present: () => {
      const h = makeHarness();
      const Scopes = h.app.inputs.scopes.map((s) => ({ ScopeName: s.name, ScopeDescription: s.description }));
      cognitoMock.on(DescribeResourceServerCommand).resolves({ ResourceServer: { UserPoolId: POOL.id, Identifier: `${STACK}-api`, Name: `${STACK}-resource-server`, Scopes } });
    },
    record: { id: `${STACK}-api` },
  },
  {
    name: 'hosted UI domain (CreateUserPoolDomain)',
    step: domainStep,
    records: { userPool: POOL },
    mock: cognitoMock,
    create: CreateUserPoolDomainCommand,
    created: {},
    present: () => {
      cognitoMock.on(DescribeUserPoolDomainCommand).resolves({ DomainDescription: { UserPoolId: POOL.id, Domain: makeHarness().app.inputs.domainPrefix } });
    },
    record: { id: makeHarness().app.inputs.domainPrefix },
  },
  {
    name: 'user (AdminCreateUser)',
    step: userStep,
    records: { userPool: POOL },
    mock: cognitoMock,
    create: AdminCreateUserCommand,
    created: { User: { Username: 'tester' } },
    present: () => {
      cognitoMock.on(AdminGetUserCommand).resolves({ Username: 'tester', UserStatus: 'FORCE_CHANGE_PASSWORD' });
    },
    record: { id: 'tester' },
  },
  {
    name: 'REST API (CreateRestApi)',
    step: apiStep,
    mock: apigwMock,
    create: CreateRestApiCommand,
    created: { id: API.id, rootResourceId: API.rootResourceId },
    present: () => {
      apigwMock.on(GetRestApisCommand).resolves({ items: [{ id: API.id, name: `${STACK}-api`, tags: OUR_TAG, rootResourceId: API.rootResourceId }] });
    },
    record: API,
    absent: () => apigwMock.on(GetRestApisCommand).resolves({ items: [] }),
  },
  {
    name: 'authorizer (CreateAuthorizer)',
    step: authorizerStep,
    records: { api: API, userPool: POOL },
    mock: apigwMock,
    create: CreateAuthorizerCommand,
    created: { id: 'auth42' },
    present: () => {
      apigwMock.on(GetAuthorizersCommand).resolves({ items: [{ id: 'auth42', name: `${STACK}-authorizer`, providerARNs: [POOL.arn] }] });
    },
    record: { id: 'auth42' },
  },
  {
    name: 'deployment (CreateDeployment)',
    step: deploymentStep,
    records: { api: API, method: { id: 'GET /', fingerprint: FP } },
    mock: apigwMock,
    create: CreateDeploymentCommand,
    created: { id: 'dep9' },
    present: () => {
      // The deployment that run made carries the description it sent (unique per create).
      apigwMock.on(GetDeploymentsCommand).callsFake(() => ({
        items: [{ id: 'old', description: `cognito-scope-setup ${FP} 00000000` }, { id: 'dep9', description: apigwMock.commandCalls(CreateDeploymentCommand)[0]!.args[0].input.description }],
      }));
    },
    record: { id: 'dev', deploymentId: 'dep9', fingerprint: FP },
    absent: () => apigwMock.on(GetDeploymentsCommand).resolves({ items: [{ id: 'old', description: `cognito-scope-setup ${FP} 00000000` }] }),
  },
  {
    name: 'IAM role (CreateRole)',
    step: roleStep,
    mock: iamMock,
    create: CreateRoleCommand,
    created: { Role: { RoleName: RECORDS.role.id, Arn: RECORDS.role.arn } },
    present: () => {
      iamMock.on(GetRoleCommand).resolves({ Role: { RoleName: RECORDS.role.id, Arn: RECORDS.role.arn, Path: '/', RoleId: 'r', CreateDate: new Date(), Tags: ROLE_TAG_LIST } });
    },
    record: RECORDS.role,
  },
  {
    name: 'Lambda function (CreateFunction)',
    step: functionStep,
    records: { role: RECORDS.role },
    mock: lambdaMock,
    create: CreateFunctionCommand,
    created: { FunctionArn: RECORDS.function.arn, State: 'Active' },
    present: () => {
      lambdaMock.on(GetFunctionCommand).resolves({ Configuration: { FunctionName: RECORDS.function.id, FunctionArn: RECORDS.function.arn, State: 'Active' }, Tags: OUR_TAG });
    },
    record: RECORDS.function,
  },
  {
    name: 'invoke permission (AddPermission)',
    step: permissionStep,
    records: { function: RECORDS.function, api: API },
    mock: lambdaMock,
    create: AddPermissionCommand,
    created: { Statement: '{}' },
    present: () => {
      const st = { Sid: `${STACK}-apigateway-get-root`, Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'lambda:InvokeFunction', Condition: { ArnLike: { 'AWS:SourceArn': SOURCE_ARN } } };
      lambdaMock.on(GetPolicyCommand).resolves({ Policy: JSON.stringify({ Version: '2012-10-17', Statement: [st] }) });
    },
    record: { id: `${STACK}-apigateway-get-root`, sourceArn: SOURCE_ARN },
  },
];

describe.each(CASES)('$name under a lost answer', (c) => {
  const harness = () => makeHarness({ records: { ...c.records }, password: PASSWORD });

  it('the create ran, the answer was a 500: read back and adopted, the create sent once', async () => {
    const h = harness();
    c.mock.on(c.create).rejectsOnce(lost500()).resolves(c.created as never);
    c.present();
    await expect(c.step.create(h.ctx)).resolves.toEqual(c.record);
    expect(c.mock.commandCalls(c.create)).toHaveLength(1);
    expect(h.notes.join('\n')).toMatch(/was created after all: adopted/);
  });

  it('the connection was reset and nothing is there: created once more', async () => {
    const h = harness();
    c.mock.on(c.create).rejectsOnce(reset()).resolves(c.created as never);
    c.absent?.();
    await expect(c.step.create(h.ctx)).resolves.toEqual(c.record);
    expect(c.mock.commandCalls(c.create)).toHaveLength(2);
    expect(h.notes.join('\n')).toMatch(/not there: creating it again/);
  });
});

describe('what a lost answer leads to besides the adoption', () => {
  it('role: the policy is still attached after adopting the role', async () => {
    const h = makeHarness();
    iamMock.on(CreateRoleCommand).rejects(lost500());
    CASES.find((c) => c.step === roleStep)!.present();
    await roleStep.create(h.ctx);
    expect(iamMock.commandCalls(AttachRolePolicyCommand)).toHaveLength(1);
  });

  it('user: the password is still set after adopting the user', async () => {
    const h = makeHarness({ records: { userPool: POOL }, password: PASSWORD });
    cognitoMock.on(AdminCreateUserCommand).rejects(reset());
    cognitoMock.on(AdminGetUserCommand).resolves({ Username: 'tester', UserStatus: 'FORCE_CHANGE_PASSWORD' });
    await userStep.create(h.ctx);
    expect(cognitoMock.commandCalls(AdminSetUserPasswordCommand)[0]!.args[0].input).toMatchObject({ Username: 'tester', Permanent: true });
  });

  it('resource server: an adopted server with the wanted scopes is not updated', async () => {
    const h = makeHarness({ records: { userPool: POOL } });
    cognitoMock.on(CreateResourceServerCommand).rejects(lost500());
    CASES.find((c) => c.step === resourceServerStep)!.present();
    await resourceServerStep.create(h.ctx);
    expect(cognitoMock.commandCalls(UpdateResourceServerCommand)).toHaveLength(0);
  });

  it('role: a lost answer that finds a same-named role of someone else stops with a conflict, no second create', async () => {
    const h = makeHarness();
    iamMock.on(CreateRoleCommand).rejects(lost500());
    iamMock.on(GetRoleCommand).resolves({ Role: { RoleName: RECORDS.role.id, Arn: RECORDS.role.arn, Path: '/', RoleId: 'r', CreateDate: new Date(), Tags: [] } });
    await expect(roleStep.create(h.ctx)).rejects.toBeInstanceOf(NotOwned);
    expect(iamMock.commandCalls(CreateRoleCommand)).toHaveLength(1);
  });

  it('authorizer: one with our name that points at another pool is not adopted', async () => {
    const h = makeHarness({ records: { api: API, userPool: POOL } });
    apigwMock.on(CreateAuthorizerCommand).rejectsOnce(reset()).resolves({ id: 'auth43' });
    apigwMock.on(GetAuthorizersCommand).resolves({ items: [{ id: 'stale', name: `${STACK}-authorizer`, providerARNs: ['arn:aws:cognito-idp:us-east-1:1:userpool/other'] }] });
    await expect(authorizerStep.create(h.ctx)).resolves.toEqual({ id: 'auth43' });
  });

  it('permission: "statement id already exists" with exactly our grant is adopted', async () => {
    const h = makeHarness({ records: { function: RECORDS.function, api: API } });
    lambdaMock.on(AddPermissionCommand).rejects(Object.assign(new Error('The statement id (hello-world-apigateway-get-root) provided already exists.'), { name: 'ResourceConflictException', $fault: 'client', $metadata: { httpStatusCode: 409 } }));
    CASES.find((c) => c.step === permissionStep)!.present();
    await expect(permissionStep.create(h.ctx)).resolves.toEqual({ id: `${STACK}-apigateway-get-root`, sourceArn: SOURCE_ARN });
  });

  it('function: "already exists" with our tag is adopted', async () => {
    const h = makeHarness({ records: { role: RECORDS.role } });
    lambdaMock.on(CreateFunctionCommand).rejects(Object.assign(new Error('Function already exist: hello-world-lambda'), { name: 'ResourceConflictException', $fault: 'client', $metadata: { httpStatusCode: 409 } }));
    CASES.find((c) => c.step === functionStep)!.present();
    await expect(functionStep.create(h.ctx)).resolves.toEqual(RECORDS.function);
  });
});
