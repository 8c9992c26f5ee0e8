// @ts-check
// esbuild plugins for scripts/build.mjs, shared with the bench's SDK reference
// (scripts/bench/sdk-reference.mjs), which must be bundled the way the CLI is.
import { readFileSync } from 'node:fs';

/**
 * commander requires node:child_process at load for executable subcommands, which this CLI does
 * not have: 3 ms of every start-up (`--help` included). Require it when a spawn happens instead.
 * The build fails if the line is not there (a new commander), rather than silently keeping it.
 */
export function lazyChildProcess() {
  const LINE = "const childProcess = require('node:child_process');";
  return {
    name: 'lazy-child-process',
    setup(b) {
      b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
        const src = readFileSync(args.path, 'utf8');
        if (!src.includes(LINE)) throw new Error(`${args.path}: "${LINE}" not found; update lazyChildProcess in scripts/build-plugins.mjs`);
        return { contents: src.replace(LINE, "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };"), loader: 'js' };
      });
    },
  };
}

/**
 * Each AWS SDK client describes every operation of its service in one module (schemas_0.js), with
 * trait keys written as computed keys of module constants (`{ [_h]: ["POST", "/..."] }`, where
 * `const _h = "http"`). esbuild cannot tell such a key is side-effect free, so it keeps the schema
 * of every operation, used or not. With the constants written in (`{ "http": [...] }`, the same
 * object), it drops the unused ones: about 100 KB less to load for a read wave. The build fails if
 * a computed key is left (a new SDK layout), rather than silently keeping everything.
 */
export function inlineSchemaKeys() {
  return {
    name: 'inline-schema-keys',
    setup(b) {
      b.onLoad({ filter: /[\\/]@aws-sdk[\\/]client-[a-z0-9-]+[\\/]dist-es[\\/]schemas[\\/]schemas_0\.js$/ }, (args) => {
        const src = readFileSync(args.path, 'utf8');
        const consts = new Map([...src.matchAll(/^const (_\w+) = ("[^"\\\n]*");$/gm)].map((m) => [m[1], m[2]]));
        const out = src.replace(/\[(_\w+)\]:/g, (all, name) => consts.get(name)?.concat(':') ?? all);
        const left = /\[(_\w+)\]:/.exec(out);
        if (left) throw new Error(`${args.path}: computed key ${left[0]} is not a string constant; update inlineSchemaKeys in scripts/build-plugins.mjs`);
        return { contents: out, loader: 'js' };
      });
    },
  };
}
