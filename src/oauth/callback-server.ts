// The loopback redirect target of the authorization-code flow (RFC 8252 section 7.3): an HTTP
// server on 127.0.0.1 only, answering one callback. It checks `state` (a mismatch is refused, not
// waited past), stops after that one callback, and gives up cleanly after a timeout.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loopbackCallbackUrl as loopbackRedirectUri } from '../config/schema.js';
import { CliError } from '../errors.js';
import { sameSecret } from './pkce.js';

export const CALLBACK_PATH = '/callback';
export { loopbackRedirectUri };

export interface CallbackServerOptions {
  /** 0 picks a free port (tests); the registered redirect URI needs a fixed one. */
  port: number;
  expectedState: string;
  timeoutMs: number;
}

export interface CallbackServer {
  /** The port actually bound. */
  port: number;
  /** http://localhost:<port>/callback */
  redirectUri: string;
  /** Resolves with the authorization code; rejects on state mismatch, an OAuth error, or timeout. */
  code: Promise<string>;
  /** Stop listening (idempotent). */
  close(): Promise<void>;
}

export class CallbackError extends CliError {
  constructor(code: string, message: string, hint?: string) {
    super(code, message, hint, 1);
    this.name = 'CallbackError';
  }
}

function page(res: ServerResponse, status: number, title: string, text: string): void {
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title></head><body style="font-family:sans-serif;margin:3em"><h1>${esc(title)}</h1><p>${esc(text)}</p></body></html>\n`;
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'close' });
  res.end(body);
}

export async function startCallbackServer(o: CallbackServerOptions): Promise<CallbackServer> {
  let settle!: { resolve(code: string): void; reject(e: Error): void };
  const code = new Promise<string>((resolve, reject) => (settle = { resolve, reject }));
  code.catch(() => undefined); // the caller may stop listening before awaiting; never an unhandled rejection
  let used = false;
  let timer: NodeJS.Timeout | undefined; // eslint-disable-line prefer-const -- assigned once listening

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== CALLBACK_PATH) return page(res, 404, 'Not found', 'This server only answers the sign-in callback.');
    if (req.method !== 'GET') return page(res, 405, 'Method not allowed', 'The sign-in callback is a GET request.');
    if (used) return page(res, 410, 'Already used', 'This sign-in callback was already used; run the command again for a new sign-in.');
    used = true;
    const q = url.searchParams;
    const state = q.get('state') ?? '';
    let outcome: { ok: true; code: string } | { ok: false; error: CallbackError };
    if (!state || !sameSecret(state, o.expectedState)) {
      outcome = {
        ok: false,
        error: new CallbackError('STATE_MISMATCH', 'The sign-in callback carried a different `state` than this run sent: it was refused (possible cross-site request forgery, or a stale browser tab).', 'Run the command again and sign in from the URL it prints.'),
      };
    } else if (q.get('error')) {
      const err = q.get('error')!;
      const desc = q.get('error_description');
      outcome = {
        ok: false,
        error: new CallbackError('OAUTH_ERROR', `The hosted UI answered ${err}${desc ? ` (${desc})` : ''}.`, err === 'invalid_scope' || desc === 'invalid_scope' ? 'A requested scope is not allowed on the app client: run init to put the scopes back on the client.' : 'Check the app client settings with status, then run init to converge them.'),
      };
    } else if (!q.get('code')) {
      outcome = { ok: false, error: new CallbackError('NO_CODE', 'The sign-in callback carried no authorization code.', 'Run the command again.') };
    } else {
      outcome = { ok: true, code: q.get('code')! };
    }
    if (outcome.ok) page(res, 200, 'Signed in', 'cognito-scope-setup received the authorization code. You can close this tab.');
    else page(res, 400, 'Sign-in refused', outcome.error.message);
    res.on('finish', () => void close());
    if (outcome.ok) settle.resolve(outcome.code);
    else settle.reject(outcome.error);
  });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    return closing;
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') {
        reject(new CliError('PORT_IN_USE', `Port ${o.port} on 127.0.0.1 is already in use, so the sign-in callback cannot be received.`, 'Stop what uses it, or pass --callback-port <port> to both init (which registers http://localhost:<port>/callback on the app client) and this command.'));
      } else if (e.code === 'EACCES') {
        reject(new CliError('PORT_DENIED', `Port ${o.port} on 127.0.0.1 needs privileges this process lacks.`, 'Use a port from 1024 to 65535 with --callback-port (on init as well).'));
      } else reject(e);
    });
    server.listen(o.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  timer = setTimeout(() => {
    settle.reject(new CallbackError('TIMEOUT', `No sign-in arrived at ${loopbackRedirectUri(port)} within ${Math.round(o.timeoutMs / 1000)} s.`, 'Run the command again and finish the sign-in in the browser in time (or raise --timeout).'));
    void close();
  }, o.timeoutMs);
  timer.unref();
  return { port, redirectUri: loopbackRedirectUri(port), code, close };
}
