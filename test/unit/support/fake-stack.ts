// A state file for a complete stack, written without AWS, and an Io that captures output:
// enough to run the commands that read state (outputs, export postman, token/verify flag checks).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { tutorialInputs } from '../../support/fixtures.js';
import { STATE_VERSION, TOOL, type State } from '../../../src/state/schema.js';
import type { Io } from '../../../src/ui/output.js';

export function fakeState(over: Partial<State> = {}, resources: Record<string, Record<string, unknown>> = {}): State {
  const stack = over.stack ?? 'hello-world';
  return {
    version: STATE_VERSION,
    tool: TOOL,
    stack,
    region: 'us-east-1',
    accountId: '123456789012',
    inputs: tutorialInputs(stack, { loopbackPort: 8976 }),
    domainPrefixGenerated: true,
    resources: {
      api: { id: 'a1b2c3d4e5', rootResourceId: 'r00t' },
      userPool: { id: 'us-east-1_AbCdEfGhI' },
      domain: { id: `${stack}-ab12cd` },
      resourceServer: { id: `${stack}-api` },
      client: { id: 'clientid1234567890abcdefgh' },
      deployment: { id: 'dev' },
      user: { id: 'alice' },
      ...resources,
    },
    createdAt: '2026-11-24T00:00:00.000Z',
    updatedAt: '2026-11-24T00:00:00.000Z',
    ...over,
  };
}

export function writeStateFile(state: State): string {
  const dir = mkdtempSync(join(tmpdir(), 'css-unit-'));
  const file = join(dir, `${state.stack}.json`);
  writeFileSync(file, JSON.stringify(state, null, 2), { mode: 0o600 });
  return file;
}

export interface CapturedIo extends Io {
  out(): string;
  err(): string;
}

export function captureIo(stdin = '', env: NodeJS.ProcessEnv = {}): CapturedIo {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const input = new PassThrough();
  input.end(stdin);
  return { stdout, stderr, stdin: input, env, out: () => out, err: () => err };
}
