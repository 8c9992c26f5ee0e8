// The S3 client of the state backend (one per connection, loaded only when an s3:// state is
// used), its error classification, the 409 retry AWS advises, and one clear line per failure.
import type { S3Client } from '@aws-sdk/client-s3';
import { baseConfig, resolveRegion } from '../aws/clients.js';
import { explainAwsError } from '../aws/errors.js';
import { CliError } from '../errors.js';
import type { Connection, S3Location } from './backend.js';

export type Sdk = typeof import('../aws/sdk/s3.js');

export interface Shared {
  sdk: Sdk;
  client: S3Client;
  /** The Date header of the last response (S3's clock), for lock ages. */
  serverNow(): number;
}

const clients = new Map<string, Promise<Shared>>();

export function connect(conn: Connection): Promise<Shared> {
  const id = JSON.stringify([conn.region, conn.profile, conn.endpoint]);
  let p = clients.get(id);
  if (!p) {
    p = (async () => {
      const sdk = await import('../aws/sdk/s3.js');
      const region = conn.region ?? (await resolveRegion(undefined, conn.profile)) ?? 'us-east-1';
      const cfg: Record<string, unknown> = { ...baseConfig({ region, profile: conn.profile, endpoint: conn.endpoint }), followRegionRedirects: true };
      // An endpoint (an emulator, a VPC endpoint) gets path-style addressing: no bucket DNS names.
      if (conn.endpoint) cfg.forcePathStyle = true;
      const client = new sdk.S3Client(cfg);
      let last: { at: number; server: number } | undefined;
      client.middlewareStack.add(
        (next) => async (args) => {
          const capture = (headers: Record<string, string> | undefined) => {
            const d = headers?.date ? Date.parse(headers.date) : NaN;
            if (Number.isFinite(d)) last = { at: Date.now(), server: d };
          };
          try {
            const out = await next(args);
            capture((out.response as { headers?: Record<string, string> })?.headers);
            return out;
          } catch (e) {
            capture((e as { $response?: { headers?: Record<string, string> } })?.$response?.headers);
            throw e;
          }
        },
        { step: 'deserialize', name: 'cssServerDate' },
      );
      return { sdk, client, serverNow: () => (last ? last.server + (Date.now() - last.at) : Date.now()) };
    })();
    clients.set(id, p);
  }
  return p;
}

/** Close every S3 client (at the end of a run). */
export function closeS3(): void {
  for (const p of clients.values()) void p.then((s) => s.client.destroy(), () => undefined);
  clients.clear();
}

export const errName = (e: unknown) => (e as { name?: string; Code?: string })?.name ?? (e as { Code?: string })?.Code ?? '';
export const status = (e: unknown) => (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
export const isPrecondition = (e: unknown) => errName(e) === 'PreconditionFailed' || status(e) === 412;
export const isConflict409 = (e: unknown) => errName(e) === 'ConditionalRequestConflict' || status(e) === 409;
export const isNoSuchKey = (e: unknown) => errName(e) === 'NoSuchKey' || (status(e) === 404 && errName(e) !== 'NoSuchBucket');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** 409 ConditionalRequestConflict: AWS says retry; a few tries, then it counts as a conflict. */
export async function retry409<T>(f: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await f();
    } catch (e) {
      if (!isConflict409(e) || i >= 4) throw e;
      await sleep(100 * 2 ** i + Math.floor(Math.random() * 100));
    }
  }
}

export async function bodyText(body: unknown): Promise<string> {
  return (body as { transformToString(): Promise<string> }).transformToString();
}

/** One clear line for an S3 failure: bucket missing (exit 2), access denied, unreachable. */
export function explainS3(e: unknown, where: S3Location, conn: Connection, doing: string, key: string): unknown {
  if (e instanceof CliError) return e;
  const name = errName(e);
  const url = `s3://${where.bucket}/${key}`;
  if (name === 'NoSuchBucket') {
    return new CliError('STATE_BUCKET', `--state s3://${where.bucket}/${where.key}: the S3 bucket "${where.bucket}" does not exist (NoSuchBucket, while trying to ${doing}).`, `Create the bucket first (see "Teams and CI" in the README), or pass --state a bucket that exists. Check --region and --endpoint-url too.`, 2, { cause: e });
  }
  if (name === 'AccessDenied' || name === 'Forbidden' || status(e) === 403) {
    return new CliError('STATE_ACCESS_DENIED', `Access denied to ${url} (${name || 403}, while trying to ${doing}): these credentials may not use the state there.`, `Grant s3:GetObject, s3:PutObject and s3:DeleteObject on the stack's key and its .lock, and s3:ListBucket on the bucket (README, "Teams and CI"); or use --profile with credentials that have them.`, 1, { cause: e });
  }
  const x = explainAwsError(e, { endpoint: conn.endpoint, profile: conn.profile, region: conn.region });
  if (x instanceof CliError) return x;
  return new CliError('STATE_S3', `Cannot ${doing} ${url}: ${(e as Error)?.message ?? String(e)}${name ? ` (${name})` : ''}.`, 'Check --endpoint-url, --region and the network, then run the same command again.', 1, { cause: e });
}
