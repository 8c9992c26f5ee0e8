import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  InvalidParameterValueException,
  ResourceNotFoundException,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { functionStep } from '../../../src/steps/function.js';
import { lambdaCode } from '../../../src/steps/lambda-code.js';
import { OUR_TAG, RECORDS, STACK, awsError, lambdaMock, makeHarness, resetMocks } from './harness.js';

const FN = `${STACK}-lambda`;

beforeEach(resetMocks);
afterEach(() => {
  vi.useRealTimers();
});

describe('function.create', () => {
  it('sends CreateFunction with the runtime, python handler, tags and a zip of the tutorial handler', async () => {
    const h = makeHarness({ records: { role: RECORDS.role } });
    lambdaMock.on(CreateFunctionCommand).resolves({ FunctionArn: RECORDS.function.arn, State: 'Active' });

    const record = await functionStep.create(h.ctx);

    expect(record).toEqual({ id: FN, arn: RECORDS.function.arn });
    expect(h.checkpoints).toEqual([{ id: FN, arn: RECORDS.function.arn }]);
    const calls = lambdaMock.commandCalls(CreateFunctionCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0].args[0].input;
    expect(input).toMatchObject({
      FunctionName: FN,
      Runtime: 'python3.13',
      Role: RECORDS.role.arn,
      Handler: 'lambda_function.lambda_handler',
      Tags: { 'cognito-scope-setup:stack': STACK },
    });
    const files = unzipSync(input.Code!.ZipFile!);
    expect(Object.keys(files)).toEqual(['lambda_function.py']);
    const source = strFromU8(files['lambda_function.py']);
    expect(source).toContain("json.dumps('Hello World!')");
    expect(source).toContain("'statusCode': 200");
    expect(source).toMatch(/def lambda_handler\(event, context\):/);
    expect(h.notes).toEqual([]);
    // The tutorial's description, as before (stacks made earlier show no difference).
    expect(input.Description).toBe('Hello World (cognito-scope-setup)');
  });

  it("the user's own code (--code) gets a neutral description, not the tutorial's Hello World", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'css-fn-unit-'));
    writeFileSync(join(dir, 'app.py'), 'def handle(e, c):\n    return {"statusCode": 200}\n');
    const h = makeHarness({ records: { role: RECORDS.role }, inputs: { code: dir, handler: 'app.handle' } });
    lambdaMock.on(CreateFunctionCommand).resolves({ FunctionArn: RECORDS.function.arn, State: 'Active' });
    await functionStep.create(h.ctx);
    expect(lambdaMock.commandCalls(CreateFunctionCommand)[0].args[0].input).toMatchObject({ Handler: 'app.handle', Description: `${STACK} API handler (cognito-scope-setup)` });
  });

  it('a new Pending function: returns once CreateFunction answered and hands the wait for Active to the engine', async () => {
    const h = makeHarness({ records: { role: RECORDS.role } });
    const deferred: Promise<void>[] = [];
    h.ctx.defer = (w) => void deferred.push(w());
    lambdaMock.on(CreateFunctionCommand).resolves({ FunctionArn: RECORDS.function.arn, State: 'Pending' });
    lambdaMock.on(GetFunctionCommand).resolves({ Configuration: { State: 'Active' } });
    await expect(functionStep.create(h.ctx)).resolves.toEqual({ id: FN, arn: RECORDS.function.arn });
    expect(lambdaMock.commandCalls(GetFunctionCommand)).toHaveLength(0);
    expect(deferred).toHaveLength(1);
    await deferred[0];
    expect(lambdaMock.commandCalls(GetFunctionCommand)).toHaveLength(1);
  });

  it('uses the runtime from the inputs and a node handler for nodejs runtimes', async () => {
    const h = makeHarness({ records: { role: RECORDS.role }, inputs: { runtime: 'nodejs22.x' } });
    lambdaMock.on(CreateFunctionCommand).resolves({ FunctionArn: RECORDS.function.arn, State: 'Active' });
    await functionStep.create(h.ctx);
    const input = lambdaMock.commandCalls(CreateFunctionCommand)[0].args[0].input;
    expect(input.Runtime).toBe('nodejs22.x');
    expect(input.Handler).toBe('index.handler');
    const files = unzipSync(input.Code!.ZipFile!);
    expect(Object.keys(files)).toEqual(['index.mjs']);
    expect(strFromU8(files['index.mjs'])).toContain("JSON.stringify('Hello World!')");
  });

  // The propagation retry lives in the SDK retry strategy (src/aws/retry.ts), which the mock bypasses: see test/unit/aws/retry.test.ts.
  it('does not retry other errors', async () => {
    const h = makeHarness({ records: { role: RECORDS.role } });
    const other = new InvalidParameterValueException({ message: 'Unzipped size must be smaller than 262144000 bytes', $metadata: {} });
    lambdaMock.on(CreateFunctionCommand).rejects(other);
    await expect(functionStep.create(h.ctx)).rejects.toBe(other);
    expect(lambdaMock.commandCalls(CreateFunctionCommand)).toHaveLength(1);
    expect(h.notes).toEqual([]);
    expect(h.checkpoints).toEqual([]);
  });

  it('waits for a Pending function to become Active', async () => {
    const h = makeHarness({ records: { role: RECORDS.role } });
    lambdaMock.on(CreateFunctionCommand).resolves({ FunctionArn: RECORDS.function.arn, State: 'Pending' });
    lambdaMock.on(GetFunctionCommand).resolves({ Configuration: { FunctionName: FN, State: 'Active' } });
    await functionStep.create(h.ctx);
    expect(lambdaMock.commandCalls(GetFunctionCommand).length).toBeGreaterThanOrEqual(1);
    expect(lambdaMock.commandCalls(GetFunctionCommand)[0].args[0].input).toEqual({ FunctionName: FN });
  });
});

describe('function.read', () => {
  const code = lambdaCode('python3.13');
  const liveConfig = {
    FunctionName: FN,
    FunctionArn: RECORDS.function.arn,
    Runtime: 'python3.13' as const,
    Handler: 'lambda_function.lambda_handler',
    CodeSha256: code.sha256,
    Role: RECORDS.role.arn,
  };

  it('returns undefined when the function does not exist', async () => {
    const h = makeHarness({ records: { role: RECORDS.role } });
    lambdaMock.on(GetFunctionCommand).rejects(new ResourceNotFoundException({ message: 'Function not found', $metadata: {} }));
    await expect(functionStep.read(h.ctx, undefined)).resolves.toBeUndefined();
    expect(lambdaMock.commandCalls(GetFunctionCommand)[0].args[0].input).toEqual({ FunctionName: FN });
  });

  it('reports no changes for the function as created', async () => {
    const h = makeHarness({ records: { role: RECORDS.role } });
    lambdaMock.on(GetFunctionCommand).resolves({ Configuration: liveConfig, Tags: OUR_TAG });
    await expect(functionStep.read(h.ctx, undefined)).resolves.toEqual({ record: { id: FN, arn: RECORDS.function.arn }, changes: [] });
  });

  it('the code hash is the base64 SHA-256 of the zip, stable across calls', () => {
    expect(code.sha256).toBe(createHash('sha256').update(code.zip).digest('base64'));
    expect(lambdaCode('python3.13').sha256).toBe(code.sha256);
  });

  it('reports runtime and code drift', async () => {
    const h = makeHarness({ records: { role: RECORDS.role } });
    lambdaMock.on(GetFunctionCommand).resolves({ Configuration: { ...liveConfig, Runtime: 'python3.12', CodeSha256: 'c29tZXRoaW5nIGVsc2U=' }, Tags: OUR_TAG });
    const live = await functionStep.read(h.ctx, undefined);
    expect(live?.changes).toEqual([
      { field: 'runtime', from: 'python3.12', to: 'python3.13' },
      { field: 'code', from: 'other code (changed outside this tool)', to: "the tutorial's Python handler" },
    ]);
  });

  it('a runtime change to another language: the code line says which handler, no hash', async () => {
    const h = makeHarness({ records: { role: RECORDS.role }, inputs: { runtime: 'nodejs22.x' } });
    lambdaMock.on(GetFunctionCommand).resolves({ Configuration: { ...liveConfig }, Tags: OUR_TAG });
    const live = await functionStep.read(h.ctx, undefined);
    expect(live?.changes.find((c) => c.field === 'code')).toEqual({ field: 'code', from: "the tutorial's Python handler", to: "the tutorial's Node.js handler" });
    expect(JSON.stringify(live?.changes)).not.toContain(code.sha256);
  });

  it('reports a different role', async () => {
    const h = makeHarness({ records: { role: RECORDS.role } });
    lambdaMock.on(GetFunctionCommand).resolves({ Configuration: { ...liveConfig, Role: 'arn:aws:iam::123456789012:role/other' }, Tags: OUR_TAG });
    const live = await functionStep.read(h.ctx, undefined);
    expect(live?.changes).toEqual([{ field: 'role', from: 'arn:aws:iam::123456789012:role/other', to: RECORDS.role.arn }]);
  });

  it('refuses a same-named function without our tag', async () => {
    const h = makeHarness({ records: { role: RECORDS.role } });
    lambdaMock.on(GetFunctionCommand).resolves({ Configuration: liveConfig, Tags: {} });
    await expect(functionStep.read(h.ctx, undefined)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('rethrows an error that is not a not-found', async () => {
    const h = makeHarness({ records: { role: RECORDS.role } });
    lambdaMock.on(GetFunctionCommand).rejects(awsError('AccessDeniedException'));
    await expect(functionStep.read(h.ctx, undefined)).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });
});

describe('function.update', () => {
  it('updates configuration and code for a runtime change', async () => {
    const h = makeHarness({ records: { role: RECORDS.role } });
    lambdaMock.on(GetFunctionCommand).resolves({ Configuration: { FunctionName: FN, State: 'Active', LastUpdateStatus: 'Successful' } });
    await functionStep.update!(h.ctx, { record: { id: FN, arn: RECORDS.function.arn }, changes: [{ field: 'runtime', from: 'python3.12', to: 'python3.13' }] });
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)[0].args[0].input).toEqual({
      FunctionName: FN,
      Runtime: 'python3.13',
      Handler: 'lambda_function.lambda_handler',
      Role: RECORDS.role.arn,
      Description: 'Hello World (cognito-scope-setup)',
    });
    expect(lambdaMock.commandCalls(UpdateFunctionCodeCommand)[0].args[0].input).toEqual({ FunctionName: FN, ZipFile: lambdaCode('python3.13').zip });
  });
});

describe('function.delete', () => {
  it('deletes by name and treats not-found as success', async () => {
    const h = makeHarness();
    lambdaMock.on(DeleteFunctionCommand).rejects(new ResourceNotFoundException({ message: 'gone', $metadata: {} }));
    await expect(functionStep.delete(h.ctx, { id: FN, arn: RECORDS.function.arn })).resolves.toBeUndefined();
    expect(lambdaMock.commandCalls(DeleteFunctionCommand)[0].args[0].input).toEqual({ FunctionName: FN });
  });
});
