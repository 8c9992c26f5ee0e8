// The user's own code for the function (inputs.code): a directory or a single file zipped in
// memory, or a .zip as it is, checked before any request. Zipped deterministically (sorted names,
// one fixed time stamp), so the code hash only changes when the code does. Loaded only when the
// inputs name code of their own (fflate builds its tables as it loads); the tutorial's code is in
// ./lambda-code.ts.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { unzipSync, zipSync, strToU8 } from 'fflate';
import { CodeUnusable } from './errors.js';
import { MAX_UNZIPPED_BYTES, MAX_ZIP_BYTES, defaultHandler, type LambdaCode } from './lambda-code.js';

export const FIXED_MTIME = new Date('2020-01-01T00:00:00Z');

/** One source file zipped as every zip of this tool is (the tutorial's handlers in ./lambda-code.ts were made so). */
export function zipOne(file: string, source: string): Uint8Array {
  return zipSync({ [file]: [strToU8(source), { mtime: FIXED_MTIME }] }, { level: 9 });
}

/** Not code: left out of a zipped directory. */
const SKIPPED = new Set(['.git', '__pycache__', '.DS_Store']);

/** The files a handler needs, one of which must be in the zip: app.handler -> app.py (Python) or app.js/.mjs/.cjs (Node.js). */
function handlerFiles(runtime: string, handler: string): string[] {
  const module = handler.slice(0, handler.lastIndexOf('.'));
  if (runtime.startsWith('python')) return [`${module.replace(/\./g, '/')}.py`, `${module.replace(/\./g, '/')}/__init__.py`];
  return ['.js', '.mjs', '.cjs'].map((x) => `${module}${x}`);
}

function walk(dir: string, prefix: string, out: Record<string, Uint8Array>, total: { bytes: number }, path: string): void {
  for (const name of readdirSync(dir).sort()) {
    if (SKIPPED.has(name)) continue;
    const full = join(dir, name);
    const st = statSync(full);
    if (st.isDirectory()) walk(full, `${prefix}${name}/`, out, total, path);
    else if (st.isFile()) {
      total.bytes += st.size;
      if (total.bytes > MAX_UNZIPPED_BYTES) throw new CodeUnusable(path, 'unzipped-too-large', "more than 250 MB unzipped (Lambda's limit for a function's code)");
      out[`${prefix}${name}`] = readFileSync(full);
    }
  }
}

const cache = new Map<string, LambdaCode>();

/**
 * The user's code (inputs.code) zipped or read, with its handler, checked before any request: the path
 * exists, the zip is at most 50 MB, and the handler's file is in it. Cached per path and handler
 * for the run (the function's read, create and update all ask).
 */
export function userCode(path: string, runtime: string, handler = defaultHandler(runtime)): LambdaCode {
  const full = resolve(path);
  const key = `${full}\n${runtime}\n${handler}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let st;
  try {
    st = statSync(full);
  } catch (e) {
    throw new CodeUnusable(path, 'unreadable', `cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)}); give a directory, a .zip or a single source file`);
  }
  let zip: Uint8Array;
  let names: string[];
  try {
    if (st.isFile() && full.toLowerCase().endsWith('.zip')) {
      if (st.size > MAX_ZIP_BYTES) throw new CodeUnusable(path, 'zip-too-large', `${(st.size / 1048576).toFixed(1)} MB, more than the 50 MB Lambda takes in a request; make it smaller or upload it to S3 yourself`);
      zip = readFileSync(full);
      names = [];
      unzipSync(zip, { filter: (f) => (names.push(f.name), false) });
    } else {
      const files: Record<string, Uint8Array> = {};
      if (st.isDirectory()) walk(full, '', files, { bytes: 0 }, path);
      else files[basename(full)] = readFileSync(full);
      names = Object.keys(files);
      if (names.length === 0) throw new CodeUnusable(path, 'empty', 'the directory holds no file');
      zip = zipSync(Object.fromEntries(names.map((n) => [n, [files[n]!, { mtime: FIXED_MTIME }]])), { level: 9 });
    }
  } catch (e) {
    if (e instanceof CodeUnusable) throw e;
    throw new CodeUnusable(path, 'unreadable', `cannot be read (${(e as Error).message})`);
  }
  if (zip.length > MAX_ZIP_BYTES) throw new CodeUnusable(path, 'zip-too-large', `${(zip.length / 1048576).toFixed(1)} MB zipped, more than the 50 MB Lambda takes in a request`);
  const need = handlerFiles(runtime, handler);
  if (!need.some((f) => names.includes(f))) {
    throw new CodeUnusable(path, 'handler-missing', `${need[0]} is not in ${path} (${runtime}); name the file and function that handle the request, e.g. app.handler for app${runtime.startsWith('python') ? '.py' : '.mjs'}`, handler);
  }
  const code = { zip, handler, sha256: createHash('sha256').update(zip).digest('base64') };
  cache.set(key, code);
  return code;
}

