// A full disk during a save: one clear line, the previous state file untouched, no temp file left.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

let full = false;
vi.mock('node:fs', async (orig) => {
  const fs = await orig<typeof import('node:fs')>();
  return {
    ...fs,
    writeSync: (...a: Parameters<typeof fs.writeSync>) => {
      if (full) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return (fs.writeSync as (...x: unknown[]) => number)(...a);
    },
  };
});

const { writeStateFile } = await import('../../../src/state/file.js');
const { StateIo } = await import('../../../src/state/errors.js');

describe('ENOSPC while saving', () => {
  it('is one line with the path and what to do; the old state stays whole and no temp file is left', () => {
    const d = mkdtempSync(join(tmpdir(), 'css-enospc-'));
    const f = join(d, 'demo.json');
    writeStateFile(f, '{"old":true}\n');
    full = true;
    let err: unknown;
    try {
      writeStateFile(f, '{"new":true}\n');
    } catch (e) {
      err = e;
    } finally {
      full = false;
    }
    expect(err).toBeInstanceOf(StateIo);
    expect((err as Error).message).toBe(`Cannot save the state: no space left on the device of ${f} (ENOSPC).`);
    expect(readFileSync(f, 'utf8')).toBe('{"old":true}\n');
    expect(readdirSync(d)).toEqual(['demo.json']);
  });
});
