// The one place where typed errors of the steps, the state and the engine become the command
// line's words: each keeps the code, message, hint and exit code it had when the lower floors
// built CliErrors themselves (issue 10).
import { describe, expect, it } from 'vitest';
import { explain } from '../../../src/commands/explain.js';
import { M2M_BILLING_WARNING, costLine } from '../../../src/commands/notices.js';
import { CliError, UsageError } from '../../../src/errors.js';
import { BadS3Url, Locked, LockChanged, MoveRefused, StateConflict, StateInvalid, StateIo, StatePathUnusable, StateS3Failed } from '../../../src/state/errors.js';
import type { LockOwner } from '../../../src/state/owner.js';
import { DeletionProtected, DomainTaken, LambdaNotReady, PasswordNeeded } from '../../../src/steps/errors.js';

const said = (e: unknown) => {
  const x = explain(e) as CliError;
  expect(x).toBeInstanceOf(CliError);
  return { code: x.code, message: x.message, hint: x.hint, exit: x.exitCode };
};

describe('step errors', () => {
  it('DomainTaken: the flag to pick another prefix; a replacement says which domain was kept', () => {
    expect(said(new DomainTaken('my-login'))).toEqual({
      code: 'DOMAIN_TAKEN',
      message: 'The domain prefix "my-login" is already used by another user pool (prefixes are unique per region across all AWS accounts).',
      hint: 'Pick another one with --domain-prefix, then run init again.',
      exit: 1,
    });
    expect(said(new DomainTaken('new-login', 'old-login')).message).toMatch(/ The current domain "old-login" was kept\.$/);
  });

  it('PasswordNeeded: exit 2, naming the ways to give one', () => {
    expect(said(new PasswordNeeded('bob'))).toEqual({
      code: 'PASSWORD_NEEDED',
      message: 'The user "bob" needs its password set and no password was given.',
      hint: 'Pass it with --password-stdin or COGNITO_SCOPE_SETUP_PASSWORD, or use --invite or --no-user.',
      exit: 2,
    });
  });

  it('LambdaNotReady and DeletionProtected say which command resumes', () => {
    expect(said(new LambdaNotReady('f', 'active', undefined, 300_000))).toEqual({
      code: 'LAMBDA_NOT_READY',
      message: 'Lambda function f is still not Active after 300 s.',
      hint: 'Look at the function in the Lambda console, then run init again; it resumes where it stopped.',
      exit: 1,
    });
    expect(said(new LambdaNotReady('f', 'updated', 'bad zip'))).toMatchObject({ code: 'LAMBDA_FAILED', message: 'Lambda could not make function f ready: bad zip', hint: /then run init again\.$/ });
    expect(said(new DeletionProtected('us-east-1_x'))).toMatchObject({ code: 'DELETION_PROTECTED', hint: /then run destroy again\.$/, exit: 1 });
  });
});

describe('state errors', () => {
  it('a bad s3:// location names the flag (or variable) it came from, exit 2', () => {
    const x = explain(new BadS3Url('s3://A/b', '"A" is not a valid S3 bucket name', 'to')) as UsageError;
    expect(x).toBeInstanceOf(UsageError);
    expect(x.problems).toEqual(['--to s3://A/b: "A" is not a valid S3 bucket name']);
    expect((explain(new BadS3Url('s3://A/', 'x', 'env')) as UsageError).problems).toEqual(['COGNITO_SCOPE_SETUP_STATE_DIR s3://A/: x']);
  });

  it('a state path that is not a regular file: --state, the path and the rule, exit 2', () => {
    expect(said(new StatePathUnusable('/s/x.json', 'is a directory'))).toEqual({
      code: 'USAGE',
      message: '--state /s/x.json: is a directory; the state must be a regular file of at most 1 MiB, or a path that does not exist yet',
      hint: undefined,
      exit: 2,
    });
  });

  it('an invalid state: the repair for a file or an object, the right file, or an upgrade', () => {
    expect(said(new StateInvalid('State file /x is empty.', 'empty', 'file')).hint).toMatch(/^Fix the file by hand/);
    expect(said(new StateInvalid('State object s3://b/k is empty.', 'empty', 's3')).hint).toMatch(/^Fix the object \(download, edit, upload\)/);
    expect(said(new StateInvalid('m', 'other-tool', 'file')).hint).toBe('Pass the right file with --state.');
    expect(said(new StateInvalid('m', 'too-big', 's3')).hint).toBe('Pass --state another key.');
    expect(said(new StateInvalid('m', 'too-new', 'file'))).toMatchObject({ code: 'STATE_TOO_NEW', hint: 'Upgrade: npx cognito-scope-setup@latest <command>. The file was not changed.', exit: 1 });
  });

  it('a file-system error: what to do about each errno', () => {
    const io = (errno: string) => said(new StateIo('/s/x.json', 'save the state', errno, `${errno} on /s/x.json`));
    expect(io('EACCES')).toEqual({ code: 'STATE_IO', message: 'Cannot save the state: EACCES on /s/x.json (EACCES).', hint: 'Fix its permissions (it needs read and write for you), or pass --state a path you own.', exit: 1 });
    expect(io('EISDIR').hint).toBe('Pass --state a file path (for example --state ./state/<stack>.json).');
    expect(io('EEXIST').hint).toBe('Pass --state a path whose parent is a directory.');
  });

  it('a lock held by a live run: the holder, the wait, and the forced unlock of that location', () => {
    const holder: LockOwner = { tool: 'cognito-scope-setup', runId: 'r1', pid: 42, host: 'h', user: 'u', command: 'init', startedAt: 'T', heartbeatAt: 'T', ttlMs: 60_000 };
    expect(said(new Locked(holder, '/s/x.json', 2000, { kind: 'force-unlock' }))).toEqual({
      code: 'LOCKED',
      message: 'Another cognito-scope-setup run (pid 42) holds the lock on /s/x.json: host h, user u, init, run id r1, since T, last heartbeat 2 s ago.',
      hint: 'Wait for it to finish; a lock whose holder is gone (its process ended, or no heartbeat for 60 s) is taken over automatically. If you are sure no run holds it: cognito-scope-setup unlock --force --state /s/x.json',
      exit: 1,
    });
    expect(said(new Locked(undefined, '/s/x.json', undefined, { kind: 'not-a-directory', path: '/s/x.json.lock' })).hint).toMatch(/30 s\) is taken over automatically\. \/s\/x\.json\.lock is not a directory; remove it if no run is using this stack\.$/);
    expect(said(new LockChanged('s3://b/k'))).toMatchObject({ code: 'LOCK_CHANGED', hint: 'Run unlock --force again to see who holds it now.' });
  });

  it('a state changed under this run: status on that location, and where the rescue copy is', () => {
    const save = new StateConflict('save', 's3://b/k', 'State object s3://b/k was changed.');
    expect(said(save).hint).toBe('Check the stack with status --state s3://b/k, then run init again: resources this run created are found again by name and ownership tag.');
    expect(said(save.withRescue('/r.json')).message).toBe('State object s3://b/k was changed. What this run recorded is in /r.json.');
    expect(said(new StateConflict('delete', 's3://b/k', 'm')).hint).toBe('Check the stack with status --state s3://b/k.');
    expect(said(new StateConflict('lock-lost', '/s/x.json', 'm'))).toMatchObject({ code: 'LOCK_LOST', hint: /^Check the stack with status, then run init again/ });
  });

  it('S3 failures: a missing bucket is exit 2 naming --state; access denied; anything else', () => {
    const where = { bucket: 'b', key: 'k.json', url: 's3://b/k.json.lock' };
    const cause = Object.assign(new Error('nope'), { name: 'NoSuchBucket' });
    expect(said(new StateS3Failed('no-bucket', where, 'take the lock', 'NoSuchBucket', {}, { cause }))).toEqual({
      code: 'STATE_BUCKET',
      message: '--state s3://b/k.json: the S3 bucket "b" does not exist (NoSuchBucket, while trying to take the lock).',
      hint: 'Create the bucket first (see "Teams and CI" in the README), or pass --state a bucket that exists. Check --region and --endpoint-url too.',
      exit: 2,
    });
    expect(said(new StateS3Failed('access-denied', where, 'read', 'AccessDenied', {}, { cause }))).toMatchObject({ code: 'STATE_ACCESS_DENIED', message: 'Access denied to s3://b/k.json.lock (AccessDenied, while trying to read): these credentials may not use the state there.', hint: /or use --profile/ });
    const other = said(new StateS3Failed('other', where, 'read', '', {}, { cause: new Error('socket hang up') }));
    expect(other).toEqual({ code: 'STATE_S3', message: 'Cannot read s3://b/k.json.lock: socket hang up.', hint: 'Check --endpoint-url, --region and the network, then run the same command again.', exit: 1 });
    const creds = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    expect(said(new StateS3Failed('other', where, 'read', 'CredentialsProviderError', { profile: 'team' }, { cause: creds })).code).toBe('NO_CREDENTIALS');
  });

  it('state push/pull refusals name --to, --stack and --state', () => {
    const to = { location: 's3://b/k', label: 'State object s3://b/k' };
    expect(said(new MoveRefused('same-place', 'demo', 's3://b/k', to))).toMatchObject({ code: 'STATE_SAME', message: '--to s3://b/k is where the state already is.', hint: 'Pass --to another place.' });
    expect(said(new MoveRefused('no-state', 'demo', '/s/demo.json', to))).toMatchObject({ code: 'NO_STATE', message: 'No state for stack "demo" at /s/demo.json.', hint: 'Pass --stack / --state for an existing stack.' });
    expect(said(new MoveRefused('newer', 'demo', '/s/demo.json', to, { stack: 'demo', updatedAt: 'T2' }, 'T1')).hint).toBe('If the newer one is right, use it (--state s3://b/k); to copy it back the other way, run the opposite command.');
  });

  it('anything else goes through as it is', () => {
    const e = new Error('x');
    expect(explain(e)).toBe(e);
  });
});

describe('notices', () => {
  it('the cost line names the M2M flag only when the stack has no M2M client; the warning is about billing', () => {
    expect(costLine({ m2mClient: false } as never)).toMatch(/no M2M client \(--m2m-client would add about \$6 a month\)/);
    expect(costLine({ m2mClient: true, tier: 'essentials' } as never)).toMatch(/Essentials plan.*; the M2M client costs about \$6 a month plus about \$0\.00225 per 1,000 tokens;/);
    expect(M2M_BILLING_WARNING).toMatch(/^warning: --m2m-client .* bills .* monthly/);
  });
});
