// `outputs`: what init printed, again, from the state file alone (no AWS request). With
// --show-secret the app clients' secrets are read live from Cognito (they are never stored).
import { StateError } from '../errors.js';
import { printJson, processIo, type Io } from '../ui/output.js';
import { renderSummary, stdoutColors } from '../ui/summary.js';
import { openLocal, outputsOf, type GlobalOpts } from './context.js';
import { openSecrets } from './token.js';

export interface OutputsOpts extends GlobalOpts {
  showSecret?: boolean;
}

export async function runOutputs(o: OutputsOpts, io: Io = processIo()): Promise<number> {
  const local = openLocal(o);
  if (!local.recorded) {
    throw new StateError(`No state file for stack "${local.stack}" at ${local.stateFile}.`, 'Run init first, or pass --stack / --state for an existing stack.', 'NO_STATE');
  }
  const state = local.recorded;
  const outputs: ReturnType<typeof outputsOf> & { clientSecret?: string; m2mClientSecret?: string } = outputsOf(state);
  if (o.showSecret) {
    if (!outputs.clientId) throw new StateError(`Stack "${local.stack}" has no app client yet.`, `Run init --stack ${local.stack} first.`, 'INCOMPLETE_STACK');
    const secrets = await openSecrets(o, local);
    try {
      outputs.clientSecret = (await secrets.client(outputs.clientId)).ClientSecret;
      if (outputs.m2mClientId) outputs.m2mClientSecret = (await secrets.client(outputs.m2mClientId)).ClientSecret;
    } finally {
      await secrets.release();
    }
  }
  if (o.json) {
    printJson(io, { stack: state.stack, region: state.region, accountId: state.accountId, stateFile: local.stateFile, outputs });
    return 0;
  }
  let text = renderSummary(state, outputs, local.stateFile, { headline: `Stack ${state.stack} (${state.region}, account ${state.accountId}):`, c: stdoutColors(io) });
  if (outputs.clientSecret) {
    text += `Secrets (read live from Cognito, never stored):\n  Client secret      ${outputs.clientSecret}\n`;
    if (outputs.m2mClientSecret) text += `  M2M client secret  ${outputs.m2mClientSecret}\n`;
  }
  io.stdout.write(text);
  return 0;
}
