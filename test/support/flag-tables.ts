// The README's flag tables, rendered from the field table (src/config/fields.ts). The unit test
// test/unit/config/fields.test.ts holds the README to them: change a field, paste the new table.
import { helpOf, type FieldDef, type FieldTable } from '../../src/config/fields.js';

const cell = (s: string) => s.replace(/\|/g, '\\|');
const code = (s: string) => `\`${cell(s)}\``;
const defaultCell = (f: FieldDef) => (f.default === undefined ? '' : /\s/.test(f.default) ? cell(f.default) : code(f.default));

/** `| Flag | Meaning |` (withDefault: `| Flag | Default | Meaning |`), one row per field, in table order. */
export function flagTable(fields: FieldTable, withDefault: boolean): string {
  const rows = Object.values(fields).map((f) => {
    const meaning = cell(f.doc ?? `${f.help[0]!.toUpperCase()}${f.help.slice(1)}.`);
    return withDefault ? `| ${code(f.flags)} | ${defaultCell(f)} | ${meaning} |` : `| ${code(f.flags)} | ${meaning} |`;
  });
  const head = withDefault ? ['| Flag | Default | Meaning |', '|---|---|---|'] : ['| Flag | Meaning |', '|---|---|'];
  return [...head, ...rows].join('\n');
}

export { helpOf };
