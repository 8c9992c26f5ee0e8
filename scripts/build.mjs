// Bundles src/cli.ts into dist/ with code splitting: `--help` loads only the small
// entry chunk (commander); each command, the AWS SDK and the UI libraries are separate
// chunks imported lazily.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  mainFields: ['module', 'main'],
  target: 'node20',
  sourcemap: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  banner: {
    // Some bundled CommonJS dependencies call require(); give them one.
    js: [
      "import { createRequire as __csCreateRequire } from 'node:module';",
      "import { fileURLToPath as __csFileURLToPath } from 'node:url';",
      "import { dirname as __csDirname } from 'node:path';",
      'const require = __csCreateRequire(import.meta.url);',
      'const __filename = __csFileURLToPath(import.meta.url);',
      'const __dirname = __csDirname(__filename);',
    ].join(' '),
  },
  logLevel: 'warning',
});
