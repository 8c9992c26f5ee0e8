// `outputs`: what init printed, again, from the state file alone (no AWS request). With
// --show-secret the app clients' secrets are read live from Cognito (they are never stored).
import type { ArgsOf, OUTPUTS_FIELDS } from '../config/fields.js';
import { StateError } from '../errors.js';
import type { Io } from '../ui/output.js';
import { renderSummary, stdoutColors } from '../ui/summary.js';
import type { Outputs } from './context.js';
import { commandLine } from './command-line.js';
import { EXIT } from './exit-codes.js';
import { execute, type Handler } from './kernel.js';

export type OutputsOpts = ArgsOf<typeof OUTPUTS_FIELDS>;

export const handler: Handler<OutputsOpts> = async (ctx) => {
  const { args: o, io } = ctx;
  const { recorded: state, stateFile, outputs: recordedOutputs } = ctx.recorded();
  const outputs: Outputs & { clientSecret?: string; m2mClientSecret?: string } = { ...recordedOutputs };
  if (o.showSecret) {
    if (!outputs.clientId) throw new StateError(`Stack "${state.stack}" has no app client yet.`, `Run ${commandLine('init', { stack: state.stack, state: o.state, profile: o.profile })} first.`, 'INCOMPLETE_STACK');
    const secrets = await ctx.secrets();
    outputs.clientSecret = (await secrets.client(outputs.clientId)).ClientSecret;
    if (outputs.m2mClientId) outputs.m2mClientSecret = (await secrets.client(outputs.m2mClientId)).ClientSecret;
  }
  let text = renderSummary(state, outputs, stateFile, { headline: `Stack ${state.stack} (${state.region}, account ${state.accountId}):`, c: stdoutColors(io), where: { state: o.state, profile: o.profile } });
  if (outputs.clientSecret) {
    // Each secret beside the id of the client it belongs to.
    const rows = [[`App client ${outputs.clientId}`, outputs.clientSecret], ...(outputs.m2mClientSecret ? [[`M2M client ${outputs.m2mClientId}`, outputs.m2mClientSecret]] : [])];
    const w = Math.max(...rows.map(([k]) => k!.length));
    text += `Secrets (read live from Cognito, never stored):\n${rows.map(([k, v]) => `  ${k!.padEnd(w)}  secret ${v}`).join('\n')}\n`;
  }
  return { exit: EXIT.OK, json: { stack: state.stack, region: state.region, accountId: state.accountId, stateFile, outputs }, text };
};

export const runOutputs = async (o: OutputsOpts & { state?: string; json?: boolean }, io?: Io) => execute((await import('./registry.js')).OUTPUTS, o, io);
