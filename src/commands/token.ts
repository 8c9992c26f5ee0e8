// `token`: an access token carrying the custom scope(s). By default the user signs in to the
// hosted UI in a browser (authorization code with PKCE, loopback callback); with
// --client-credentials the M2M client asks for one itself. Prints the token, or with --json the
// token response and its decoded claims.
import type { Io } from '../ui/output.js';
import { EXIT } from './exit-codes.js';
import { execute, type Handler } from './kernel.js';
import { describeToken, flowSettings, m2mToken, requireM2m, userToken, type FlowOpts } from './oauth-flow.js';

export const handler: Handler<FlowOpts> = async (ctx) => {
  const { args: o, io } = ctx;
  const stack = ctx.recorded();
  const settings = flowSettings(o, stack.recorded.inputs);
  if (o.clientCredentials) requireM2m(stack.recorded);
  const secrets = await ctx.secrets();
  const grant = o.clientCredentials ? 'client_credentials' : 'authorization_code';
  const t = o.clientCredentials ? await m2mToken(stack, secrets, settings.scopes) : await userToken(io, o, stack, secrets, settings);
  const doc = describeToken(grant, t);
  io.stderr.write(`Access token (${grant}): scope "${doc.claims.scope ?? ''}", client ${doc.claims.client_id ?? '?'}, expires ${doc.claims.expiresAt ?? '?'}.\n`);
  return { exit: EXIT.OK, json: doc, text: t.access_token + '\n' };
};

export const runToken = async (o: FlowOpts & { state?: string; json?: boolean }, io?: Io) => execute((await import('./registry.js')).TOKEN, o, io);
