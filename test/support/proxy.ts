// An HTTP proxy between the CLI (--endpoint-url) and the emulator that classifies every AWS
// request by service and operation and counts reads and writes. Tests use it to prove that a
// no-op `init` sends no mutating request, and to inject faults: delays, HTTP 500s, throttling
// errors in each service's own wire format, connection resets, and a crash of the CLI process
// at the k-th mutating request (before it is forwarded, or after the emulator answered it but
// before the CLI sees the answer). A fault can also come after the emulator ran the request: the
// answer is lost (replaced by a 500 or 503, or the connection is reset), as real networks and
// AWS's own 5xx do, so the CLI cannot know whether its create happened.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the SDK talks to the service: what an error answer must look like for it to parse it. */
export type Protocol = 'json' | 'query' | 'rest-json';

export interface AwsRequest {
  service: string;
  operation: string;
  mutating: boolean;
  method: string;
  path: string;
  at: number;
  protocol?: Protocol;
}

const READ_PREFIXES = ['Get', 'List', 'Describe', 'AdminGet', 'Head'];

/** Service and operation from the JSON target header, the query Action, or the REST path. */
export function classify(method: string, path: string, headers: http.IncomingHttpHeaders, body: string): AwsRequest {
  const at = Date.now();
  const target = headers['x-amz-target'];
  if (typeof target === 'string' && target.includes('.')) {
    const [svc, op] = target.split('.') as [string, string];
    const service = /Cognito/i.test(svc) ? 'cognito-idp' : svc;
    return { service, operation: op, mutating: !READ_PREFIXES.some((p) => op.startsWith(p)), method, path, at, protocol: 'json' };
  }
  const auth = String(headers.authorization ?? '');
  const scope = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\//.exec(auth)?.[1] ?? '';
  const action = new URLSearchParams(body).get('Action') ?? new URL(path, 'http://x').searchParams.get('Action');
  if (action) return { service: scope || 'query', operation: action, mutating: !READ_PREFIXES.some((p) => action.startsWith(p)) && action !== 'GetCallerIdentity', method, path, at, protocol: 'query' };
  const service = scope || (path.startsWith('/2015-03-31') || path.startsWith('/2017-') ? 'lambda' : path.startsWith('/restapis') ? 'apigateway' : 'other');
  return { service, operation: `${method} ${path.split('?')[0]}`, mutating: method !== 'GET' && method !== 'HEAD', method, path, at, protocol: 'rest-json' };
}

export interface FakeResponse {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

export type FaultKind = 'error500' | 'error503' | 'throttle' | 'reset' | 'delay';
/** 'before': the request never reaches the emulator. 'after': the emulator ran it and the answer was lost. */
export type FaultWhen = 'before' | 'after';

/**
 * An error answer in the wire format the SDK expects from that service, so that it is parsed
 * (and retried) exactly like the real thing: JSON `__type` for Cognito, an XML ErrorResponse
 * for IAM and STS, the `x-amzn-ErrorType` header for Lambda and API Gateway.
 */
export function faultResponse(r: AwsRequest, kind: 'error500' | 'error503' | 'throttle'): FakeResponse {
  if (kind === 'error503') return unavailable(r);
  const throttle = kind === 'throttle';
  const message = throttle ? 'Rate exceeded (injected by the test proxy)' : 'Internal failure (injected by the test proxy)';
  const requestId = `injected-${Math.random().toString(36).slice(2)}`;
  if (r.protocol === 'json') {
    const type = throttle ? 'TooManyRequestsException' : 'InternalErrorException';
    return { status: throttle ? 400 : 500, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId }, body: JSON.stringify({ __type: type, message }) };
  }
  if (r.protocol === 'query') {
    const code = throttle ? 'Throttling' : r.service === 'iam' ? 'ServiceFailure' : 'InternalFailure';
    const body = `<ErrorResponse><Error><Type>${throttle ? 'Sender' : 'Receiver'}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    return { status: throttle ? 400 : 500, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body };
  }
  const type = throttle ? 'TooManyRequestsException' : r.service === 'lambda' ? 'ServiceException' : 'InternalFailure';
  return { status: throttle ? 429 : 500, headers: { 'content-type': 'application/json', 'x-amzn-errortype': type, 'x-amzn-requestid': requestId }, body: JSON.stringify({ message, Type: throttle ? 'User' : 'Service' }) };
}

/** HTTP 503 in the service's wire format (Cognito and Lambda name it their own way). */
function unavailable(r: AwsRequest): FakeResponse {
  const message = 'Service unavailable (injected by the test proxy)';
  const requestId = `injected-${Math.random().toString(36).slice(2)}`;
  if (r.protocol === 'json') return { status: 503, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId }, body: JSON.stringify({ __type: 'InternalErrorException', message }) };
  if (r.protocol === 'query') {
    return { status: 503, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body: `<ErrorResponse><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>` };
  }
  const type = r.service === 'lambda' ? 'ServiceException' : 'ServiceUnavailableException';
  return { status: 503, headers: { 'content-type': 'application/json', 'x-amzn-errortype': type, 'x-amzn-requestid': requestId }, body: JSON.stringify({ message, Type: 'Service' }) };
}

export interface FaultPlan {
  /** Probability (0..1) that a request gets a fault. */
  rate: number;
  /** Which faults to draw from, uniformly. */
  kinds: FaultKind[];
  /** Seed of the pseudo-random sequence, so a failing run can be replayed. */
  seed?: number;
  /** Never fault the same operation more than this many times in a row (the SDK's retries must be able to get through). Default 3. */
  maxConsecutive?: number;
  /** Delay for the 'delay' fault (ms). Default 300. */
  delayMs?: number;
  /** Only these requests can get faults (default: every AWS request). */
  only?: (r: AwsRequest) => boolean;
  /**
   * Share (0..1) of the faults that can come after the request ran (error500, error503, reset)
   * that do: the emulator runs the request, then the answer is lost. Default 0 (all before).
   */
  afterShare?: number;
  /**
   * Draw each request's fault from (seed, key(request), how many requests had that key before)
   * instead of one sequence in arrival order, so that concurrent requests (steps run in
   * parallel) get the same faults on every run of the same seed. Give a key without ids.
   */
  key?: (r: AwsRequest) => string;
}

export interface InjectedFault {
  kind: FaultKind;
  when: FaultWhen;
  service: string;
  operation: string;
}

export type CrashMode = 'before' | 'after';

export interface CrashPlan {
  /** Crash at this mutating request (1-based), counting only those `match` accepts when given. */
  k: number;
  /** Count only these mutating requests (e.g. one operation), to crash at a chosen call. */
  match?: (r: AwsRequest) => boolean;
  /** 'before': the request never reaches the emulator. 'after': the emulator ran it, the CLI never sees the answer. */
  mode: CrashMode;
  /** Kill the CLI process; resolves once it is dead. */
  kill: () => Promise<void>;
}

export interface CrashReport {
  /** The request the crash happened at, or undefined when the run had fewer than k writes. */
  at?: AwsRequest;
}

/** The raw request as it arrived; a `before` hook may replace `body` (the proxy fixes content-length). */
export interface RawRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface CountingProxy {
  endpoint: string;
  requests: AwsRequest[];
  writes(): AwsRequest[];
  reads(): AwsRequest[];
  clear(): void;
  /** Delay every request by this many milliseconds (0: none). */
  latencyMs: number;
  /** Called before forwarding; return a response to send instead ({status, body, headers}) or 'reset' to drop the socket. */
  before?: (r: AwsRequest, n: { all: number; writes: number }, raw: RawRequest) => Promise<void | FakeResponse | 'reset'>;
  /** Called after the upstream answered, before the answer is passed back; 'drop' closes the connection instead of answering. */
  after?: (r: AwsRequest, n: { all: number; writes: number }, status: number, raw: RawRequest, response: RawResponse) => Promise<void | 'drop'>;
  /** Answers requests to its own paths (not AWS, not /_ministack) instead of forwarding them, e.g. the strict-AWS layer's /_strict/. */
  control?: (raw: RawRequest) => Promise<FakeResponse | undefined>;
  /** Random faults for every following request (undefined: none). */
  faults?: FaultPlan;
  /** Faults injected so far (cleared by clear()). */
  injected: InjectedFault[];
  /**
   * Lose the answer to the k-th mutating request (that `match` accepts) counted from now: the
   * emulator runs it, the CLI gets `how` instead (an HTTP 500 or a reset). The run goes on.
   * Resolves with the request it happened to (undefined when disarmed first).
   */
  loseAnswerAt(plan: { k: number; match?: (r: AwsRequest) => boolean; how: 'error500' | 'reset' }): Promise<CrashReport>;
  /**
   * Arm a crash at the k-th mutating request counted from now. Later mutating requests of the
   * same run are held and then dropped, so nothing after the crash point reaches the emulator.
   * Resolves once the process was killed, or when disarm() is called first.
   */
  crashAt(plan: CrashPlan): Promise<CrashReport>;
  disarm(): void;
  close(): Promise<void>;
}

/** A number in [0, 1) from a seed and a string (FNV-1a, then one mulberry32 step). */
function keyedDraw(seed: number, key: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return seeded(h)();
}

/** mulberry32: a small seeded generator, enough to replay a fault sequence. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function startCountingProxy(upstream: string): Promise<CountingProxy> {
  const up = new URL(upstream);
  const requests: AwsRequest[] = [];
  let writes = 0;

  // Random faults.
  let rng: (() => number) | undefined;
  let rngFor: FaultPlan | undefined;
  const consecutive = new Map<string, number>();
  const occurrences = new Map<string, number>();
  const drawFault = (r: AwsRequest): { kind: FaultKind; when: FaultWhen } | undefined => {
    const plan = proxy.faults;
    if (!plan || plan.rate <= 0 || plan.kinds.length === 0) return undefined;
    if (plan.only && !plan.only(r)) return undefined;
    let draw: () => number;
    if (plan.key) {
      const k = plan.key(r);
      const n = occurrences.get(k) ?? 0;
      occurrences.set(k, n + 1);
      let i = 0;
      draw = () => keyedDraw(plan.seed ?? 1, `${k}#${n}#${i++}`);
    } else {
      if (rngFor !== plan) {
        rng = seeded(plan.seed ?? 1);
        rngFor = plan;
      }
      draw = rng!;
    }
    const key = `${r.service} ${r.operation}`;
    const run = consecutive.get(key) ?? 0;
    const hit = draw() < plan.rate && run < (plan.maxConsecutive ?? 3);
    const kind = plan.kinds[Math.floor(draw() * plan.kinds.length)]!;
    const canBeAfter = kind === 'error500' || kind === 'error503' || kind === 'reset';
    const when: FaultWhen = canBeAfter && (plan.afterShare ?? 0) > 0 && draw() < plan.afterShare! ? 'after' : 'before';
    if (!hit) {
      consecutive.set(key, 0);
      return undefined;
    }
    consecutive.set(key, run + 1);
    proxy.injected.push({ kind, when, service: r.service, operation: r.operation });
    return { kind, when };
  };

  // Lost answers on purpose.
  let lose: { k: number; match?: (r: AwsRequest) => boolean; how: 'error500' | 'reset'; seen: number; settle: (c: CrashReport) => void } | undefined;

  // Crash plan.
  interface ArmedCrash {
    plan: CrashPlan;
    /** Mutating requests (that match) seen since the plan was armed. */
    seen: number;
    /** The crash point has arrived: every later mutating request is held and dropped. */
    reached: boolean;
    killed?: Promise<void>;
    /** Resolves once the process is dead (or the plan was disarmed). */
    dead: Promise<void>;
    settle: (c: CrashReport) => void;
  }
  let crash: ArmedCrash | undefined;
  const killNow = (c: ArmedCrash, r: AwsRequest) => {
    c.killed ??= c.plan.kill().then(() => c.settle({ at: r }));
    return c.killed;
  };

  const proxy: CountingProxy = {
    endpoint: '',
    requests,
    writes: () => requests.filter((r) => r.mutating),
    reads: () => requests.filter((r) => !r.mutating),
    clear: () => {
      requests.length = 0;
      writes = 0;
      proxy.injected.length = 0;
      consecutive.clear();
      occurrences.clear();
    },
    latencyMs: 0,
    injected: [],
    crashAt: (plan) =>
      new Promise<CrashReport>((done) => {
        let markDead!: () => void;
        const dead = new Promise<void>((d) => (markDead = d));
        crash = {
          plan,
          seen: 0,
          reached: false,
          dead,
          settle: (report) => {
            markDead();
            done(report);
          },
        };
      }),
    loseAnswerAt: (plan) =>
      new Promise<CrashReport>((done) => {
        lose = { ...plan, seen: 0, settle: done };
      }),
    disarm: () => {
      const c = crash;
      crash = undefined;
      if (c && !c.killed) c.settle({});
      const l = lose;
      lose = undefined;
      l?.settle({});
    },
    close: () =>
      new Promise((res) => {
        server.close(() => res());
        server.closeAllConnections();
      }),
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const r = classify(req.method ?? 'GET', req.url ?? '/', req.headers, body.toString('utf8'));
      const isAws = !(req.url ?? '').startsWith('/_ministack') && !(req.url ?? '').startsWith('/_strict');
      const raw: RawRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body };
      if (isAws) {
        requests.push(r);
        if (r.mutating) writes++;
      }
      const n = { all: requests.length, writes };
      const drop = () => req.socket.destroy();
      try {
        // The crash point: decided at arrival, before anything else can run.
        const c = crash;
        let crashHere: 'before' | 'after' | undefined;
        if (isAws && c && r.mutating) {
          if (c.reached) {
            // After the crash point: held until the process is dead, never forwarded.
            await c.dead;
            return drop();
          }
          if ((!c.plan.match || c.plan.match(r)) && ++c.seen === c.plan.k) {
            c.reached = true;
            crashHere = c.plan.mode;
          }
        } else if (isAws && c?.killed) {
          await c.dead;
          return drop();
        }
        if (crashHere === 'before') {
          await killNow(c!, r);
          return drop();
        }

        if (proxy.latencyMs) await new Promise((s) => setTimeout(s, proxy.latencyMs));
        const drawn = isAws && !crashHere ? drawFault(r) : undefined;
        const fault = drawn?.when === 'before' ? drawn.kind : undefined;
        /** The answer this request will lose after the emulator ran it, if any. */
        let lost: 'error500' | 'error503' | 'reset' | undefined = drawn?.when === 'after' ? (drawn.kind as 'error500' | 'error503' | 'reset') : undefined;
        const l = lose;
        if (isAws && !crashHere && l && r.mutating && (!l.match || l.match(r)) && ++l.seen === l.k) {
          lose = undefined;
          lost = l.how;
          l.settle({ at: r });
        }
        if (fault === 'reset') return drop();
        if (fault === 'error500' || fault === 'error503' || fault === 'throttle') {
          const f = faultResponse(r, fault);
          res.writeHead(f.status, f.headers);
          res.end(f.body);
          return;
        }
        if (fault === 'delay') await new Promise((s) => setTimeout(s, proxy.faults?.delayMs ?? 300));

        const own = !isAws && proxy.control ? await proxy.control(raw) : undefined;
        if (own) {
          res.writeHead(own.status, { 'content-type': 'application/json', ...own.headers });
          res.end(own.body);
          return;
        }
        const instead = isAws && proxy.before ? await proxy.before(r, n, raw) : undefined;
        if (instead === 'reset') return drop();
        if (instead) {
          res.writeHead(instead.status, { 'content-type': 'application/json', ...instead.headers });
          res.end(instead.body);
          return;
        }
        const headers = { ...req.headers, host: up.host };
        if (raw.body !== body) headers['content-length'] = String(raw.body.length);
        const upstreamReq = http.request(
          { host: up.hostname, port: up.port, method: req.method, path: req.url, headers },
          (ur) => {
            const out: Buffer[] = [];
            ur.on('data', (ch: Buffer) => out.push(ch));
            ur.on('end', async () => {
              try {
                if (crashHere === 'after') {
                  // The emulator ran it; the CLI dies before it can see the answer.
                  await killNow(c!, r);
                  return drop();
                }
                if (lost === 'reset') return drop();
                if (lost) {
                  // The emulator ran it; the CLI gets an error instead of the answer.
                  const f = faultResponse(r, lost);
                  res.writeHead(f.status, f.headers);
                  res.end(f.body);
                  return;
                }
                const answer: RawResponse = { status: ur.statusCode ?? 0, headers: ur.headers, body: Buffer.concat(out) };
                if (isAws && proxy.after && (await proxy.after(r, n, ur.statusCode ?? 0, raw, answer)) === 'drop') return drop();
                res.writeHead(answer.status || 502, answer.headers);
                res.end(answer.body);
              } catch (e) {
                res.writeHead(500);
                res.end(String(e));
              }
            });
          },
        );
        upstreamReq.on('error', (e) => {
          res.writeHead(502);
          res.end(String(e));
        });
        upstreamReq.end(raw.body);
      } catch (e) {
        res.writeHead(500);
        res.end(String(e));
      }
    });
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  proxy.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}

/**
 * Hold every request once the first mutating one arrives (requests `pass` lets through excepted,
 * e.g. the S3 state's), until release() is called. `held` settles when the first one is held.
 */
export function holdAtFirstWrite(p: CountingProxy, pass: (r: AwsRequest) => boolean = () => false): { held: Promise<void>; release(): void } {
  let holding = false;
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let signalHeld!: () => void;
  const held = new Promise<void>((r) => (signalHeld = r));
  p.before = async (r) => {
    if (pass(r)) return;
    if (r.mutating && !holding) {
      holding = true;
      signalHeld();
    }
    if (holding) await released;
  };
  return {
    held,
    release: () => {
      p.before = undefined;
      release();
    },
  };
}
