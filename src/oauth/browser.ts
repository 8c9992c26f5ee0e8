// Open a URL in the user's browser where one exists; the caller always prints the URL too.
import { spawn } from 'node:child_process';

/** Is there a graphical session to open a browser in? Linux/BSD need DISPLAY or WAYLAND_DISPLAY. */
export function hasDisplay(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): boolean {
  if (platform === 'darwin' || platform === 'win32') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/** The command that opens a URL, or undefined when there is no browser to open. BROWSER=none disables it. */
export function browserCommand(url: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): [string, string[]] | undefined {
  if (env.BROWSER === 'none') return undefined;
  if (env.BROWSER) return [env.BROWSER, [url]];
  if (!hasDisplay(env, platform)) return undefined;
  if (platform === 'darwin') return ['open', [url]];
  // rundll32 takes the URL as one argument: no cmd.exe quoting of & in the query string.
  if (platform === 'win32') return ['rundll32', ['url.dll,FileProtocolHandler', url]];
  return ['xdg-open', [url]];
}

/** Start the browser, detached. Resolves false when none could be started. */
export function openBrowser(url: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): Promise<boolean> {
  const cmd = browserCommand(url, env, platform);
  if (!cmd) return Promise.resolve(false);
  return new Promise((resolve) => {
    try {
      const child = spawn(cmd[0], cmd[1], { detached: true, stdio: 'ignore' });
      child.once('error', () => resolve(false));
      child.once('spawn', () => {
        child.unref();
        resolve(true);
      });
    } catch {
      resolve(false);
    }
  });
}
