/// The pty driver, run by `python3`: Foundation cannot give a child a controlling
/// terminal, and python's `pty` module can. It reads a JSON spec (argv, env, initial size,
/// steps), plays the steps against the child's terminal and prints a JSON transcript.
enum TerminalDriverScript {
    static let source = #"""
import fcntl, json, os, pty, select, signal, struct, sys, termios, time

spec = json.load(open(sys.argv[1]))

def set_size(fd, rows, columns):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))

pid, master = pty.fork()
if pid == 0:
    # The size must be in place before ssh starts: it reads it once for its pty-req.
    set_size(0, spec["rows"], spec["columns"])
    os.execve(spec["argv"][0], spec["argv"], spec["env"])

output = bytearray()
open_ = True

def pump(timeout):
    """Reads what is there within timeout; returns False once the terminal is closed."""
    ready, _, _ = select.select([master], [], [], max(0.0, timeout))
    if not ready:
        return True
    try:
        data = os.read(master, 65536)
    except OSError:
        return False
    if not data:
        return False
    output.extend(data)
    return True

cursor = 0
timings = []
failure = None
for step in spec["steps"]:
    started = time.monotonic()
    kind = step["kind"]
    if kind == "send":
        os.write(master, step["text"].encode())
    elif kind == "resize":
        # Setting the size on the master makes the kernel send SIGWINCH to ssh.
        set_size(master, step["rows"], step["columns"])
    elif kind == "pause":
        end = started + step["seconds"]
        while open_ and time.monotonic() < end:
            open_ = pump(end - time.monotonic())
    elif kind == "expect":
        needle = step["text"].encode()
        deadline = started + step["timeout"]
        while True:
            found = output.find(needle, cursor)
            if found >= 0:
                cursor = found + len(needle)
                break
            if not open_ or time.monotonic() >= deadline:
                failure = "did not see %r within %ss (step %d)" % (step["text"], step["timeout"], len(timings))
                break
            open_ = pump(min(0.1, deadline - time.monotonic()))
    timings.append(time.monotonic() - started)
    if failure:
        break

status = None
deadline = time.monotonic() + (0.5 if failure else spec["exit_timeout"])
while status is None:
    done, raw = os.waitpid(pid, os.WNOHANG)
    if done:
        status = raw
    elif time.monotonic() >= deadline:
        break
    elif open_:
        open_ = pump(0.05)
    else:
        time.sleep(0.05)
killed = status is None
if killed:
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
quiet_since = time.monotonic()
while open_ and time.monotonic() - quiet_since < 0.5:
    before = len(output)
    open_ = pump(0.1)
    if len(output) != before:
        quiet_since = time.monotonic()

json.dump({
    "output": output.decode("utf-8", "replace"),
    "exit": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
    "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
    "killed": killed,
    "timings": timings,
    "failure": failure,
}, sys.stdout)
"""#
}
