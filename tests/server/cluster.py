"""Harness for natterd's cluster tests: a real redis-server on a unix
socket and two or three natterd nodes on it.

Redis is Debian's /usr/bin/redis-server with no TCP port, no persistence
and one database, in a directory of its own; it is ready when it answers
PING over its socket (raw RESP: redis-py is not used). A test can kill it
(-9), pause it (SIGSTOP/SIGCONT) and start it again, empty, on the same
socket. Nodes are conftest's Servers started with --cluster and --node;
a node is ready when it logs "cluster: in sync as". Every process is
stopped at teardown: paused ones are woken first, so that a node's
SIGTERM is handled and its exit status checked as conftest does.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest

from conftest import TIMEOUT, Client, Msg, query

REDIS_SERVER = "/usr/bin/redis-server"
LEASE = 2
NAMES = ("a.test", "b.test", "c.test")
# Slack for a loaded machine: 2 s, more for the sanitizer and valgrind
# builds (TIMEOUT grows with them).
SLACK = TIMEOUT / 5
# A killed or paused node is reaped within its lease and ~2 s (contract).
REAP_WITHIN = LEASE + 2 + SLACK
# A lost or hung Redis is noticed within about 3 s.
SPLIT_WITHIN = 3 + SLACK


class RespError(Exception):
    """An error reply (-ERR ...) from Redis."""


def _read_reply(f):
    """One RESP2 reply from the file f: str for +, int for :, bytes or
    None for $, list or None for *, RespError for - (returned, not
    raised, so that an error inside an array does not lose the rest)."""
    line = f.readline()
    if not line.endswith(b"\r\n"):
        raise AssertionError("redis: short reply %r" % line)
    kind, body = line[:1], line[1:-2]
    if kind == b"+":
        return body.decode()
    if kind == b"-":
        return RespError(body.decode())
    if kind == b":":
        return int(body)
    if kind == b"$":
        n = int(body)
        if n < 0:
            return None
        data = f.read(n + 2)
        return data[:-2]
    if kind == b"*":
        n = int(body)
        if n < 0:
            return None
        return [_read_reply(f) for _ in range(n)]
    raise AssertionError("redis: bad reply %r" % line)


def _encode(args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        if isinstance(a, str):
            a = a.encode("utf-8")
        elif isinstance(a, int):
            a = b"%d" % a
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def resp(path, *args, timeout=TIMEOUT):
    """Run one command on the Redis at the unix socket path and return
    its reply (see _read_reply); an error reply raises RespError."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(path)
        s.sendall(_encode(args))
        with s.makefile("rb") as f:
            r = _read_reply(f)
    finally:
        s.close()
    if isinstance(r, RespError):
        raise r
    return r


class Redis:
    """One redis-server on DIR/redis.sock; extra: more arguments, such
    as a client-output-buffer-limit."""

    def __init__(self, extra=()):
        self.dir = tempfile.mkdtemp(prefix="natter-redis-")
        self.sock = os.path.join(self.dir, "redis.sock")
        self.url = "unix:" + self.sock
        self.extra = list(extra)
        self.proc = None
        self.paused = False
        self.start()

    def start(self):
        """Start it (again: empty) and wait until it answers PING."""
        assert self.proc is None or self.proc.poll() is not None
        assert os.access(REDIS_SERVER, os.X_OK), (
            "no %s: scripts/deps.sh installs redis-server" % REDIS_SERVER)
        try:
            os.unlink(self.sock)
        except FileNotFoundError:
            pass
        self.log = open(os.path.join(self.dir, "redis.log"), "ab")
        self.proc = subprocess.Popen(
            [REDIS_SERVER, "--port", "0", "--unixsocket", self.sock,
             "--unixsocketperm", "700", "--save", "", "--appendonly", "no",
             "--databases", "1", "--dir", self.dir] + self.extra,
            stdin=subprocess.DEVNULL, stdout=self.log,
            stderr=subprocess.STDOUT, cwd=self.dir)
        self.paused = False
        end = time.monotonic() + TIMEOUT
        while True:
            if self.proc.poll() is not None:
                raise AssertionError("redis-server exited %s:\n%s"
                                     % (self.proc.returncode,
                                        self.log_text()))
            try:
                if resp(self.sock, "PING", timeout=1) == "PONG":
                    return
            except (OSError, RespError):
                pass
            if time.monotonic() > end:
                raise AssertionError("redis-server not ready in %ss:\n%s"
                                     % (TIMEOUT, self.log_text()))
            # Polling for readiness, not synchronisation: Redis gives no
            # other signal that it listens.
            time.sleep(0.02)

    def log_text(self):
        with open(os.path.join(self.dir, "redis.log"), "rb") as f:
            return f.read().decode("utf-8", "replace")[-4000:]

    def __call__(self, *args):
        return resp(self.sock, *args)

    def wait_log(self, pattern, timeout=TIMEOUT):
        """Wait for a line of redis.log matching pattern (Redis has no
        other way to say it cut a client; the file is read again every
        50 ms)."""
        end = time.monotonic() + timeout
        while True:
            m = self.has_log(pattern)
            if m:
                return m
            if time.monotonic() > end:
                raise AssertionError("no redis.log line /%s/ in %ss:\n%s"
                                     % (pattern, timeout, self.log_text()))
            time.sleep(0.05)

    def has_log(self, pattern):
        with open(os.path.join(self.dir, "redis.log"), "rb") as f:
            return re.search(pattern, f.read().decode("utf-8", "replace"),
                             re.M)

    def kill(self):
        """SIGKILL and reap it: the socket stays, dead."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.log.close()
        self.paused = False

    def restart(self):
        """kill(-9), then start again, empty, on the same socket."""
        self.kill()
        self.start()

    def stop(self):
        self.proc.send_signal(signal.SIGSTOP)
        self.paused = True

    def cont(self):
        self.proc.send_signal(signal.SIGCONT)
        self.paused = False

    def close(self):
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)

    # --- what the cluster keeps in it (design section 6.3) ----------------
    def nick_owner(self, nick, prefix="natter"):
        """(uid, node, nick) of whoever owns nick in Redis, or None: the
        natter:nick:<fold> key and the natter:user:<uid> hash it names."""
        uid = self("GET", "%s:nick:%s" % (prefix, fold(nick)))
        if uid is None:
            return None
        uid = uid.decode()
        node = self("HGET", "%s:user:%s" % (prefix, uid), "node")
        held = self("HGET", "%s:user:%s" % (prefix, uid), "nick")
        return (uid, node and node.decode(), held and held.decode())


def fold(nick):
    """natterd's casemapping=ascii (common/name.c): A-Z to a-z only."""
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in nick)


# --- nodes ------------------------------------------------------------------

def kill9(node):
    """SIGKILL a node; its teardown then expects that exit."""
    if node.alive():
        node.signal(signal.SIGCONT)
        node.proc.kill()
    node.proc.wait()
    node.expect_exit = -signal.SIGKILL


def pause(node):
    node.signal(signal.SIGSTOP)
    node.paused = True


def resume(node):
    node.signal(signal.SIGCONT)
    node.paused = False


def wait_sync(node, start=0, timeout=TIMEOUT):
    """Wait for the node's next "in sync as" line after log mark start."""
    m = node.wait_log(r"cluster: in sync as (\S+) \((\d+) users, (\d+) "
                      r"channels\)", timeout=timeout, start=start)
    assert m.group(1) == node.name, m.group(0)
    return m


@pytest.fixture
def redis(request):
    """A Redis for the test; parametrize it indirectly with a list of
    extra redis-server arguments."""
    r = Redis(getattr(request, "param", ()))
    yield r
    r.close()


@pytest.fixture
def cluster(redis, natterd):
    """Factory: cluster(n, *args) starts n nodes (a.test, b.test, c.test)
    on the redis fixture (or on=R, another Redis); cluster.node(name,
    *args) starts one; lease=SECS changes --cluster-lease.
    Flood control is off, as in conftest's srv. At teardown paused
    processes are woken, then the nodes stopped (by natterd, which fails
    the test on a bad exit), then Redis."""
    nodes = []

    def node(name, *args, on=None, wait=True, lease=LEASE):
        r = on or redis
        s = natterd("--cluster", r.url, "--node", name,
                    "--cluster-lease", str(lease), "--flood-rate", "0",
                    "--max-per-ip", "0", *args)
        s.name = name
        s.paused = False
        s.redis = r
        nodes.append(s)
        if wait:
            wait_sync(s)
        return s

    def start(n=2, *args, on=None, lease=LEASE):
        return [node(NAMES[i], *args, on=on, lease=lease)
                for i in range(n)]

    start.node = node
    start.nodes = nodes
    yield start
    for s in nodes:
        if s.paused and s.alive():
            resume(s)
    if redis.paused:
        redis.cont()


# --- clients -----------------------------------------------------------------

def on(node, nick, **kw):
    """A client registered on node."""
    return Client(node.port, nick, **kw)


def names(c, chan):
    """The sorted NAMES of chan as c's node answers (with @ and +)."""
    got = query(c, "NAMES " + chan, "366")
    out = []
    for m in got:
        if m.command == "353" and m.params[2] == chan:
            out.extend(m.params[3].split())
    return sorted(out)


def who(c, target):
    """The sorted WHO rows for target as c's node answers, without the
    asker's nick (params[0]): comparable between askers."""
    got = query(c, "WHO " + target, "315")
    return sorted(tuple(m.params[1:]) for m in got if m.command == "352")


# --- the loss NOTICE and the no-silent-loss check ---------------------------

LOSS = re.compile(r"^Messages between (\d\d):(\d\d):(\d\d) and "
                  r"(\d\d):(\d\d):(\d\d) UTC may not have reached every "
                  r"server \((\S+) was split from the cluster\)$")


def _near(h, m, s, ref):
    """The epoch second at UTC h:m:s closest to ref (a window can span
    midnight)."""
    day = int(ref) - int(ref) % 86400
    t = day + h * 3600 + m * 60 + s
    return min((t - 86400, t, t + 86400), key=lambda x: abs(x - ref))


def loss_windows(c, chan):
    """(start, end, node) of every loss NOTICE c received for chan, end
    inclusive to the second; checks the NOTICE's form on the way."""
    out = []
    now = time.time()
    for raw in c.lines:
        m = Msg(raw)
        if m.command != "NOTICE" or m.params[:1] != [chan]:
            continue
        x = LOSS.match(m.params[-1])
        if not x:
            continue
        assert m.prefix == x.group(7) and "!" not in m.prefix, raw
        g = [int(v) for v in x.groups()[:6]]
        t1 = _near(g[0], g[1], g[2], now)
        t2 = _near(g[3], g[4], g[5], now)
        assert t1 <= t2, raw
        out.append((t1, t2 + 1, x.group(7)))
    return out


def collect(c, *preds, timeout=TIMEOUT):
    """Read c until each predicate has matched a message (in any order);
    return the matches, one per predicate."""
    found = [None] * len(preds)
    end = time.monotonic() + timeout
    while None in found:
        try:
            m = c.recv(timeout=max(end - time.monotonic(), 0))
        except AssertionError as e:
            raise AssertionError("%s: matched only %s\n%s"
                                 % (c.nick, found, e)) from None
        for i, p in enumerate(preds):
            if found[i] is None and p(m):
                found[i] = m
                break
    return found


def is_loss(chan):
    return lambda m: m.params[:1] == [chan] and bool(LOSS.match(
        m.params[-1]))


class Ledger:
    """Messages sent to one channel during a fault, with the wall-clock
    interval of each send, for check()."""

    def __init__(self, chan):
        self.chan = chan
        self.sent = []          # (sender, its nick then, text, t0, t1)

    def send(self, c, text):
        t0 = time.time()
        c.send("PRIVMSG %s :%s" % (self.chan, text))
        self.sent.append((c, c.nick, text, t0, time.time()))

    def check(self, receivers):
        """Nothing was lost silently: for every receiver (still a member,
        synced by the caller) and every message someone else sent, the
        receiver got it or got a loss NOTICE whose window covers the time
        it was sent. Returns the number of messages covered by a NOTICE
        rather than delivered."""
        covered = 0
        for r in receivers:
            got = set()
            for raw in r.lines:
                m = Msg(raw)
                if m.command == "PRIVMSG" and m.params[:1] == [self.chan]:
                    got.add((m.nick, m.params[-1]))
            wins = loss_windows(r, self.chan)
            for sender, nick, text, t0, t1 in self.sent:
                if sender is r or (nick, text) in got:
                    continue
                ok = [w for w in wins if t0 < w[1] and t1 >= w[0]]
                assert ok, ("%s lost %r from %s sent at %.3f-%.3f with no "
                            "loss NOTICE covering it; windows %s"
                            % (r.nick, text, nick, t0, t1, wins))
                covered += 1
        return covered

