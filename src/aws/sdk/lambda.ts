// One SDK client class by name, imported lazily by ../clients.ts (why: see there).
export { LambdaClient } from '@aws-sdk/client-lambda';
