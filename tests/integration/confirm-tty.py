"""Runs ttstui on a pseudo-terminal (its controlling terminal, so the
typed confirmation reads /dev/tty), waits for the prompt, types ANSWER and
Enter, and prints what the terminal showed; exits with ttstui's status.
Reads until the prompt's text appears and until ttstui exits: no timing.
  python3 confirm-tty.py PROMPT_TEXT ANSWER ttstui ARGS..."""
import os
import pty
import sys

prompt, answer, argv = sys.argv[1].encode(), sys.argv[2].encode(), sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)

seen = b""
def read_more():
    global seen
    try:
        data = os.read(fd, 4096)
    except OSError:  # EIO: the child closed the terminal
        return False
    if not data:
        return False
    seen += data
    return True

while prompt not in seen:
    if not read_more():
        break
if prompt in seen:
    os.write(fd, answer + b"\n")
while read_more():
    pass
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode("utf-8", "replace"))
sys.exit(os.waitstatus_to_exitcode(status))
