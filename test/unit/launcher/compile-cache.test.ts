// The compile cache's parts that need no process of their own: where it lives, how an entry is
// named, and how entries are written. test/e2e/compile-cache.test.ts runs it in the built CLI.
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_ENTRIES, cacheDirectory, entryName, writeEntries } from '../../../src/launcher/compile-cache.js';

const here = `${process.version}-${process.arch}`;
const home = () => '/home/u';
const tmp = mkdtempSync(join(tmpdir(), 'css-cc-unit-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('cacheDirectory', () => {
  it('NODE_COMPILE_CACHE, then XDG_CACHE_HOME, then ~/.cache; one directory per Node and architecture', () => {
    expect(cacheDirectory({ NODE_COMPILE_CACHE: '/n', XDG_CACHE_HOME: '/x' }, home)).toBe(`/n/cognito-scope-setup/${here}`);
    expect(cacheDirectory({ XDG_CACHE_HOME: '/x' }, home)).toBe(`/x/cognito-scope-setup/compile-cache/${here}`);
    expect(cacheDirectory({}, home)).toBe(`/home/u/.cache/cognito-scope-setup/compile-cache/${here}`);
  });
  it('is off with NODE_DISABLE_COMPILE_CACHE (any value but 0), or with no home', () => {
    expect(cacheDirectory({ NODE_DISABLE_COMPILE_CACHE: '1' }, home)).toBeUndefined();
    expect(cacheDirectory({ NODE_DISABLE_COMPILE_CACHE: 'true', XDG_CACHE_HOME: '/x' }, home)).toBeUndefined();
    expect(cacheDirectory({ NODE_DISABLE_COMPILE_CACHE: '0' }, home)).toBe(`/home/u/.cache/cognito-scope-setup/compile-cache/${here}`);
    expect(cacheDirectory({}, () => '')).toBeUndefined();
  });
});

describe('entryName', () => {
  it('names the file and the SHA-1 of its content: an edited or rebuilt file never meets an old entry', () => {
    const a = entryName('/x/dist/cli.cjs', 'module.exports = 1;');
    expect(a).toMatch(/^cli\.cjs\.[0-9a-f]{20}\.v8$/);
    expect(entryName('/elsewhere/cli.cjs', 'module.exports = 1;')).toBe(a);
    // Same length, other content: V8's own check compares lengths, this one the content.
    expect(entryName('/x/dist/cli.cjs', 'module.exports = 2;')).not.toBe(a);
  });
});

describe('writeEntries', () => {
  it('writes each entry whole (aside, then renamed in), mode 600 in a directory of mode 700', () => {
    const dir = join(tmp, 'a', 'b');
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
  it(`past ${MAX_ENTRIES} entries (every build leaves its own), only this run's stay`, () => {
    const dir = join(tmp, 'full');
    writeEntries(dir, Array.from({ length: MAX_ENTRIES }, (_, i) => ({ file: join(dir, `old-${i}.v8`), data: () => Buffer.from('o') })));
    expect(readdirSync(dir).length).toBe(MAX_ENTRIES);
    writeEntries(dir, [{ file: join(dir, 'new.v8'), data: () => Buffer.from('n') }]);
    expect(readdirSync(dir)).toEqual(['new.v8']);
  });
});
