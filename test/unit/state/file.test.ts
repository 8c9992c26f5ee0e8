// State paths that are not regular files are refused at once (exit 2, naming --state and the
// rule), file-system errors become one clear line, and temp files of interrupted saves are removed
// by the next run that takes the lock (issue 11.4, 11.5).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explain } from '../../../src/commands/explain.js';
import { StateError, UsageError } from '../../../src/errors.js';
import { FileBackend, loadStateFile, writeStateFile } from '../../../src/state/file.js';
import { fsError } from '../../../src/state/fs-errors.js';
import { sampleState } from './sample.js';

const dir = () => mkdtempSync(join(tmpdir(), 'css-fstate-'));

function refusal(path: string): UsageError {
  let err: unknown;
  try {
    loadStateFile(path);
  } catch (e) {
    err = explain(e);
  }
  expect(err).toBeInstanceOf(UsageError);
  expect((err as UsageError).exitCode).toBe(2);
  expect((err as Error).message).toContain(`--state ${path}: is `);
  expect((err as Error).message).toContain('the state must be a regular file of at most 1 MiB');
  return err as UsageError;
}

describe('state paths that are not regular files', () => {
  it('a directory', () => {
    const d = dir();
    expect(refusal(d).message).toMatch(/is a directory;/);
  });

  it('a FIFO: refused at once, never opened for reading (which would block)', () => {
    const f = join(dir(), 'demo.json');
    execFileSync('mkfifo', [f]);
    expect(refusal(f).message).toMatch(/is a FIFO \(named pipe\);/);
  });

  it('a device', () => {
    expect(refusal('/dev/null').message).toMatch(/is a character device;/);
  });

  it('a symlink to a device (/dev/zero would read for ever)', () => {
    const f = join(dir(), 'demo.json');
    symlinkSync('/dev/zero', f);
    expect(refusal(f).message).toMatch(/is a symbolic link to a character device;/);
  });

  it('a symlink to a directory, and a dangling symlink', () => {
    const d = dir();
    symlinkSync(d, join(d, 'to-dir.json'));
    expect(refusal(join(d, 'to-dir.json')).message).toMatch(/is a symbolic link to a directory;/);
    symlinkSync(join(d, 'nothing'), join(d, 'dangling.json'));
    expect(refusal(join(d, 'dangling.json')).message).toMatch(/symbolic link to nothing/);
  });

  it('a file over 1 MiB (not read into memory)', () => {
    const f = join(dir(), 'demo.json');
    writeFileSync(f, Buffer.alloc(1024 * 1024 + 1, 0x20));
    expect(refusal(f).message).toMatch(/is a file of 1\.0 MiB;/);
  });

  it('a symlink to a regular state file is read, and a save goes through to its target', async () => {
    const d = dir();
    const target = join(d, 'real.json');
    writeStateFile(target, JSON.stringify(sampleState()));
    symlinkSync(target, join(d, 'link.json'));
    const b = new FileBackend(join(d, 'link.json'));
    const s = (await b.load())!;
    s.resources.extra = { id: 'x' };
    await b.save(s);
    expect(JSON.parse(readFileSync(target, 'utf8')).resources.extra).toEqual({ id: 'x' });
    expect(readdirSync(d).sort()).toEqual(['link.json', 'real.json']);
  });
});

describe('file-system errors on the state path: one line with the path and what to do', () => {
  it('EACCES (a place nobody may write, even root)', () => {
    let err: unknown;
    try {
      writeStateFile('/sys/kernel/css-state.json', '{}');
    } catch (e) {
      err = explain(e);
    }
    expect(err).toBeInstanceOf(StateError);
    expect((err as Error).message).toBe('Cannot save the state: permission denied on /sys/kernel/css-state.json (EACCES).');
    expect((err as StateError).hint).toMatch(/pass --state a path you own/);
  });

  it('ENOTDIR (a parent of the path is a file)', () => {
    const f = join(dir(), 'file');
    writeFileSync(f, '');
    let err: unknown;
    try {
      writeStateFile(join(f, 'demo.json'), '{}');
    } catch (e) {
      err = explain(e);
    }
    expect(err).toBeInstanceOf(StateError);
    expect((err as Error).message).toMatch(/^Cannot create the state directory: a part of .* is not a directory \(E(NOTDIR|EXIST)\)\.$/);
  });

  for (const [code, what, todo] of [
    ['EISDIR', /is a directory/, /file path/],
    ['EROFS', /read-only file system/, /writable place/],
    ['ENOSPC', /no space left on the device of/, /previous state file was left as it was/],
    ['EACCES', /permission denied/, /permissions/],
  ] as const) {
    it(`${code} becomes one line naming the path`, () => {
      const e = explain(fsError(Object.assign(new Error('x'), { code }), '/s/demo.json', 'save the state')) as StateError;
      expect(e).toBeInstanceOf(StateError);
      expect(e.message).toMatch(what);
      expect(e.message).toContain('/s/demo.json');
      expect(e.message).not.toContain('\n');
      expect(e.hint).toMatch(todo);
    });
  }
});

describe('temp files of interrupted saves', () => {
  it('a save leaves no temp file; a leftover one (a run killed mid-save) is removed when the next run takes the lock', async () => {
    const d = dir();
    const f = join(d, 'demo.json');
    writeStateFile(f, JSON.stringify(sampleState()));
    expect(readdirSync(d)).toEqual(['demo.json']);
    // What a save killed between write and rename leaves (this release's name, and the previous one's).
    writeFileSync(`${f}.tmp-4242-1`, '{"half":');
    writeFileSync(`${f}.3735928559`, '{"half":');
    mkdirSync(join(d, 'other'));
    const b = new FileBackend(f);
    const held = await b.lock();
    expect(existsSync(`${f}.tmp-4242-1`)).toBe(false);
    expect(existsSync(`${f}.3735928559`)).toBe(false);
    expect((await b.load())!.stack).toBe('demo');
    await held.release();
    expect(readdirSync(d).sort()).toEqual(['demo.json', 'other']);
  });
});
