// The S3 backend's requests, exactly (aws-sdk-client-mock): conditional saves, AWS's 409
// ConditionalRequestConflict (which the emulator never sends) retried, a 412 after a lost answer
// recognised as our own write, a real conflict refused, and the lock's conditional take-over.
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { S3Backend } from '../../../src/state/s3.js';
import { Locked, StateConflict } from '../../../src/state/errors.js';
import { serializeState } from '../../../src/state/parse.js';
import { sampleState } from './sample.js';

const s3 = mockClient(S3Client);
const where = { bucket: 'team-state', key: 'stacks/demo.json' };
const conn = { region: 'us-east-1', endpoint: 'http://127.0.0.1:1' };

// What the backend reads of a GetObject body (the SDK's stream mixin).
const body = (text: string) => ({ transformToString: async () => text }) as never;
const awsError = (name: string, status: number) => new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name });

beforeEach(() => s3.reset());
afterEach(() => s3.reset());

describe('S3 state: conditional saves', () => {
  it('the first save of a new stack is If-None-Match *, every later one If-Match on the last ETag', async () => {
    s3.on(GetObjectCommand).rejects(awsError('NoSuchKey', 404));
    s3.on(PutObjectCommand).resolvesOnce({ ETag: '"e1"' }).resolvesOnce({ ETag: '"e2"' });
    const b = new S3Backend(where, conn);
    expect(await b.load()).toBeUndefined();
    await b.save(sampleState());
    await b.save(sampleState());
    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(puts[0]).toMatchObject({ Bucket: 'team-state', Key: 'stacks/demo.json', IfNoneMatch: '*', ContentType: 'application/json' });
    expect(puts[0]!.IfMatch).toBeUndefined();
    expect(puts[1]).toMatchObject({ IfMatch: '"e1"' });
    expect(puts[1]!.IfNoneMatch).toBeUndefined();
  });

  it('409 ConditionalRequestConflict (concurrent conditional writes, AWS only) is retried, as AWS advises', async () => {
    s3.on(GetObjectCommand).resolves({ Body: body(serializeState(sampleState())), ETag: '"e0"' });
    s3.on(PutObjectCommand).rejectsOnce(awsError('ConditionalRequestConflict', 409)).rejectsOnce(awsError('ConditionalRequestConflict', 409)).resolves({ ETag: '"e1"' });
    const b = new S3Backend(where, conn);
    await b.load();
    await b.save(sampleState());
    expect(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.IfMatch)).toEqual(['"e0"', '"e0"', '"e0"']);
  });

  it('a 412 whose object is exactly what we wrote (the first answer was lost, the SDK retried) is our own save', async () => {
    const state = sampleState();
    s3.on(GetObjectCommand).resolvesOnce({ Body: body(serializeState(sampleState())), ETag: '"e0"' });
    s3.on(PutObjectCommand).rejects(awsError('PreconditionFailed', 412));
    const b = new S3Backend(where, conn);
    await b.load();
    s3.on(GetObjectCommand).resolves({ Body: body(serializeState(state)), ETag: '"e1"' });
    await b.save(state);
    s3.on(PutObjectCommand).resolves({ ETag: '"e2"' });
    await b.save(state);
    expect(s3.commandCalls(PutObjectCommand).at(-1)!.args[0].input.IfMatch).toBe('"e1"');
  });

  it('a 412 with another version there: StateConflict, and nothing else is written', async () => {
    s3.on(GetObjectCommand).resolvesOnce({ Body: body(serializeState(sampleState())), ETag: '"e0"' }).resolves({ Body: body('{"someone":"else"}'), ETag: '"x"' });
    s3.on(PutObjectCommand).rejects(awsError('PreconditionFailed', 412));
    const b = new S3Backend(where, conn);
    await b.load();
    const e = await b.save(sampleState()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StateConflict);
    expect((e as Error).message).toBe('State object s3://team-state/stacks/demo.json was changed by another run after this run read it (it has a new version); this run stopped without overwriting it.');
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(1);
  });

  it('If-Match on a state deleted meanwhile (AWS: 404 NoSuchKey) is a conflict too', async () => {
    s3.on(GetObjectCommand).resolvesOnce({ Body: body(serializeState(sampleState())), ETag: '"e0"' }).rejects(awsError('NoSuchKey', 404));
    s3.on(PutObjectCommand).rejects(awsError('NoSuchKey', 404));
    const b = new S3Backend(where, conn);
    await b.load();
    const e = await b.save(sampleState()).catch((x: unknown) => x);
    expect((e as Error).message).toMatch(/\(it was deleted\)/);
  });
});

describe('S3 state: the lock object', () => {
  const owner = (o: Record<string, unknown>) => JSON.stringify({ tool: 'cognito-scope-setup', runId: 'other', pid: 99999, host: 'elsewhere', user: 'bob', startedAt: '2026-01-01T00:00:00.000Z', heartbeatAt: '2026-01-01T00:00:00.000Z', ttlMs: 30_000, ...o });

  it('is taken with If-None-Match * and released with DeleteObject If-Match on its ETag', async () => {
    s3.on(PutObjectCommand).resolves({ ETag: '"l1"' });
    s3.on(DeleteObjectCommand).resolves({});
    const held = await new S3Backend(where, conn).lock({ command: 'init' });
    const put = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(put).toMatchObject({ Key: 'stacks/demo.json.lock', IfNoneMatch: '*' });
    expect(JSON.parse(String(put.Body))).toMatchObject({ pid: process.pid, command: 'init', runId: held.owner.runId, ttlMs: 30_000 });
    await held.release();
    expect(s3.commandCalls(DeleteObjectCommand)[0]!.args[0].input).toEqual({ Bucket: 'team-state', Key: 'stacks/demo.json.lock', IfMatch: '"l1"' });
  });

  it('a fresh lock of another machine is refused, naming its holder', async () => {
    s3.on(PutObjectCommand).rejects(awsError('PreconditionFailed', 412));
    s3.on(GetObjectCommand).resolves({ Body: body(owner({})), ETag: '"l0"', LastModified: new Date() });
    const e = await new S3Backend(where, conn).lock().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(Locked);
    expect((e as Error).message).toMatch(/^Another cognito-scope-setup run \(pid 99999\) holds the lock on s3:\/\/team-state\/stacks\/demo\.json: host elsewhere, user bob, run id other/);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(1);
  });

  it('a lock past its time-to-live is replaced with If-Match on the stale ETag (of two takers only one can win)', async () => {
    s3.on(PutObjectCommand, { IfNoneMatch: '*' }).rejects(awsError('PreconditionFailed', 412));
    s3.on(PutObjectCommand, { IfMatch: '"stale"' }).resolves({ ETag: '"mine"' });
    s3.on(GetObjectCommand).resolves({ Body: body(owner({ ttlMs: 1000 })), ETag: '"stale"', LastModified: new Date(Date.now() - 60_000) });
    const held = await new S3Backend(where, conn).lock();
    expect(held.tookOver?.owner.runId).toBe('other');
    expect(held.tookOver?.reason).toMatch(/longer than its time-to-live of 1 s/);
    held.releaseSync();
  });

  it('a taker that loses the conditional replace to another looks again and is refused', async () => {
    s3.on(PutObjectCommand).rejects(awsError('PreconditionFailed', 412));
    s3.on(GetObjectCommand)
      .resolvesOnce({ Body: body(owner({ ttlMs: 1000 })), ETag: '"stale"', LastModified: new Date(Date.now() - 60_000) })
      // What the replace's 412 is checked against: not ours.
      .resolvesOnce({ Body: body(owner({ runId: 'winner' })), ETag: '"w"', LastModified: new Date() })
      .resolves({ Body: body(owner({ runId: 'winner' })), ETag: '"w"', LastModified: new Date() });
    const e = await new S3Backend(where, conn).lock().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(Locked);
    expect((e as Error).message).toMatch(/run id winner/);
  });
});
