// The state as an S3 object, with optimistic concurrency and a lock made of conditional writes
// (the model: Terraform's S3 backend with use_lockfile, without its manual force-unlock):
//   save  = PutObject If-Match <ETag last read or written>; the first save of a stack
//           If-None-Match *. 412 PreconditionFailed (or 404 for If-Match on a deleted object)
//           means another run changed the state: stop, say so, lose nothing.
//   lock  = <key>.lock, created with If-None-Match *, holding run id, host, pid, user, start time
//           and a heartbeat rewritten every third of the time-to-live with If-Match on its ETag.
//           A lock whose heartbeat is older than its time-to-live (by S3's clock: the response's
//           Date minus the object's Last-Modified, so client clocks do not matter), or whose
//           holder is a dead pid on this host, is taken over with If-Match on the stale ETag:
//           of two takers exactly one wins. Release is DeleteObject If-Match on our ETag.
//   409 ConditionalRequestConflict (AWS: a concurrent conditional write to the same key) is
//   retried a few times, as AWS advises. A 412 after the SDK retried a write whose first answer
//   was lost is checked against what we wrote: our own write is adopted, not called a conflict.
import { LockChanged, Locked, StateConflict, StateInvalid } from './errors.js';
import type { Connection, S3Location, StateBackend } from './backend.js';
import { bodyText, connect, explainS3, isConflict409, isNoSuchKey, isPrecondition, retry409 } from './s3-client.js';
import type { HeldLock, Holder, LockOptions } from './file-lock.js';
import { markOurs, newOwner, parseOwner, staleReason, unmarkOurs, type LockOwner } from './owner.js';
import { MAX_STATE_BYTES, parseState, serializeState } from './parse.js';
import type { State } from './schema.js';

export { closeS3 } from './s3-client.js';

export class S3Backend implements StateBackend {
  readonly kind = 's3' as const;
  readonly location: string;
  readonly label: string;
  private etag: string | undefined;
  private loaded = false;
  constructor(
    readonly where: S3Location,
    private readonly conn: Connection,
  ) {
    this.location = `s3://${where.bucket}/${where.key}`;
    this.label = `State object ${this.location}`;
  }

  private get lockKey() {
    return `${this.where.key}.lock`;
  }

  private explain(e: unknown, doing: string, key = this.where.key): unknown {
    return explainS3(e, this.where, this.conn, doing, key);
  }

  private async get(key: string): Promise<{ text: string; etag: string; lastModified?: Date } | undefined> {
    const s = await connect(this.conn);
    try {
      const r = await s.client.send(new s.sdk.GetObjectCommand({ Bucket: this.where.bucket, Key: key }));
      if ((r.ContentLength ?? 0) > MAX_STATE_BYTES) {
        throw new StateInvalid(`s3://${this.where.bucket}/${key} is ${r.ContentLength} bytes; a state object is at most 1 MiB, so this one is not ours.`, 'too-big', 's3');
      }
      return { text: await bodyText(r.Body), etag: r.ETag ?? '', lastModified: r.LastModified };
    } catch (e) {
      if (isNoSuchKey(e)) return undefined;
      throw this.explain(e, 'read', key);
    }
  }

  async load(): Promise<State | undefined> {
    const got = await this.get(this.where.key);
    this.loaded = true;
    this.etag = got?.etag;
    if (!got) return undefined;
    return parseState(got.text, this.label, 's3');
  }

  async save(state: State): Promise<void> {
    if (!this.loaded) await this.load().catch(() => undefined);
    const s = await connect(this.conn);
    const body = serializeState(state);
    const cond = this.etag ? { IfMatch: this.etag } : { IfNoneMatch: '*' };
    try {
      const r = await retry409(() =>
        s.client.send(new s.sdk.PutObjectCommand({ Bucket: this.where.bucket, Key: this.where.key, Body: body, ContentType: 'application/json', ...cond })),
      );
      this.etag = r.ETag;
    } catch (e) {
      if (isPrecondition(e) || isConflict409(e) || (this.etag && isNoSuchKey(e))) {
        // Was it our own write, answered too late and retried by the SDK? Then it landed.
        const now = await this.get(this.where.key).catch(() => undefined);
        if (now && now.text === body) {
          this.etag = now.etag;
          return;
        }
        throw new StateConflict('save', this.location, `${this.label} was changed by another run after this run read it (${now ? 'it has a new version' : 'it was deleted'}); this run stopped without overwriting it.`);
      }
      throw this.explain(e, 'save the state to');
    }
  }

  async remove(): Promise<void> {
    const s = await connect(this.conn);
    try {
      await retry409(() => s.client.send(new s.sdk.DeleteObjectCommand({ Bucket: this.where.bucket, Key: this.where.key, ...(this.etag ? { IfMatch: this.etag } : {}) })));
      this.etag = undefined;
    } catch (e) {
      if (isNoSuchKey(e)) return;
      if (isPrecondition(e)) throw new StateConflict('delete', this.location, `${this.label} was changed by another run; it was not deleted.`);
      throw this.explain(e, 'delete the state at');
    }
  }

  private async readLock(): Promise<{ holder: Holder; etag: string } | undefined> {
    const s = await connect(this.conn);
    const got = await this.get(this.lockKey);
    if (!got) return undefined;
    const owner = parseOwner(got.text) ?? { tool: 'cognito-scope-setup' as const, runId: `unknown-${got.etag}`, pid: -1, host: '', user: '', startedAt: '', heartbeatAt: '', ttlMs: 30_000 };
    const ageMs = Math.max(0, s.serverNow() - (got.lastModified?.getTime() ?? s.serverNow()));
    return { holder: { owner, ageMs, stale: staleReason(owner, ageMs) }, etag: got.etag };
  }

  async holder(): Promise<Holder | undefined> {
    return (await this.readLock())?.holder;
  }

  async forceUnlock(): Promise<Holder | undefined> {
    const s = await connect(this.conn);
    const cur = await this.readLock();
    if (!cur) return undefined;
    try {
      await s.client.send(new s.sdk.DeleteObjectCommand({ Bucket: this.where.bucket, Key: this.lockKey, IfMatch: cur.etag }));
    } catch (e) {
      if (isNoSuchKey(e)) return cur.holder;
      if (isPrecondition(e)) throw new LockChanged(this.location);
      throw this.explain(e, 'remove the lock', this.lockKey);
    }
    return cur.holder;
  }

  private async putLock(owner: LockOwner, cond: { IfNoneMatch: string } | { IfMatch: string }): Promise<string | undefined> {
    const s = await connect(this.conn);
    const body = JSON.stringify(owner, null, 2) + '\n';
    try {
      const r = await retry409(() => s.client.send(new s.sdk.PutObjectCommand({ Bucket: this.where.bucket, Key: this.lockKey, Body: body, ContentType: 'application/json', ...cond })));
      return r.ETag ?? '';
    } catch (e) {
      if (isPrecondition(e) || isConflict409(e) || isNoSuchKey(e)) {
        const now = await this.get(this.lockKey).catch(() => undefined);
        if (now && now.text === body) return now.etag; // our own write, its answer lost
        return undefined;
      }
      throw this.explain(e, 'take the lock', this.lockKey);
    }
  }

  async lock(o: LockOptions = {}): Promise<HeldLock> {
    const owner = newOwner(o.command, o.ttlMs);
    markOurs(owner.runId);
    let etag: string | undefined;
    let tookOver: { owner: LockOwner; reason: string } | undefined;
    try {
      for (let round = 0; round < 6 && etag === undefined; round++) {
        etag = await this.putLock(owner, { IfNoneMatch: '*' });
        if (etag !== undefined) break;
        const cur = await this.readLock();
        if (!cur) continue; // released meanwhile: try again
        if (!cur.holder.stale) throw new Locked(cur.holder.owner, this.location, cur.holder.ageMs, { kind: 'force-unlock' });
        etag = await this.putLock(owner, { IfMatch: cur.etag });
        if (etag !== undefined) tookOver = { owner: cur.holder.owner, reason: cur.holder.stale };
      }
      if (etag === undefined) {
        const cur = await this.readLock();
        throw new Locked(cur?.holder.owner, this.location, cur?.holder.ageMs);
      }
    } catch (e) {
      unmarkOurs(owner.runId);
      throw e;
    }
    let lost = false;
    let released = false;
    let inFlight: Promise<void> = Promise.resolve();
    const beat = setInterval(() => {
      inFlight = inFlight.then(async () => {
        if (lost || released) return;
        const next = { ...owner, heartbeatAt: new Date().toISOString() };
        try {
          const e = await this.putLock(next, { IfMatch: etag! });
          if (e === undefined) lost = true;
          else etag = e;
        } catch {
          // A failed refresh (network): the next one tries again; the time-to-live allows two misses.
        }
      });
    }, Math.max(250, Math.floor(owner.ttlMs / 3)));
    beat.unref();
    const stop = () => {
      released = true;
      clearInterval(beat);
      unmarkOurs(owner.runId);
    };
    return {
      owner,
      tookOver,
      lost: () => lost,
      release: async () => {
        if (released) return;
        stop();
        await inFlight;
        if (lost) return;
        const s = await connect(this.conn);
        await s.client.send(new s.sdk.DeleteObjectCommand({ Bucket: this.where.bucket, Key: this.lockKey, IfMatch: etag })).catch(() => undefined);
      },
      // No request can be made synchronously: the lock then expires after its time-to-live.
      releaseSync: stop,
    };
  }
}

/** Every state object under a prefix (list): keys ending in .json. */
export async function listS3(where: S3Location, conn: Connection): Promise<S3Backend[]> {
  const s = await connect(conn);
  const keys: string[] = [];
  let token: string | undefined;
  do {
    let r;
    try {
      r = await s.client.send(new s.sdk.ListObjectsV2Command({ Bucket: where.bucket, Prefix: where.key, ContinuationToken: token }));
    } catch (e) {
      throw explainS3(e, where, conn, 'list', where.key);
    }
    for (const o of r.Contents ?? []) if (o.Key?.endsWith('.json')) keys.push(o.Key);
    token = r.IsTruncated ? r.NextContinuationToken : undefined;
  } while (token);
  return keys.sort().map((key) => new S3Backend({ bucket: where.bucket, key }, conn));
}
