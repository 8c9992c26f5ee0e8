// The commands that rarely used paths (forget, the client secret, export cloudformation) import
// lazily, by name. A dynamic import of a client package itself is its whole namespace: the bundle
// then keeps every command, paginator, waiter and the aggregated client of that package (about
// 200 KB each), which every AWS command would load.
export { UntagRoleCommand } from '@aws-sdk/client-iam';
export { UntagResourceCommand as LambdaUntagResourceCommand } from '@aws-sdk/client-lambda';
export { UntagResourceCommand as ApiGatewayUntagResourceCommand } from '@aws-sdk/client-api-gateway';
export { UntagResourceCommand as CognitoUntagResourceCommand, DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
export { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
