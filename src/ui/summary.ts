// What `init` tells a person: the plan before anything is created (stderr), and at the end the
// summary of what exists and what to do next (stdout): the Postman settings of the tutorial's
// step 9 and the same test with curl.
import { Chalk, type ChalkInstance } from 'chalk';
import { commandLine, type Where } from '../commands/command-line.js';
import type { Outputs } from '../commands/context.js';
import type { State } from '../state/schema.js';
import { isTty, type Io } from './output.js';

/** Colour for stdout: only on a terminal, never with NO_COLOR. */
export function stdoutColors(io: Io): ChalkInstance {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return new Chalk({ level: 0 });
  if (io.env.FORCE_COLOR !== undefined) return new Chalk({ level: io.env.FORCE_COLOR === '0' ? 0 : 1 });
  return new Chalk({ level: isTty(io.stdout) ? 1 : 0 });
}

const table = (rows: [string, string | undefined][], indent = '  '): string[] => {
  const shown = rows.filter((r): r is [string, string] => r[1] !== undefined && r[1] !== '');
  const w = Math.max(0, ...shown.map(([k]) => k.length));
  return shown.map(([k, v]) => `${indent}${k.padEnd(w)}  ${v}`);
};

export interface SummaryOptions {
  headline?: string;
  c?: ChalkInstance;
  /** The flags that pick this stack again (--state, --profile when given): every command shown carries them. */
  where?: Omit<Where, 'stack'>;
}

export function renderSummary(state: State, out: Outputs, stateFile: string, o: SummaryOptions = {}): string {
  const c = o.c ?? new Chalk({ level: 0 });
  const run = (command: string, ...extra: string[]) => commandLine(command, { ...o.where, stack: state.stack }, extra);
  const callback = state.inputs.callbackUrls[0] ?? '';
  const scope = out.scopes.join(' ');
  const user = out.username;
  // Read live from Cognito (never stored); the state file knows region, endpoint and ids.
  const secretCmd = run('outputs', '--show-secret');
  const lines: string[] = [c.bold(o.headline ?? `Stack ${state.stack} is ready (${state.region}, account ${state.accountId}).`), ''];
  lines.push(
    ...table([
      ['Invoke URL', out.invokeUrl],
      ['Cognito domain', out.domain],
      ['User pool', out.userPoolId],
      ['Client id', out.clientId],
      ['M2M client id', out.m2mClientId ? `${out.m2mClientId}  (client credentials)` : undefined],
      ['Scopes', scope],
      ['User', user ? `${user}${state.inputs.userMode === 'invite' ? ' (a temporary password was e-mailed)' : ''}` : 'none (nobody can sign in yet)'],
      ['Lambda', out.functionName],
      ['State file', stateFile],
    ]),
  );
  if (out.routes) {
    // Scopes shown without the resource server prefix; API Gateway lets a token through that carries any one of them.
    const prefix = `${state.inputs.resourceServerId}/`;
    const routes = out.routes;
    const wm = Math.max(...routes.map((r) => r.method.length));
    const wu = Math.max(...routes.map((r) => (r.url ?? r.path).length));
    lines.push('', c.bold('Routes') + ' (a token with any one of its scopes gets through):');
    for (const r of routes) lines.push(`  ${r.method.padEnd(wm)}  ${(r.url ?? r.path).padEnd(wu)}  ${r.scopes.map((x) => (x.startsWith(prefix) ? x.slice(prefix.length) : x)).join(', ')}`);
  }
  if (!user && out.clientId) {
    lines.push('', c.bold('No user') + `: the stack has no user, so nobody can sign in to the hosted UI yet. Add one with:`, `  ${run('init', '--username', '<name>')}`);
  }
  if (user && out.authorizeUrl && out.tokenUrl && out.clientId) {
    lines.push(
      '',
      c.bold('Test it with Postman') + ` (tutorial step 9): a GET request to the invoke URL; on its Authorization tab choose OAuth 2.0 and set:`,
      ...table([
        ['Grant type', 'Authorization Code'],
        ['Callback URL', callback === 'https://oauth.pstmn.io/v1/callback' ? `${callback}  (tick "Authorize using browser")` : callback],
        ['Auth URL', out.authorizeUrl],
        ['Access Token URL', out.tokenUrl],
        ['Client ID', out.clientId],
        ['Client Secret', 'not stored here: the command below prints it'],
        ['Scope', scope],
        ['Client Authentication', 'Send as Basic Auth header'],
      ], '    '),
      `  Then "Get New Access Token", sign in${user ? ` as ${user}` : ''}, "Use Token" and Send: the answer is "Hello World!".`,
      `  The client secret: ${secretCmd}`,
      '',
      c.bold('Or with curl') + ':',
      `  1. Open in a browser, sign in, and copy the code=... from the address you land on:`,
      `     ${out.authorizeUrl}?${new URLSearchParams({ response_type: 'code', client_id: out.clientId, redirect_uri: callback, scope })}`,
      `  2. Trade it for tokens (CLIENT_SECRET: the client secret, printed by the command above):`,
      `     curl -s -u "${out.clientId}:$CLIENT_SECRET" -d grant_type=authorization_code -d "code=$CODE" --data-urlencode "redirect_uri=${callback}" ${out.tokenUrl}`,
      `  3. Call the API with the access token (an ID token gets 401: the method demands a scope):`,
      `     curl -H "Authorization: Bearer $ACCESS_TOKEN" ${out.invokeUrl ?? '<invoke URL>'}`,
    );
  }
  if (user && out.clientId) {
    lines.push('', c.bold('Or let this tool do it') + ':', `  ${run('verify')}    (sign in once in the browser; checks 401 without a token, 200 "Hello World!" with one)`, `  ${run('token')}     (prints an access token)    ${run('export postman')}`);
  }
  if (out.m2mClientId) {
    lines.push(
      '',
      c.bold('The M2M client (client credentials, no sign-in)') + ':',
      `  ${run('token', '--client-credentials')}     (prints an access token of client ${out.m2mClientId})`,
      `  ${run('verify', '--client-credentials')}    (checks 401 without a token, 401 without the scope, 200 "Hello World!" with it)`,
      `  Its secret: ${secretCmd}`,
    );
  }
  lines.push('', `Check it: ${run('status')}    Remove it: ${run('destroy')}`, '');
  return lines.join('\n');
}
