"""Interoperability: real IRC clients from Debian talk to natterd and to
a test client, both ways, Korean text included.

ii (file-based: FIFOs named "in", logs named "out") and sic (stdin and
stdout) are both in scripts/deps.sh's check list, so they are installed,
never skipped.
"""

import os
import select
import shutil
import subprocess
import time

import pytest

from conftest import Client, TIMEOUT


def need(tool):
    path = shutil.which(tool)
    if path is None:
        pytest.fail("%s is not installed: run scripts/deps.sh check" % tool)
    return path


def wait_for(what, pred, timeout=TIMEOUT):
    """Poll pred() until it is true; fail after timeout."""
    end = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > end:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.02)


def read_text(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def fifo_write(path, text):
    """Write one line to an ii FIFO (ii must have it open)."""
    wait_for(path, lambda: os.path.exists(path))
    fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    try:
        os.write(fd, (text + "\n").encode("utf-8"))
    finally:
        os.close(fd)


class Lines:
    """Lines from a pipe, read with a deadline."""

    def __init__(self, f):
        self.fd = f.fileno()
        os.set_blocking(self.fd, False)
        self.buf = b""
        self.lines = []

    def expect(self, needle, timeout=TIMEOUT):
        end = time.monotonic() + timeout
        while True:
            for i, l in enumerate(self.lines):
                if needle in l:
                    del self.lines[:i + 1]
                    return l
            left = end - time.monotonic()
            if left <= 0:
                raise AssertionError("no line with %r; got %r"
                                     % (needle, self.lines))
            r, _, _ = select.select([self.fd], [], [], left)
            if r:
                data = os.read(self.fd, 65536)
                if not data:
                    raise AssertionError("EOF before %r; got %r"
                                         % (needle, self.lines))
                self.buf += data
                while b"\n" in self.buf:
                    l, _, self.buf = self.buf.partition(b"\n")
                    self.lines.append(l.decode("utf-8", "replace"))


def test_ii(srv, procs, tmp_path):
    ii = need("ii")
    log = open(tmp_path / "ii.log", "wb")
    p = procs([ii, "-s", "127.0.0.1", "-p", str(srv.port), "-n", "iiuser",
               "-f", "ii tester", "-i", str(tmp_path / "irc")],
              stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    srv.wait_log(r"registered \d+ iiuser!~iiuser@127\.0\.0\.1")
    top = tmp_path / "irc" / "127.0.0.1"
    py = Client(srv.port, "py").join("#room")

    fifo_write(str(top / "in"), "/j #room")
    m = py.expect("JOIN", "#room")
    assert m.prefix == "iiuser!~iiuser@127.0.0.1"

    # Python to ii, in the channel and privately.
    py.send("PRIVMSG #room :hello ii, 안녕하세요")
    py.send("PRIVMSG iiuser :just for you, 비밀")
    wait_for("ii's #room/out", lambda: "<py> hello ii, 안녕하세요" in
             read_text(top / "#room" / "out"))
    wait_for("ii's py/out", lambda: "<py> just for you, 비밀" in
             read_text(top / "py" / "out"))

    # ii to Python, in the channel and privately.
    fifo_write(str(top / "#room" / "in"), "hi python, 반가워요")
    m = py.expect("PRIVMSG")
    assert m.prefix == "iiuser!~iiuser@127.0.0.1"
    assert m.params == ["#room", "hi python, 반가워요"]
    fifo_write(str(top / "py" / "in"), "private reply, 답장")
    m = py.expect("PRIVMSG")
    assert m.params == ["py", "private reply, 답장"]

    # ii sees others join and leave.
    late = Client(srv.port, "late").join("#room")
    late.send("PART #room :가야 해요")
    # (ii 1.8 does not show PART reasons.)
    wait_for("part in ii's log", lambda: "late(~u@127.0.0.1) has left "
             "#room" in read_text(top / "#room" / "out"))
    assert "-!- late(~u@127.0.0.1) has joined #room" in read_text(
        top / "#room" / "out")

    fifo_write(str(top / "in"), "/q 안녕히 계세요")
    m = py.expect("QUIT")
    assert m.nick == "iiuser"
    assert m.params == ["Quit: 안녕히 계세요"]
    p.wait(timeout=TIMEOUT)
    log.close()


def test_sic(srv, procs):
    sic = need("sic")
    p = procs([sic, "-h", "127.0.0.1", "-p", str(srv.port), "-n",
               "sicuser"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
              stderr=subprocess.STDOUT)
    out = Lines(p.stdout)

    def say(line):
        p.stdin.write((line + "\n").encode("utf-8"))
        p.stdin.flush()

    srv.wait_log(r"registered \d+ sicuser!~sicuser@127\.0\.0\.1")
    out.expect(">< 001 (sicuser): Welcome to the natter IRC Network")
    py = Client(srv.port, "py").join("#room")
    say(":j #room")
    m = py.expect("JOIN", "#room")
    assert m.prefix == "sicuser!~sicuser@127.0.0.1"
    out.expect(">< 366 (sicuser #room)")

    py.send("PRIVMSG #room :hello sic, 안녕")
    out.expect("<py> hello sic, 안녕")
    py.send("PRIVMSG sicuser :psst, 쉿")
    out.expect("<py> psst, 쉿")

    say("hi python, 반가워")           # goes to the channel just joined
    m = py.expect("PRIVMSG")
    assert m.prefix == "sicuser!~sicuser@127.0.0.1"
    assert m.params == ["#room", "hi python, 반가워"]
    say(":m py 둘이서만")
    m = py.expect("PRIVMSG")
    assert m.params == ["py", "둘이서만"]

    say(":QUIT :잘 가")
    m = py.expect("QUIT")
    assert m.nick == "sicuser" and m.params == ["Quit: 잘 가"]
    out.expect("ERROR (): Closing link: (~sicuser@127.0.0.1) [Quit: 잘 가]")
    p.wait(timeout=TIMEOUT)
