// A valid state of stack demo, for the state tests.
import { STATE_VERSION, type State } from '../../../src/state/schema.js';

export const sampleState = (): State => ({
  version: STATE_VERSION,
  tool: 'cognito-scope-setup',
  stack: 'demo',
  region: 'us-east-1',
  accountId: '123456789012',
  inputs: {
    stack: 'demo',
    runtime: 'python3.13',
    endpointType: 'EDGE',
    stage: 'dev',
    domainPrefix: 'demo-abc123',
    resourceServerId: 'demo-api',
    scopes: [{ name: 'read.helloworld.message', description: 'Read' }],
    callbackUrls: ['https://oauth.pstmn.io/v1/callback'],
    userMode: 'password',
    username: 'alice',
    email: 'alice@example.com',
  },
  domainPrefixGenerated: true,
  resources: { api: { id: 'abc', rootResourceId: 'r1' } },
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});
