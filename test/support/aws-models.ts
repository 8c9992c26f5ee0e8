// AWS's own service models (botocore's JSON models, installed with the pinned botocore in the
// test virtualenv by test/support/ministack.mjs) as the reference for what a request may
// contain: the operation is found from the wire request (JSON target, query Action, or the REST
// method and URI template), the input is decoded the way each protocol serializes it, and every
// member is checked against its shape: type, required members, lengths, ranges, patterns, enums
// and members the model does not have. Used by the strict-AWS layer (strict-aws.ts).
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';

const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

interface MemberRef {
  shape: string;
  location?: 'uri' | 'querystring' | 'header' | 'headers' | 'statusCode';
  locationName?: string;
  flattened?: boolean;
}

export interface Shape {
  type: string;
  members?: Record<string, MemberRef>;
  required?: string[];
  member?: MemberRef;
  key?: MemberRef;
  value?: MemberRef;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  payload?: string;
  flattened?: boolean;
  document?: boolean;
}

interface Operation {
  name: string;
  http: { method: string; requestUri: string };
  input?: { shape: string };
}

export interface ServiceModel {
  service: string;
  apiVersion: string;
  protocol: string;
  targetPrefix?: string;
  operations: Record<string, Operation>;
  shapes: Record<string, Shape>;
}

/** The services this stack calls, by SigV4 signing name, with the model version the SDK speaks. */
const SERVICES: Record<string, string> = {
  apigateway: '2015-07-09',
  'cognito-idp': '2016-04-18',
  iam: '2010-05-08',
  lambda: '2015-03-31',
  logs: '2014-03-28',
  sts: '2011-06-15',
};

export function botocoreDataDir(): string {
  const lib = join(REPO_ROOT, '.venv-ministack', 'lib');
  const py = existsSync(lib) ? readdirSync(lib).find((d) => d.startsWith('python3')) : undefined;
  const dir = py ? join(lib, py, 'site-packages', 'botocore', 'data') : '';
  if (!dir || !existsSync(dir)) throw new Error(`strict-aws: botocore's models not found under ${lib} (test/support/ministack.mjs installs the pinned botocore into .venv-ministack)`);
  return dir;
}

let cache: Map<string, ServiceModel> | undefined;

export function loadModels(): Map<string, ServiceModel> {
  if (cache) return cache;
  const dir = botocoreDataDir();
  cache = new Map();
  for (const [service, apiVersion] of Object.entries(SERVICES)) {
    const base = join(dir, service, apiVersion);
    const gz = join(base, 'service-2.json.gz');
    const text = existsSync(gz) ? gunzipSync(readFileSync(gz)).toString('utf8') : readFileSync(join(base, 'service-2.json'), 'utf8');
    const raw = JSON.parse(text) as { metadata: { protocol: string; targetPrefix?: string }; operations: Record<string, Operation>; shapes: Record<string, Shape> };
    cache.set(service, { service, apiVersion, protocol: raw.metadata.protocol, targetPrefix: raw.metadata.targetPrefix, operations: raw.operations, shapes: raw.shapes });
  }
  return cache;
}

export interface WireRequest {
  method: string;
  /** Path with query string. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface Decoded {
  model: ServiceModel;
  operation: string;
  input: Record<string, unknown>;
  /** Problems found while decoding (members the model does not have, unparseable values). */
  problems: string[];
}

const signingName = (headers: WireRequest['headers']): string | undefined =>
  /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\//.exec(String(headers.authorization ?? ''))?.[1];

/** Which model and operation a wire request is, and its input as the model's members. Undefined: not an AWS API request we know. */
export function decodeRequest(req: WireRequest): Decoded | undefined {
  const models = loadModels();
  const target = req.headers['x-amz-target'];
  const scope = signingName(req.headers);
  if (typeof target === 'string' && target.includes('.')) {
    const [prefix, op] = target.split('.') as [string, string];
    const model = [...models.values()].find((m) => m.targetPrefix === prefix) ?? (scope ? models.get(scope) : undefined);
    if (!model) return undefined;
    const problems: string[] = [];
    let input: Record<string, unknown> = {};
    const text = req.body.toString('utf8');
    if (text.trim()) {
      try {
        input = JSON.parse(text) as Record<string, unknown>;
      } catch (e) {
        problems.push(`body is not JSON: ${(e as Error).message}`);
      }
    }
    if (!model.operations[op]) return { model, operation: op, input, problems: [`${op} is not an operation of ${model.service}`] };
    return { model, operation: op, input, problems };
  }
  const model = scope ? models.get(scope) : undefined;
  if (!model) return undefined;
  if (model.protocol === 'query') return decodeQuery(model, req);
  if (model.protocol === 'rest-json') return decodeRest(model, req);
  return undefined;
}

// --- query protocol (IAM, STS) ---------------------------------------------------------------

function decodeQuery(model: ServiceModel, req: WireRequest): Decoded | undefined {
  const params = new URLSearchParams(req.body.length ? req.body.toString('utf8') : new URL(req.url, 'http://x').search);
  const op = params.get('Action');
  if (!op) return undefined;
  const problems: string[] = [];
  if (!model.operations[op]) return { model, operation: op, input: {}, problems: [`${op} is not an operation of ${model.service}`] };
  const used = new Set(['Action', 'Version']);
  const all = new Map([...params.entries()]);
  const shapeName = model.operations[op]!.input?.shape;
  const input = shapeName ? (readQuery(model, shapeName, '', all, used) as Record<string, unknown> | undefined) ?? {} : {};
  for (const k of all.keys()) if (!used.has(k)) problems.push(`parameter ${k} is not a member of ${op}'s input`);
  return { model, operation: op, input, problems };
}

function readQuery(model: ServiceModel, shapeName: string, prefix: string, all: Map<string, string>, used: Set<string>): unknown {
  const shape = model.shapes[shapeName]!;
  const has = (p: string) => [...all.keys()].some((k) => k === p || k.startsWith(`${p}.`));
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        const key = prefix ? `${prefix}.${ref.locationName ?? name}` : (ref.locationName ?? name);
        if (!has(key)) continue;
        out[name] = readQuery(model, ref.shape, key, all, used);
      }
      return out;
    }
    case 'list': {
      if (all.get(prefix) === '') {
        used.add(prefix);
        return [];
      }
      const out: unknown[] = [];
      const item = shape.flattened ? prefix : `${prefix}.${shape.member?.locationName ?? 'member'}`;
      for (let i = 1; has(`${item}.${i}`); i++) out.push(readQuery(model, shape.member!.shape, `${item}.${i}`, all, used));
      return out;
    }
    case 'map': {
      const out: Record<string, unknown> = {};
      const entry = shape.flattened ? prefix : `${prefix}.entry`;
      for (let i = 1; has(`${entry}.${i}`); i++) {
        const k = readQuery(model, shape.key!.shape, `${entry}.${i}.${shape.key?.locationName ?? 'key'}`, all, used);
        out[String(k)] = readQuery(model, shape.value!.shape, `${entry}.${i}.${shape.value?.locationName ?? 'value'}`, all, used);
      }
      return out;
    }
    default: {
      used.add(prefix);
      return scalarFromString(shape, all.get(prefix) ?? '');
    }
  }
}

function scalarFromString(shape: Shape, v: string): unknown {
  switch (shape.type) {
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
      return v.trim() === '' || Number.isNaN(Number(v)) ? v : Number(v);
    case 'boolean':
      return v === 'true' ? true : v === 'false' ? false : v;
    default:
      return v;
  }
}

// --- rest-json protocol (Lambda, API Gateway) ------------------------------------------------

interface UriMatch {
  op: Operation;
  labels: Record<string, string>;
  literals: number;
}

function matchUri(template: string, path: string): { labels: Record<string, string>; literals: number } | undefined {
  const [tplPath] = template.split('?') as [string];
  const t = tplPath.split('/').filter(Boolean);
  const p = path.split('/').filter(Boolean);
  const labels: Record<string, string> = {};
  let literals = 0;
  for (let i = 0; i < t.length; i++) {
    const seg = t[i]!;
    const greedy = /^\{(.+)\+\}$/.exec(seg);
    if (greedy) {
      if (i !== t.length - 1 || p.length <= i) return undefined;
      labels[greedy[1]!] = p.slice(i).map(decodeURIComponent).join('/');
      return { labels, literals };
    }
    if (i >= p.length) return undefined;
    const label = /^\{(.+)\}$/.exec(seg);
    if (label) labels[label[1]!] = decodeURIComponent(p[i]!);
    else if (seg === p[i]) literals++;
    else return undefined;
  }
  return t.length === p.length ? { labels, literals } : undefined;
}

function decodeRest(model: ServiceModel, req: WireRequest): Decoded | undefined {
  const url = new URL(req.url, 'http://x');
  const candidates: UriMatch[] = [];
  for (const op of Object.values(model.operations)) {
    if (op.http.method !== req.method) continue;
    const m = matchUri(op.http.requestUri, url.pathname);
    if (!m) continue;
    const q = op.http.requestUri.split('?')[1];
    if (q && ![...new URLSearchParams(q).keys()].every((k) => url.searchParams.has(k))) continue;
    candidates.push({ op, ...m, literals: m.literals + (q ? 1 : 0) });
  }
  if (candidates.length === 0) return undefined;
  candidates.sort((a, b) => b.literals - a.literals);
  const { op, labels } = candidates[0]!;
  const problems: string[] = [];
  const input: Record<string, unknown> = {};
  const shape = op.input ? model.shapes[op.input.shape] : undefined;
  const text = req.body.toString('utf8');
  if (!shape) return { model, operation: op.name, input, problems };
  const usedQuery = new Set<string>(op.http.requestUri.includes('?') ? [...new URLSearchParams(op.http.requestUri.split('?')[1]).keys()] : []);
  let bodyMembers = false;
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const target = model.shapes[ref.shape]!;
    if (ref.location === 'uri') {
      const v = labels[ref.locationName ?? name];
      if (v !== undefined) input[name] = scalarFromString(target, v);
    } else if (ref.location === 'querystring') {
      if (target.type === 'map') {
        // A map bound to the query string takes every parameter not bound elsewhere.
        continue;
      }
      const key = ref.locationName ?? name;
      usedQuery.add(key);
      const vs = url.searchParams.getAll(key);
      if (vs.length === 0) continue;
      input[name] = target.type === 'list' ? vs.map((v) => scalarFromString(model.shapes[target.member!.shape]!, v)) : scalarFromString(target, vs[0]!);
    } else if (ref.location === 'header') {
      const v = req.headers[(ref.locationName ?? name).toLowerCase()];
      if (v !== undefined) input[name] = scalarFromString(target, String(v));
    } else if (ref.location === 'headers') {
      continue;
    } else if (shape.payload === name) {
      // A structure payload is the JSON body; a blob or string payload (Invoke) is the raw bytes.
      if (text.length && target.type === 'structure') input[name] = safeJson(text, problems);
    } else bodyMembers = true;
  }
  if (bodyMembers && text.trim()) {
    const body = safeJson(text, problems);
    if (body && typeof body === 'object' && !Array.isArray(body)) {
      const byWire = new Map(Object.entries(shape.members ?? {}).filter(([, r]) => !r.location).map(([n, r]) => [r.locationName ?? n, n]));
      for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
        const member = byWire.get(k);
        if (member) input[member] = v;
        else problems.push(`body member ${k} is not a member of ${op.name}'s input`);
      }
    }
  }
  const queryMap = Object.values(shape.members ?? {}).some((r) => r.location === 'querystring' && model.shapes[r.shape]!.type === 'map');
  if (!queryMap) for (const k of url.searchParams.keys()) if (!usedQuery.has(k)) problems.push(`query parameter ${k} is not a member of ${op.name}'s input`);
  return { model, operation: op.name, input, problems };
}

function safeJson(text: string, problems: string[]): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    problems.push(`body is not JSON: ${(e as Error).message}`);
    return undefined;
  }
}

// --- validation ------------------------------------------------------------------------------

const patterns = new Map<string, RegExp | null>();
function compile(p: string): RegExp | null {
  if (!patterns.has(p)) {
    let re: RegExp | null = null;
    try {
      re = new RegExp(p, 'u');
    } catch {
      try {
        re = new RegExp(p);
      } catch {
        re = null;
      }
    }
    patterns.set(p, re);
  }
  return patterns.get(p)!;
}

/** Every way the decoded input breaks its operation's model, as "path: what" lines. */
export function validateInput(d: Decoded): string[] {
  const problems = [...d.problems];
  const op = d.model.operations[d.operation];
  if (!op) return problems;
  if (op.input) check(d.model, op.input.shape, d.input, d.operation, problems);
  return problems;
}

function check(model: ServiceModel, shapeName: string, value: unknown, path: string, out: string[]): void {
  const shape = model.shapes[shapeName];
  if (!shape) return;
  if (value === null) {
    out.push(`${path}: null is not a value of ${shapeName}`);
    return;
  }
  const len = (n: number, what: string) => {
    if (shape.min !== undefined && n < shape.min) out.push(`${path}: ${what} ${n} is below the minimum ${shape.min} (${shapeName})`);
    if (shape.max !== undefined && n > shape.max) out.push(`${path}: ${what} ${n} is above the maximum ${shape.max} (${shapeName})`);
  };
  switch (shape.type) {
    case 'structure': {
      if (shape.document) return;
      if (typeof value !== 'object' || Array.isArray(value)) return void out.push(`${path}: expected an object (${shapeName})`);
      const v = value as Record<string, unknown>;
      for (const r of shape.required ?? []) if (v[r] === undefined) out.push(`${path}.${r}: required member missing (${shapeName})`);
      for (const [k, x] of Object.entries(v)) {
        const ref = shape.members?.[k];
        if (!ref) {
          out.push(`${path}.${k}: not a member of ${shapeName}`);
          continue;
        }
        if (x !== undefined) check(model, ref.shape, x, `${path}.${k}`, out);
      }
      return;
    }
    case 'list':
      if (!Array.isArray(value)) return void out.push(`${path}: expected a list (${shapeName})`);
      len(value.length, 'list length');
      value.forEach((x, i) => check(model, shape.member!.shape, x, `${path}[${i}]`, out));
      return;
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) return void out.push(`${path}: expected a map (${shapeName})`);
      const entries = Object.entries(value as Record<string, unknown>);
      len(entries.length, 'map size');
      for (const [k, x] of entries) {
        check(model, shape.key!.shape, k, `${path} key ${JSON.stringify(k)}`, out);
        check(model, shape.value!.shape, x, `${path}[${JSON.stringify(k)}]`, out);
      }
      return;
    }
    case 'string': {
      if (typeof value !== 'string') return void out.push(`${path}: expected a string (${shapeName}), got ${JSON.stringify(value)}`);
      len([...value].length, 'length');
      if (shape.enum && !shape.enum.includes(value)) out.push(`${path}: ${JSON.stringify(value)} is not one of ${shape.enum.join(', ')} (${shapeName})`);
      if (shape.pattern) {
        const re = compile(shape.pattern);
        if (re && !re.test(value)) out.push(`${path}: ${JSON.stringify(value.slice(0, 80))} does not match the pattern ${shape.pattern} (${shapeName})`);
      }
      return;
    }
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
      if (typeof value !== 'number' || Number.isNaN(value)) return void out.push(`${path}: expected a number (${shapeName}), got ${JSON.stringify(value)}`);
      if ((shape.type === 'integer' || shape.type === 'long') && !Number.isInteger(value)) out.push(`${path}: ${value} is not an integer (${shapeName})`);
      len(value, 'value');
      return;
    case 'boolean':
      if (typeof value !== 'boolean') out.push(`${path}: expected a boolean (${shapeName}), got ${JSON.stringify(value)}`);
      return;
    case 'blob':
      if (typeof value !== 'string') return void out.push(`${path}: expected base64 data (${shapeName})`);
      len(Buffer.from(value, 'base64').length, 'size');
      return;
    default:
      return; // timestamps and others: the SDK's serializer owns their format
  }
}
