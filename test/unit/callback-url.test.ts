// The callback URL rule (src/config/callback-url.ts) as a pure function, and the places that use it:
// the field schema (flags and config file, all problems at once) and the wizard's prompt.
import { describe, expect, it } from 'vitest';
import { CALLBACK_URL_RULE, callbackUrlListProblems, callbackUrlProblem } from '../../src/config/callback-url.js';
import { valueProblems } from '../../src/config/resolve.js';
import { checkCallbackUrls } from '../../src/ui/prompts.js';

describe('callbackUrlProblem', () => {
  it.each([
    'https://oauth.pstmn.io/v1/callback',
    'https://example.com',
    'HTTPS://Example.COM/cb?x=1',
    'http://localhost/cb',
    'http://localhost:8976/callback',
    'http://127.0.0.1:8080/cb',
    'http://[::1]:8080/cb',
    'com.example.app:/oauth2redirect/example-provider',
    'com.example.app://callback',
    'io.github.some-one.app:/cb',
  ])('accepts %s', (url) => expect(callbackUrlProblem(url)).toBeUndefined());

  it.each([
    ['ftp://x.example/cb', /uses the scheme "ftp:"/],
    ['javascript:alert(1)', /uses the scheme "javascript:"/],
    ['data:text/html,<b>x</b>', /uses the scheme "data:"/],
    ['file:///etc/passwd', /uses the scheme "file:"/],
    ['myapp://callback', /uses the scheme "myapp:"/],
    ['ws://localhost/cb', /uses the scheme "ws:"/],
    ['com.-bad.app:/cb', /uses the scheme "com.-bad.app:"/],
    ['http://example.com/cb', /http on a host that is not loopback/],
    ['http://localhost.example.com/cb', /http on a host that is not loopback/],
    ['http://127.0.0.2/cb', /http on a host that is not loopback/],
    ['https://example.com/cb#x', /fragment/],
    ['https://example.com/cb#', /fragment/],
    ['/relative/cb', /not an absolute URL/],
    ['https://example.com/a b', /spaces or control characters/],
    ['', /must not be empty/],
    [`https://example.com/${'x'.repeat(1010)}`, /at most 1024 characters/],
  ])('refuses %s, with the rule', (url, why) => {
    const p = callbackUrlProblem(url);
    expect(p).toMatch(why);
    if (!/empty|1024|spaces/.test(p!)) expect(p).toContain(CALLBACK_URL_RULE);
  });

  it('a list: every problem by position, repeats included', () => {
    expect(callbackUrlListProblems(['https://a.example/cb', 'ftp://x', 'https://a.example/cb', 'javascript:x'])).toEqual([
      { index: 1, message: expect.stringMatching(/"ftp:"/) },
      { index: 2, message: 'is given twice (each callback URL once)' },
      { index: 3, message: expect.stringMatching(/"javascript:"/) },
    ]);
  });
});

describe('where the rule is used', () => {
  it('flags and config values: one line per problem, each naming the flag and the value', () => {
    expect(valueProblems({ callbackUrls: ['ftp://x.example/cb', 'javascript:alert(1)', 'https://a.example/cb', 'https://a.example/cb'] })).toEqual([
      expect.stringMatching(/^--callback-url "ftp:\/\/x.example\/cb": uses the scheme "ftp:": must be https/),
      expect.stringMatching(/^--callback-url "javascript:alert\(1\)": uses the scheme "javascript:"/),
      '--callback-url "https://a.example/cb": is given twice (each callback URL once)',
    ]);
  });

  it('the wizard: the same rule, every problem in one answer', () => {
    expect(checkCallbackUrls('https://a.example/cb com.example.app:/cb')).toBe(true);
    expect(checkCallbackUrls('https://a.example/cb https://a.example/cb')).toBe('"https://a.example/cb" is given twice (each callback URL once)');
    expect(checkCallbackUrls('ftp://x javascript:x')).toMatch(/^"ftp:\/\/x" uses the scheme "ftp:".*; "javascript:x" uses the scheme "javascript:"/);
  });
});
