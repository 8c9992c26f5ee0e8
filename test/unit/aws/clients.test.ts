// The clients the CLI builds (createClients) carry the per-operation retry policy: against a
// local server that answers every request with a 500, a create is sent once and a read is retried.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateUserPoolCommand, ListUserPoolsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients } from '../../../src/aws/clients.js';

let server: http.Server;
let endpoint = '';
const seen: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push(String(req.headers['x-amz-target']).split('.')[1] ?? '');
      res.writeHead(500, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ __type: 'InternalErrorException', message: 'boom' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

describe('createClients', () => {
  it('a create answered 500 is sent once; a read answered 500 is retried', async () => {
    const aws = createClients({ region: 'us-east-1', endpoint, maxAttempts: 3 });
    try {
      const cognito = await aws.cognito();
      await expect(cognito.send(new CreateUserPoolCommand({ PoolName: 'p' }))).rejects.toMatchObject({ name: 'InternalErrorException' });
      expect(seen.filter((op) => op === 'CreateUserPool')).toHaveLength(1);
      await expect(cognito.send(new ListUserPoolsCommand({ MaxResults: 1 }))).rejects.toMatchObject({ name: 'InternalErrorException' });
      expect(seen.filter((op) => op === 'ListUserPools')).toHaveLength(3);
    } finally {
      aws.destroy();
    }
  }, 30_000);
});
