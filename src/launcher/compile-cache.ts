// V8's code cache for the bundle, on Node 20 (which has no `module.enableCompileCache`, Node 22's
// built-in equivalent). Every AWS command loads about 1.5 MB of bundled JavaScript (the AWS SDK,
// mostly); compiling it is a large part of start-up. The first run of a build compiles it as usual
// and, when it exits, stores what V8 compiled (the top level and every function the run called) in
// a per-user cache; later runs hand that back to V8 instead of compiling again (`npm run bench`
// shows the difference: README, "Speed").
//
// bin/ installs it before it requires dist/cli.cjs, and it applies to the files of dist/ only.
// Entries are kept per build (scripts/build.mjs stamps BUILD_ID, a hash of everything it wrote,
// into this file), Node version and architecture, and each is named after its file's name, size
// and modification time, so a new build, a new Node or a file edited in place never meets another's
// code (no hashing of the files at start-up: that cost 2-3 ms of every AWS command, and loading
// node:crypto 3 ms of `--help`). V8 itself also refuses data made by another V8 or with other
// flags, and a refused or unreadable entry means a normal compile and a fresh entry. Nothing here
// may fail a run: a cache that cannot be read or written (read-only home, full disk) is no cache.
// NODE_DISABLE_COMPILE_CACHE=1 turns it off (Node 22's name for its own cache);
// NODE_DEBUG=cognito-scope-setup-compile-cache prints what it does.
//
// Where: $NODE_COMPILE_CACHE/cognito-scope-setup when set (Node 22's setting: users who point it
// somewhere get it there), else $XDG_CACHE_HOME/cognito-scope-setup/compile-cache, else
// ~/.cache/cognito-scope-setup/compile-cache (%LOCALAPPDATA% on Windows). The directory is the
// user's own (mode 700): data in it is loaded as code. The newest MAX_BUILDS builds' entries stay.
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join, sep } from 'node:path';
import { debuglog } from 'node:util';
import { Script } from 'node:vm';

const debug = debuglog('cognito-scope-setup-compile-cache');

declare const BUILD_ID: string | undefined;
/** The build's identity, stamped by scripts/build.mjs (`dev` when run from the sources). */
export const THIS_BUILD = typeof BUILD_ID === 'string' ? BUILD_ID : 'dev';

/** Entries of at most this many builds stay (the most recently written); older builds' go. */
export const MAX_BUILDS = 4;

/** The directory of this build, Node and architecture, or undefined when the cache is off. */
export function cacheDirectory(env: NodeJS.ProcessEnv = process.env, home: () => string = homedir, build = THIS_BUILD): string | undefined {
  if (env.NODE_DISABLE_COMPILE_CACHE && env.NODE_DISABLE_COMPILE_CACHE !== '0') return undefined;
  let root: string;
  if (env.NODE_COMPILE_CACHE) root = join(env.NODE_COMPILE_CACHE, 'cognito-scope-setup');
  else if (env.XDG_CACHE_HOME) root = join(env.XDG_CACHE_HOME, 'cognito-scope-setup', 'compile-cache');
  else if (process.platform === 'win32' && env.LOCALAPPDATA) root = join(env.LOCALAPPDATA, 'cognito-scope-setup', 'compile-cache');
  else {
    const h = home();
    if (!h) return undefined;
    root = join(h, '.cache', 'cognito-scope-setup', 'compile-cache');
  }
  return join(root, `${process.version}-${process.arch}`, build);
}

/** The entry of one file: its name, size and modification time (an edit in place changes them). */
export function entryName(filename: string, stat: { size: number; mtimeMs: number }): string {
  return `${basename(filename)}.${stat.size}.${Math.round(stat.mtimeMs)}.v8`;
}

interface Pending {
  file: string;
  script: Script;
}

/**
 * Write entries (at exit: by then V8 has compiled every function the run called, and the data
 * holds them too). Each is written aside and renamed in, so a run that starts meanwhile reads a
 * whole entry or none. The first entry of a build removes the entries of all but the newest
 * MAX_BUILDS builds. Returns the names written; never throws.
 */
export function writeEntries(dir: string, entries: { file: string; data: () => Buffer }[]): string[] {
  const written: string[] = [];
  try {
    const fresh = mkdirSync(dir, { recursive: true, mode: 0o700 }) !== undefined;
    for (const { file, data } of entries) {
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, data(), { mode: 0o600 });
      renameSync(tmp, file);
      written.push(basename(file));
    }
    if (fresh) {
      const builds = dirname(dir);
      const others = readdirSync(builds)
        .filter((b) => b !== basename(dir))
        .map((b) => ({ b, at: statSync(join(builds, b)).mtimeMs }))
        .sort((x, y) => y.at - x.at);
      for (const { b } of others.slice(MAX_BUILDS - 1)) rmSync(join(builds, b), { recursive: true, force: true });
    }
    debug('wrote %d entries to %s', written.length, dir);
  } catch (e) {
    debug('not written: %s', (e as Error).message);
  }
  return written;
}

type Compile = (this: ModuleInternals, content: string, filename: string) => unknown;
interface ModuleInternals {
  _compile: Compile;
  exports: unknown;
  require(id: string): unknown;
}
interface ModuleStatics {
  _resolveFilename(request: string, parent: unknown): string;
  _cache: unknown;
  wrap(script: string): string;
}

/**
 * Compile the files under `root` (dist/) with V8's code cache; entries missing or refused are
 * written when the process exits. Returns what it did, for the tests.
 */
export function installCompileCache(root: string, dir = cacheDirectory()): { dir?: string; used: string[]; written: string[] } {
  const report = { dir, used: [] as string[], written: [] as string[] };
  if (!dir) return report;
  const prefix = root.endsWith(sep) ? root : root + sep;
  const pending: Pending[] = [];
  const proto = Module.prototype as unknown as ModuleInternals;
  const statics = Module as unknown as ModuleStatics;
  const original = proto._compile;

  proto._compile = function compile(this: ModuleInternals, content: string, filename: string) {
    if (!filename.startsWith(prefix)) return original.call(this, content, filename);
    let file: string | undefined;
    let cachedData: Buffer | undefined;
    try {
      file = join(dir, entryName(filename, statSync(filename)));
      cachedData = readFileSync(file);
    } catch {
      cachedData = undefined;
    }
    const script = new Script(statics.wrap(content), { filename, cachedData });
    if (cachedData && !script.cachedDataRejected) {
      debug('%s: from the cache', basename(filename));
      report.used.push(basename(filename));
    } else {
      debug('%s: %s', basename(filename), cachedData ? 'entry refused by V8, compiled' : 'no entry, compiled');
      if (file) pending.push({ file, script });
    }
    const fn = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    const require = Object.assign((id: string) => this.require(id), {
      resolve: (request: string) => statics._resolveFilename(request, this),
      cache: statics._cache,
    });
    return fn.call(this.exports, this.exports, require, this, filename, dirname(filename));
  };

  process.once('exit', () => {
    if (pending.length > 0) report.written.push(...writeEntries(dir, pending.map(({ file, script }) => ({ file, data: () => script.createCachedData() }))));
  });
  return report;
}
