// The compile cache's parts that need no process of their own: where it lives, how an entry is
// named, and how entries are written. test/e2e/compile-cache.test.ts runs it in the built CLI.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_BUILDS, THIS_BUILD, cacheDirectory, entryName, writeEntries } from '../../../src/launcher/compile-cache.js';

const here = `${process.version}-${process.arch}/b1`;
const home = () => '/home/u';
const tmp = mkdtempSync(join(tmpdir(), 'css-cc-unit-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('cacheDirectory', () => {
  it('NODE_COMPILE_CACHE, then XDG_CACHE_HOME, then ~/.cache; one directory per Node, architecture and build', () => {
    expect(cacheDirectory({ NODE_COMPILE_CACHE: '/n', XDG_CACHE_HOME: '/x' }, home, 'b1')).toBe(`/n/cognito-scope-setup/${here}`);
    expect(cacheDirectory({ XDG_CACHE_HOME: '/x' }, home, 'b1')).toBe(`/x/cognito-scope-setup/compile-cache/${here}`);
    expect(cacheDirectory({}, home, 'b1')).toBe(`/home/u/.cache/cognito-scope-setup/compile-cache/${here}`);
    // Run from the sources, not from a build: the build is "dev" (scripts/build.mjs stamps the real one).
    expect(THIS_BUILD).toBe('dev');
  });
  it('is off with NODE_DISABLE_COMPILE_CACHE (any value but 0), or with no home', () => {
    expect(cacheDirectory({ NODE_DISABLE_COMPILE_CACHE: '1' }, home, 'b1')).toBeUndefined();
    expect(cacheDirectory({ NODE_DISABLE_COMPILE_CACHE: 'true', XDG_CACHE_HOME: '/x' }, home, 'b1')).toBeUndefined();
    expect(cacheDirectory({ NODE_DISABLE_COMPILE_CACHE: '0' }, home, 'b1')).toBe(`/home/u/.cache/cognito-scope-setup/compile-cache/${here}`);
    expect(cacheDirectory({}, () => '', 'b1')).toBeUndefined();
  });
});

describe('entryName', () => {
  it('names the file, its size and its modification time: a file edited in place never meets its old entry', () => {
    const a = entryName('/x/dist/cli.cjs', { size: 1234, mtimeMs: 1700000000123.4 });
    expect(a).toBe('cli.cjs.1234.1700000000123.v8');
    // Same length, edited later: V8's own check compares lengths only.
    expect(entryName('/x/dist/cli.cjs', { size: 1234, mtimeMs: 1700000005000 })).not.toBe(a);
  });
});

describe('writeEntries', () => {
  it('writes each entry whole (aside, then renamed in), mode 600 in a directory of mode 700', () => {
    const dir = join(tmp, 'a', 'b1');
    expect(writeEntries(dir, [{ file: join(dir, 'x.cjs.1.v8'), data: () => Buffer.from('one') }])).toEqual(['x.cjs.1.v8']);
    expect(readdirSync(dir)).toEqual(['x.cjs.1.v8']);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'x.cjs.1.v8')).mode & 0o777).toBe(0o600);
  });
  it('never throws: a directory that cannot be made writes nothing', () => {
    const file = join(tmp, 'plain-file');
    writeFileSync(file, '');
    expect(writeEntries(join(file, 'sub'), [{ file: join(file, 'sub', 'x.v8'), data: () => Buffer.from('x') }])).toEqual([]);
    expect(writeEntries(join(tmp, 'c'), [{ file: join(tmp, 'c', 'y.v8'), data: () => { throw new Error('no data'); } }])).toEqual([]);
  });
  it(`a new build's first entry removes all but the newest ${MAX_BUILDS} builds' entries`, () => {
    const node = join(tmp, 'node');
    for (let i = 0; i < 6; i++) {
      mkdirSync(join(node, `old${i}`), { recursive: true });
      writeFileSync(join(node, `old${i}`, 'x.v8'), 'o');
      utimesSync(join(node, `old${i}`), 1000 + i, 1000 + i);
    }
    writeEntries(join(node, 'new'), [{ file: join(node, 'new', 'x.v8'), data: () => Buffer.from('n') }]);
    expect(readdirSync(node).sort()).toEqual(['new', 'old3', 'old4', 'old5']);
    // Later entries of the same build remove nothing.
    writeEntries(join(node, 'old3'), [{ file: join(node, 'old3', 'y.v8'), data: () => Buffer.from('n') }]);
    expect(readdirSync(node).sort()).toEqual(['new', 'old3', 'old4', 'old5']);
  });
});
