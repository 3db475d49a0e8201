"""Runs a command in a pseudo-terminal, answers prompts, and reports the exit code.

Usage: pty_drive.py <expect-regex> <keys> [<expect-regex> <keys> ...] -- command args...
Each <keys> is sent once its regex is seen on the screen; escapes like \\x03 (Ctrl-C) and \\r work.
Keys starting with "!sh " are a shell command run at that moment instead (another program acting
while a prompt waits); "!hangup" closes the terminal (the kernel sends the command SIGHUP), runs
the shell command after it if any, and waits for the command to end; an empty regex matches at once.
Prints the transcript to stderr and the exit code as the last line of stdout.
"""
import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time

sep = sys.argv.index("--")
steps = list(zip(sys.argv[1:sep:2], sys.argv[2:sep:2]))
command = sys.argv[sep + 1 :]

pid, fd = pty.fork()
if pid == 0:
    os.environ.pop("CI", None)
    os.execvp(command[0], command)

# A real terminal size: with the pty's default 0x0, prompts wrap after every character.
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))

buffer = b""
deadline = time.time() + float(os.environ.get("PTY_TIMEOUT", "60"))
step = 0
while True:
    if time.time() > deadline:
        os.kill(pid, 9)
        print("timeout", file=sys.stderr)
        break
    ready, _, _ = select.select([fd], [], [], 0.1)
    if ready:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        buffer += chunk
    if step < len(steps) and re.search(steps[step][0], buffer.decode("utf-8", "replace")):
        keys = steps[step][1]
        if keys.startswith("!hangup"):
            os.close(fd)
            after = keys[len("!hangup") :].strip()
            if after:
                subprocess.run(after, shell=True, check=True)
            break
        if keys.startswith("!sh "):
            subprocess.run(keys[4:], shell=True, check=True)
        else:
            os.write(fd, keys.encode().decode("unicode_escape").encode())
        step += 1
        buffer = b""

_, status = os.waitpid(pid, 0)
sys.stderr.write(buffer.decode("utf-8", "replace"))
print(os.waitstatus_to_exitcode(status))
