#!/usr/bin/env node
// Tiny launcher: check the Node version before loading anything, then hand over to the bundled CLI.
// CommonJS, like dist/ (scripts/build.mjs says why): an ES module entry costs start-up of its own.
'use strict';
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 17)) {
  process.stderr.write(`cognito-scope-setup needs Node.js 20.17 or newer (this is ${process.versions.node}).\n`);
  process.exit(1);
}
// The AWS SDK warns on Node 20 that its releases after January 2027 need Node 22. This package
// pins SDK versions that support Node 20, so the notice does not apply; --verbose still shows it.
if (!process.argv.includes('--verbose')) process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// A reader that stops early (`--help | head`) closes stdout: stop quietly, as a Unix tool killed
// by SIGPIPE would, instead of crashing with an unhandled EPIPE. Results reach stdout only at the
// end of a run, so the work is done by then, and the exit code stays the run's. A closed stderr
// (progress only) is no reason to stop a run half-way: its later lines are dropped.
process.stdout.on('error', (e) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(process.exitCode ?? 0);
});
process.stderr.on('error', (e) => {
  if (e.code !== 'EPIPE') throw e;
});

/**
 * `--help` (`-h`, `help`, no arguments) and `--version` (`-v`) alone print what the build rendered
 * with commander from the same program (dist/rendered.cjs, scripts/build.mjs), without loading the
 * CLI: about 10 ms sooner. Help is rendered 80 columns wide, the width commander uses when stdout
 * is not a terminal; on a terminal of another width, commander renders it (the path below).
 */
function printRendered() {
  const args = process.argv.slice(2);
  if (args.length > 1) return false;
  const version = args[0] === '--version' || args[0] === '-v';
  if (!version && !(args.length === 0 || args[0] === '--help' || args[0] === '-h' || args[0] === 'help')) return false;
  const rendered = require('../dist/rendered.cjs');
  if (version) {
    process.stdout.write(`${rendered.version}\n`);
    return true;
  }
  if (((process.stdout.isTTY ? process.stdout.columns : undefined) ?? 80) !== rendered.helpWidth) return false;
  process.stdout.write(rendered.help);
  return true;
}

if (!printRendered()) {
  // dist/ is compiled with V8's code cache (src/launcher/compile-cache.ts).
  require('../dist/compile-cache.cjs').installCompileCache(require('node:path').join(__dirname, '..', 'dist'));
  const { main } = require('../dist/cli.cjs');
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
