// What the commands use to reach a stack's state, wherever it lives: a local file or an S3
// object. Both backends read and refuse through one parser (parse.ts) and judge locks by one rule
// (owner.ts). The S3 backend (and the S3 SDK) is loaded only when an s3:// location is used.
import { resolve, join } from 'node:path';
import { BadS3Url, type LocationInput } from './errors.js';
import type { Holder, HeldLock, LockOptions } from './file-lock.js';
import type { State } from './schema.js';

export type { Holder, HeldLock, LockOptions };

export interface StateBackend {
  readonly kind: 'file' | 's3';
  /** The path or s3:// URL, as printed. */
  readonly location: string;
  /** "State file <path>" or "State object s3://...": the subject of messages. */
  readonly label: string;
  /** The stack's state, or undefined when there is none yet. */
  load(): Promise<State | undefined>;
  /** Atomic; on S3 conditional on the version last loaded or saved (a conflict stops, losing nothing). */
  save(state: State): Promise<void>;
  /** Delete the state (destroy, when nothing is left). */
  remove(): Promise<void>;
  /** Take the per-stack lock; a stale one is taken over; a live one throws Locked naming its holder. */
  lock(o?: LockOptions): Promise<HeldLock>;
  /** Who holds the lock now, without taking it. */
  holder(): Promise<Holder | undefined>;
  /** Remove the lock whoever holds it; returns the holder that was removed. */
  forceUnlock(): Promise<Holder | undefined>;
}

/** How an S3 backend reaches AWS: the run's own region, profile and endpoint. */
export interface Connection {
  region?: string;
  profile?: string;
  endpoint?: string;
}

export const STATE_DIR_ENV = 'COGNITO_SCOPE_SETUP_STATE_DIR';

export const isS3Url = (s: string | undefined): s is string => s !== undefined && /^s3:\/\//i.test(s);

/** Bucket naming rules (general purpose buckets): 3-63 of a-z 0-9 . -, starting and ending with a letter or digit. */
const BUCKET = /^(?!xn--)(?!.*\.\.)(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export interface S3Location {
  bucket: string;
  key: string;
}

/** `s3://bucket/key` (asPrefix: `s3://bucket/prefix/`, the key then a prefix, maybe empty). BadS3Url (a usage error) on a bad one. */
export function parseS3Url(url: string, input: LocationInput, asPrefix = false): S3Location {
  const m = /^s3:\/\/([^/]*)\/?(.*)$/i.exec(url);
  const bucket = m?.[1] ?? '';
  let key = m?.[2] ?? '';
  const rule = asPrefix ? 's3://<bucket>/<prefix>/' : 's3://<bucket>/<key>';
  if (!BUCKET.test(bucket)) throw new BadS3Url(url, `"${bucket}" is not a valid S3 bucket name (3-63 characters: a-z, 0-9, dots and hyphens; expected ${rule})`, input);
  if (asPrefix) {
    if (key !== '' && !key.endsWith('/')) key += '/';
  } else if (key === '' || key.endsWith('/')) {
    throw new BadS3Url(url, `names no object key (expected ${rule}, for example s3://${bucket}/stacks/demo.json)`, input);
  }
  if (Buffer.byteLength(key) > 1000) throw new BadS3Url(url, 'the key is longer than S3 allows (1024 bytes with its .lock suffix)', input);
  return { bucket, key };
}

/** Where the default state of a stack lives: $COGNITO_SCOPE_SETUP_STATE_DIR (a directory or s3:// prefix) or ./.cognito-scope-setup. */
export function defaultStateDir(): string {
  const env = process.env[STATE_DIR_ENV];
  if (isS3Url(env)) return env;
  return resolve(env ?? '.cognito-scope-setup');
}

/** The state location of a stack: the one given explicitly, else <state dir>/<stack>.json. */
export function stateLocationFor(stack: string, explicit?: string): string {
  if (explicit) return isS3Url(explicit) ? explicit : resolve(explicit);
  const dir = defaultStateDir();
  if (isS3Url(dir)) {
    const { bucket, key } = parseS3Url(dir, 'env', true);
    return `s3://${bucket}/${key}${stack}.json`;
  }
  return join(dir, `${stack}.json`);
}

/** Check a location's form (a usage error) before anything is read. */
export function validateLocation(location: string, input: LocationInput = 'state'): void {
  if (isS3Url(location)) parseS3Url(location, input);
}

export async function openBackend(location: string, conn: Connection = {}): Promise<StateBackend> {
  if (isS3Url(location)) {
    const { S3Backend } = await import('./s3.js');
    return new S3Backend(parseS3Url(location, 'state'), conn);
  }
  const { FileBackend } = await import('./file.js');
  return new FileBackend(location);
}

/** Every stack state in a directory or under an S3 prefix (list). */
export async function listBackends(dirOrPrefix: string, conn: Connection = {}): Promise<StateBackend[]> {
  if (isS3Url(dirOrPrefix)) {
    const { listS3 } = await import('./s3.js');
    return listS3(parseS3Url(dirOrPrefix, 'state-dir', true), conn);
  }
  const { listFiles } = await import('./file.js');
  return listFiles(dirOrPrefix);
}
