// Create-then-verify: the one way a step sends a create that AWS cannot make idempotent.
//
// The SDK never repeats such a create after an outcome-unknown failure (./retry.ts). Here, after
// one (a 5xx, a timeout, a reset: the request may have run), the step's `find` looks for exactly
// what was asked for (by name plus ownership tag, or the resource's own key); what it finds is
// adopted, and only when nothing is there is the create sent again. An "already exists" answer
// is read back the same way: adopted when `find` says it is ours (`find` throws the step's
// NotOwned for a same-named resource of someone else's), else the answer is rethrown.
import { errorName } from './errors.js';
import { requestOutcome } from './outcome.js';

const ALREADY_EXISTS = new Set([
  'EntityAlreadyExistsException', // IAM CreateRole
  'ResourceConflictException', // Lambda CreateFunction, AddPermission ("statement id already exists")
  'UsernameExistsException', // Cognito AdminCreateUser
  'ConflictException', // API Gateway
]);

/** An answer saying that what the create asked for is already there (someone's). */
export function isAlreadyExists(e: unknown): boolean {
  return ALREADY_EXISTS.has(errorName(e)) || /already exists?/i.test((e as Error)?.message ?? '');
}

export interface CreateOrAdoptOptions<T> {
  /** Send the create once. */
  create: () => Promise<T>;
  /** Look for what the create asked for: ours, or undefined when nothing is there. */
  find: () => Promise<T | undefined>;
  /** An "already exists" answer to this create (default: isAlreadyExists). */
  exists?: (e: unknown) => boolean;
  /** A progress note ("the answer was lost; looking for ..."). */
  note?: (message: string) => void;
  /** What is created, for the notes ("user pool hello-world-user-pool"). */
  what: string;
  /** Creates in all while each outcome-unknown failure finds nothing (default 3). */
  attempts?: number;
  /** Wait before the second look, for reads that lag a create a little (default 1000 ms). */
  settleMs?: number;
}

export interface CreateOrAdoptResult<T> {
  value: T;
  /** Found after a lost answer or an "already exists", rather than returned by the create. */
  adopted: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function createOrAdopt<T>(o: CreateOrAdoptOptions<T>): Promise<CreateOrAdoptResult<T>> {
  const attempts = o.attempts ?? 3;
  const exists = o.exists ?? isAlreadyExists;
  const look = async (): Promise<T | undefined> => {
    const first = await o.find();
    if (first !== undefined) return first;
    await sleep(o.settleMs ?? 1000);
    return o.find();
  };
  for (let attempt = 1; ; attempt++) {
    try {
      return { value: await o.create(), adopted: false };
    } catch (e) {
      if (exists(e)) {
        const found = await look();
        if (found !== undefined) {
          o.note?.(`${o.what} already exists and is ours: adopted`);
          return { value: found, adopted: true };
        }
        throw e;
      }
      if (requestOutcome(e) !== 'unknown') throw e;
      o.note?.(`the answer to creating ${o.what} was lost (${errorName(e) || (e as Error)?.message}); looking for it`);
      const found = await look();
      if (found !== undefined) {
        o.note?.(`${o.what} was created after all: adopted`);
        return { value: found, adopted: true };
      }
      if (attempt >= attempts) throw e;
      o.note?.(`${o.what} is not there: creating it again`);
    }
  }
}
