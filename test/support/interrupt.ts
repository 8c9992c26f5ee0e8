// `init` stopped by a signal (Ctrl-C, SIGTERM, SIGHUP) while CreateFunction is on the wire; the
// call itself goes through. Used by the e2e tests that check what a graceful stop leaves behind.
import { spawnCli } from './cli.js';
import { startCountingProxy, type CountingProxy } from './proxy.js';

export interface SignalledInit {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Whether the signal was sent (CreateFunction was seen). */
  signalled: boolean;
  /** The proxy the run went through: its endpoint is recorded in the state, so the next run uses it too. */
  proxy: CountingProxy;
}

/**
 * Runs `init --yes --json --stack <stack>` through a proxy of its own in front of `upstream`,
 * sends `signal` when CreateFunction arrives, and hands the finished run to `use`; the proxy is
 * closed after `use` (it stays open for it, since the state records its endpoint).
 */
export async function withInitSignalledAtCreateFunction<T>(upstream: string, stack: string, env: Record<string, string>, signal: NodeJS.Signals, use: (r: SignalledInit) => Promise<T>): Promise<T> {
  const proxy = await startCountingProxy(upstream);
  try {
    const run = spawnCli(['init', '--yes', '--json', '--stack', stack, '--endpoint-url', proxy.endpoint], { env });
    let signalled = false;
    proxy.before = async (r) => {
      if (!signalled && r.method === 'POST' && /\/2015-03-31\/functions\/?$/.test(r.path)) {
        signalled = true;
        run.child.kill(signal);
        await new Promise((res) => setTimeout(res, 300));
      }
    };
    const { code, stdout, stderr } = await run.done;
    proxy.before = undefined;
    return await use({ code, stdout, stderr, signalled, proxy });
  } finally {
    await proxy.close();
  }
}
