// Progress for engine events: ora spinners on a terminal, one plain line per event otherwise.
// Always on stderr.
import type { ChalkInstance } from 'chalk';
import type { Ora } from 'ora';
import type { EngineEvent } from '../engine/types.js';
import { colorsFor, isTty, type Io } from './output.js';

export interface Reporter {
  onEvent(e: EngineEvent): void;
  info(line: string): void;
  warn(line: string): void;
  stop(): void;
}

const GOOD = new Set(['created', 'adopted', 'updated', 'unchanged', 'deleted', 'absent', 'no change', 'create', 'adopt', 'update']);

function describe(e: EngineEvent, c: ChalkInstance): string {
  if (e.type === 'start') return `${c.dim('…')} ${e.title}`;
  if (e.type === 'note') return `${c.dim('…')} ${e.title}: ${e.message}`;
  if (e.type === 'failed') return `${c.red('✗')} ${e.title}: failed`;
  const mark = e.action === 'unchanged' || e.action === 'absent' || e.action === 'no change' ? c.dim('·') : GOOD.has(e.action) ? c.green('✓') : c.yellow('!');
  const changes = e.changes?.length ? c.dim(` (${e.changes.map((x) => x.field).join(', ')})`) : e.extra ? c.dim(` (another copy tagged as this stack's: ${String(e.extra.id)})`) : '';
  return `${mark} ${e.title}: ${e.action}${changes}`;
}

export async function createReporter(io: Io, opts: { quiet?: boolean } = {}): Promise<Reporter> {
  const c = colorsFor(io);
  const write = (s: string) => io.stderr.write(s + '\n');
  if (opts.quiet) return { onEvent() {}, info() {}, warn: (l) => write(`${c.yellow('warning:')} ${l}`), stop() {} };
  if (!isTty(io.stderr) || io.env.CI) {
    return {
      onEvent: (e) => {
        if (e.type !== 'start') write(describe(e, c));
      },
      info: write,
      warn: (l) => write(`${c.yellow('warning:')} ${l}`),
      stop() {},
    };
  }
  const { default: ora } = await import('ora');
  const running = new Map<string, string>();
  let spinner: Ora | undefined;
  const refresh = () => {
    const text = [...running.values()].join(', ');
    if (!text) {
      spinner?.stop();
      spinner = undefined;
    } else if (spinner) spinner.text = text;
    else spinner = ora({ text, stream: io.stderr as NodeJS.WriteStream, discardStdin: false }).start();
  };
  const persist = (line: string) => {
    if (spinner) {
      spinner.clear();
      write(line);
      spinner.render();
    } else write(line);
  };
  return {
    onEvent(e) {
      if (e.type === 'start') running.set(e.key, e.title);
      else if (e.type === 'note') running.set(e.key, `${e.title} (${e.message})`);
      else {
        running.delete(e.key);
        persist(describe(e, c));
      }
      refresh();
    },
    info: persist,
    warn: (l) => persist(`${c.yellow('warning:')} ${l}`),
    stop() {
      spinner?.stop();
      spinner = undefined;
    },
  };
}
