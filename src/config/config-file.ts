// A --config file: JSON with the same keys as the flags (camelCase), the keys and JSON types of the
// field table (fields.ts `config`), each value checked by its field's rule. Every problem of the
// file is reported at once, each naming the key path as in the file (`scopes[0].name`), the value
// found there and the rule.
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import type { FieldDef, GivenValues } from './fields.js';
import { CONFIG_KEYS, valueAt, valueIssues } from './resolve.js';

type ConfigType = NonNullable<FieldDef['config']>;
const TYPE_OF = new Map<string, ConfigType>(CONFIG_KEYS);
const SCOPE_KEYS = ['name', 'description'];
const ROUTE_KEYS = ['method', 'path', 'scopes'];

/** `scopes[0].name` */
export const keyPath = (path: readonly PropertyKey[]): string => path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join('');

/** The known key closest to a misspelt one (at most two edits away). */
function closest(key: string, known: readonly string[]): string | undefined {
  const dist = (a: string, b: string) => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0]![j] = j;
    for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    return d[a.length]![b.length]!;
  };
  const best = known.map((k) => [k, dist(key.toLowerCase(), k.toLowerCase())] as const).sort((a, b) => a[1] - b[1])[0];
  return best && best[1] <= 2 ? best[0] : undefined;
}

const unknownKey = (key: string, known: readonly string[]) => {
  const near = closest(key, known);
  return `unknown key ${JSON.stringify(key)}${near ? ` (did you mean "${near}"?)` : ''}; the keys are ${known.join(', ')}`;
};

const TYPE_WORDS: Record<ConfigType, string> = {
  string: 'must be a string',
  number: 'must be a number',
  boolean: 'must be true or false',
  strings: 'must be a list of strings',
  scopes: 'must be a list of scopes: "name", "name=description" or {"name": ..., "description": ...}',
  routes: 'must be a list of routes: "METHOD /path=scope[,scope...]" or {"method": ..., "path": ..., "scopes": [...]}',
  userMode: 'must be "password", "invite" or "none"',
};

/** The JSON type problems of one key's value, each with its path. */
function typeProblems(key: string, type: ConfigType, v: unknown): { path: PropertyKey[]; message: string }[] {
  const wrong = [{ path: [key], message: TYPE_WORDS[type] }];
  switch (type) {
    case 'string':
      return typeof v === 'string' ? [] : wrong;
    case 'number':
      return typeof v === 'number' ? [] : wrong;
    case 'boolean':
      return typeof v === 'boolean' ? [] : wrong;
    case 'userMode':
      return v === 'password' || v === 'invite' || v === 'none' ? [] : wrong;
    case 'strings':
      if (!Array.isArray(v)) return wrong;
      return v.flatMap((x, i) => (typeof x === 'string' ? [] : [{ path: [key, i], message: 'must be a string' }]));
    case 'scopes':
      if (!Array.isArray(v)) return wrong;
      return v.flatMap((x, i) => {
        if (typeof x === 'string') return [];
        if (!x || typeof x !== 'object' || Array.isArray(x)) return [{ path: [key, i], message: 'must be a string "name[=description]" or an object {"name": ..., "description": ...}' }];
        const out = Object.keys(x).filter((k) => !SCOPE_KEYS.includes(k)).map((k) => ({ path: [key, i], message: unknownKey(k, SCOPE_KEYS) }));
        const o = x as Record<string, unknown>;
        if (o.name === undefined) out.push({ path: [key, i, 'name'], message: 'is missing: each scope needs a "name" ("description" is optional)' });
        else if (typeof o.name !== 'string') out.push({ path: [key, i, 'name'], message: 'must be a string' });
        if (o.description !== undefined && typeof o.description !== 'string') out.push({ path: [key, i, 'description'], message: 'must be a string' });
        return out;
      });
    case 'routes':
      if (!Array.isArray(v)) return wrong;
      return v.flatMap((x, i) => {
        if (typeof x === 'string') return [];
        if (!x || typeof x !== 'object' || Array.isArray(x)) return [{ path: [key, i], message: 'must be a string "METHOD /path=scope[,scope...]" or an object {"method": ..., "path": ..., "scopes": [...]}' }];
        const out = Object.keys(x).filter((k) => !ROUTE_KEYS.includes(k)).map((k) => ({ path: [key, i], message: unknownKey(k, ROUTE_KEYS) }));
        const o = x as Record<string, unknown>;
        for (const k of ['method', 'path'] as const) if (typeof o[k] !== 'string') out.push({ path: [key, i, k], message: o[k] === undefined ? `is missing: each route needs "method", "path" and "scopes"` : 'must be a string' });
        if (!Array.isArray(o.scopes) || o.scopes.some((s) => typeof s !== 'string')) out.push({ path: [key, i, 'scopes'], message: o.scopes === undefined ? 'is missing: each route needs "method", "path" and "scopes"' : 'must be a list of scope names' });
        return out;
      });
  }
}

/** A value as it appears in the file (objects and lists are not repeated). */
const shown = (v: unknown) => (v === undefined || (typeof v === 'object' && v !== null) ? '' : ` ${JSON.stringify(v)}`);

export function loadConfigFile(path: string): GivenValues {
  const at = `--config ${path}`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError([`--config ${JSON.stringify(path)}: cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`]);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UsageError([`--config ${JSON.stringify(path)}: is not valid JSON (${(e as Error).message})`]);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new UsageError([`${at}: must be a JSON object such as {"stack": "demo", "region": "us-east-1"}`]);
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(data)) {
    if (key === 'password') {
      problems.push(`${at}: password: a password never goes in a config file; pipe it in with --password-stdin or set COGNITO_SCOPE_SETUP_PASSWORD`);
      continue;
    }
    const type = TYPE_OF.get(key);
    if (!type) {
      problems.push(`${at}: ${unknownKey(key, [...TYPE_OF.keys()])}`);
      continue;
    }
    const wrong = typeProblems(key, type, v);
    for (const w of wrong) problems.push(`${at}: ${keyPath(w.path)}${shown(valueAt(data, w.path).value)}: ${w.message}`);
    if (!wrong.length) values[key] = v;
  }
  // The same rules as the flags, each named by its key path and the value there as written.
  for (const issue of valueIssues(values as GivenValues)) {
    const { value, depth } = valueAt(values, issue.path);
    problems.push(`${at}: ${keyPath(issue.path.slice(0, Math.max(1, depth)))}${shown(value)}: ${issue.message}`);
  }
  if (problems.length) throw new UsageError(problems);
  return values as GivenValues;
}
