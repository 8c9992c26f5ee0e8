import { mkdtempSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { explain } from '../../src/commands/explain.js';
import type { StateError } from '../../src/errors.js';
import { Locked, StateInvalid } from '../../src/state/errors.js';
import { STATE_VERSION } from '../../src/state/schema.js';
import { sampleState } from './state/sample.js';
import { loadState, lockState, saveState } from '../../src/state/store.js';

const dir = () => mkdtempSync(join(tmpdir(), 'css-state-'));

export { sampleState };

describe('state file', () => {
  it('round-trips through an atomic save with mode 0600', async () => {
    const f = join(dir(), 'nested', 'demo.json');
    await saveState(f, sampleState());
    expect(statSync(f).mode & 0o777).toBe(0o600);
    const back = loadState(f)!;
    expect(back.resources.api).toEqual({ id: 'abc', rootResourceId: 'r1' });
    expect(back.inputs.scopes[0]!.name).toBe('read.helloworld.message');
  });

  it('returns undefined when there is no file', () => {
    expect(loadState(join(dir(), 'none.json'))).toBeUndefined();
  });

  const bad: [string, string, RegExp][] = [
    ['truncated', JSON.stringify(sampleState()).slice(0, 50), /not valid JSON/],
    ['empty', '', /empty/],
    ['not an object', '[1,2]', /JSON object/],
    ['newer version', JSON.stringify({ ...sampleState(), version: STATE_VERSION + 1 }), /newer cognito-scope-setup/],
    ['schema violation', JSON.stringify({ ...sampleState(), region: 42 }), /expected format: region/],
    ['another tool', JSON.stringify({ ...sampleState(), tool: 'terraform' }), /not a cognito-scope-setup state file/],
  ];
  for (const [name, text, msg] of bad) {
    it(`refuses a ${name} file, naming it, and leaves it byte-for-byte unchanged`, () => {
      const f = join(dir(), 'demo.json');
      writeFileSync(f, text);
      let err: unknown;
      try {
        loadState(f);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(StateInvalid);
      expect((err as Error).message).toMatch(msg);
      expect((err as Error).message).toContain(f);
      expect(readFileSync(f, 'utf8')).toBe(text);
    });
  }

  it('newer versions come with an upgrade hint', () => {
    const f = join(dir(), 'demo.json');
    writeFileSync(f, JSON.stringify({ ...sampleState(), version: 99 }));
    try {
      loadState(f);
    } catch (e) {
      expect((explain(e) as StateError).hint).toMatch(/Upgrade/);
      expect((explain(e) as StateError).code).toBe('STATE_TOO_NEW');
    }
  });
});

describe('lock', () => {
  it('keeps a second holder out, naming the holder pid, and frees on release', async () => {
    const f = join(dir(), 'demo.json');
    const release = await lockState(f);
    const f2 = await lockState(f).catch((e) => e);
    // Same process: the holder is us, so it is reported, not taken over.
    expect(f2).toBeInstanceOf(Locked);
    expect((f2 as Locked).message).toContain(`pid ${process.pid}`);
    await release();
    const again = await lockState(f);
    await again();
  });

  it('takes over a lock left by a dead process (the layout of the previous release: owner.json with its pid)', async () => {
    const f = join(dir(), 'demo.json');
    // A child takes the lock and is killed without releasing it.
    const child = spawn(process.execPath, ['--input-type=module', '-e', `
      import { mkdirSync, writeFileSync } from 'node:fs';
      mkdirSync(${JSON.stringify(f + '.lock')});
      writeFileSync(${JSON.stringify(f + '.lock/owner.json')}, JSON.stringify({ pid: process.pid }));
      process.stdout.write('locked\\n');
      setInterval(() => {}, 1000);
    `], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((res) => child.stdout!.once('data', () => res()));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(existsSync(f + '.lock')).toBe(true);
    const release = await lockState(f);
    await release();
  });
});
