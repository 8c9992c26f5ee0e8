// The README's CI example ("Teams and CI"), run as written against the emulator's S3: the script
// between the ci-example markers, with `npx cognito-scope-setup` being this checkout's CLI.
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { BIN, REPO, runCli } from '../support/cli.js';

const endpoint = inject('emulatorEndpoint');
const RUN = Date.now().toString(36);

function ciScript(): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const m = /<!-- ci-example:start -->\n```sh\n([\s\S]*?)```\n<!-- ci-example:end -->/.exec(readme);
  if (!m) throw new Error('README.md has no ci-example block');
  return m[1]!;
}

describe("README's CI example", () => {
  it('runs as written against the emulator: init on S3 state, status in sync; a second job changes nothing', async () => {
    const bucket = `css-ci-${RUN}`;
    const s3 = new S3Client({ endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    // `npx cognito-scope-setup ...` runs this checkout's build.
    const shim = mkdtempSync(join(tmpdir(), 'css-npx-'));
    writeFileSync(join(shim, 'npx'), `#!/bin/sh\n[ "$1" = cognito-scope-setup ] && shift\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(join(shim, 'npx'), 0o755);
    const stack = `e2e-ci-${RUN}`;
    const env = { PATH: `${shim}:${process.env.PATH}`, HOME: process.env.HOME, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1', STATE_BUCKET: bucket, STACK: stack, AWS_ENDPOINT: endpoint, NO_COLOR: '1' };
    const job = () => {
      const cwd = mkdtempSync(join(tmpdir(), 'css-ci-job-'));
      const r = spawnSync('sh', ['-c', ciScript()], { cwd, env, encoding: 'utf8', timeout: 180_000 });
      return { ...r, outputs: () => JSON.parse(readFileSync(join(cwd, 'outputs.json'), 'utf8')) };
    };
    const first = job();
    expect(first.status, first.stderr).toBe(0);
    expect(first.outputs()).toMatchObject({ stack, stateFile: `s3://${bucket}/cognito-scope-setup/${stack}.json` });
    expect(first.stdout).toMatch(new RegExp(`Stack ${stack} \\(us-east-1, account \\d+\\): in sync`));
    const keys = ((await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((o) => o.Key);
    expect(keys).toEqual([`cognito-scope-setup/${stack}.json`]);
    // A fresh runner: no local state, the same S3 state, nothing to change.
    const second = job();
    expect(second.status, second.stderr).toBe(0);
    expect(second.outputs().steps.every((s: { action: string }) => s.action === 'unchanged')).toBe(true);
    const d = await runCli(['destroy', '--yes', '--stack', stack, '--state', `s3://${bucket}/cognito-scope-setup/${stack}.json`, '--endpoint-url', endpoint], { env: { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' } });
    expect(d.code, d.stderr).toBe(0);
  });
});
