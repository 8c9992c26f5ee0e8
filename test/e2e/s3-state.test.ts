// Stack state in S3 (issue 15), against the emulator's S3 over HTTP: init from one working
// directory, status / plan / outputs / list / destroy from another; two inits at once (one is
// refused, naming the holder); a killed run's lock taken over (at once on this machine, after its
// time-to-live for another machine's); a conditional-write conflict stops without loss; a missing
// bucket and access denied are one clear line; the secret and the password never reach S3.
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { initArgsFor, killCli, PASSWORD, runCli, spawnCli, type CliOptions } from '../support/cli.js';
import { inventory } from '../support/inventory.js';
import { holdAtFirstWrite, startCountingProxy, type CountingProxy } from '../support/proxy.js';

const endpoint = inject('emulatorEndpoint');
const RUN = Date.now().toString(36);
const BUCKET = `css-state-${RUN}`;
const s3 = (key = 'test') => new S3Client({ endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: key, secretAccessKey: 'test' } });
const client = s3();

/** A working directory of its own (another machine, as far as the state goes): no local state in it. */
const workdir = () => mkdtempSync(join(tmpdir(), 'css-s3wd-'));
const env = (extra: Record<string, string> = {}) => ({ AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1', NO_COLOR: '1', ...extra });
const url = (stack: string) => `s3://${BUCKET}/stacks/${stack}.json`;
const keysOf = async (prefix: string) => ((await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }))).Contents ?? []).map((o) => o.Key!).sort();
const objectText = async (key: string) => (await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key })).then((r) => r.Body!.transformToString()));

const initArgs = (stack: string, ep: string, user = true) => initArgsFor(stack, ep, { user, extra: ['--state', url(stack)] });
const cli = (args: string[], o: CliOptions = {}) => runCli(args, { env: env(), cwd: workdir(), ...o });

beforeAll(async () => {
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
});

describe('one stack, two machines', () => {
  const stack = `e2e-s3-${RUN}`;
  const here = workdir();
  const there = workdir();

  it('init from one directory writes the state to S3 only; status, plan, outputs and list work from another', async () => {
    const init = await runCli(initArgs(stack, endpoint), { env: env(), cwd: here, input: PASSWORD + '\n' });
    expect(init.code, init.stderr).toBe(0);
    expect(init.json().stateFile).toBe(url(stack));
    // Nothing local: no state directory in the working directory; the object and no lock in S3.
    expect(readdirSync(here)).toEqual([]);
    expect(await keysOf('stacks/')).toEqual([`stacks/${stack}.json`]);

    const status = await runCli(['status', '--json', '--stack', stack, '--state', url(stack), '--endpoint-url', endpoint], { env: env(), cwd: there });
    expect(status.code, status.stderr).toBe(0);
    expect(status.json()).toMatchObject({ stack, inSync: true, stateFile: url(stack) });
    const plan = await runCli(['plan', '--json', '--stack', stack, '--state', url(stack), '--endpoint-url', endpoint], { env: env(), cwd: there });
    expect(plan.code, plan.stderr).toBe(0);
    // The per-stack default key from COGNITO_SCOPE_SETUP_STATE_DIR=s3://bucket/prefix/.
    const dirEnv = env({ COGNITO_SCOPE_SETUP_STATE_DIR: `s3://${BUCKET}/stacks/` });
    const outputs = await runCli(['outputs', '--json', '--show-secret', '--stack', stack, '--endpoint-url', endpoint], { env: dirEnv, cwd: there });
    expect(outputs.code, outputs.stderr).toBe(0);
    const secret = outputs.json().outputs.clientSecret as string;
    expect(secret).toMatch(/\S{20,}/);
    const list = await runCli(['list', '--json', '--endpoint-url', endpoint], { env: dirEnv, cwd: there });
    expect(list.code, list.stderr).toBe(0);
    expect(list.json().stacks).toEqual([expect.objectContaining({ stack, complete: true, locked: false, stateFile: url(stack) })]);
    expect(readdirSync(there)).toEqual([]);

    // The secret and the password never reach the S3 object.
    const text = await objectText(`stacks/${stack}.json`);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(PASSWORD);
    expect(text).toContain(init.json().outputs.clientId);
  });

  it('destroy from the other directory removes everything, the state object and its lock', async () => {
    const d = await runCli(['destroy', '--yes', '--json', '--stack', stack, '--state', url(stack), '--endpoint-url', endpoint], { env: env(), cwd: there });
    expect(d.code, d.stderr).toBe(0);
    expect(d.json().remaining).toEqual([]);
    expect(await keysOf(`stacks/${stack}.json`)).toEqual([]);
    expect(await inventory(endpoint, stack)).toMatchObject({ roles: 0, functions: 0, apis: 0, pools: 0 });
  });
});

/** Holds every request except S3's once the first mutating non-S3 request arrives, until release(). */
const holdAtFirstAwsWrite = (p: CountingProxy) => holdAtFirstWrite(p, (r) => r.path.startsWith(`/${BUCKET}`));

describe('runs that meet on one stack', () => {
  let px: CountingProxy;
  beforeAll(async () => {
    px = await startCountingProxy(endpoint);
  });
  afterAll(async () => {
    await px?.close();
  });

  it('two inits at once from different directories: the second is refused, naming the holder; the first finishes and releases', async () => {
    const stack = `e2e-s3two-${RUN}`;
    const gate = holdAtFirstAwsWrite(px);
    const first = spawnCli(initArgs(stack, px.endpoint, false), { env: env(), cwd: workdir() });
    try {
      await gate.held;
      const lock = JSON.parse(await objectText(`stacks/${stack}.json.lock`));
      expect(lock).toMatchObject({ pid: first.child.pid, command: 'init', runId: expect.any(String), host: expect.any(String), user: expect.any(String), startedAt: expect.any(String), heartbeatAt: expect.any(String) });
      const second = await runCli(initArgs(stack, px.endpoint, false), { env: env(), cwd: workdir() });
      expect(second.code).toBe(1);
      expect(second.json().error.code).toBe('LOCKED');
      expect(second.stderr).toContain(`Another cognito-scope-setup run (pid ${first.child.pid}) holds the lock on ${url(stack)}: host ${lock.host}, user ${lock.user}, init, run id ${lock.runId}`);
    } finally {
      gate.release();
      await first.done;
    }
    const done = await first.done;
    expect(done.code, done.stderr).toBe(0);
    expect(await keysOf(`stacks/${stack}.json`)).toEqual([`stacks/${stack}.json`]);
    const d = await cli(['destroy', '--yes', '--stack', stack, '--state', url(stack), '--endpoint-url', px.endpoint]);
    expect(d.code, d.stderr).toBe(0);
  });

  it('a run killed with SIGKILL: its lock stays; on this machine the next run takes it over at once', async () => {
    const stack = `e2e-s3kill-${RUN}`;
    const gate = holdAtFirstAwsWrite(px);
    const doomed = spawnCli(initArgs(stack, px.endpoint, false), { env: env(), cwd: workdir() });
    await gate.held;
    await killCli(doomed.child);
    gate.release();
    expect(JSON.parse(await objectText(`stacks/${stack}.json.lock`)).pid).toBe(doomed.child.pid);
    const next = await cli(initArgs(stack, px.endpoint, false));
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toMatch(new RegExp(`Took over the lock of stack ${stack}: its holder, pid ${doomed.child.pid} on host .*, is gone \\(its process ${doomed.child.pid} on this host is gone\\)`));
    expect(await keysOf(`stacks/${stack}.json`)).toEqual([`stacks/${stack}.json`]);
    const d = await cli(['destroy', '--yes', '--stack', stack, '--state', url(stack), '--endpoint-url', px.endpoint]);
    expect(d.code, d.stderr).toBe(0);
  });

  it("a killed run on another machine: its lock is kept while fresh, and taken over once its heartbeat is older than its time-to-live", async () => {
    const stack = `e2e-s3ttl-${RUN}`;
    const gate = holdAtFirstAwsWrite(px);
    // A short time-to-live, recorded in the lock by its holder.
    const doomed = spawnCli(initArgs(stack, px.endpoint, false), { env: env({ COGNITO_SCOPE_SETUP_LOCK_TTL: '10' }), cwd: workdir() });
    await gate.held;
    await killCli(doomed.child);
    gate.release();
    // What a runner that vanished elsewhere leaves: the same lock, with another host in it.
    const lock = JSON.parse(await objectText(`stacks/${stack}.json.lock`));
    expect(lock.ttlMs).toBe(10_000);
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `stacks/${stack}.json.lock`, Body: JSON.stringify({ ...lock, host: 'ci-runner-gone' }) }));
    const early = await cli(initArgs(stack, px.endpoint, false));
    expect(early.code).toBe(1);
    expect(early.json().error.code).toBe('LOCKED');
    expect(early.stderr).toContain(`holds the lock on ${url(stack)}: host ci-runner-gone`);
    expect(early.json().error.hint).toMatch(/no heartbeat for 10 s\) is taken over automatically.*unlock --force --state/);
    // Past its time-to-live (S3's clock: Last-Modified has one-second steps).
    await new Promise((r) => setTimeout(r, 12_000));
    const next = await cli(initArgs(stack, px.endpoint, false));
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toMatch(/Took over the lock .* on host ci-runner-gone .*is gone \(its last heartbeat was \d+ s ago, longer than its time-to-live of 10 s\)/);
    const d = await cli(['destroy', '--yes', '--stack', stack, '--state', url(stack), '--endpoint-url', px.endpoint]);
    expect(d.code, d.stderr).toBe(0);
  });

  it('two runs that find one stale lock at the same moment: exactly one takes it over, the other is refused', async () => {
    const stack = `e2e-s3stale2-${RUN}`;
    const key = `stacks/${stack}.json.lock`;
    // A lock of a runner that vanished elsewhere, with a time-to-live of 1 s, then older than that.
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: JSON.stringify({ tool: 'cognito-scope-setup', runId: 'gone', pid: 4242, host: 'ci-runner-gone', user: 'ci', startedAt: '2026-01-01T00:00:00.000Z', heartbeatAt: '2026-01-01T00:00:00.000Z', ttlMs: 1000 }) }));
    await new Promise((r) => setTimeout(r, 3000));
    const gate = holdAtFirstAwsWrite(px);
    const runs = [0, 1].map(() => spawnCli(initArgs(stack, px.endpoint, false), { env: env(), cwd: workdir() }));
    let results;
    try {
      // The loser ends on its own (refused); the winner is held at its first AWS write.
      const loser = await Promise.race(runs.map((r, i) => r.done.then((d) => ({ ...d, i }))));
      expect(loser.code, loser.stderr).toBe(1);
      expect(loser.json().error.code).toBe('LOCKED');
      await gate.held;
    } finally {
      gate.release();
      results = await Promise.all(runs.map((r) => r.done));
    }
    expect(results.map((r) => r.code).sort()).toEqual([0, 1]);
    const winner = results.find((r) => r.code === 0)!;
    expect(winner.stderr).toMatch(/Took over the lock .* on host ci-runner-gone .*is gone \(its last heartbeat was \d+ s ago, longer than its time-to-live of 1 s\)/);
    const d = await cli(['destroy', '--yes', '--stack', stack, '--state', url(stack), '--endpoint-url', px.endpoint]);
    expect(d.code, d.stderr).toBe(0);
  });

  it('unlock names the holder; unlock --force removes the lock', async () => {
    const stack = `e2e-s3unlock-${RUN}`;
    const key = `stacks/${stack}.json.lock`;
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: JSON.stringify({ tool: 'cognito-scope-setup', runId: 'r-elsewhere', pid: 4242, host: 'laptop-of-bob', user: 'bob', command: 'init', startedAt: '2026-01-01T00:00:00.000Z', heartbeatAt: '2026-01-01T00:00:00.000Z', ttlMs: 600_000 }) }));
    const ask = await cli(['unlock', '--stack', stack, '--state', url(stack), '--endpoint-url', px.endpoint]);
    expect(ask.code).toBe(2);
    expect(ask.stderr).toMatch(/--force: unlock removes the lock of stack .* needs --force \(held by pid 4242 on host laptop-of-bob \(user bob, init, run id r-elsewhere/);
    expect(await keysOf(key)).toEqual([key]);
    const force = await cli(['unlock', '--force', '--json', '--stack', stack, '--state', url(stack), '--endpoint-url', px.endpoint]);
    expect(force.code, force.stderr).toBe(0);
    expect(force.json().removed).toMatchObject({ pid: 4242, host: 'laptop-of-bob', user: 'bob', runId: 'r-elsewhere' });
    expect(await keysOf(key)).toEqual([]);
  });

  for (const first of [true, false]) {
    it(`the state changed under a running init (${first ? 'first save, If-None-Match *' : 'later save, If-Match'}): it stops, overwrites nothing and loses nothing`, async () => {
      const stack = `e2e-s3race${first ? 'a' : 'b'}-${RUN}`;
      const key = `stacks/${stack}.json`;
      if (!first) {
        const pre = await cli(initArgs(stack, px.endpoint, false));
        expect(pre.code, pre.stderr).toBe(0);
      }
      const wd = workdir();
      const gate = holdAtFirstAwsWrite(px);
      // Not a no-op for the second case: a new scope is an update, which is saved.
      const run = spawnCli([...initArgs(stack, px.endpoint, false), ...(first ? [] : ['--scope', 'read.helloworld.message', '--scope', 'write.more'])], { env: env(), cwd: wd });
      let theirs: string;
      try {
        await gate.held;
        // Another writer that did not take the lock (a hand edit, an old client): its version must survive.
        const base = first ? { version: 1, tool: 'cognito-scope-setup', stack } : JSON.parse(await objectText(key));
        theirs = JSON.stringify({ ...base, updatedAt: '2099-01-01T00:00:00.000Z', note: 'written by someone else' });
        await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: theirs }));
      } finally {
        gate.release();
        await run.done;
      }
      const r = await run.done;
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`State object ${url(stack).replace(/[.]/g, '\\.')} was changed by another run after this run read it .*this run stopped without overwriting it\\. What this run recorded is in `));
      expect(await objectText(key)).toBe(theirs!);
      // What the run created is in the rescue file it named, so nothing is lost.
      const rescue = /What this run recorded is in (\S+?)\.(\s|$)/.exec(r.stderr)![1]!;
      expect(rescue.startsWith(join(wd, '.cognito-scope-setup'))).toBe(true);
      const saved = JSON.parse(readFileSync(rescue, 'utf8'));
      expect(Object.keys(saved.resources).length).toBeGreaterThan(0);
      // The lock is released on this exit path too.
      expect(await keysOf(`${key}.lock`)).toEqual([]);
      // Clean up: put the run's view back and destroy.
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: readFileSync(rescue) }));
      const d = await cli(['destroy', '--yes', '--stack', stack, '--state', url(stack), '--endpoint-url', px.endpoint]);
      expect(d.code, d.stderr).toBe(0);
      expect(await inventory(endpoint, stack)).toMatchObject({ roles: 0, functions: 0, apis: 0, pools: 0 });
    });
  }
});

describe('moving a state between a file and S3', () => {
  it('state push copies a local state to S3, pull brings it back; neither overwrites a newer one', async () => {
    const stack = `e2e-s3move-${RUN}`;
    const wd = workdir();
    const local = join(wd, '.cognito-scope-setup', `${stack}.json`);
    const init = await runCli(['init', '--yes', '--json', '--endpoint-url', endpoint, '--stack', stack, '--region', 'us-east-1', '--no-user', '--domain-prefix', `${stack}-login`], { env: env(), cwd: wd });
    expect(init.code, init.stderr).toBe(0);
    expect(existsSync(local)).toBe(true);
    const push = await runCli(['state', 'push', '--json', '--stack', stack, '--to', url(stack), '--endpoint-url', endpoint], { env: env(), cwd: wd });
    expect(push.code, push.stderr).toBe(0);
    expect(push.json()).toMatchObject({ stack, from: local, to: url(stack), result: 'copied' });
    expect(JSON.parse(await objectText(`stacks/${stack}.json`))).toEqual(JSON.parse(readFileSync(local, 'utf8')));
    // From S3 on, another directory works with it.
    const st = await cli(['status', '--stack', stack, '--state', url(stack), '--endpoint-url', endpoint]);
    expect(st.code, st.stderr).toBe(0);
    // A newer state in S3 (a run from another machine) is not overwritten by the older local one.
    const newer = { ...JSON.parse(readFileSync(local, 'utf8')), updatedAt: '2099-01-01T00:00:00.000Z' };
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `stacks/${stack}.json`, Body: JSON.stringify(newer) }));
    const refused = await runCli(['state', 'push', '--stack', stack, '--to', url(stack), '--endpoint-url', endpoint], { env: env(), cwd: wd });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/holds a newer state of stack .* \(updated 2099-01-01T00:00:00.000Z; the one at .* was updated .*\); it was not overwritten/);
    expect(JSON.parse(await objectText(`stacks/${stack}.json`)).updatedAt).toBe('2099-01-01T00:00:00.000Z');
    // pull: the newer one comes back to the file; pulling again changes nothing.
    const pull = await runCli(['state', 'pull', '--json', '--stack', stack, '--state', url(stack), '--to', local, '--endpoint-url', endpoint], { env: env(), cwd: wd });
    expect(pull.code, pull.stderr).toBe(0);
    expect(pull.json()).toMatchObject({ result: 'copied', replaced: expect.any(String) });
    expect(JSON.parse(readFileSync(local, 'utf8')).updatedAt).toBe('2099-01-01T00:00:00.000Z');
    const again = await runCli(['state', 'pull', '--json', '--stack', stack, '--state', url(stack), '--to', local, '--endpoint-url', endpoint], { env: env(), cwd: wd });
    expect(again.json().result).toBe('unchanged');
    const bad = await runCli(['state', 'push', '--stack', stack, '--to', '/tmp/x.json'], { env: env(), cwd: wd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--to \/tmp\/x\.json: state push sends the state to S3/);
    const d = await cli(['destroy', '--yes', '--stack', stack, '--state', url(stack), '--endpoint-url', endpoint]);
    expect(d.code, d.stderr).toBe(0);
  });
});

describe('S3 that cannot be used: one clear line', () => {
  it('a bucket that does not exist: exit 2, naming --state and the bucket', async () => {
    const r = await cli(['status', '--stack', 'nobucket', '--state', `s3://no-such-bucket-${RUN}/x.json`, '--endpoint-url', endpoint]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(`error: --state s3://no-such-bucket-${RUN}/x.json: the S3 bucket "no-such-bucket-${RUN}" does not exist (NoSuchBucket, while trying to read).`);
    const j = await cli(['init', '--json', '--yes', '--no-user', '--stack', 'nobucket', '--state', `s3://no-such-bucket-${RUN}/x.json`, '--endpoint-url', endpoint]);
    expect(j.code).toBe(2);
    expect(j.json().error.code).toBe('STATE_BUCKET');
  });

  it("another account's bucket: access denied, exit 1, and what to grant", async () => {
    const other = s3('111111111111');
    const theirs = `css-theirs-${RUN}`;
    await other.send(new CreateBucketCommand({ Bucket: theirs }));
    const r = await cli(['init', '--yes', '--no-user', '--stack', 'denied', '--state', `s3://${theirs}/denied.json`, '--endpoint-url', endpoint]);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(`error: Access denied to s3://${theirs}/denied.json (AccessDenied, while trying to read): these credentials may not use the state there.`);
    expect(r.stderr).toMatch(/hint: Grant s3:GetObject, s3:PutObject and s3:DeleteObject/);
  });

  it('a malformed s3:// URL: exit 2 before any request', async () => {
    const r = await cli(['status', '--stack', 'x', '--state', 's3://Bad_Bucket/x.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--state s3:\/\/Bad_Bucket\/x\.json: "Bad_Bucket" is not a valid S3 bucket name/);
    const k = await cli(['status', '--stack', 'x', '--state', `s3://${BUCKET}/`]);
    expect(k.code).toBe(2);
    expect(k.stderr).toMatch(/names no object key/);
  });
});
