// The whole command a hint tells the user to run: `npx cognito-scope-setup <command>` with the
// flags that pick the same stack (--stack, --region, --state, --profile when they are not the
// defaults), so that it can be copied as it is.
export interface Where {
  stack?: string;
  region?: string;
  state?: string;
  profile?: string;
}

/** A word for a POSIX shell: as it is when it is safe, else in single quotes. */
export const shellWord = (s: string): string => (/^[A-Za-z0-9_./:@=+,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export function commandLine(command: string, g: Where, extra: readonly string[] = []): string {
  const parts = ['npx cognito-scope-setup', command];
  if (g.stack && g.stack !== 'hello-world') parts.push('--stack', g.stack);
  if (g.region) parts.push('--region', g.region);
  if (g.state) parts.push('--state', shellWord(g.state));
  if (g.profile) parts.push('--profile', shellWord(g.profile));
  return [...parts, ...extra].join(' ');
}
