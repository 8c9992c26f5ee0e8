// Acting as the user's browser for the authorization-code flow against the emulator: read the
// authorize URL the CLI prints on stderr, sign in on the emulator's hosted-UI form, follow the
// redirect to the CLI's loopback callback. (Emulator-only: ministack's login form is a plain
// HTML form posted to /login; real Cognito's hosted UI is not scraped.)
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { BIN, REPO, parseStdout, type CliResult } from './cli.js';

export interface RunningCli {
  child: ChildProcess;
  /** Resolves with the first stderr match of the pattern (group 1 when present). */
  waitForStderr(pattern: RegExp): Promise<string>;
  done: Promise<CliResult>;
}

export function startCli(args: string[], o: { env: Record<string, string | undefined>; input?: string; timeoutMs?: number }): RunningCli {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...o.env };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve(v: string): void; reject(e: Error): void }[] = [];
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => {
    stderr += d;
    for (const w of [...waiters]) {
      const m = stderr.match(w.pattern);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m[1] ?? m[0]);
      }
    }
  });
  child.stdin!.end(o.input ?? '');
  const done = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cli ${args.join(' ')} timed out\nstderr: ${stderr}`));
    }, o.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      for (const w of waiters.splice(0)) w.reject(new Error(`exited (${code}) before stderr matched ${w.pattern}\n${stderr}`));
      resolve({
        code,
        stdout,
        stderr,
        json: () => parseStdout(code, stdout, stderr),
      });
    });
  });
  return {
    child,
    done,
    waitForStderr: (pattern) =>
      new Promise<string>((resolve, reject) => {
        const m = stderr.match(pattern);
        if (m) resolve(m[1] ?? m[0]);
        else if (child.exitCode !== null) reject(new Error(`exited (${child.exitCode}) before stderr matched ${pattern}\n${stderr}`));
        else waiters.push({ pattern, resolve, reject });
      }),
  };
}

/** The authorize URL line the CLI prints. */
export const AUTHORIZE_LINE = /^\s+(https?:\/\/\S+\/oauth2\/authorize\?\S+)$/m;

const unescapeHtml = (s: string) => s.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** GET the authorize URL, POST the login form with the user's credentials; returns the redirect Location. */
export async function signIn(authorizeUrl: string, username: string, password: string): Promise<string> {
  const page = await fetch(authorizeUrl, { redirect: 'manual' });
  if (page.status === 302) return page.headers.get('location')!; // an error redirect (e.g. invalid_scope)
  const html = await page.text();
  if (page.status !== 200 || !html.includes('action="/login"')) throw new Error(`no login form at ${authorizeUrl}: ${page.status} ${html.slice(0, 300)}`);
  const fields = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, unescapeHtml(m[2]!)]));
  const res = await fetch(new URL('/login', authorizeUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...fields, username, password }),
  });
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) throw new Error(`sign-in did not redirect: ${res.status} ${(await res.text()).slice(0, 300)}`);
  return location;
}

/** The whole browser part: sign in and deliver the redirect to the loopback callback. */
export async function actAsBrowser(cli: RunningCli, username: string, password: string): Promise<{ location: string; callbackStatus: number }> {
  const url = await cli.waitForStderr(AUTHORIZE_LINE);
  const location = await signIn(url, username, password);
  const cb = await fetch(location);
  await cb.text();
  return { location, callbackStatus: cb.status };
}

/** A port that was free a moment ago (for --callback-port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
