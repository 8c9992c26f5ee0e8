// processIo looks stdin up only when a command reads it: Node builds process.stdin on first access
// (about 3 ms of every run), and most commands never read it. isInteractive asks stderr first, so
// without a terminal there stdin is never built.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { processIo } from '../../../src/ui/output.js';
import { isInteractive } from '../../../src/ui/prompts.js';

afterEach(() => vi.restoreAllMocks());

describe('processIo', () => {
  it('does not touch process.stdin until it is read', () => {
    const stdin = vi.spyOn(process, 'stdin', 'get');
    const io = processIo();
    io.stderr = { isTTY: false, write: () => true } as unknown as NodeJS.WritableStream; // no terminal on stderr
    expect(isInteractive({}, io)).toBe(false);
    expect(stdin).not.toHaveBeenCalled();
    const read = io.stdin;
    expect(stdin).toHaveBeenCalledTimes(1);
    expect(read).toBe(process.stdin);
  });
});
