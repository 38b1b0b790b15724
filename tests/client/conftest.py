"""Harness for natter's end-to-end tests: the real natter in a detached
tmux session (a real terminal), talking to a real natterd on an ephemeral
port, with Python socket clients as the other people in the room.

Follows /work/shared/TUI-TESTING.md: one private tmux server per test
(-L, a throw-away config), LANG=C.UTF-8, exact bytes with send-keys -H,
waiting on screen content or on what a peer received (never a fixed
sleep), columns measured with a width function, everything stopped at
teardown. natterd is started as tests/server/conftest.py does (its
Client class is reused for the peers).
"""

import importlib.util
import os
import re
import shlex
import socket
import subprocess
import time
import unicodedata

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
# Absolute: natter runs in tmux with a scratch directory as its cwd.
NATTER = os.path.abspath(os.environ.get("NATTER",
                                        os.path.join(TOP, "build", "natter")))
NATTERD = os.path.abspath(os.environ.get("NATTERD",
                                         os.path.join(TOP, "build",
                                                      "natterd")))
SANITIZED = os.environ.get("NATTER_SANITIZED") == "1"
TIMEOUT = 30 if SANITIZED else 15

# The server harness, loaded under another name: both files are conftest.
_spec = importlib.util.spec_from_file_location(
    "server_harness", os.path.join(TOP, "tests", "server", "conftest.py"))
server_harness = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(server_harness)
Client = server_harness.Client
Msg = server_harness.Msg
make_ca = server_harness.make_ca
make_cert = server_harness.make_cert
server_harness.TIMEOUT = TIMEOUT


def width(s):
    """Terminal columns of captured screen text, code point by code point
    as glibc's wcwidth (which tmux 3.3a and curses go by) counts them:
    marks, format characters (ZWJ, VS16) and Hangul medial vowels and
    final consonants take none. natter gives the terminal only text whose
    columns by this count are its own table's (client/text.c), so this
    measures its layout on a captured screen; natter's table itself is
    checked by tests/unit/test_width.c."""
    w = 0
    for ch in s:
        cp = ord(ch)
        if (unicodedata.category(ch) in ("Mn", "Me", "Cf") and
                ch != "\u00ad") or 0x1160 <= cp <= 0x11ff or \
                0xd7b0 <= cp <= 0xd7ff:
            continue
        w += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return w


def col_of(line, sub):
    """Column where sub starts in a captured line."""
    i = line.index(sub)
    return width(line[:i])


class Natterd(server_harness.Server):
    """natterd as tests/server starts it, on 127.0.0.1: a fresh ephemeral
    port, or a given one (to restart a server where a client expects
    it)."""

    def __init__(self, port=0, args=("--flood-rate", "0", "--max-per-ip",
                                     "0")):
        super().__init__(args, listen="127.0.0.1:%d" % port)

    def count(self, pattern):
        """How many log lines so far match pattern."""
        rx = re.compile(pattern)
        with self.cond:
            return sum(1 for l in self.log if l is not None and rx.search(l))

    def text(self):
        return self.log_text()


class Tui:
    """natter running in its own tmux server."""

    seq = 0

    def __init__(self, tmpdir, args, cols=100, rows=30, env=None, wrap=()):
        Tui.seq += 1
        self.sock = "natter-t%d-%d" % (os.getpid(), Tui.seq)
        self.dir = tmpdir
        self.seen = []          # every distinct screen captured, in order
        conf = os.path.join(tmpdir, "tmux.conf")
        with open(conf, "w") as f:
            # remain-on-exit before the command starts, to read its status
            f.write("set -g remain-on-exit on\nset -g escape-time 0\n"
                    "set -g status off\n")
        envs = {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
                "TERM": "tmux-256color", "ESCDELAY": "25", "USER": "tester",
                # ncurses keeps its memory to the end: no leak check here.
                "ASAN_OPTIONS": "detect_leaks=0:exitcode=86:log_path=" +
                os.path.join(tmpdir, "asan"),
                "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1:"
                "log_path=" + os.path.join(tmpdir, "ubsan")}
        # A user's own settings and state must not leak into a test:
        # empty directories of the test's own, unless the test says.
        for var, sub in (("XDG_CONFIG_HOME", "config"),
                         ("XDG_STATE_HOME", "state")):
            os.makedirs(os.path.join(tmpdir, sub), exist_ok=True)
            envs[var] = os.path.join(tmpdir, sub)
        envs.update(env or {})
        unset = [k for k, v in envs.items() if v is None]
        cmd = "env " + " ".join("-u %s" % k for k in unset) + " " + \
            " ".join("%s=%s" % (k, shlex.quote(v)) for k, v in envs.items()
                     if v is not None) + " " + \
            " ".join(shlex.quote(a) for a in list(wrap) + [NATTER, "-v"] +
                     list(args))
        # tmux 3.3a sometimes loses the status of a process that exits at
        # once (#{pane_dead_status} stays empty): the shell records it.
        self.status_file = os.path.join(tmpdir, "status")
        cmd += "; echo $? > " + shlex.quote(self.status_file)
        self.tt("-f", conf, "new-session", "-d", "-s", "main", "-c", tmpdir,
                "-x", str(cols), "-y", str(rows), cmd)

    def tt(self, *args, check=True):
        p = subprocess.run(["tmux", "-L", self.sock] + list(args),
                           capture_output=True, text=True, errors="replace")
        if check and p.returncode != 0:
            raise AssertionError("tmux %s: %s" % (args, p.stderr))
        return p.stdout

    def screen(self, color=False):
        args = ["capture-pane", "-p", "-t", "main"]
        if color:
            args.insert(2, "-e")
        scr = self.tt(*args)
        if not color and (not self.seen or self.seen[-1] != scr):
            self.seen.append(scr)
        return scr

    def lines(self):
        return self.screen().split("\n")

    def display(self, fmt):
        return self.tt("display", "-p", "-t", "main", fmt).strip()

    def cursor(self):
        x, y = self.display("#{cursor_x},#{cursor_y}").split(",")
        return int(x), int(y)

    def dead(self):
        """None while running, else the exit status (128 + n: signal n)."""
        try:
            with open(self.status_file) as f:
                text = f.read().strip()
        except FileNotFoundError:
            return None
        return int(text) if text else None

    def type(self, text):
        """Exact bytes, immune to send-keys' key names and ';'."""
        data = text.encode("utf-8")
        for i in range(0, len(data), 200):
            self.tt("send-keys", "-t", "main", "-H",
                    *["%02x" % b for b in data[i:i + 200]])

    def keys(self, *keys):
        self.tt("send-keys", "-t", "main", *keys)

    def enter(self, text):
        self.type(text)
        self.keys("Enter")

    def wait(self, pattern, timeout=TIMEOUT, color=False):
        """Wait until the screen matches pattern; return the match."""
        rx = re.compile(pattern, re.M)
        end = time.monotonic() + timeout
        while True:
            scr = self.screen(color)
            m = rx.search(scr)
            if m:
                return m
            if time.monotonic() > end:
                raise AssertionError("screen never matched /%s/:\n%s\n%s"
                                     % (pattern, scr, self.log_tail()))
            time.sleep(0.05)

    def wait_not(self, pattern, timeout=TIMEOUT):
        """Wait until the screen no longer matches pattern. The pattern
        must have matched a screen seen before (by wait() or screen()):
        text that was never there going away proves nothing."""
        rx = re.compile(pattern, re.M)
        if not any(rx.search(scr) for scr in self.seen):
            raise AssertionError("wait_not: /%s/ was never on the screen"
                                 % pattern)
        end = time.monotonic() + timeout
        while rx.search(self.screen()):
            if time.monotonic() > end:
                raise AssertionError("screen still matches /%s/:\n%s"
                                     % (pattern, self.screen()))
            time.sleep(0.05)

    def wait_cursor(self, x, timeout=TIMEOUT):
        end = time.monotonic() + timeout
        while self.cursor()[0] != x:
            if time.monotonic() > end:
                raise AssertionError("cursor at %s, not column %d:\n%s"
                                     % (self.cursor(), x, self.screen()))
            time.sleep(0.05)

    def settle(self, quiet=0.3, timeout=TIMEOUT):
        """Wait until the screen stops changing for quiet seconds."""
        end = time.monotonic() + timeout
        prev = self.screen()
        still = time.monotonic()
        while time.monotonic() < end:
            time.sleep(0.05)
            cur = self.screen()
            if cur != prev:
                prev = cur
                still = time.monotonic()
            elif time.monotonic() - still >= quiet:
                return cur
        raise AssertionError("screen never settled")

    def wait_dead(self, timeout=TIMEOUT):
        end = time.monotonic() + timeout
        while True:
            st = self.dead()
            if st is not None:
                return st
            if time.monotonic() > end:
                raise AssertionError("natter did not exit:\n" + self.screen())
            time.sleep(0.05)

    def resize(self, cols, rows):
        self.tt("resize-window", "-t", "main", "-x", str(cols), "-y",
                str(rows))

    def paste(self, text):
        """A bracketed paste, as a terminal sends one."""
        if len(text.encode("utf-8")) > 65536:
            # Too long for one argument: from a file.
            path = os.path.join(self.dir, "paste.txt")
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            self.tt("load-buffer", "-b", "p", path)
        else:
            self.tt("set-buffer", "-b", "p", text)
        self.tt("paste-buffer", "-p", "-d", "-b", "p", "-t", "main")

    def log_tail(self):
        out = ""
        for name in sorted(os.listdir(self.dir)):
            if name.startswith("natter-") and name.endswith(".log"):
                with open(os.path.join(self.dir, name), errors="replace") \
                        as f:
                    out += "--- %s (tail)\n%s" % (name,
                                                  "".join(f.readlines()[-40:]))
        return out

    def sanitizer_reports(self):
        out = []
        for name in sorted(os.listdir(self.dir)):
            if name.startswith("asan") or name.startswith("ubsan"):
                with open(os.path.join(self.dir, name), errors="replace") \
                        as f:
                    out.append(f.read())
        return out

    def stop(self):
        self.tt("kill-server", check=False)
        tmpdir = os.environ.get("TMUX_TMPDIR", "/tmp")
        path = os.path.join(tmpdir, "tmux-%d" % os.getuid(), self.sock)
        if os.path.exists(path):
            os.unlink(path)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture
def natterd():
    """Factory: natterd(port=0) starts a server; all stopped at the end."""
    servers = []

    def start(port=0, **kw):
        s = Natterd(port, **kw)
        servers.append(s)
        return s

    yield start
    problems = []
    for s in servers:
        problems.extend(s.stop())
    if problems:
        pytest.fail("\n".join(problems))


@pytest.fixture
def srv(natterd):
    return natterd()


@pytest.fixture
def tui(tmp_path):
    """Factory: tui(args, ...) starts natter in tmux; all stopped at the
    end, and a sanitizer report from any of them fails the test."""
    made = []

    def start(*args, **kw):
        d = tmp_path / ("t%d" % len(made))
        d.mkdir()
        t = Tui(str(d), args, **kw)
        made.append(t)
        return t

    yield start
    reports = []
    for t in made:
        t.stop()
        reports.extend(t.sanitizer_reports())
    if reports:
        pytest.fail("sanitizer report:\n" + "\n".join(reports)[-6000:])


@pytest.fixture
def peer(srv):
    """Factory: peer(nick) is a registered socket client on srv."""
    made = []

    def make(nick, port=None, **kw):
        c = Client(port or srv.port, nick, **kw)
        made.append(c)
        return c

    yield make
    for c in made:
        c.close()


def joined(t, room="#7", members=None):
    """Wait until natter shows room as joined (top line, member count)."""
    pat = r"^ %s \| " % re.escape(room)
    if members is not None:
        pat += r"%d members?" % members
    return t.wait(pat)


def sidebar(t):
    """The sidebar's entries, top to bottom (right of the border)."""
    out = []
    for line in t.lines()[1:-2]:
        if "\u2502" in line:
            entry = line.split("\u2502", 1)[1].strip()
            if entry:
                out.append(entry)
    return out
