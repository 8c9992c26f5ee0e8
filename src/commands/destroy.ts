// `destroy`: delete everything the stack owns, in reverse dependency order; nothing else.
import { destroy, EngineFailure } from '../engine/engine.js';
import { UsageError } from '../errors.js';
import { removeState } from '../state/store.js';
import { isTty, printJson, processIo, type Io } from '../ui/output.js';
import { createReporter } from '../ui/reporter.js';
import { openLocal, openSession, type GlobalOpts } from './context.js';
import { failureResult } from './render.js';

export async function runDestroy(o: GlobalOpts, io: Io = processIo()): Promise<number> {
  const local = openLocal(o);
  const interactive = isTty(io.stdin) && isTty(io.stderr) && o.input !== false;
  if (!o.yes && !interactive) {
    throw new UsageError(['--yes: destroy deletes AWS resources and needs --yes when there is no terminal to confirm in']);
  }
  if (!o.yes) {
    const { confirm } = await import('@inquirer/prompts');
    const what = local.recorded ? `every resource recorded in ${local.stateFile}` : `the resources named after stack "${local.stack}" and tagged as its own`;
    const ok = await confirm(
      { message: `Delete ${what}${local.recorded ? ` (${local.recorded.region}, account ${local.recorded.accountId})` : ''}?`, default: false },
      { input: io.stdin as NodeJS.ReadableStream, output: io.stderr as NodeJS.WritableStream },
    );
    if (!ok) {
      io.stderr.write('Nothing was deleted.\n');
      return 1;
    }
  }
  const reporter = await createReporter(io);
  // Without a state file, the user (whose name is unknown) goes with the pool.
  const session = await openSession(o, local, { lock: true, writeState: local.recorded !== undefined, flags: local.recorded ? {} : { userMode: 'none' } });
  try {
    if (!local.recorded) reporter.info(`No state file at ${local.stateFile}: looking for stack "${local.stack}" by name and ownership tag.`);
    let results;
    try {
      results = (await destroy(session.engine((e) => reporter.onEvent(e)))).results;
    } catch (e) {
      reporter.stop();
      if (e instanceof EngineFailure) return failureResult(io, o, session, e, 'destroy');
      throw e;
    }
    reporter.stop();
    const deleted = results.filter((r) => r.action === 'deleted').map((r) => r.key);
    const remaining = results.filter((r) => r.action !== 'deleted' && r.action !== 'absent').map((r) => r.key);
    const notOwned = results.filter((r) => r.action === 'not owned').map((r) => r.key);
    if (remaining.length === 0) removeState(local.stateFile);
    else await session.persist();
    if (o.json) printJson(io, { stack: local.stack, deleted, remaining, notOwned, stateFile: remaining.length === 0 ? null : local.stateFile });
    else {
      const lines = [remaining.length === 0 ? `Stack ${local.stack} is gone: ${deleted.length} resources deleted${results.length - deleted.length ? `, ${results.length - deleted.length} already absent` : ''}.` : `Stack ${local.stack}: ${deleted.length} deleted, ${remaining.length} left (${remaining.join(', ')}).`];
      if (notOwned.length) lines.push(`Left alone because they are not ours: ${notOwned.join(', ')}.`);
      if (remaining.length === 0 && local.recorded) lines.push(`Removed ${local.stateFile}.`);
      io.stdout.write(lines.join('\n') + '\n');
    }
    return remaining.length === 0 ? 0 : 1;
  } finally {
    await session.release();
  }
}
