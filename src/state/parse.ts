// From text to a State: parse, validate, migrate older versions, refuse newer ones. One function
// for every backend (a file, an S3 object), so each reads and refuses the same way.
import { StateError } from '../errors.js';
import { STATE_VERSION, TOOL, stateSchema, type State } from './schema.js';

/** Older state versions are upgraded here, one version at a time. */
const MIGRATIONS: Record<number, (old: Record<string, unknown>) => Record<string, unknown>> = {
  // 1 is the first version; when version 2 arrives, add `1: (s) => ({ ...s, version: 2, ... })`.
};

/** `where` names the state in messages ("State file <path>", "State object s3://..."). */
export function parseState(text: string, where: string, fixHint?: string): State {
  const hint =
    fixHint ??
    `Fix the file by hand, restore it from a backup, or move it aside and run init again: the stack's resources are found again by name and ownership tag.`;
  if (text.trim() === '') throw new StateError(`${where} is empty.`, hint, 'STATE_INVALID');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new StateError(`${where} is not valid JSON (truncated or edited?): ${(e as Error).message}.`, hint, 'STATE_INVALID');
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new StateError(`${where} does not hold a JSON object.`, hint, 'STATE_INVALID');
  let obj = raw as Record<string, unknown>;
  if (obj.tool !== undefined && obj.tool !== TOOL) throw new StateError(`${where} is not a cognito-scope-setup state file (tool: ${JSON.stringify(obj.tool)}).`, 'Pass the right file with --state.', 'STATE_INVALID');
  const version = obj.version;
  if (typeof version !== 'number' || !Number.isInteger(version)) throw new StateError(`${where} has no valid "version".`, hint, 'STATE_INVALID');
  if (version > STATE_VERSION) {
    throw new StateError(
      `${where} was written by a newer cognito-scope-setup (state version ${version}; this one reads up to ${STATE_VERSION}).`,
      'Upgrade: npx cognito-scope-setup@latest <command>. The file was not changed.',
      'STATE_TOO_NEW',
    );
  }
  for (let v = version; v < STATE_VERSION; v++) {
    const step = MIGRATIONS[v];
    if (!step) throw new StateError(`${where} has version ${version}, which this release cannot migrate.`, hint, 'STATE_INVALID');
    obj = step(obj);
  }
  const r = stateSchema.safeParse(obj);
  if (!r.success) {
    const first = r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ');
    throw new StateError(`${where} does not match the expected format: ${first}.`, hint, 'STATE_INVALID');
  }
  return r.data;
}

export const serializeState = (state: State) => JSON.stringify(state, null, 2) + '\n';

/** A state is at most this big; anything larger is not ours (and is not read into memory). */
export const MAX_STATE_BYTES = 1024 * 1024;
