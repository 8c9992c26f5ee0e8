// The validation table: each of AWS's rules with a value that passes and one that fails, and the
// line the failing one must produce. test/unit/config.test.ts runs it against the schema;
// test/e2e/scripting.test.ts runs every failing row through the built CLI and checks that it
// exits 2 naming the flag and that no AWS request was sent.
import type { GivenValues } from '../../src/config/resolve.js';

export interface Rule {
  flag: string;
  rule: string;
  good: GivenValues;
  bad: GivenValues;
  msg: RegExp;
  /** When the CLI refuses it earlier (commander's own choices check), with this line instead. */
  cli?: RegExp;
}

const x = (n: number, c = 'x') => c.repeat(n);

export const VALIDATION_TABLE: Rule[] = [
  { flag: '--stack', rule: 'lowercase, digits, hyphens', good: { stack: 'demo-1' }, bad: { stack: 'Demo_1' }, msg: /--stack "Demo_1": must be 1-32/ },
  { flag: '--stack', rule: 'at most 32 characters', good: { stack: `a${x(31)}` }, bad: { stack: `a${x(32)}` }, msg: /--stack "ax{32}": must be 1-32/ },
  { flag: '--stack', rule: 'not ending with a hyphen', good: { stack: 'a' }, bad: { stack: 'demo-' }, msg: /--stack "demo-": must be 1-32/ },
  { flag: '--region', rule: 'region code', good: { region: 'eu-west-1' }, bad: { region: 'Europe' }, msg: /--region "Europe": must be an AWS region code/ },
  { flag: '--region', rule: 'region code (GovCloud passes)', good: { region: 'us-gov-west-1' }, bad: { region: 'us-east' }, msg: /--region "us-east": must be an AWS region code/ },
  { flag: '--endpoint-url', rule: 'http(s) URL', good: { endpointUrl: 'http://127.0.0.1:4566' }, bad: { endpointUrl: 'ftp://127.0.0.1:4566' }, msg: /--endpoint-url "ftp:\/\/127.0.0.1:4566": must be an http\(s\) URL/ },
  { flag: '--runtime', rule: 'deprecated runtime refused', good: { runtime: 'python3.12' }, bad: { runtime: 'python3.9' }, msg: /--runtime "python3.9": is deprecated by AWS Lambda; use python3.13 \(or / },
  { flag: '--runtime', rule: 'deprecated Node.js runtime refused', good: { runtime: 'nodejs22.x' }, bad: { runtime: 'nodejs20.x' }, msg: /--runtime "nodejs20.x": is deprecated by AWS Lambda; use nodejs24.x or nodejs22.x/ },
  { flag: '--runtime', rule: 'known runtime', good: { runtime: 'python3.14' }, bad: { runtime: 'ruby9' }, msg: /--runtime "ruby9": must be one of/ },
  { flag: '--endpoint-type', rule: 'EDGE or REGIONAL', good: { endpointType: 'regional' }, bad: { endpointType: 'PRIVATE' }, msg: /--endpoint-type "PRIVATE": must be EDGE or REGIONAL/, cli: /^error: option '--endpoint-type <type>' argument 'PRIVATE' is invalid\. Allowed choices are EDGE, REGIONAL/m },
  { flag: '--stage', rule: 'letters, digits, - and _', good: { stage: 'prod_1' }, bad: { stage: 'my stage' }, msg: /--stage "my stage": must be 1-128/ },
  { flag: '--stage', rule: 'at most 128 characters', good: { stage: x(128) }, bad: { stage: x(129) }, msg: /--stage "x{129}": must be 1-128/ },
  { flag: '--domain-prefix', rule: 'reserved word aws', good: { domainPrefix: 'hello-123' }, bad: { domainPrefix: 'my-aws-login' }, msg: /--domain-prefix "my-aws-login": must not contain "aws"/ },
  { flag: '--domain-prefix', rule: 'reserved word cognito', good: { domainPrefix: 'login-1' }, bad: { domainPrefix: 'cognito-login' }, msg: /--domain-prefix "cognito-login": must not contain/ },
  { flag: '--domain-prefix', rule: 'reserved word amazon', good: { domainPrefix: 'amaz0n' }, bad: { domainPrefix: 'amazon' }, msg: /--domain-prefix "amazon": must not contain/ },
  { flag: '--domain-prefix', rule: 'no leading hyphen', good: { domainPrefix: 'a' }, bad: { domainPrefix: '-bad' }, msg: /--domain-prefix "-bad": must be 1-63/ },
  { flag: '--domain-prefix', rule: 'lowercase only', good: { domainPrefix: 'hello' }, bad: { domainPrefix: 'Hello' }, msg: /--domain-prefix "Hello": must be 1-63/ },
  { flag: '--domain-prefix', rule: 'at most 63 characters', good: { domainPrefix: x(63) }, bad: { domainPrefix: x(64) }, msg: /--domain-prefix "x{64}": must be 1-63/ },
  { flag: '--resource-server-id', rule: 'printable ASCII, no space', good: { resourceServerId: 'https://api.example.com' }, bad: { resourceServerId: 'has space' }, msg: /--resource-server-id "has space": may contain only/ },
  { flag: '--resource-server-id', rule: 'no double quote', good: { resourceServerId: "it's-fine" }, bad: { resourceServerId: 'say"hi' }, msg: /--resource-server-id "say\\"hi": may contain only/ },
  { flag: '--resource-server-id', rule: 'at most 256 characters', good: { resourceServerId: x(200), scopes: ['r'] }, bad: { resourceServerId: x(257) }, msg: /--resource-server-id "x{257}": must be at most 256/ },
  { flag: '--scope', rule: 'no / in a scope name', good: { scopes: ['read.items'] }, bad: { scopes: ['read/items'] }, msg: /--scope "read\/items": may contain only/ },
  { flag: '--scope', rule: 'no space in a scope name', good: { scopes: ['read-items'] }, bad: { scopes: ['read items'] }, msg: /--scope "read items": may contain only/ },
  { flag: '--scope', rule: 'each scope once', good: { scopes: ['a', 'b'] }, bad: { scopes: ['a', 'a'] }, msg: /--scope "a": scope "a" is given twice/ },
  { flag: '--scope', rule: 'a description', good: { scopes: ['a=Read a'] }, bad: { scopes: ['a='] }, msg: /--scope "a=": description must not be empty/ },
  { flag: '--scope', rule: '"<identifier>/<scope>" at most 256', good: { resourceServerId: x(200), scopes: [x(55, 'y')] }, bad: { resourceServerId: x(200), scopes: [x(56, 'y')] }, msg: /--scope "y{56}": makes .* longer than 256 characters/ },
  // Callback URLs: src/config/callback-url.ts (https; http only on loopback; RFC 8252 §7.1 app schemes).
  { flag: '--callback-url', rule: 'http only on loopback', good: { callbackUrls: ['http://localhost:8080/cb'] }, bad: { callbackUrls: ['http://example.com/cb'] }, msg: /--callback-url "http:\/\/example.com\/cb": uses http on a host that is not loopback: must be https:\/\/<host>/ },
  { flag: '--callback-url', rule: 'http for 127.0.0.1 and [::1]', good: { callbackUrls: ['http://127.0.0.1:8080/cb', 'http://[::1]:8080/cb'] }, bad: { callbackUrls: ['http://10.0.0.1/cb'] }, msg: /--callback-url "http:\/\/10.0.0.1\/cb": uses http on a host that is not loopback/ },
  { flag: '--callback-url', rule: 'a loopback look-alike is not loopback', good: { callbackUrls: ['https://localhost.example.com/cb'] }, bad: { callbackUrls: ['http://localhost.example.com/cb'] }, msg: /--callback-url "http:\/\/localhost.example.com\/cb": uses http on a host that is not loopback/ },
  { flag: '--callback-url', rule: 'absolute URL', good: { callbackUrls: ['https://example.com/cb'] }, bad: { callbackUrls: ['example.com/cb'] }, msg: /--callback-url "example.com\/cb": is not an absolute URL: must be https/ },
  { flag: '--callback-url', rule: 'no spaces', good: { callbackUrls: ['https://example.com/a%20b'] }, bad: { callbackUrls: ['https://example.com/a b'] }, msg: /--callback-url "https:\/\/example.com\/a b": must not contain spaces/ },
  { flag: '--callback-url', rule: 'no fragment', good: { callbackUrls: ['https://example.com/cb?x=1'] }, bad: { callbackUrls: ['https://example.com/cb#top'] }, msg: /--callback-url "https:\/\/example.com\/cb#top": must not contain a fragment/ },
  { flag: '--callback-url', rule: 'not even an empty fragment', good: { callbackUrls: ['com.example.app:/cb'] }, bad: { callbackUrls: ['com.example.app:/cb#'] }, msg: /--callback-url "com.example.app:\/cb#": must not contain a fragment/ },
  { flag: '--callback-url', rule: 'no ftp', good: { callbackUrls: ['https://x.example/cb'] }, bad: { callbackUrls: ['ftp://x.example/cb'] }, msg: /--callback-url "ftp:\/\/x.example\/cb": uses the scheme "ftp:": must be https:\/\/<host>\/\.\.\., http:\/\/ only on localhost/ },
  { flag: '--callback-url', rule: 'no javascript:', good: { callbackUrls: ['com.example.app://callback'] }, bad: { callbackUrls: ['javascript:alert(1)'] }, msg: /--callback-url "javascript:alert\(1\)": uses the scheme "javascript:"/ },
  { flag: '--callback-url', rule: 'no data: or file:', good: { callbackUrls: ['io.github.someone.app:/oauth2redirect'] }, bad: { callbackUrls: ['file:///etc/passwd'] }, msg: /--callback-url "file:\/\/\/etc\/passwd": uses the scheme "file:"/ },
  { flag: '--callback-url', rule: 'an app scheme is a reverse domain (RFC 8252 §7.1)', good: { callbackUrls: ['com.example.app:/cb'] }, bad: { callbackUrls: ['myapp://callback'] }, msg: /--callback-url "myapp:\/\/callback": uses the scheme "myapp:": .*reverse-domain form such as com.example.app:\/callback \(RFC 8252\)/ },
  { flag: '--callback-url', rule: 'each URL once', good: { callbackUrls: ['https://a.example/cb', 'https://b.example/cb'] }, bad: { callbackUrls: ['https://a.example/cb', 'https://a.example/cb'] }, msg: /--callback-url "https:\/\/a.example\/cb": is given twice/ },
  { flag: '--username', rule: 'no spaces', good: { username: 'alice.smith@corp' }, bad: { username: 'alice smith' }, msg: /--username "alice smith": may not contain spaces/ },
  { flag: '--username', rule: 'at most 128 characters', good: { username: x(128) }, bad: { username: x(129) }, msg: /--username "x{129}": must be at most 128/ },
  { flag: '--email', rule: 'an e-mail address', good: { email: 'a@example.com' }, bad: { email: 'nope' }, msg: /--email "nope": must be an e-mail address/ },
  { flag: '--email', rule: 'required with --invite', good: { email: 'a@example.com', userMode: 'invite' }, bad: { userMode: 'invite' }, msg: /--email: is required with --invite/ },
];

/** The CLI arguments that give these values (for the e2e run of the table). */
export function argsOf(v: GivenValues): string[] {
  const a: string[] = [];
  const flag: Record<string, string> = {
    stack: '--stack', region: '--region', endpointUrl: '--endpoint-url', runtime: '--runtime', endpointType: '--endpoint-type', stage: '--stage',
    domainPrefix: '--domain-prefix', resourceServerId: '--resource-server-id', username: '--username', email: '--email',
  };
  for (const [k, val] of Object.entries(v)) {
    if (val === undefined) continue;
    if (k === 'scopes') for (const s of val as string[]) a.push('--scope', s);
    else if (k === 'callbackUrls') for (const u of val as string[]) a.push('--callback-url', u);
    else if (k === 'userMode') a.push(val === 'invite' ? '--invite' : val === 'none' ? '--no-user' : '');
    else a.push(flag[k]!, String(val));
  }
  return a.filter(Boolean);
}
