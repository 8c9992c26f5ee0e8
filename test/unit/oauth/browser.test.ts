import { describe, expect, it } from 'vitest';
import { browserCommand, hasDisplay, openBrowser } from '../../../src/oauth/browser.js';

const URL_ = 'https://x.auth.us-east-1.amazoncognito.com/oauth2/authorize?a=1&b=2';

describe('opening the browser', () => {
  it('on Linux only with a display (DISPLAY or WAYLAND_DISPLAY)', () => {
    expect(hasDisplay({}, 'linux')).toBe(false);
    expect(hasDisplay({ DISPLAY: ':0' }, 'linux')).toBe(true);
    expect(hasDisplay({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux')).toBe(true);
    expect(browserCommand(URL_, {}, 'linux')).toBeUndefined();
    expect(browserCommand(URL_, { DISPLAY: ':0' }, 'linux')).toEqual(['xdg-open', [URL_]]);
  });

  it('always on macOS and Windows, with the URL as one argument (no shell quoting)', () => {
    expect(browserCommand(URL_, {}, 'darwin')).toEqual(['open', [URL_]]);
    expect(browserCommand(URL_, {}, 'win32')).toEqual(['rundll32', ['url.dll,FileProtocolHandler', URL_]]);
  });

  it('honours BROWSER, and BROWSER=none turns it off', () => {
    expect(browserCommand(URL_, { BROWSER: 'firefox', DISPLAY: ':0' }, 'linux')).toEqual(['firefox', [URL_]]);
    expect(browserCommand(URL_, { BROWSER: 'none' }, 'darwin')).toBeUndefined();
  });

  it('reports false when there is no browser to start, and when the command does not exist', async () => {
    await expect(openBrowser(URL_, {}, 'linux')).resolves.toBe(false);
    await expect(openBrowser(URL_, { BROWSER: '/nonexistent/browser-binary' }, 'linux')).resolves.toBe(false);
  });
});
