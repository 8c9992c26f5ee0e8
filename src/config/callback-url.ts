// Which OAuth callback (redirect) URLs an app client may list: what Cognito accepts, minus what is
// dangerous. A pure function, so the field table, the wizard and any other caller share one rule.
//
// - https with a host: any.
// - http only on a loopback host (localhost, 127.0.0.1, [::1]): Cognito allows http "for
//   http://localhost only, for testing" (CreateUserPoolClient, CallbackURLs; and the app client
//   docs), and RFC 8252 §7.3 / §8.3 allow it only on the loopback interface.
// - A native app's private-use scheme, in reverse-domain form (RFC 8252 §7.1: "apps MUST use a URI
//   scheme based on a domain name under their control, expressed in reverse order", such as
//   `com.example.app:/oauth2redirect`). A scheme without a dot (`myapp:`) is not of that form, and
//   with it `javascript:`, `data:`, `file:`, `ftp:`, ... are refused.
// - No fragment (RFC 6749 §3.1.2: "The endpoint URI MUST NOT include a fragment component"),
//   1-1024 characters without spaces or control characters (CreateUserPoolClient's pattern), and
//   each URL once per client.

/** The rule in one line, for messages. */
export const CALLBACK_URL_RULE =
  'must be https://<host>/..., http:// only on localhost, 127.0.0.1 or [::1], or an app scheme in reverse-domain form such as com.example.app:/callback (RFC 8252), without a #fragment';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
/** A reverse domain name: two or more dot-separated labels, each a letter then letters, digits or hyphens. */
const REVERSE_DOMAIN_SCHEME = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;

/** What is wrong with one callback URL, or undefined when Cognito may list it. */
export function callbackUrlProblem(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.length > 1024) return 'must be at most 1024 characters (Cognito\'s limit)';
  if (/[\s\p{Cc}]/u.test(value)) return 'must not contain spaces or control characters';
  if (value.includes('#')) return `must not contain a fragment (#): ${CALLBACK_URL_RULE}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `is not an absolute URL: ${CALLBACK_URL_RULE}`;
  }
  const scheme = url.protocol.slice(0, -1);
  if (scheme === 'https') return url.hostname ? undefined : `has no host: ${CALLBACK_URL_RULE}`;
  if (scheme === 'http') return LOOPBACK_HOSTS.has(url.hostname) ? undefined : `uses http on a host that is not loopback: ${CALLBACK_URL_RULE}`;
  if (REVERSE_DOMAIN_SCHEME.test(scheme)) return undefined;
  return `uses the scheme "${scheme}:": ${CALLBACK_URL_RULE}`;
}

/** Every problem of a list of callback URLs (each URL's own, then each repeat), by position. */
export function callbackUrlListProblems(values: readonly string[]): { index: number; message: string }[] {
  const problems: { index: number; message: string }[] = [];
  const seen = new Set<string>();
  values.forEach((v, index) => {
    const p = callbackUrlProblem(v);
    if (p) problems.push({ index, message: p });
    else if (seen.has(v)) problems.push({ index, message: 'is given twice (each callback URL once)' });
    seen.add(v);
  });
  return problems;
}
