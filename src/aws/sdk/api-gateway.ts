// One SDK client class by name, imported lazily by ../clients.ts (why: see there).
export { APIGatewayClient } from '@aws-sdk/client-api-gateway';
