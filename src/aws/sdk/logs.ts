// One SDK client class by name, imported lazily by ../clients.ts (why: see there).
export { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
