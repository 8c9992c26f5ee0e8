// An HTTP proxy between the CLI (--endpoint-url) and the emulator that classifies every AWS
// request by service and operation and counts reads and writes. Tests use it to prove that a
// no-op `init` sends no mutating request; the fault-injection tests extend it with hooks.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AwsRequest {
  service: string;
  operation: string;
  mutating: boolean;
  method: string;
  path: string;
  at: number;
}

const READ_PREFIXES = ['Get', 'List', 'Describe', 'AdminGet', 'Head'];

/** Service and operation from the JSON target header, the query Action, or the REST path. */
export function classify(method: string, path: string, headers: http.IncomingHttpHeaders, body: string): AwsRequest {
  const at = Date.now();
  const target = headers['x-amz-target'];
  if (typeof target === 'string' && target.includes('.')) {
    const [svc, op] = target.split('.') as [string, string];
    const service = /Cognito/i.test(svc) ? 'cognito-idp' : svc;
    return { service, operation: op, mutating: !READ_PREFIXES.some((p) => op.startsWith(p)), method, path, at };
  }
  const auth = String(headers.authorization ?? '');
  const scope = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\//.exec(auth)?.[1] ?? '';
  const action = new URLSearchParams(body).get('Action') ?? new URL(path, 'http://x').searchParams.get('Action');
  if (action) return { service: scope || 'query', operation: action, mutating: !READ_PREFIXES.some((p) => action.startsWith(p)) && action !== 'GetCallerIdentity', method, path, at };
  const service = scope || (path.startsWith('/2015-03-31') || path.startsWith('/2017-') ? 'lambda' : path.startsWith('/restapis') ? 'apigateway' : 'other');
  return { service, operation: `${method} ${path.split('?')[0]}`, mutating: method !== 'GET' && method !== 'HEAD', method, path, at };
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
  before?: (r: AwsRequest, n: { all: number; writes: number }) => Promise<void | { status: number; body: string; headers?: Record<string, string> } | 'reset'>;
  /** Called after the upstream answered, before the answer is passed back. */
  after?: (r: AwsRequest, n: { all: number; writes: number }, status: number) => Promise<void>;
  close(): Promise<void>;
}

export async function startCountingProxy(upstream: string): Promise<CountingProxy> {
  const up = new URL(upstream);
  const requests: AwsRequest[] = [];
  let writes = 0;
  const proxy: CountingProxy = {
    endpoint: '',
    requests,
    writes: () => requests.filter((r) => r.mutating),
    reads: () => requests.filter((r) => !r.mutating),
    clear: () => {
      requests.length = 0;
      writes = 0;
    },
    latencyMs: 0,
    close: () => new Promise((res) => server.close(() => res())),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const r = classify(req.method ?? 'GET', req.url ?? '/', req.headers, body.toString('utf8'));
      const isAws = !(req.url ?? '').startsWith('/_ministack');
      if (isAws) {
        requests.push(r);
        if (r.mutating) writes++;
      }
      const n = { all: requests.length, writes };
      try {
        if (proxy.latencyMs) await new Promise((s) => setTimeout(s, proxy.latencyMs));
        const instead = isAws && proxy.before ? await proxy.before(r, n) : undefined;
        if (instead === 'reset') {
          req.socket.destroy();
          return;
        }
        if (instead) {
          res.writeHead(instead.status, { 'content-type': 'application/json', ...instead.headers });
          res.end(instead.body);
          return;
        }
        const upstreamReq = http.request(
          { host: up.hostname, port: up.port, method: req.method, path: req.url, headers: { ...req.headers, host: up.host } },
          (ur) => {
            const out: Buffer[] = [];
            ur.on('data', (c: Buffer) => out.push(c));
            ur.on('end', async () => {
              if (isAws && proxy.after) await proxy.after(r, n, ur.statusCode ?? 0);
              res.writeHead(ur.statusCode ?? 502, ur.headers);
              res.end(Buffer.concat(out));
            });
          },
        );
        upstreamReq.on('error', (e) => {
          res.writeHead(502);
          res.end(String(e));
        });
        upstreamReq.end(body);
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
