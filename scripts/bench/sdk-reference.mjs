// @ts-check
/**
 * The AWS SDK alone, for `npm run bench`: how fast a program that does nothing but what `status`
 * must do with the same SDK clients can be. It is bundled and run like the CLI (one CommonJS file
 * through dist/compile-cache.cjs, V8's code cache), so the difference between it and `status` is
 * the CLI's own work: argument parsing, the state file, the kernel, planning, output.
 *
 *   reads  construct the six clients, send the same 21 reads as `status` (one wave, the account
 *          check alongside), wait for every answer, print one line, exit
 *   sts    construct the STS client, send GetCallerIdentity, print the account, exit: the least a
 *          command that checks the account can do before its first request
 *
 * The bench bundles each mode on its own (one file each, with only the clients it uses) and runs it
 * with REFERENCE_STATE, the stack's state file (ids, region, endpoint). It checks that `reads`
 * sent exactly the operations `status` sent, and fails loudly when they differ.
 */
import { readFileSync } from 'node:fs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { IAMClient, GetRoleCommand, ListRolePoliciesCommand, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import { LambdaClient, GetFunctionCommand, GetPolicyCommand } from '@aws-sdk/client-lambda';
import { APIGatewayClient, GetRestApisCommand, GetRestApiCommand, GetAuthorizersCommand, GetAuthorizerCommand, GetMethodCommand, GetStageCommand } from '@aws-sdk/client-api-gateway';
import {
  CognitoIdentityProviderClient,
  ListUserPoolsCommand,
  DescribeUserPoolCommand,
  DescribeResourceServerCommand,
  DescribeUserPoolClientCommand,
  ListUserPoolClientsCommand,
  AdminGetUserCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CloudWatchLogsClient, DescribeLogGroupsCommand, ListTagsForResourceCommand } from '@aws-sdk/client-cloudwatch-logs';

const stateOf = () => JSON.parse(readFileSync(/** @type {string} */ (process.env.REFERENCE_STATE), 'utf8'));

export function sts() {
  const state = stateOf();
  new STSClient({ region: state.region, endpoint: state.endpoint }).send(new GetCallerIdentityCommand({})).then((r) => process.stdout.write(`${r.Account}\n`));
}

export async function reads() {
  const state = stateOf();
  const config = { region: state.region, endpoint: state.endpoint };
  const [sts, iam, lambda, apigw, cognito, logs] = [STSClient, IAMClient, LambdaClient, APIGatewayClient, CognitoIdentityProviderClient, CloudWatchLogsClient].map((C) => new C(config));
  const r = state.resources;
  const pool = { UserPoolId: r.userPool.id };
  const api = { restApiId: r.api.id };
  const role = { RoleName: r.role.id };
  const fn = { FunctionName: r.function.id };
  /** A read's answer or its error's name (a missing resource is an answer too). @param {Promise<unknown>} p */
  const answer = (p) => p.then(() => 'ok', (/** @type {Error} */ e) => e.name);
  const results = await Promise.all(
    [
      sts.send(new GetCallerIdentityCommand({})),
      iam.send(new GetRoleCommand(role)),
      iam.send(new ListRolePoliciesCommand(role)),
      iam.send(new ListAttachedRolePoliciesCommand(role)),
      lambda.send(new GetFunctionCommand(fn)),
      lambda.send(new GetPolicyCommand(fn)),
      apigw.send(new GetRestApisCommand({ limit: 500 })),
      apigw.send(new GetRestApiCommand(api)),
      apigw.send(new GetAuthorizersCommand({ ...api, limit: 500 })),
      apigw.send(new GetAuthorizerCommand({ ...api, authorizerId: r.authorizer.id })),
      apigw.send(new GetMethodCommand({ ...api, resourceId: r.api.rootResourceId, httpMethod: 'GET' })),
      apigw.send(new GetStageCommand({ ...api, stageName: state.inputs.stage })),
      cognito.send(new ListUserPoolsCommand({ MaxResults: 60 })),
      cognito.send(new DescribeUserPoolCommand(pool)),
      cognito.send(new DescribeUserPoolCommand(pool)),
      cognito.send(new DescribeResourceServerCommand({ ...pool, Identifier: r.resourceServer.id })),
      cognito.send(new DescribeUserPoolClientCommand({ ...pool, ClientId: r.client.id })),
      cognito.send(new ListUserPoolClientsCommand({ ...pool, MaxResults: 60 })),
      cognito.send(new AdminGetUserCommand({ ...pool, Username: state.inputs.username })),
      logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: r.logGroup.id })),
      logs.send(new ListTagsForResourceCommand({ resourceArn: `arn:aws:logs:${state.region}:${state.accountId}:log-group:${r.logGroup.id}` })),
    ].map(answer),
  );
  process.stdout.write(`${JSON.stringify(results)}\n`);
}
