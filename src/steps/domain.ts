// The hosted-UI domain (tutorial step 3), classic hosted UI (ManagedLoginVersion 1: version 2
// shows "Login pages unavailable" until a branding style exists and needs a paid plan).
import {
  CreateUserPoolDomainCommand,
  DeleteUserPoolDomainCommand,
  DescribeUserPoolCommand,
  DescribeUserPoolDomainCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createOrAdopt } from '../aws/create.js';
import { ignoreNotFound, isDomainAttached, isDomainTaken, orAbsent } from '../aws/errors.js';
import type { Step } from '../engine/types.js';
import { DomainTaken } from './errors.js';
import type { App } from './app.js';
import { userPoolStep } from './user-pool.js';

export interface DomainRecord extends Record<string, unknown> {
  /** The domain prefix. */
  id: string;
}

async function domainOwner(app: App, prefix: string): Promise<string | undefined> {
  const cognito = await app.aws.cognito();
  const d = await orAbsent(cognito.send(new DescribeUserPoolDomainCommand({ Domain: prefix })));
  return d?.DomainDescription?.UserPoolId || undefined;
}

/** The pool a read of this run found the domain on, by the record it returned (never in state). */
const owners = new WeakMap<DomainRecord, string>();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Right after DeleteUserPoolDomain the pool may still count as having one for a moment: wait that out (up to 60 s). */
async function createAfterDelete(ctx: Parameters<Step<App, DomainRecord>['create']>[0]): Promise<DomainRecord> {
  const start = Date.now();
  for (let delay = 500; ; delay = Math.min(delay * 2, 5000)) {
    try {
      return await domainStep.create(ctx);
    } catch (e) {
      if (!isDomainAttached(e) || Date.now() - start + delay > 60_000) throw e;
      ctx.note('waiting for Cognito to release the old domain');
      await sleep(delay);
    }
  }
}

export const domainStep: Step<App, DomainRecord> = {
  key: 'domain',
  title: 'Hosted UI domain',
  displayName: (app) => app.inputs.domainPrefix,
  dependsOn: ['userPool'],
  async read(ctx, recorded) {
    const { app } = ctx;
    const pool = ctx.get(userPoolStep);
    if (!pool) return undefined;
    const cognito = await app.aws.cognito();
    const desc = await orAbsent(cognito.send(new DescribeUserPoolCommand({ UserPoolId: pool.id })));
    if (!desc?.UserPool) return undefined;
    // The pool knows its own domain; fall back to asking by prefix.
    let current = desc.UserPool.Domain;
    if (!current) {
      for (const prefix of new Set([recorded?.id, app.inputs.domainPrefix].filter((x): x is string => !!x))) {
        if ((await domainOwner(app, prefix)) === pool.id) {
          current = prefix;
          break;
        }
      }
    }
    if (!current) return undefined;
    const want = app.inputs.domainPrefix;
    const record = { id: current };
    owners.set(record, pool.id);
    // A generated prefix that was lost with the state file: keep the live one.
    if (current !== want && !(app.inputs.domainPrefixGenerated && recorded === undefined)) {
      return { record, changes: [{ field: 'domainPrefix', from: current, to: want, replace: true, reason: 'a Cognito domain prefix cannot be renamed: the old domain is deleted and the new one created, so the hosted UI, authorize and token URLs change (a new domain can take a minute to answer)' }] };
    }
    return { record, changes: [] };
  },
  async create(ctx) {
    const { app } = ctx;
    const pool = ctx.need(userPoolStep);
    const cognito = await app.aws.cognito();
    const Domain = app.inputs.domainPrefix;
    const taken = (cause?: unknown) => new DomainTaken(Domain, undefined, { cause });
    let answer: unknown;
    await createOrAdopt({
      what: `domain ${Domain}`,
      note: ctx.note,
      // The prefix is the key: ours when it belongs to our pool (a crash or a lost answer after the call).
      find: async () => {
        const owner = await domainOwner(app, Domain);
        if (owner && owner !== pool.id) throw taken(answer);
        return owner ? true : undefined;
      },
      // Only "this prefix is taken" means the domain may exist (ours or someone else's); any other
      // InvalidParameterException, even one that mentions "domain", is reported as it is.
      exists: (e) => {
        const exists = isDomainTaken(e) || /already exists/i.test((e as Error).message ?? '');
        if (exists) answer = e;
        return exists;
      },
      create: async () => (await cognito.send(new CreateUserPoolDomainCommand({ Domain, UserPoolId: pool.id, ManagedLoginVersion: 1 })), true),
    }).catch((e: unknown) => {
      // "Already associated" and not ours: someone else has the prefix.
      throw e === answer ? taken(e) : e;
    });
    return { id: Domain };
  },
  async update(ctx, live) {
    // Only reached when replacing is allowed: a prefix cannot be renamed, so remove and re-create.
    // First make sure the new prefix is free, so a taken one does not leave the pool without a domain.
    const { app } = ctx;
    const pool = ctx.need(userPoolStep);
    const owner = await domainOwner(app, app.inputs.domainPrefix);
    if (owner && owner !== pool.id) {
      throw new DomainTaken(app.inputs.domainPrefix, live.record.id);
    }
    await domainStep.delete(ctx, live.record);
    try {
      return await createAfterDelete(ctx);
    } catch (e) {
      // Never leave the pool without a domain: put the old prefix back, then report what failed.
      try {
        const cognito = await app.aws.cognito();
        await cognito.send(new CreateUserPoolDomainCommand({ Domain: live.record.id, UserPoolId: pool.id, ManagedLoginVersion: 1 }));
        ctx.note(`the new domain could not be created; the old domain "${live.record.id}" was put back`);
      } catch {
        ctx.note(`the new domain could not be created, and the old domain "${live.record.id}" could not be put back: run init again`);
      }
      throw e;
    }
  },
  async delete(ctx, record) {
    const pool = ctx.get(userPoolStep);
    const cognito = await ctx.app.aws.cognito();
    // A read of this run saw which pool has it (destroy reads everything first): no second look.
    const owner = owners.get(record) ?? (await domainOwner(ctx.app, record.id));
    if (!owner) return;
    if (pool && owner !== pool.id) return; // not ours
    await ignoreNotFound(cognito.send(new DeleteUserPoolDomainCommand({ Domain: record.id, UserPoolId: owner })));
  },
};
