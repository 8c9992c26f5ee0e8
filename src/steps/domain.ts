// The hosted-UI domain (tutorial step 3), classic hosted UI (ManagedLoginVersion 1: version 2
// shows "Login pages unavailable" until a branding style exists and needs a paid plan).
import {
  CreateUserPoolDomainCommand,
  DeleteUserPoolDomainCommand,
  DescribeUserPoolCommand,
  DescribeUserPoolDomainCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CliError } from '../errors.js';
import { createOrAdopt } from '../aws/create.js';
import { errorName, ignoreNotFound, orAbsent } from '../aws/errors.js';
import type { Step } from '../engine/types.js';
import type { App } from './app.js';
import type { UserPoolRecord } from './user-pool.js';

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

export const domainStep: Step<App, DomainRecord> = {
  key: 'domain',
  title: 'Hosted UI domain',
  displayName: (app) => app.inputs.domainPrefix,
  dependsOn: ['userPool'],
  async read(ctx, recorded) {
    const { app } = ctx;
    const pool = ctx.get<UserPoolRecord>('userPool');
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
    const pool = ctx.get<UserPoolRecord>('userPool')!;
    const cognito = await app.aws.cognito();
    const Domain = app.inputs.domainPrefix;
    const taken = (cause?: unknown) =>
      new CliError('DOMAIN_TAKEN', `The domain prefix "${Domain}" is already used by another user pool (prefixes are unique per region across all AWS accounts).`, 'Pick another one with --domain-prefix, then run init again.', 1, { cause });
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
      exists: (e) => {
        const msg = (e as Error).message ?? '';
        const exists = /already (associated|exists)/i.test(msg) || (errorName(e) === 'InvalidParameterException' && /domain/i.test(msg));
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
    // Only reached with --allow-replace: a prefix cannot be renamed, so remove and re-create.
    // First make sure the new prefix is free, so a taken one does not leave the pool without a domain.
    const { app } = ctx;
    const pool = ctx.get<UserPoolRecord>('userPool')!;
    const owner = await domainOwner(app, app.inputs.domainPrefix);
    if (owner && owner !== pool.id) {
      throw new CliError('DOMAIN_TAKEN', `The domain prefix "${app.inputs.domainPrefix}" is already used by another user pool (prefixes are unique per region across all AWS accounts). The current domain "${live.record.id}" was kept.`, 'Pick another one with --domain-prefix, then run init again.', 1);
    }
    await domainStep.delete(ctx, live.record);
    return domainStep.create(ctx);
  },
  async delete(ctx, record) {
    const pool = ctx.get<UserPoolRecord>('userPool');
    const cognito = await ctx.app.aws.cognito();
    // A read of this run saw which pool has it (destroy reads everything first): no second look.
    const owner = owners.get(record) ?? (await domainOwner(ctx.app, record.id));
    if (!owner) return;
    if (pool && owner !== pool.id) return; // not ours
    await ignoreNotFound(cognito.send(new DeleteUserPoolDomainCommand({ Domain: record.id, UserPoolId: owner })));
  },
};
