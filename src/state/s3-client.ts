// The S3 client of the state backend (one per connection, loaded only when an s3:// state is
// used), its error classification, the 409 retry AWS advises, and one clear line per failure.
import type { S3Client } from '@aws-sdk/client-s3';
import { baseConfig, resolveRegion } from '../aws/clients.js';
import type { Connection, S3Location } from './backend.js';
import { StateFault, StateS3Failed } from './errors.js';

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

/** An S3 failure as a typed error: bucket missing, access denied, or another one (its cause explains it). */
export function explainS3(e: unknown, where: S3Location, conn: Connection, doing: string, key: string): unknown {
  if (e instanceof StateFault) return e;
  const name = errName(e);
  const problem = name === 'NoSuchBucket' ? 'no-bucket' : name === 'AccessDenied' || name === 'Forbidden' || status(e) === 403 ? 'access-denied' : 'other';
  return new StateS3Failed(problem, { bucket: where.bucket, key: where.key, url: `s3://${where.bucket}/${key}` }, doing, name, { endpoint: conn.endpoint, profile: conn.profile, region: conn.region }, { cause: e });
}
