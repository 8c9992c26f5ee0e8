// @ts-check
/**
 * The honest floor of `npm run bench`: every AWS operation the stack's commands send, what each
 * needs as input and what it gives, as data. The floor of a phase is the longest chain through
 * these data dependencies: a round trip (L) per request, plus the Lambda activation wait (W,
 * measured in the same run); start-up is added by the bench (node -e 0, measured in the same run).
 *
 * To extend it (a new step, e.g. a route): add its operations to INIT and DESTROY with the data
 * they need and give, and its reads to READS. Nothing else changes: totals, chains and the check
 * against what the proxy counted all come from these rows.
 *
 * `needs` is what AWS asks for as input (an id, an ARN, a name that must exist: AWS refuses the
 * call without it). Names the CLI builds from the stack name and the account need no request:
 * the integration URI and the permission's source ARN are strings (they need `account`).
 * Every write also needs `account`: the account in the state file is checked before any write.
 * `found` is what one wave of reads learns (the read before create or delete that makes a re-run
 * and a resume safe: every read of a phase can go out at once, from the names and recorded ids).
 */

/** @typedef {{ step: string, op: string, needs: string[], gives?: string[], wait?: 'lambdaActive', note?: string }} Operation */

/** Every phase starts with these two, at once. */
const START = /** @type {Operation[]} */ ([
  { step: '(account)', op: 'GetCallerIdentity', needs: [], gives: ['account'] },
  { step: '(every step)', op: 'read wave', needs: [], gives: ['found'] },
]);

/** init on a fresh stack (default inputs, a user with a password). */
export const INIT = /** @type {Operation[]} */ ([
  ...START,
  { step: 'role', op: 'CreateRole', needs: ['found'], gives: ['roleArn'] },
  { step: 'role', op: 'AttachRolePolicy', needs: ['roleArn'], gives: ['rolePolicy'] },
  { step: 'function', op: 'CreateFunction', needs: ['roleArn'], gives: ['function'] },
  { step: 'function', op: 'activation', needs: ['function'], gives: ['functionActive'], wait: 'lambdaActive', note: 'init ends once the function is Active' },
  { step: 'logGroup', op: 'CreateLogGroup', needs: ['found'], gives: ['logGroup'] },
  { step: 'logGroup', op: 'PutRetentionPolicy', needs: ['logGroup'] },
  { step: 'api', op: 'CreateRestApi', needs: ['found'], gives: ['apiId'] },
  // AWS's CreateRestApi answers rootResourceId; the emulator's does not, so the id costs a read.
  { step: 'api', op: 'GetResources', needs: ['apiId'], gives: ['rootResourceId'], note: 'emulator only' },
  { step: 'userPool', op: 'CreateUserPool', needs: ['found'], gives: ['poolId', 'poolArn'] },
  { step: 'domain', op: 'CreateUserPoolDomain', needs: ['poolId'] },
  { step: 'resourceServer', op: 'CreateResourceServer', needs: ['poolId'], gives: ['scopes'] },
  { step: 'client', op: 'CreateUserPoolClient', needs: ['poolId', 'scopes'], gives: ['clientId'] },
  { step: 'authorizer', op: 'CreateAuthorizer', needs: ['apiId', 'poolArn'], gives: ['authorizerId'] },
  { step: 'permission', op: 'AddPermission', needs: ['function', 'apiId', 'account'] },
  { step: 'method', op: 'PutMethod', needs: ['apiId', 'rootResourceId', 'authorizerId'], gives: ['method'] },
  { step: 'method', op: 'PutIntegration', needs: ['method', 'account'], gives: ['integration'], note: 'the URI is a string: no wait for the function' },
  { step: 'deployment', op: 'CreateDeployment', needs: ['integration'], note: 'AWS refuses a deployment of a method without integration' },
  { step: 'user', op: 'AdminCreateUser', needs: ['poolId'], gives: ['user'] },
  { step: 'user', op: 'AdminSetUserPassword', needs: ['user'] },
]);

/** destroy of a complete stack; what lives inside another resource goes with it (no call). */
export const DESTROY = /** @type {Operation[]} */ ([
  ...START,
  { step: 'function', op: 'DeleteFunction', needs: ['found'], note: 'the permission goes with it' },
  { step: 'logGroup', op: 'DeleteLogGroup', needs: ['found'] },
  { step: 'role', op: 'DetachRolePolicy', needs: ['found'], gives: ['roleBare'], note: 'the read wave listed the policies' },
  { step: 'role', op: 'DeleteRole', needs: ['roleBare'], note: 'IAM refuses while a policy is attached' },
  { step: 'api', op: 'DeleteRestApi', needs: ['found'], note: 'authorizer, method, deployment go with it' },
  { step: 'domain', op: 'DeleteUserPoolDomain', needs: ['found'], gives: ['domainGone'] },
  { step: 'userPool', op: 'DeleteUserPool', needs: ['domainGone'], note: 'Cognito refuses while a domain exists; clients, user go with it' },
]);

/** A no-op init and status: the reads, nothing else. */
export const READ_ONLY = START;

/** The reads each step may send (in the read wave, a re-read, or to see the function Active): the check knows every request. */
export const READS = {
  '(account)': ['GetCallerIdentity'],
  role: ['GetRole', 'ListRoleTags', 'ListAttachedRolePolicies', 'ListRolePolicies'],
  function: ['GetFunction', 'GetFunctionConfiguration'],
  logGroup: ['DescribeLogGroups', 'ListTagsForResource'],
  api: ['GetRestApi', 'GetRestApis', 'GetResources'],
  userPool: ['DescribeUserPool', 'ListUserPools'],
  domain: ['DescribeUserPoolDomain', 'DescribeUserPool'],
  resourceServer: ['DescribeResourceServer'],
  client: ['DescribeUserPoolClient', 'ListUserPoolClients'],
  authorizer: ['GetAuthorizer', 'GetAuthorizers'],
  permission: ['GetPolicy'],
  method: ['GetMethod'],
  deployment: ['GetStage', 'GetDeployments'],
  user: ['AdminGetUser'],
};

const isRead = (op) => /^(Get|List|Describe|AdminGet)/.test(op) || op === 'read wave' || op === 'activation';

/**
 * The longest chain through the data: each operation finishes one round trip (or, for a wait,
 * W) after the last of what it needs is there. Returns the chain, its round trips and its length.
 * @param {Operation[]} ops @param {{ L: number, W: number }} t
 */
export function floorOf(ops, t) {
  /** @type {Map<string, Operation>} */
  const producer = new Map();
  for (const o of ops) {
    for (const g of o.gives ?? []) {
      if (producer.has(g)) throw new Error(`bench table: "${g}" is given by both ${producer.get(g)?.op} and ${o.op}`);
      producer.set(g, o);
    }
  }
  /** @type {Map<Operation, { ms: number, rt: number, chain: string[] }>} */
  const memo = new Map();
  const finish = (/** @type {Operation} */ o) => {
    const known = memo.get(o);
    if (known) return known;
    const needs = [...o.needs, ...(isRead(o.op) ? [] : ['account'])];
    let best = { ms: 0, rt: 0, chain: /** @type {string[]} */ ([]) };
    for (const n of needs) {
      const p = producer.get(n);
      if (!p) throw new Error(`bench table: ${o.op} needs "${n}", which no operation gives`);
      const f = finish(p);
      if (f.ms > best.ms) best = f;
    }
    const v = o.wait ? { ms: best.ms + t.W, rt: best.rt, chain: [...best.chain, 'W'] } : { ms: best.ms + t.L, rt: best.rt + 1, chain: [...best.chain, o.op] };
    memo.set(o, v);
    return v;
  };
  return ops.map(finish).reduce((a, b) => (b.ms > a.ms ? b : a));
}

/** The writes a phase sends, by operation: what the proxy must count. @param {Operation[]} ops */
export function expectedWrites(ops) {
  /** @type {Record<string, number>} */
  const out = {};
  for (const o of ops) if (!isRead(o.op)) out[o.op] = (out[o.op] ?? 0) + 1;
  return out;
}

/** REST requests (Lambda, API Gateway) by method and path: the operation's name. */
const REST = /** @type {[string, RegExp, string][]} */ ([
  ['POST', /^\/2015-03-31\/functions\/?$/, 'CreateFunction'],
  ['GET', /^\/2015-03-31\/functions\/[^/]+\/?$/, 'GetFunction'],
  ['DELETE', /^\/2015-03-31\/functions\/[^/]+\/?$/, 'DeleteFunction'],
  ['GET', /^\/2015-03-31\/functions\/[^/]+\/configuration$/, 'GetFunctionConfiguration'],
  ['PUT', /^\/2015-03-31\/functions\/[^/]+\/configuration$/, 'UpdateFunctionConfiguration'],
  ['PUT', /^\/2015-03-31\/functions\/[^/]+\/code$/, 'UpdateFunctionCode'],
  ['GET', /^\/2015-03-31\/functions\/[^/]+\/policy\/?$/, 'GetPolicy'],
  ['POST', /^\/2015-03-31\/functions\/[^/]+\/policy\/?$/, 'AddPermission'],
  ['DELETE', /^\/2015-03-31\/functions\/[^/]+\/policy\/[^/]+$/, 'RemovePermission'],
  ['POST', /^\/restapis\/?$/, 'CreateRestApi'],
  ['GET', /^\/restapis\/?$/, 'GetRestApis'],
  ['GET', /^\/restapis\/[^/]+\/?$/, 'GetRestApi'],
  ['PATCH', /^\/restapis\/[^/]+\/?$/, 'UpdateRestApi'],
  ['DELETE', /^\/restapis\/[^/]+\/?$/, 'DeleteRestApi'],
  ['GET', /^\/restapis\/[^/]+\/resources\/?$/, 'GetResources'],
  ['POST', /^\/restapis\/[^/]+\/authorizers\/?$/, 'CreateAuthorizer'],
  ['GET', /^\/restapis\/[^/]+\/authorizers\/?$/, 'GetAuthorizers'],
  ['GET', /^\/restapis\/[^/]+\/authorizers\/[^/]+$/, 'GetAuthorizer'],
  ['PATCH', /^\/restapis\/[^/]+\/authorizers\/[^/]+$/, 'UpdateAuthorizer'],
  ['GET', /^\/restapis\/[^/]+\/resources\/[^/]+\/methods\/[A-Z]+$/, 'GetMethod'],
  ['PUT', /^\/restapis\/[^/]+\/resources\/[^/]+\/methods\/[A-Z]+$/, 'PutMethod'],
  ['PATCH', /^\/restapis\/[^/]+\/resources\/[^/]+\/methods\/[A-Z]+$/, 'UpdateMethod'],
  ['DELETE', /^\/restapis\/[^/]+\/resources\/[^/]+\/methods\/[A-Z]+$/, 'DeleteMethod'],
  ['PUT', /^\/restapis\/[^/]+\/resources\/[^/]+\/methods\/[A-Z]+\/integration$/, 'PutIntegration'],
  ['POST', /^\/restapis\/[^/]+\/deployments\/?$/, 'CreateDeployment'],
  ['GET', /^\/restapis\/[^/]+\/deployments\/?$/, 'GetDeployments'],
  ['GET', /^\/restapis\/[^/]+\/stages\/[^/]+$/, 'GetStage'],
  ['DELETE', /^\/restapis\/[^/]+\/stages\/[^/]+$/, 'DeleteStage'],
]);

/** The AWS operation of a request the proxy classified (test/support/proxy.ts). */
export function operationOf(/** @type {{ protocol?: string, operation: string, method: string, path: string }} */ r) {
  if (r.protocol !== 'rest-json') return r.operation;
  const p = decodeURIComponent(r.path.split('?')[0] ?? '');
  return REST.find(([m, re]) => m === r.method && re.test(p))?.[2] ?? `${r.method} ${p}`;
}

/**
 * The table against what the proxy counted: writes by operation, exactly; every read a known
 * one. Returns the mismatches (empty: the table is right).
 * @param {Operation[]} ops @param {{ operation: string, mutating: boolean }[]} seen (operation already mapped by operationOf)
 */
export function checkAgainst(ops, seen) {
  const want = expectedWrites(ops);
  /** @type {Record<string, number>} */
  const got = {};
  for (const r of seen) if (r.mutating) got[r.operation] = (got[r.operation] ?? 0) + 1;
  const problems = [];
  for (const k of new Set([...Object.keys(want), ...Object.keys(got)])) {
    if ((want[k] ?? 0) !== (got[k] ?? 0)) problems.push(`${k}: the table says ${want[k] ?? 0}, the proxy counted ${got[k] ?? 0}`);
  }
  const known = new Set(Object.values(READS).flat());
  for (const r of seen) if (!r.mutating && !known.has(r.operation)) problems.push(`read ${r.operation}: not in READS`);
  return [...new Set(problems)];
}
