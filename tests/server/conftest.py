"""Harness for natterd's black-box tests: a real server on an ephemeral
port and real sockets.

natterd is started with --listen 127.0.0.1:0; its "listening on" log line
is the readiness signal and gives the port. Every server a test starts is
stopped at teardown with SIGTERM; the test fails if it does not exit 0 in
time or if a sanitizer reported anything. Client.sync() (a PING answered
by a PONG) is how a test knows the server has handled everything before
it: no fixed sleeps. Every client is closed, and every helper process
(ii, sic) stopped, before the servers are.
"""

import itertools
import os
import re
import select
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import time

import pytest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
NATTERD = os.path.abspath(os.environ.get("NATTERD",
                                         os.path.join(TOP, "build",
                                                      "natterd")))
SANITIZED = os.environ.get("NATTER_SANITIZED") == "1"
# natterd under valgrind (tests/server/valgrind-natterd.sh) is slower still.
VALGRIND = os.environ.get("NATTER_VALGRIND") == "1"
# Generous bounds: the sanitizer build on a loaded 2-core CI machine is slow.
TIMEOUT = 30 if VALGRIND else 20 if SANITIZED else 10



def wait_io(sock, write=False, timeout=None):
    """Wait until sock is readable (or writable); False on timeout. poll(),
    not select(): select() cannot watch descriptors past FD_SETSIZE (1024),
    and test_abuse.py holds thousands of sockets open at once."""
    p = select.poll()
    p.register(sock, select.POLLOUT if write else select.POLLIN)
    return bool(p.poll(None if timeout is None else
                       max(int(timeout * 1000), 0)))


SAN_PATTERNS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                "runtime error:", "SUMMARY: UndefinedBehaviorSanitizer")
# valgrind -q prints nothing but its reports, each line "==PID== ...";
# it then exits 99 (--error-exitcode in valgrind-natterd.sh).
VALGRIND_REPORT = re.compile(r"^==\d+== ")
VALGRIND_EXIT = 99


class Server:
    """One natterd process, its address, port and log."""

    def __init__(self, args, expect_exit=0, listen="127.0.0.1:0",
                 state=None, ready=True):
        # listen=None: the listeners come from args (or a --config file).
        self.args = [NATTERD] + (["--listen", listen] if listen else []) + \
            list(args)
        self.expect_exit = expect_exit
        self.log = []
        self.cond = threading.Condition()
        # The history database goes to $STATE_DIRECTORY (as under
        # systemd): a fresh directory for each server unless one is given,
        # to restart on the same history.
        self.own_state = state is None
        self.state = state or tempfile.mkdtemp(prefix="natterd-state-")
        env = dict(os.environ, STATE_DIRECTORY=self.state)
        self.proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, env=env)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        if not ready:
            return
        m = self.wait_log(r"listening on (\[[^\]]+\]|[^\s:]+):(\d+)$")
        self.host = m.group(1).strip("[]")
        self.port = int(m.group(2))
        self.wait_log(r"ready \(")

    def _read(self):
        for raw in self.proc.stderr:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            with self.cond:
                self.log.append(line)
                self.cond.notify_all()
        with self.cond:
            self.log.append(None)      # EOF marker
            self.cond.notify_all()

    def wait_log(self, pattern, timeout=TIMEOUT, start=0):
        """Wait for a log line matching pattern; return the match."""
        rx = re.compile(pattern)
        end = time.monotonic() + timeout
        with self.cond:
            i = start
            while True:
                while i < len(self.log):
                    line = self.log[i]
                    if line is None:
                        raise AssertionError(
                            "natterd exited while waiting for /%s/; log:\n%s"
                            % (pattern, self.log_text()))
                    m = rx.search(line)
                    if m:
                        return m
                    i += 1
                left = end - time.monotonic()
                if left <= 0:
                    raise AssertionError("no log line /%s/ in %ss; log:\n%s"
                                         % (pattern, timeout,
                                            self.log_text()))
                self.cond.wait(left)

    def log_text(self):
        return "\n".join(l for l in self.log if l is not None)

    def log_mark(self):
        """Where the log ends now: wait_log(..., start=mark) only looks at
        lines logged after this call."""
        with self.cond:
            return len(self.log)

    @property
    def pid(self):
        return self.proc.pid

    def rss_kb(self):
        """Resident memory of natterd in kB, from /proc/PID/status."""
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise AssertionError("no VmRSS for natterd")

    def alive(self):
        return self.proc.poll() is None

    def signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self):
        """SIGTERM, wait; return problems found (empty list if clean)."""
        problems = []
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
            problems.append("natterd did not exit within %ss of SIGTERM"
                            % TIMEOUT)
        self.reader.join(timeout=5)
        if self.own_state:
            shutil.rmtree(self.state, ignore_errors=True)
        if rc == VALGRIND_EXIT and self.expect_exit != VALGRIND_EXIT:
            problems.append("natterd exited %d: valgrind found errors"
                            % rc)
        elif rc != self.expect_exit:
            problems.append("natterd exited %s, expected %s"
                            % (rc, self.expect_exit))
        text = self.log_text()
        for p in SAN_PATTERNS:
            if p in text:
                problems.append("sanitizer report: " + p)
        if any(l is not None and VALGRIND_REPORT.match(l) for l in self.log):
            problems.append("valgrind report")
        if problems:
            problems.append("log:\n" + text[-6000:])
        return problems


# --- Throw-away certificates for the TLS tests (server and client) --------

def openssl(d, *args):
    """Run the openssl command in directory d."""
    subprocess.run(["openssl"] + list(args), cwd=d, check=True,
                   capture_output=True, timeout=60)


def make_ca(d, name):
    """A self-signed CA: d/name.pem and d/name.key."""
    openssl(d, "req", "-x509", "-newkey", "ec", "-pkeyopt",
            "ec_paramgen_curve:P-256", "-nodes", "-keyout", name + ".key",
            "-out", name + ".pem", "-days", "2", "-subj", "/CN=" + name)


def make_cert(d, ca, name, cn, sans):
    """A certificate for cn with subjectAltNames sans (e.g.
    ["DNS:localhost", "IP:127.0.0.1"]), signed by the CA ca."""
    openssl(d, "req", "-newkey", "ec", "-pkeyopt",
            "ec_paramgen_curve:P-256", "-nodes", "-keyout", name + ".key",
            "-out", name + ".csr", "-subj", "/CN=" + cn)
    with open(os.path.join(d, name + ".ext"), "w") as f:
        f.write("subjectAltName=%s\n" % ",".join(sans))
    openssl(d, "x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem",
            "-CAkey", ca + ".key", "-CAcreateserial", "-out", name + ".pem",
            "-days", "2", "-extfile", name + ".ext")


class Msg:
    """A parsed IRC line (tags, prefix, command, params)."""

    def __init__(self, raw):
        self.raw = raw
        self.tags = {}
        self.prefix = None
        rest = raw
        if rest.startswith("@"):
            t, _, rest = rest[1:].partition(" ")
            for kv in t.split(";"):
                k, _, v = kv.partition("=")
                self.tags[k] = v
            rest = rest.lstrip(" ")
        if rest.startswith(":"):
            self.prefix, _, rest = rest[1:].partition(" ")
            rest = rest.lstrip(" ")
        trailing = None
        if " :" in rest:
            rest, _, trailing = rest.partition(" :")
        # IRC separates with ' ' only: str.split() would also cut at
        # U+00A0 and other Unicode spaces.
        parts = [p for p in rest.split(" ") if p]
        self.command = parts[0] if parts else ""
        self.params = parts[1:]
        if trailing is not None:
            self.params.append(trailing)

    @property
    def nick(self):
        return self.prefix.split("!")[0] if self.prefix else None

    def __repr__(self):
        return "Msg(%r)" % self.raw


_open_clients = []          # every Client, closed before servers stop
_nick_seq = itertools.count(1)


def unique_nick(base="u"):
    """A nick no other client of this test run has used."""
    return "%s%d" % (base, next(_nick_seq))


class Client:
    """A line-oriented IRC client over a real socket.

    rcvbuf sets SO_RCVBUF before connecting (a slow reader); bind picks
    the source address (127.0.0.2 is another host on loopback); with
    autopong the client answers the server's PINGs itself and hides them,
    as real clients do, so only a client built with autopong=False can
    time out.
    """

    seq = 0

    def __init__(self, port, nick=None, user=None, caps=(), host="127.0.0.1",
                 password=None, register=True, rcvbuf=None, autopong=True,
                 bind=None):
        err = None
        for af, st, proto, _, sa in socket.getaddrinfo(
                host, port, 0, socket.SOCK_STREAM):
            s = socket.socket(af, st, proto)
            try:
                if rcvbuf is not None:
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
                if bind is not None:
                    s.bind((bind, 0))
                s.settimeout(TIMEOUT)
                s.connect(sa)
                break
            except OSError as e:
                s.close()
                err = e
        else:
            raise AssertionError("cannot connect to %s port %s: %s"
                                 % (host, port, err))
        self.sock = s
        self.sock.setblocking(False)
        _open_clients.append(self)
        self.buf = b""
        self.lines = []        # every line received, for debugging
        self.pending = []      # received but not yet consumed
        self.closed = False
        self.autopong = autopong
        self.nick = nick
        if nick is not None and register:
            self.register(nick, user=user, caps=caps, password=password)

    # --- sending -----------------------------------------------------------
    def send_raw(self, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        view = memoryview(data)
        end = time.monotonic() + TIMEOUT
        while view:
            if wait_io(self.sock, write=True, timeout=0.5):
                n = self.sock.send(view)
                view = view[n:]
            elif time.monotonic() > end:
                raise AssertionError("could not send within %ss" % TIMEOUT)

    def send(self, line):
        if isinstance(line, str):
            line = line.encode("utf-8")
        self.send_raw(line + b"\r\n")

    # --- receiving ---------------------------------------------------------
    def _fill(self, timeout):
        if not wait_io(self.sock, timeout=timeout):
            return False
        try:
            data = self.sock.recv(65536)
        except (ConnectionResetError, BrokenPipeError):
            data = b""
        if not data:
            self.closed = True
            return False
        self.buf += data
        while b"\n" in self.buf:
            raw, _, self.buf = self.buf.partition(b"\n")
            text = raw.rstrip(b"\r").decode("utf-8", "surrogateescape")
            self.lines.append(text)
            m = Msg(text)
            if self.autopong and m.command == "PING" and m.prefix:
                self.send("PONG :" + (m.params[-1] if m.params else ""))
                continue
            self.pending.append(m)
        return True

    def drain(self, timeout=0.0):
        """Whatever arrives within timeout (maybe nothing), consumed."""
        end = time.monotonic() + timeout
        while True:
            got = self._fill(max(end - time.monotonic(), 0))
            if not got or self.closed:
                break
        out, self.pending = self.pending, []
        return out

    def nodelay(self):
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return self

    def recv(self, timeout=TIMEOUT):
        """Next message, or AssertionError after timeout."""
        end = time.monotonic() + timeout
        while not self.pending:
            left = end - time.monotonic()
            if left <= 0 or self.closed:
                raise AssertionError(
                    "%s: no line within %ss (closed=%s); last lines:\n%s"
                    % (self.nick, timeout, self.closed,
                       "\n".join(self.lines[-20:])))
            self._fill(min(left, 0.5))
        return self.pending.pop(0)

    def expect(self, command, *params, timeout=TIMEOUT, where=None):
        """Skip lines until one with this command (and these leading params,
        None matching anything) arrives; return it."""
        command = str(command)
        end = time.monotonic() + timeout
        skipped = []
        while True:
            left = end - time.monotonic()
            try:
                m = self.recv(timeout=max(left, 0))
            except AssertionError as e:
                raise AssertionError("%s: expected %s %s; skipped %s\n%s"
                                     % (self.nick, command, params,
                                        skipped, e)) from None
            if m.command == command and all(
                    p is None or (i < len(m.params) and m.params[i] == p)
                    for i, p in enumerate(params)) and (
                    where is None or where(m)):
                return m
            skipped.append(m.raw)

    def sync(self, timeout=TIMEOUT):
        """PING the server and return every message received before the
        PONG: once it returns, all the server sent us earlier is here."""
        Client.seq += 1
        token = "sync%d" % Client.seq
        self.send("PING :" + token)
        got = []
        end = time.monotonic() + timeout
        while True:
            m = self.recv(timeout=max(end - time.monotonic(), 0))
            if m.command == "PONG" and m.params[-1:] == [token]:
                return got
            got.append(m)

    def quiet(self, *commands, timeout=TIMEOUT):
        """sync(), and fail if any of commands (all if none) arrived
        meanwhile; return what arrived."""
        got = self.sync(timeout=timeout)
        bad = [m.raw for m in got if not commands or m.command in commands]
        assert not bad, "%s: unexpected lines %s" % (self.nick, bad)
        return got

    def wait_closed(self, timeout=TIMEOUT):
        """Read until the server closes the connection; return the lines."""
        end = time.monotonic() + timeout
        got = []
        while not self.closed:
            if time.monotonic() > end:
                raise AssertionError("%s: connection not closed in %ss"
                                     % (self.nick, timeout))
            self._fill(0.2)
        got.extend(self.pending)
        self.pending = []
        return got

    # --- protocol helpers --------------------------------------------------
    def register(self, nick, user=None, caps=(), password=None):
        self.nick = nick
        if caps:
            self.send("CAP LS 302")
        if password is not None:
            self.send("PASS :" + password)
        self.send("NICK " + nick)
        self.send("USER %s 0 * :%s" % (user or "u", "Test " + nick))
        if caps:
            self.expect("CAP", None, "LS")
            self.send("CAP REQ :" + " ".join(caps))
            self.expect("CAP", None, "ACK")
            self.send("CAP END")
        self.expect("001")
        self.expect_any(("376", "422"))
        return self

    def expect_any(self, commands, timeout=TIMEOUT):
        end = time.monotonic() + timeout
        while True:
            m = self.recv(timeout=max(end - time.monotonic(), 0))
            if m.command in commands:
                return m

    def join(self, chan):
        self.send("JOIN " + chan)
        self.expect("366", None, chan)
        return self

    def reset(self):
        """Close abruptly: SO_LINGER 0 makes close() send a RST."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                             struct.pack("ii", 1, 0))
        self.close()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
        self.closed = True


def isupport(c):
    """The KEY=VALUE tokens of the 005 lines c got at registration."""
    return dict(t.split("=", 1) for line in c.lines if " 005 " in line
                for t in line.split(" :")[0].split()[3:] if "=" in t)


def check_lusers(cmds):
    """The LUSERS numerics of a reply or a welcome burst: 251, 255, 265
    and 266 always, 252 to 254 as the server sees fit (they may be left
    out when their count is zero, which depends on what else is on the
    server), each once, in numeric order as RFC 2812 lists them."""
    assert cmds == sorted(set(cmds)), cmds
    assert {"251", "255", "265", "266"} <= set(cmds), cmds
    assert set(cmds) <= {"251", "252", "253", "254", "255", "265",
                         "266"}, cmds


def query(c, line, end):
    """Send line and return the reply: the messages up to and including
    the first with command end. What arrived before is dropped."""
    c.sync()
    c.send(line)
    got = []
    while not got or got[-1].command != end:
        got.append(c.recv())
    return got


def witness(port, caps=()):
    """Check that the server still serves everyone: two fresh clients
    join a fresh channel and exchange a message each way."""
    chan = "#" + unique_nick("w")
    a = Client(port, unique_nick("wa"), caps=caps).join(chan)
    b = Client(port, unique_nick("wb"), caps=caps).join(chan)
    a.expect("JOIN", chan, where=lambda m: m.nick == b.nick)
    a.send("PRIVMSG %s :ping from %s" % (chan, a.nick))
    m = b.expect("PRIVMSG", chan)
    assert (m.nick, m.params[1]) == (a.nick, "ping from " + a.nick)
    b.send("PRIVMSG %s :pong from %s" % (a.nick, b.nick))
    m = a.expect("PRIVMSG", a.nick)
    assert (m.nick, m.params[1]) == (b.nick, "pong from " + b.nick)
    a.send("QUIT :witness done")
    b.send("QUIT :witness done")
    a.wait_closed()
    b.wait_closed()


@pytest.fixture
def natterd():
    """Factory: natterd(*args) starts a server; all are stopped at the end
    of the test, which fails if one exits badly or a sanitizer spoke."""
    servers = []

    def start(*args, expect_exit=0, listen="127.0.0.1:0", state=None,
              ready=True):
        s = Server(args, expect_exit=expect_exit, listen=listen,
                   state=state, ready=ready)
        servers.append(s)
        return s

    yield start
    while _open_clients:
        _open_clients.pop().close()
    problems = []
    for s in servers:
        problems.extend(s.stop())
    if problems:
        pytest.fail("\n".join(problems))


@pytest.fixture
def srv(natterd):
    """A server with flood control off, so tests run at full speed (the
    flood tests start their own)."""
    return natterd("--flood-rate", "0", "--max-per-ip", "0")


@pytest.fixture
def clients(srv):
    """Factory for registered clients on srv; all closed at the end."""
    made = []

    def make(nick, **kw):
        c = Client(srv.port, nick, **kw)
        made.append(c)
        return c

    yield make
    for c in made:
        c.close()


@pytest.fixture
def procs(natterd):
    """Start helper programs with procs(argv, **popen_kw); each one still
    running at the end of the test is terminated (then killed)."""
    started = []

    def start(argv, **kw):
        p = subprocess.Popen(argv, **kw)
        started.append(p)
        return p

    yield start
    for p in started:
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
