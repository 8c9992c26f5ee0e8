// The lower floors do not speak CLI (issue 10): the steps, the engine, the state and the AWS layer
// raise typed errors and return data; flags, commands to run and the CLI's error classes belong to
// the command layer (src/commands/explain.ts, aws-errors.ts, notices.ts). These checks read the
// source text, so a flag written into any of those files, or an import of src/commands, src/ui or
// src/errors.ts, fails here.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');
const LOWER = ['steps', 'engine', 'state', 'aws'];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? filesUnder(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []));
}

/** Every module a file imports (static, re-export, dynamic), as a path relative to src/. */
function importsOf(file: string, text = readFileSync(file, 'utf8')): string[] {
  const specs = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]!);
  return specs.filter((s) => s.startsWith('.')).map((s) => relative(SRC, resolve(dirname(file), s)).replace(/\.js$/, '.ts'));
}

const lower = LOWER.flatMap((d) => filesUnder(join(SRC, d)));

describe('steps, engine, state and aws do not speak CLI', () => {
  it('finds the files it checks', () => {
    for (const d of LOWER) expect(lower.some((f) => relative(SRC, f).startsWith(`${d}/`))).toBe(true);
  });

  it('no file there contains a CLI flag (--something), not even in a comment', () => {
    const found = lower.flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .flatMap((line, i) => (/--[a-z]/.test(line) ? [`${relative(SRC, f)}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(found).toEqual([]);
  });

  it('no file there imports src/commands, src/ui or the CLI error classes (src/errors.ts)', () => {
    const found = lower.flatMap((f) => importsOf(f).filter((m) => m.startsWith('commands/') || m.startsWith('ui/') || m === 'errors.ts').map((m) => `${relative(SRC, f)} imports ${m}`));
    expect(found).toEqual([]);
  });

  it('the engine imports none of steps, aws, state, ui or commands', () => {
    const found = filesUnder(join(SRC, 'engine')).flatMap((f) => importsOf(f).filter((m) => /^(steps|aws|state|ui|commands)\//.test(m)).map((m) => `${relative(SRC, f)} imports ${m}`));
    expect(found).toEqual([]);
  });

  it('the import reader sees static, type-only, re-exported and dynamic imports', () => {
    const f = join(SRC, 'steps', 'x.ts');
    const text = [
      "import { a } from '../commands/explain.js';",
      "import type { B } from '../ui/output.js';",
      "export { c } from '../errors.js';",
      "const d = await import('../commands/notices.js');",
      "import '../ui/side-effect.js';",
    ].join('\n');
    expect(importsOf(f, text)).toEqual(['commands/explain.ts', 'ui/output.ts', 'errors.ts', 'commands/notices.ts', 'ui/side-effect.ts']);
  });
});

describe('one place says what an error means', () => {
  it("status explains a read's error through explain() (src/commands/explain.ts), not aws-errors.ts beside it", () => {
    const file = join(SRC, 'commands', 'status.ts');
    expect(importsOf(file)).toContain('commands/explain.ts');
    expect(importsOf(file)).not.toContain('commands/aws-errors.ts');
  });
});
