// A YAML writer for CloudFormation templates, and nothing more: block maps and lists of strings,
// numbers, booleans and nested maps/lists. Scalars are written as JSON strings (YAML 1.2 is a
// superset of JSON), so no value can turn into another type (`yes`, `0123`, `1e3`) or break the
// syntax; multi-line strings (inline Lambda code) become literal blocks. Intrinsic functions are
// written in their long form ({Ref: x}, {"Fn::Sub": s}), which every YAML and JSON reader of
// CloudFormation accepts, so no custom tags are needed. A dependency would do more than we need.

export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_:.-]*$/;

function key(k: string): string {
  return PLAIN_KEY.test(k) ? k : JSON.stringify(k);
}

function scalar(v: string | number | boolean | null, indent: string): string {
  if (v === null) return 'null';
  if (typeof v !== 'string') return String(v);
  // A literal block keeps code readable. Not for text a block cannot hold exactly: carriage returns,
  // tabs, trailing spaces, a leading space (needs an indentation indicator), several final newlines.
  if (v.includes('\n') && !/[\r\t]/.test(v) && !/ \n| $/.test(v) && !v.startsWith(' ') && !v.endsWith('\n\n')) {
    // "|" keeps one final newline, "|-" none.
    const body = v.endsWith('\n') ? v.slice(0, -1) : v;
    const head = v.endsWith('\n') ? '|' : '|-';
    return `${head}\n${body.split('\n').map((l) => (l ? `${indent}${l}` : '')).join('\n')}`;
  }
  return JSON.stringify(v);
}

const isBlock = (v: YamlValue): v is YamlValue[] | { [key: string]: YamlValue } =>
  v !== null && typeof v === 'object' && (Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0);

function emit(v: YamlValue, indent: string, out: string[]): void {
  if (Array.isArray(v)) {
    for (const item of v) {
      if (isBlock(item)) {
        const lines: string[] = [];
        emit(item, `${indent}  `, lines);
        // The first line of the item goes on the dash's line.
        out.push(`${indent}- ${lines[0]!.trimStart()}`, ...lines.slice(1));
      } else {
        out.push(`${indent}- ${inline(item, `${indent}  `)}`);
      }
    }
    return;
  }
  if (v !== null && typeof v === 'object') {
    for (const [k, item] of Object.entries(v)) {
      if (isBlock(item)) {
        out.push(`${indent}${key(k)}:`);
        emit(item, `${indent}  `, out);
      } else {
        out.push(`${indent}${key(k)}: ${inline(item, `${indent}  `)}`);
      }
    }
    return;
  }
  out.push(`${indent}${inline(v, indent)}`);
}

function inline(v: YamlValue, indent: string): string {
  if (Array.isArray(v)) return '[]';
  if (v !== null && typeof v === 'object') return '{}';
  return scalar(v, indent);
}

/** The document, with optional leading comment lines (each without its "# "). */
export function toYaml(doc: { [key: string]: YamlValue }, comments: string[] = []): string {
  const out: string[] = comments.map((c) => (c ? `# ${c}` : '#'));
  emit(doc, '', out);
  return `${out.join('\n')}\n`;
}
