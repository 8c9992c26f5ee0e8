// @ts-check
/**
 * vitest (4.x) globalSetup: one ministack for the whole run.
 *
 * In vitest.config.ts:   test: { globalSetup: ['test/support/globalSetup.mjs'] }
 *
 * Tests get the endpoint either way:
 *   import { inject } from 'vitest';  const endpoint = inject('emulatorEndpoint');
 *   process.env.CSS_EMULATOR_ENDPOINT   (set here, before the workers are started)
 *
 * For a typed inject(), declare once in a .d.ts under test/:
 *   declare module 'vitest' { export interface ProvidedContext { emulatorEndpoint: string } }
 *
 * If the emulator cannot be installed or started this throws, so the run fails
 * loudly; it never skips. Set CSS_KEEP_EMULATOR_LOG=1 to keep ministack's log
 * (its path is printed at teardown).
 */
import { ensureMinistack, startMinistack } from './ministack.mjs';

/**
 * @param {{ provide: (key: string, value: unknown) => void }} project vitest's TestProject
 * @returns {Promise<() => Promise<void>>} teardown
 */
export default async function setup(project) {
  await ensureMinistack();
  const ms = await startMinistack();
  process.stderr.write(`[ministack] ${ms.endpoint} ready in ${ms.startupMs} ms (log: ${ms.logFile})\n`);
  project.provide('emulatorEndpoint', ms.endpoint);
  process.env.CSS_EMULATOR_ENDPOINT = ms.endpoint;
  return async () => {
    delete process.env.CSS_EMULATOR_ENDPOINT;
    await ms.stop();
  };
}
