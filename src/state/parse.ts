// From text to a State: parse, validate, migrate older versions, refuse newer ones. One function
// for every backend (a file, an S3 object), so each reads and refuses the same way.
import { StateInvalid, type InvalidReason } from './errors.js';
import { STATE_VERSION, TOOL, stateSchema, type State } from './schema.js';

/** Older state versions are upgraded here, one version at a time. */
const MIGRATIONS: Record<number, (old: Record<string, unknown>) => Record<string, unknown>> = {
  // 1 is the first version; when version 2 arrives, add `1: (s) => ({ ...s, version: 2, ... })`.
};

/** `where` names the state in messages ("State file <path>", "State object s3://..."); `medium` says which it is. */
export function parseState(text: string, where: string, medium: 'file' | 's3' = 'file'): State {
  const invalid = (message: string, reason: InvalidReason = 'format') => new StateInvalid(message, reason, medium);
  if (text.trim() === '') throw invalid(`${where} is empty.`, 'empty');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw invalid(`${where} is not valid JSON (truncated or edited?): ${(e as Error).message}.`, 'json');
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw invalid(`${where} does not hold a JSON object.`, 'not-object');
  let obj = raw as Record<string, unknown>;
  if (obj.tool !== undefined && obj.tool !== TOOL) throw invalid(`${where} is not a cognito-scope-setup state file (tool: ${JSON.stringify(obj.tool)}).`, 'other-tool');
  const version = obj.version;
  if (typeof version !== 'number' || !Number.isInteger(version)) throw invalid(`${where} has no valid "version".`, 'no-version');
  if (version > STATE_VERSION) throw invalid(`${where} was written by a newer cognito-scope-setup (state version ${version}; this one reads up to ${STATE_VERSION}).`, 'too-new');
  for (let v = version; v < STATE_VERSION; v++) {
    const step = MIGRATIONS[v];
    if (!step) throw invalid(`${where} has version ${version}, which this release cannot migrate.`, 'cannot-migrate');
    obj = step(obj);
  }
  const r = stateSchema.safeParse(obj);
  if (!r.success) {
    const first = r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ');
    throw invalid(`${where} does not match the expected format: ${first}.`);
  }
  return r.data;
}

export const serializeState = (state: State) => JSON.stringify(state, null, 2) + '\n';

/** A state is at most this big; anything larger is not ours (and is not read into memory). */
export const MAX_STATE_BYTES = 1024 * 1024;
