// File-system failures on the state path as one clear line: the path and what went wrong. What to
// do about each (which flag, which place) is said by the command layer (commands/explain.ts).
import { StateIo } from './errors.js';

const WHAT: Record<string, (path: string) => string> = {
  EISDIR: (p) => `${p} is a directory`,
  EROFS: (p) => `${p} is on a read-only file system`,
  ENOSPC: (p) => `no space left on the device of ${p}`,
  EDQUOT: (p) => `the disk quota is exceeded for ${p}`,
  EACCES: (p) => `permission denied on ${p}`,
  EPERM: (p) => `operation not permitted on ${p}`,
  ENOTDIR: (p) => `a part of ${p} is not a directory`,
  // mkdir -p answers EEXIST when a part of the path is a file.
  EEXIST: (p) => `a part of ${p} is not a directory`,
  ENAMETOOLONG: (p) => `${p} is too long a path`,
  ELOOP: (p) => `${p} is a loop of symbolic links`,
};

/** A StateIo for a file-system error code we can explain; anything else is returned as it is. */
export function fsError(e: unknown, path: string, doing: string): unknown {
  const code = (e as NodeJS.ErrnoException)?.code;
  const what = code ? WHAT[code] : undefined;
  if (!code || !what) return e;
  return new StateIo(path, doing, code, what(path), { cause: e });
}
