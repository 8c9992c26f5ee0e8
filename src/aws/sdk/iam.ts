// One SDK client class by name, imported lazily by ../clients.ts (why: see there).
export { IAMClient } from '@aws-sdk/client-iam';
