"""Run a command in a pseudo-terminal and answer it like a person (a tiny `expect`).

Reads a JSON spec on stdin:
  {"argv": [...], "env": {...}, "cwd": "...", "steps": [[regex, keys], ...],
   "stepTimeout": 30, "exitTimeout": 120, "cols": 120, "rows": 40}
For each step it waits until the screen output (ANSI codes stripped) after the previous match
matches `regex`, then types `keys` ("\r" is Enter, "\u0003" is Ctrl-C, "\u001b[B" is down).
Prints one JSON line: {"code", "signal", "output", "error"}; `code` is the exit status.
Used by test/e2e/wizard-pty.test.ts; needs only the Python standard library (POSIX).
"""
import fcntl
import json
import os
import pty
import re
import select
import struct
import sys
import termios
import time

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[=>()][0-9A-Za-z]?")


def main():
    spec = json.load(sys.stdin)
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(spec.get("cwd") or ".")
        os.execvpe(spec["argv"][0], spec["argv"], spec["env"])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", spec.get("rows", 40), spec.get("cols", 120), 0, 0))
    raw = b""
    clean = ""
    pos = 0
    error = None
    eof = False

    def pump(timeout):
        nonlocal raw, clean, eof
        if eof:
            return
        r, _, _ = select.select([fd], [], [], timeout)
        if not r:
            return
        try:
            data = os.read(fd, 65536)
        except OSError:
            data = b""
        if not data:
            eof = True
            return
        raw += data
        clean = ANSI.sub("", raw.decode("utf-8", "replace"))

    for pattern, keys in spec["steps"]:
        rx = re.compile(pattern)
        deadline = time.time() + spec.get("stepTimeout", 30)
        while True:
            m = rx.search(clean, pos)
            if m:
                pos = m.end()
                break
            if eof or time.time() > deadline:
                error = "%s waiting for %r" % ("exited" if eof else "timed out", pattern)
                break
            pump(0.1)
        if error:
            break
        time.sleep(0.15)  # let the prompt settle before typing, as a person would
        os.write(fd, keys.encode("utf-8"))

    deadline = time.time() + spec.get("exitTimeout", 120)
    while not eof and time.time() < deadline:
        pump(0.2)
    if not eof:
        os.kill(pid, 9)
        error = error or "did not exit"
    _, status = os.waitpid(pid, 0)
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
    sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    print(json.dumps({"code": code, "signal": sig, "output": clean, "error": error}))


if __name__ == "__main__":
    main()
