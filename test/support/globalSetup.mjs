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
import { startStrictAws } from './strict-aws.ts';

/**
 * @param {{ provide: (key: string, value: unknown) => void }} project vitest's TestProject
 * @returns {Promise<() => Promise<void>>} teardown
 */
export default async function setup(project) {
  await ensureMinistack();
  const ms = await startMinistack();
  process.stderr.write(`[ministack] ${ms.endpoint} ready in ${ms.startupMs} ms (log: ${ms.logFile})\n`);
  // Every test talks to the emulator through the strict-AWS layer (test/support/strict-aws.ts).
  const strict = await startStrictAws(ms.endpoint);
  process.stderr.write(`[strict-aws] ${strict.endpoint} in front of ${ms.endpoint}\n`);
  project.provide('emulatorEndpoint', strict.endpoint);
  project.provide('ministackEndpoint', ms.endpoint);
  process.env.CSS_EMULATOR_ENDPOINT = strict.endpoint;
  return async () => {
    delete process.env.CSS_EMULATOR_ENDPOINT;
    await strict.close();
    await ms.stop();
    process.stderr.write(`[strict-aws] AWS rules that fired: ${JSON.stringify(strict.fired)}\n`);
    if (strict.violations.length) {
      // vitest only logs a teardown error ("error during close") and would still exit 0: fail the run.
      process.exitCode = 1;
      const lines = strict.violations.map((v) => `  ${v.service} ${v.operation}: ${v.problems.join('; ')}`);
      throw new Error(`strict-aws: ${strict.violations.length} request(s) broke AWS's service models:\n${lines.join('\n')}`);
    }
  };
}
