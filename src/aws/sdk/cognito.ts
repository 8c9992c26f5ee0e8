// One SDK client class by name, imported lazily by ../clients.ts (why: see there).
export { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
