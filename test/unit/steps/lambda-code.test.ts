// --code: the user's handler zipped in memory, deterministically; a .zip as it is; the limits and
// the handler's file checked before any request.
import { mkdirSync, mkdtempSync, openSync, closeSync, ftruncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { explain } from '../../../src/commands/explain.js';
import { codeFor, lambdaCode, MAX_ZIP_BYTES, NODE_HANDLER, PYTHON_HANDLER } from '../../../src/steps/lambda-code.js';
import { userCode, zipOne } from '../../../src/steps/user-code.js';

const dir = () => mkdtempSync(join(tmpdir(), 'css-code-unit-'));

describe('--code', () => {
  it('zips a directory deterministically: the same tree is the same hash, whatever the file times; a change is another', () => {
    const a = dir();
    writeFileSync(join(a, 'app.py'), 'def handle(e, c):\n    return {"statusCode": 200}\n');
    mkdirSync(join(a, 'lib'));
    writeFileSync(join(a, 'lib', 'util.py'), 'X = 1\n');
    mkdirSync(join(a, '__pycache__'));
    writeFileSync(join(a, '__pycache__', 'app.cpython-313.pyc'), 'junk');
    const first = userCode(a, 'python3.13', 'app.handle');
    expect(Object.keys(unzipSync(first.zip)).sort()).toEqual(['app.py', 'lib/util.py']);
    expect(first.handler).toBe('app.handle');

    // A copy with other file times, made later: the same zip.
    const b = dir();
    writeFileSync(join(b, 'app.py'), 'def handle(e, c):\n    return {"statusCode": 200}\n');
    mkdirSync(join(b, 'lib'));
    writeFileSync(join(b, 'lib', 'util.py'), 'X = 1\n');
    utimesSync(join(b, 'app.py'), new Date('2001-01-01'), new Date('2001-01-01'));
    expect(userCode(b, 'python3.13', 'app.handle').sha256).toBe(first.sha256);

    const c = dir();
    writeFileSync(join(c, 'app.py'), 'def handle(e, c):\n    return {"statusCode": 201}\n');
    mkdirSync(join(c, 'lib'));
    writeFileSync(join(c, 'lib', 'util.py'), 'X = 1\n');
    expect(userCode(c, 'python3.13', 'app.handle').sha256).not.toBe(first.sha256);
  });

  it('zips a single file under its own name; uploads a .zip as it is; the default handler is the tutorial one', async () => {
    const d = dir();
    writeFileSync(join(d, 'index.mjs'), 'export const handler = async () => ({ statusCode: 200 });\n');
    const one = userCode(join(d, 'index.mjs'), 'nodejs22.x');
    expect(one.handler).toBe('index.handler');
    expect(Object.keys(unzipSync(one.zip))).toEqual(['index.mjs']);
    const zip = zipSync({ 'lambda_function.py': strToU8('def lambda_handler(e, c):\n    return {}\n') });
    writeFileSync(join(d, 'code.zip'), zip);
    const z = userCode(join(d, 'code.zip'), 'python3.13');
    expect(Buffer.from(z.zip).equals(Buffer.from(zip))).toBe(true);
    expect(z.handler).toBe('lambda_function.lambda_handler');
    expect(await codeFor({ runtime: 'python3.13' })).toEqual(lambdaCode('python3.13'));
  });

  it('refuses a missing path, a handler whose file is not in the code, and a zip over 50 MB, naming the flag', () => {
    const d = dir();
    writeFileSync(join(d, 'main.py'), 'x = 1\n');
    expect(() => userCode(join(d, 'nope'), 'python3.13')).toThrow(/code .*nope: cannot be read \(ENOENT\)/);
    expect(() => userCode(d, 'python3.13', 'app.handle')).toThrow(/handler app.handle: app.py is not in/);
    // The command layer names the flag (exit 2, before any request).
    let e: unknown;
    try {
      userCode(d, 'python3.13', 'app.handle');
    } catch (x) {
      e = explain(x);
    }
    expect(e).toMatchObject({ exitCode: 2, problems: [expect.stringMatching(/^--handler "app.handle": app.py is not in .* e\.g\. app\.handler for app\.py$/)] });
    // A sparse file: 51 MB on paper, refused by its size before it is read.
    const big = join(d, 'big.zip');
    const fd = openSync(big, 'w');
    ftruncateSync(fd, MAX_ZIP_BYTES + 1024 * 1024);
    closeSync(fd);
    expect(() => userCode(big, 'python3.13')).toThrow(/51\.0 MB, more than the 50 MB Lambda takes in a request/);
  });
});

describe('the tutorial\'s code', () => {
  // lambda-code.ts holds the tutorial's zips written out (so a run without --code never loads
  // fflate): they must be byte for byte what the user-code path makes of the same handler, or a
  // stack made before would see its code as changed.
  it.each([
    ['python3.13', 'lambda_function.py', PYTHON_HANDLER, 'lambda_function.lambda_handler'],
    ['nodejs22.x', 'index.mjs', NODE_HANDLER, 'index.handler'],
  ])('%s: the written-out zip is the handler zipped, and its hash is the zip\'s SHA-256', (runtime, file, source, handler) => {
    const code = lambdaCode(runtime);
    expect(Buffer.from(code.zip).equals(Buffer.from(zipOne(file, source)))).toBe(true);
    expect(code.sha256).toBe(createHash('sha256').update(code.zip).digest('base64'));
    expect(code.handler).toBe(handler);
    expect(Object.keys(unzipSync(code.zip))).toEqual([file]);
  });
});
