#!/usr/bin/env bash
# The peer of `npm run bench`: the same stack as `cognito-scope-setup init` (role, function, log
# group, REST API with a Cognito-authorized GET /, user pool, domain, resource server, app client,
# invoke permission, deployment, a user with a password) built, read and deleted by a plain shell
# script of AWS CLI calls, one after another, as the tutorial's CLI readers would write it.
#
#   peer.sh init|status|destroy
# Environment: AWS (the aws executable), ENDPOINT, STACK, REGION, ZIP (the function's zip file),
# IDS (a file where init keeps the ids for status and destroy), PASSWORD, AWS credentials.
set -euo pipefail
phase=$1
aws_() { "$AWS" --endpoint-url "$ENDPOINT" --region "$REGION" --output text "$@"; }
ids() { printf '%s=%q\n' "$1" "$2" >>"$IDS"; }
case "$phase" in
init)
  : >"$IDS"
  account=$(aws_ sts get-caller-identity --query Account)
  role_arn=$(aws_ iam create-role --role-name "$STACK-$REGION-lambda-role" --query Role.Arn \
    --assume-role-policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}')
  aws_ iam attach-role-policy --role-name "$STACK-$REGION-lambda-role" --policy-arn arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
  fn_arn=$(aws_ lambda create-function --function-name "$STACK-lambda" --runtime python3.13 --handler lambda_function.lambda_handler \
    --role "$role_arn" --zip-file "fileb://$ZIP" --timeout 10 --memory-size 128 --query FunctionArn)
  aws_ logs create-log-group --log-group-name "/aws/lambda/$STACK-lambda"
  aws_ logs put-retention-policy --log-group-name "/aws/lambda/$STACK-lambda" --retention-in-days 14
  api=$(aws_ apigateway create-rest-api --name "$STACK-api" --endpoint-configuration types=EDGE --query id)
  root=$(aws_ apigateway get-resources --rest-api-id "$api" --query 'items[?path==`/`].id')
  pool=$(aws_ cognito-idp create-user-pool --pool-name "$STACK-user-pool" --query UserPool.[Id,Arn])
  pool_id=${pool%%$'\t'*}
  pool_arn=${pool##*$'\t'}
  aws_ cognito-idp create-user-pool-domain --domain "$STACK-peer" --user-pool-id "$pool_id" >/dev/null
  aws_ cognito-idp create-resource-server --user-pool-id "$pool_id" --identifier "$STACK-api" --name "$STACK-resource-server" \
    --scopes ScopeName=read.helloworld.message,ScopeDescription=Read >/dev/null
  client=$(aws_ cognito-idp create-user-pool-client --user-pool-id "$pool_id" --client-name "$STACK-client" --generate-secret \
    --allowed-o-auth-flows-user-pool-client --allowed-o-auth-flows code --allowed-o-auth-scopes openid "$STACK-api/read.helloworld.message" \
    --supported-identity-providers COGNITO --callback-urls '["https://oauth.pstmn.io/v1/callback"]' --query UserPoolClient.ClientId)
  auth=$(aws_ apigateway create-authorizer --rest-api-id "$api" --name "$STACK-authorizer" --type COGNITO_USER_POOLS \
    --provider-arns "$pool_arn" --identity-source method.request.header.Authorization --query id)
  aws_ lambda add-permission --function-name "$STACK-lambda" --statement-id "$STACK-apigateway-get-root" --action lambda:InvokeFunction \
    --principal apigateway.amazonaws.com --source-arn "arn:aws:execute-api:$REGION:$account:$api/*/GET/" >/dev/null
  aws_ apigateway put-method --rest-api-id "$api" --resource-id "$root" --http-method GET --authorization-type COGNITO_USER_POOLS \
    --authorizer-id "$auth" --authorization-scopes "$STACK-api/read.helloworld.message" >/dev/null
  aws_ apigateway put-integration --rest-api-id "$api" --resource-id "$root" --http-method GET --type AWS_PROXY --integration-http-method POST \
    --uri "arn:aws:apigateway:$REGION:lambda:path/2015-03-31/functions/$fn_arn/invocations" >/dev/null
  aws_ apigateway create-deployment --rest-api-id "$api" --stage-name dev >/dev/null
  aws_ cognito-idp admin-create-user --user-pool-id "$pool_id" --username bench --message-action SUPPRESS >/dev/null
  aws_ cognito-idp admin-set-user-password --user-pool-id "$pool_id" --username bench --password "$PASSWORD" --permanent
  aws_ lambda wait function-active-v2 --function-name "$STACK-lambda"
  ids api "$api"; ids root "$root"; ids pool_id "$pool_id"; ids client "$client"; ids auth "$auth"
  ;;
status)
  # shellcheck disable=SC1090
  . "$IDS"
  aws_ iam get-role --role-name "$STACK-$REGION-lambda-role" >/dev/null
  aws_ iam list-attached-role-policies --role-name "$STACK-$REGION-lambda-role" >/dev/null
  aws_ lambda get-function --function-name "$STACK-lambda" >/dev/null
  aws_ lambda get-policy --function-name "$STACK-lambda" >/dev/null
  aws_ logs describe-log-groups --log-group-name-prefix "/aws/lambda/$STACK-lambda" >/dev/null
  aws_ apigateway get-rest-api --rest-api-id "$api" >/dev/null
  aws_ apigateway get-authorizer --rest-api-id "$api" --authorizer-id "$auth" >/dev/null
  aws_ apigateway get-method --rest-api-id "$api" --resource-id "$root" --http-method GET >/dev/null
  aws_ apigateway get-stage --rest-api-id "$api" --stage-name dev >/dev/null
  aws_ cognito-idp describe-user-pool --user-pool-id "$pool_id" >/dev/null
  aws_ cognito-idp describe-user-pool-domain --domain "$STACK-peer" >/dev/null
  aws_ cognito-idp describe-resource-server --user-pool-id "$pool_id" --identifier "$STACK-api" >/dev/null
  aws_ cognito-idp describe-user-pool-client --user-pool-id "$pool_id" --client-id "$client" >/dev/null
  aws_ cognito-idp admin-get-user --user-pool-id "$pool_id" --username bench >/dev/null
  ;;
destroy)
  # shellcheck disable=SC1090
  . "$IDS"
  aws_ cognito-idp delete-user-pool-domain --domain "$STACK-peer" --user-pool-id "$pool_id"
  aws_ cognito-idp delete-user-pool --user-pool-id "$pool_id"
  aws_ apigateway delete-rest-api --rest-api-id "$api"
  aws_ lambda delete-function --function-name "$STACK-lambda"
  aws_ logs delete-log-group --log-group-name "/aws/lambda/$STACK-lambda"
  aws_ iam detach-role-policy --role-name "$STACK-$REGION-lambda-role" --policy-arn arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
  aws_ iam delete-role --role-name "$STACK-$REGION-lambda-role"
  rm -f "$IDS"
  ;;
*) echo "usage: peer.sh init|status|destroy" >&2; exit 2 ;;
esac
