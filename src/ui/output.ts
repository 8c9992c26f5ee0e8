// Where things go: results on stdout, everything else (progress, prompts, warnings) on stderr.
import { Chalk, supportsColorStderr, type ChalkInstance } from 'chalk';

export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream | NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
}

/**
 * The process's streams. stdin is looked up only when used: Node builds its stream on first access
 * (about 3 ms), and most commands never read it.
 */
export const processIo = (): Io => ({
  stdout: process.stdout,
  stderr: process.stderr,
  get stdin() {
    return process.stdin;
  },
  env: process.env,
});

export function isTty(s: unknown): boolean {
  return Boolean((s as { isTTY?: boolean })?.isTTY);
}

/** Colour for stderr, honouring NO_COLOR and FORCE_COLOR. */
export function colorsFor(io: Pick<Io, 'env' | 'stderr'>): ChalkInstance {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return new Chalk({ level: 0 });
  if (io.env.FORCE_COLOR !== undefined) {
    const n = Number(io.env.FORCE_COLOR);
    return new Chalk({ level: (Number.isNaN(n) ? 1 : Math.max(0, Math.min(3, n))) as 0 | 1 | 2 | 3 });
  }
  if (!isTty(io.stderr)) return new Chalk({ level: 0 });
  return new Chalk({ level: supportsColorStderr ? supportsColorStderr.level : 0 });
}

export function printJson(io: Io, doc: unknown): void {
  io.stdout.write(JSON.stringify(doc, null, 2) + '\n');
}
