// File-system failures on the state path as one clear line: the path, what went wrong, what to do.
import { StateError } from '../errors.js';

const ADVICE: Record<string, (path: string) => [string, string]> = {
  EISDIR: (p) => [`${p} is a directory`, 'Pass --state a file path (for example --state ./state/<stack>.json).'],
  EROFS: (p) => [`${p} is on a read-only file system`, 'Pass --state (or set COGNITO_SCOPE_SETUP_STATE_DIR to) a writable place.'],
  ENOSPC: (p) => [`no space left on the device of ${p}`, 'Free some space there, or pass --state a path on another disk; the previous state file was left as it was.'],
  EDQUOT: (p) => [`the disk quota is exceeded for ${p}`, 'Free some space there, or pass --state a path on another disk; the previous state file was left as it was.'],
  EACCES: (p) => [`permission denied on ${p}`, 'Fix its permissions (it needs read and write for you), or pass --state a path you own.'],
  EPERM: (p) => [`operation not permitted on ${p}`, 'Fix its permissions or attributes, or pass --state a path you own.'],
  ENOTDIR: (p) => [`a part of ${p} is not a directory`, 'Pass --state a path whose parent is a directory.'],
  // mkdir -p answers EEXIST when a part of the path is a file.
  EEXIST: (p) => [`a part of ${p} is not a directory`, 'Pass --state a path whose parent is a directory.'],
  ENAMETOOLONG: (p) => [`${p} is too long a path`, 'Pass --state a shorter path.'],
  ELOOP: (p) => [`${p} is a loop of symbolic links`, 'Pass --state a regular file.'],
};

/** A StateError for a file-system error code we can explain; anything else is returned as it is. */
export function fsError(e: unknown, path: string, doing: string): unknown {
  const code = (e as NodeJS.ErrnoException)?.code;
  const advice = code ? ADVICE[code] : undefined;
  if (!advice) return e;
  const [what, todo] = advice(path);
  return new StateError(`Cannot ${doing}: ${what} (${code}).`, todo, 'STATE_IO');
}
