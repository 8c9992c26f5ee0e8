// Bundles src/cli.ts into dist/ with code splitting: `--help` loads only the small
// entry chunk (commander); each command, the AWS SDK and the UI libraries are separate
// chunks required lazily. Every dependency is bundled, so the published package installs
// nothing else; the licences of the bundled packages go to dist/THIRD-PARTY-LICENSES.txt.
//
// esbuild splits ES modules only, and Node 20 keeps no code cache for ES modules, so the split
// output is then turned into CommonJS, file by file (`import()` of a chunk becomes `require`),
// which bin/ loads through src/launcher/compile-cache.ts (V8's code cache: see there). Each file
// starts with the list of the sources it holds (`// node_modules/...`, `// src/...`), as esbuild's
// own bundles do; test/e2e/startup.test.ts reads it to tell what a command loaded.
//
//   node scripts/build.mjs                 -> dist/ (what bin/ runs and what is published)
//   node scripts/build.mjs --out <dir>     -> <dir>/bin + <dir>/dist, a private copy of the CLI
//                                             (the tests run theirs there, so dist/ stays usable)
// The new build is written next to its target and renamed into place, so a CLI started while a
// build runs finds either the old dist/ or the new one, never a half-written one.
import { build, transform } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inlineSchemaKeys, lazyChildProcess } from './build-plugins.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outArg = process.argv.indexOf('--out');
const base = outArg >= 0 ? resolve(process.argv[outArg + 1] ?? '') : ROOT;
const target = join(base, 'dist');
const tmp = join(base, `.dist-build-${process.pid}`);

rmSync(tmp, { recursive: true, force: true });
const result = await build({
  absWorkingDir: ROOT,
  entryPoints: { cli: 'src/cli.ts' },
  outdir: tmp,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  mainFields: ['module', 'main'],
  target: 'node20',
  metafile: true,
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
  plugins: [lazyChildProcess(), inlineSchemaKeys()],
});

// Each file to CommonJS; CommonJS has require, __filename and __dirname of its own, which the
// bundled CommonJS dependencies use.
const buildHash = createHash('sha1');
for (const [out, meta] of Object.entries(result.metafile.outputs).sort(([a], [b]) => (a < b ? -1 : 1))) {
  const file = join(ROOT, out);
  const esm = readFileSync(file, 'utf8');
  const cjs = await transform(esm, { format: 'cjs', platform: 'node', target: 'node20', loader: 'js', supported: { 'dynamic-import': false }, sourcefile: out });
  if (/\bimport\(\s*["'`]\.|\bimport\.meta\b/.test(cjs.code)) throw new Error(`${out}: an import() of a chunk or import.meta is left in the CommonJS output`);
  const sources = Object.keys(meta.inputs).map((i) => `// ${i}`).join('\n');
  const code = `${sources}\n${cjs.code}`;
  writeFileSync(file, code);
  buildHash.update(`${relative(tmp, file)}\0${code}\0`);
}
// What `--help` and `--version` print, rendered now by the CLI just built (commander, the program
// of src/commands/program.ts), for bin/ to print without loading it. Root help is the same
// whatever the environment; its width is commander's default, 80 columns, which is what commander
// uses when stdout is not a terminal. bin/ prints it only then, or on an 80-column terminal.
{
  const { buildProgram } = createRequire(import.meta.url)(join(tmp, 'cli.cjs'));
  const program = buildProgram(async () => 0, ['--help']).configureOutput({ getOutHelpWidth: () => undefined, getOutHasColors: () => false });
  const rendered = { helpWidth: 80, help: program.helpInformation(), version: program.version() };
  if (!rendered.help.startsWith('Usage: cognito-scope-setup ') || typeof rendered.version !== 'string') throw new Error('rendering --help and --version failed');
  writeFileSync(
    join(tmp, 'rendered.cjs'),
    `// Written by scripts/build.mjs: what --help and --version print (bin/ prints it; test/e2e/rendered-help.test.ts).\n'use strict';\nmodule.exports = ${JSON.stringify(rendered)};\n`,
  );
}

// The compile cache keeps its entries per build: BUILD_ID names this one (src/launcher/compile-cache.ts).
await build({
  absWorkingDir: ROOT,
  entryPoints: { 'compile-cache': 'src/launcher/compile-cache.ts' },
  define: { BUILD_ID: JSON.stringify(buildHash.digest('hex').slice(0, 16)) },
  outdir: tmp,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});

// The licence of every package whose code is in the bundle (MIT, Apache-2.0 and ISC ask for it).
const pkgDirs = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (m) pkgDirs.add(m[1]);
}
const notices = [];
for (const dir of [...pkgDirs].sort()) {
  const pkg = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8'));
  const file = readdirSync(join(ROOT, dir)).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  const text = file ? readFileSync(join(ROOT, dir, file), 'utf8').trim() : `License: ${pkg.license ?? 'see the package'}`;
  notices.push(`${pkg.name}@${pkg.version} (${pkg.license ?? 'unknown'})\n\n${text}\n`);
}
writeFileSync(join(tmp, 'THIRD-PARTY-LICENSES.txt'), `cognito-scope-setup bundles these packages:\n\n${notices.join(`\n${'-'.repeat(72)}\n\n`)}`);

// Swap the new build in: rename the old one aside first (a rename is atomic), then remove it.
const old = join(base, `.dist-old-${process.pid}`);
if (existsSync(target)) renameSync(target, old);
renameSync(tmp, target);
rmSync(old, { recursive: true, force: true });
if (base !== ROOT) {
  // The launcher too is renamed into place (cpSync unlinks a file before copying it over: a CLI
  // started in that moment would find no launcher).
  mkdirSync(join(base, 'bin'), { recursive: true });
  for (const f of readdirSync(join(ROOT, 'bin'))) {
    const to = join(base, 'bin', f);
    copyFileSync(join(ROOT, 'bin', f), `${to}.${process.pid}`);
    renameSync(`${to}.${process.pid}`, to);
  }
}
