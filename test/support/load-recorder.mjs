// Preload (node --import) that records every module the process loads, one URL a line, into the
// file named by CSS_LOAD_LOG. The start-up test uses it to prove what `--help` does not load.
// ES modules are seen by the loader hooks as they load; CommonJS modules (dist/ is CommonJS) are
// read from require's cache when the process exits.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

const file = process.env.CSS_LOAD_LOG;
if (file) {
  register('./load-recorder-hooks.mjs', import.meta.url, { data: { file } });
  const { cache } = createRequire(import.meta.url);
  process.on('exit', () => appendFileSync(file, Object.keys(cache).map((f) => `${pathToFileURL(f).href}\n`).join('')));
}
