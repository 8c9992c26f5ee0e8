// `npm test`: type-check, lint (eslint with typescript-eslint), then run every test project. The e2e tests build their own copy of the
// CLI into a temporary directory (test/support/build-cli.mjs), so dist/ is never rebuilt under a
// CLI that is running from it. The emulator project installs the pinned ministack into
// .venv-ministack/ on first use and starts it on a free 127.0.0.1 port (test/support/globalSetup.mjs).
import { spawnSync } from 'node:child_process';

const steps = [
  ['tsc', ['--noEmit']],
  ['eslint', ['--max-warnings=0', '.']],
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
