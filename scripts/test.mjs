// `npm test`: type-check, build the CLI (the e2e tests run the built bin), then run every test
// project. The emulator project installs the pinned ministack into .venv-ministack/ on first use
// and starts it on a free 127.0.0.1 port (test/support/globalSetup.mjs).
import { spawnSync } from 'node:child_process';

const steps = [
  ['tsc', ['--noEmit']],
  ['node', ['scripts/build.mjs']],
  ['vitest', ['run', ...process.argv.slice(2)]],
];
for (const [cmd, args] of steps) {
  const bin = cmd === 'node' ? process.execPath : `node_modules/.bin/${cmd}`;
  process.stderr.write(`\n> ${cmd} ${args.join(' ')}\n`);
  const r = spawnSync(bin, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`\n${cmd} failed (exit ${r.status ?? r.signal}).\n`);
    process.exit(r.status ?? 1);
  }
}
