// One SDK client class by name, imported lazily by ../clients.ts (why: see there).
export { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
