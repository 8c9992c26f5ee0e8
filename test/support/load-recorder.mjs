// Preload (node --import) that records every module the process loads, one URL a line, into the
// file named by CSS_LOAD_LOG. The start-up test uses it to prove what `--help` does not load.
import { register } from 'node:module';

const file = process.env.CSS_LOAD_LOG;
if (file) register('./load-recorder-hooks.mjs', import.meta.url, { data: { file } });
