"""Abuse: many connections, churn, slow and stalled peers, floods, resets
at bad moments, and the security properties a hostile client would test.

Every test is bounded in count and time, and ends with still_serving():
natterd is alive, answers PING, and a fresh pair of clients exchanges
numbered messages in both directions, in order, none lost.

Crowds are asyncio connections (non-blocking sockets, one thread), so a
test can hold thousands. The sanitizer build is 2-3 times slower and
needs more memory: with NATTER_SANITIZED=1 the heaviest counts are scaled
down (see SCALE) and memory bounds are wider. Figures (RSS per
connection, times) are printed: run pytest -s to see them.
"""

import asyncio
import os
import re
import resource
import socket
import struct
import time
import unicodedata

import pytest

from conftest import Client, Msg, SANITIZED, TIMEOUT, unique_nick, witness

# The heavy counts. ASan+UBSan (NATTER_SANITIZED=1) is 2-3 times slower
# and uses more memory, and CI has 2 cores and 20 minutes for everything:
# there 5,000 connections become 2,000 and 2,000 churn cycles 800.
SCALE = {
    "conns": 2000 if SANITIZED else 5000,
    "churn": 800 if SANITIZED else 2000,
    "stalled": 50,
}
# ASan's redzones, shadow memory and quarantine multiply memory figures.
MEM = 8 if SANITIZED else 1


def report(fmt, *args):
    print("abuse: " + fmt % args, flush=True)


def nfd(s):
    """Descriptors natterd has open."""
    return len(os.listdir("/proc/%d/fd" % s.pid))


def wait_fds(s, want, timeout=TIMEOUT):
    """Wait until natterd is back to at most want descriptors."""
    end = time.monotonic() + timeout
    while nfd(s) > want:
        assert time.monotonic() < end, \
            "natterd holds %d descriptors, expected %d" % (nfd(s), want)
        time.sleep(0.05)


def cpu_seconds(s):
    """User and system CPU time natterd has used so far."""
    with open("/proc/%d/stat" % s.pid) as f:
        fields = f.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def raise_nofile(need):
    """Let this process open need descriptors (the hard limit allowing)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < need:
        # Root (as CI runs) may raise the hard limit itself.
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (need, need))
            soft, hard = need, need
        except (ValueError, OSError):
            pass
    assert hard == resource.RLIM_INFINITY or hard >= need, (
        "this test needs %d open files but the hard limit is %d: "
        "raise it (ulimit -Hn) rather than skip" % (need, hard))
    if soft != resource.RLIM_INFINITY and soft < need:
        resource.setrlimit(resource.RLIMIT_NOFILE, (need, hard))


def timed_drain(c, timeout):
    """Like c.drain(timeout), but each message comes with the time it
    arrived, so latencies are not inflated by the wait."""
    out = []
    end = time.monotonic() + timeout
    while not c.closed:
        left = end - time.monotonic()
        if left <= 0:
            break
        if c._fill(left):
            now = time.monotonic()
            out += [(now, m) for m in c.pending]
            c.pending = []
    return out


def still_serving(s, n=20):
    """natterd is alive and answers PING; witness() passes; and a fresh
    pair exchanges n numbered messages each way, in order, none lost."""
    assert s.alive(), "natterd is gone; log:\n" + s.log_text()[-4000:]
    c = Client(s.port, unique_nick("chk"))
    c.send("PING :alive?")
    assert c.expect("PONG").params == ["natterd", "alive?"]
    c.send("QUIT")
    c.wait_closed()
    witness(s.port)
    chan = "#" + unique_nick("order")
    a = Client(s.port, unique_nick("oa")).join(chan)
    b = Client(s.port, unique_nick("ob")).join(chan)
    a.expect("JOIN", chan, where=lambda m: m.nick == b.nick)
    a.send_raw(b"".join(b"PRIVMSG %s :a%d\r\n" % (chan.encode(), i)
                        for i in range(n)))
    b.send_raw(b"".join(b"PRIVMSG %s :b%d\r\n" % (a.nick.encode(), i)
                        for i in range(n)))
    got_b = [b.expect("PRIVMSG", chan).params[1] for _ in range(n)]
    got_a = [a.expect("PRIVMSG", a.nick).params[1] for _ in range(n)]
    assert got_b == ["a%d" % i for i in range(n)]
    assert got_a == ["b%d" % i for i in range(n)]
    a.quiet("PRIVMSG")
    b.quiet("PRIVMSG")
    for x in (a, b):
        x.send("QUIT")
        x.wait_closed()


# --- asyncio crowds -------------------------------------------------------

class Conn:
    """One IRC connection on an asyncio stream: for crowds of thousands,
    where a socket per Client and a blocking wait each would not do. It
    answers the server's PINGs itself, as Client does."""

    seq = 0

    def __init__(self, reader, writer, nick=None):
        self.r = reader
        self.w = writer
        self.nick = nick
        self.lines = []
        self.closed = False

    @classmethod
    async def open(cls, port, nick=None, bind=None, timeout=TIMEOUT):
        r, w = await asyncio.wait_for(asyncio.open_connection(
            "127.0.0.1", port,
            local_addr=(bind, 0) if bind is not None else None), timeout)
        c = cls(r, w, nick)
        if nick is not None:
            await c.register(nick, timeout=timeout)
        return c

    def send(self, line):
        if isinstance(line, str):
            line = line.encode("utf-8")
        self.w.write(line + b"\r\n")

    async def recv(self, timeout=TIMEOUT):
        """The next message, or None at the end of the stream."""
        while True:
            try:
                raw = await asyncio.wait_for(self.r.readline(), timeout)
            except (ConnectionResetError, BrokenPipeError):
                raw = b""
            except asyncio.TimeoutError:
                raise AssertionError("%s: no line within %ss; last:\n%s"
                                     % (self.nick, timeout,
                                        "\n".join(self.lines[-10:])))
            if not raw:
                self.closed = True
                return None
            text = raw.rstrip(b"\r\n").decode("utf-8", "surrogateescape")
            self.lines.append(text)
            m = Msg(text)
            if m.command == "PING" and m.prefix:
                self.send("PONG :" + (m.params[-1] if m.params else ""))
                continue
            return m

    async def expect(self, *commands, timeout=TIMEOUT):
        """Skip to the next message with one of commands; return it."""
        end = time.monotonic() + timeout
        while True:
            m = await self.recv(max(end - time.monotonic(), 0.01))
            if m is None:
                raise AssertionError("%s: closed while expecting %s; "
                                     "last:\n%s" % (self.nick, commands,
                                                    "\n".join(
                                                        self.lines[-10:])))
            if m.command in commands:
                return m

    async def sync(self, timeout=TIMEOUT):
        """PING, and return every message before the PONG."""
        Conn.seq += 1
        token = "async%d" % Conn.seq
        self.send("PING :" + token)
        got = []
        end = time.monotonic() + timeout
        while True:
            m = await self.recv(max(end - time.monotonic(), 0.01))
            assert m is not None, "%s: closed before PONG" % self.nick
            if m.command == "PONG" and m.params[-1:] == [token]:
                return got
            got.append(m)

    async def register(self, nick, timeout=TIMEOUT):
        self.nick = nick
        self.send("NICK %s\r\nUSER %s 0 * :%s" % (nick, nick, nick))
        await self.expect("001", timeout=timeout)
        await self.expect("376", "422", timeout=timeout)
        return self

    async def wait_closed(self, timeout=TIMEOUT):
        """Read to the end of the stream; return what came."""
        got = []
        end = time.monotonic() + timeout
        while True:
            m = await self.recv(max(end - time.monotonic(), 0.01))
            if m is None:
                return got
            got.append(m)

    def reset(self):
        """Close with a RST (SO_LINGER 0), as Client.reset() does."""
        sock = self.w.get_extra_info("socket")
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                            struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.w.transport.abort()
        self.closed = True

    def close(self):
        if self.closed:
            self.w.transport.abort()
        else:
            self.w.close()
        self.closed = True


async def crowd(port, nicks, concurrency=200, bind=None):
    """Connect and register one Conn per nick, concurrency at a time;
    bind(i) may give each a source address."""
    sem = asyncio.Semaphore(concurrency)
    out = [None] * len(nicks)

    async def one(i):
        async with sem:
            out[i] = await Conn.open(port, nicks[i],
                                     bind=bind(i) if bind else None,
                                     timeout=TIMEOUT * 3)

    await asyncio.gather(*(one(i) for i in range(len(nicks))))
    return out


def run(coro, timeout=120):
    """Run an asyncio test body with an overall bound."""
    return asyncio.run(asyncio.wait_for(coro, timeout))


# --- Thousands of connections ---------------------------------------------

def test_thousands_of_registered_connections(natterd):
    """SCALE["conns"] registered connections at once, from 16 source
    addresses: all get through, all still answer PING, strangers can talk
    meanwhile, and natterd's memory per connection stays small."""
    n = SCALE["conns"]
    raise_nofile(n + 256)
    s = natterd("--max-clients", "6000", "--max-per-ip", "0")
    fd0 = nfd(s)
    rss0 = s.rss_kb()

    async def body():
        t0 = time.monotonic()
        conns = await crowd(s.port, ["m%d" % i for i in range(n)],
                            bind=lambda i: "127.0.0.%d" % (1 + i % 16))
        t_reg = time.monotonic() - t0
        try:
            rss1 = s.rss_kb()
            per = (rss1 - rss0) * 1024 / n
            report("%d registered connections in %.1f s; natterd RSS "
                   "%d kB -> %d kB: %.0f bytes per connection",
                   n, t_reg, rss0, rss1, per)
            assert nfd(s) >= fd0 + n
            # Every one of them is still served.
            t0 = time.monotonic()
            for i, c in enumerate(conns):
                c.send("PING :each%d" % i)
            pongs = await asyncio.gather(*(c.expect("PONG")
                                           for c in conns))
            assert [m.params[-1] for m in pongs] == [
                "each%d" % i for i in range(n)]
            report("PING answered on all %d in %.2f s", n,
                   time.monotonic() - t0)
            # Strangers get in and talk while the crowd is there.
            c = Client(s.port, unique_nick("count"))
            c.send("LUSERS")
            m = c.expect("265")
            assert int(m.params[1]) == n + 1, m
            c.close()
            witness(s.port)
            assert per < 8 * 1024 * MEM, \
                "%.0f bytes of natterd's memory per connection" % per
        finally:
            t0 = time.monotonic()
            for i, c in enumerate(conns):
                if c is None:
                    continue
                if i % 2:
                    c.reset()
                else:
                    c.close()
            await asyncio.sleep(0)
        wait_fds(s, fd0, timeout=TIMEOUT * 3)
        report("%d connections gone in %.2f s (half of them reset)", n,
               time.monotonic() - t0)

    run(body(), timeout=300 if SANITIZED else 120)
    still_serving(s)


def test_connection_churn(natterd):
    """SCALE["churn"] connect/register/join/talk/leave cycles, 32 at a
    time, ending with QUIT, a plain close or a RST in turn: no descriptor
    is left behind, memory comes back near where it was, and a member of
    the channels sees every cycle's JOIN, message and QUIT in order."""
    n = SCALE["churn"]
    nchan = 10
    s = natterd("--max-per-ip", "0", "--flood-rate", "0")
    keeper = Client(s.port, "keeper")
    # The keeper holds the even channels; odd ones come and go each time.
    for k in range(0, nchan, 2):
        keeper.join("#churn%d" % k)

    async def cycles(first, count):
        sem = asyncio.Semaphore(32)

        async def one(i):
            async with sem:
                c = await Conn.open(s.port, "ch%d" % i)
                chan = "#churn%d" % (i % nchan)
                c.send("JOIN " + chan)
                await c.expect("366")
                c.send("PRIVMSG %s :cycle %d" % (chan, i))
                how = i % 3
                if how == 0:
                    c.send("QUIT :cycle %d done" % i)
                    got = await c.wait_closed()
                    assert got[-1].command == "ERROR", got[-3:]
                elif how == 1:
                    await c.sync()
                    c.close()
                else:
                    await c.sync()
                    c.reset()

        await asyncio.gather(*(one(i) for i in range(first, first + count)))

    # A warm-up, so that the allocator has seen a crowd before we measure,
    # and history's bounded parts are full: each room's window in memory
    # (HISTORY_WINDOW events, three a cycle) and SQLite's page cache.
    fd0 = nfd(s)
    run(cycles(0, 1000))
    wait_fds(s, fd0)
    keeper.sync()
    rss0 = s.rss_kb()
    t0 = time.monotonic()
    run(cycles(1000, n), timeout=300 if SANITIZED else 120)
    took = time.monotonic() - t0
    wait_fds(s, fd0)
    # Frees happen from the loop after the close: give them a moment.
    keeper.sync()
    rss1 = s.rss_kb()
    report("%d churn cycles in %.1f s (%.0f/s); descriptors %d -> %d; "
           "RSS %d kB -> %d kB", n, took, n / took, fd0, nfd(s), rss0, rss1)
    # ASan's quarantine keeps freed memory resident (up to 256 MB), so
    # there the figure means nothing: LeakSanitizer checks at exit instead.
    if not SANITIZED:
        assert rss1 - rss0 < 1024, (rss0, rss1)

    # The keeper saw each cycle in its channels whole and in order.
    keeper.sync()
    seen = {}
    quits = set()
    for m in map(Msg, keeper.lines):
        if m.nick and m.nick.startswith("ch"):
            seen.setdefault(m.nick, []).append(m.command)
            if m.command == "QUIT":
                quits.add(m.params[0])
    for i in range(n + 1000):
        if (i % nchan) % 2:
            assert "ch%d" % i not in seen
        else:
            assert seen.get("ch%d" % i) == ["JOIN", "PRIVMSG", "QUIT"], (
                i, seen.get("ch%d" % i))
    # A close or a reset while natterd is writing to that member (the
    # other cycles' lines in its channel) can also end in EPIPE: seen on a
    # loaded machine, and what the kernel says, so a fair reason too.
    assert quits <= {"Quit: cycle %d done" % i for i in range(n + 1000)} | {
        "Remote host closed the connection", "Connection reset by peer",
        "Broken pipe"}
    still_serving(s)


# --- Slow peers -----------------------------------------------------------

def test_slow_loris_unregistered(natterd):
    """Connections that trickle a registration one byte a second, or
    send whole lines but never register, are closed by --reg-timeout
    however busy they look; clients that arrive after them register and
    chat at full speed meanwhile."""
    s = natterd("--reg-timeout", "2", "--max-per-ip", "0")
    start = time.monotonic()
    lorises = []
    for i in range(12):
        c = Client(s.port).nodelay()
        c.nick = "loris%d" % i
        c.data = ("NICK loris%d\r\nUSER l 0 * :slow\r\n" % i).encode()
        c.opened = time.monotonic()
        lorises.append(c)
    pinger = Client(s.port)             # whole lines, but never NICK/USER
    pinger.nick, pinger.opened = "pinger", time.monotonic()
    a = Client(s.port, unique_nick("fast")).join("#talk")
    b = Client(s.port, unique_nick("fast")).join("#talk")
    a.expect("JOIN", "#talk", where=lambda m: m.nick == b.nick)

    latencies, k, sent_at = [], 0, {}
    closed_after = {}
    step = 0
    end = start + 2 + (6 if SANITIZED else 3)
    while len(closed_after) < len(lorises) + 1:
        now = time.monotonic()
        assert now < end, "still open: %s" % [
            c.nick for c in lorises + [pinger] if c.nick not in closed_after]
        if now - start >= step:         # one byte a second each
            for c in lorises:
                if c.nick not in closed_after:
                    c.send_raw(c.data[step:step + 1])
            if pinger.nick not in closed_after:
                pinger.send("PING :%d" % step)
            step += 1
        a.send("PRIVMSG #talk :%d" % k)
        sent_at[k] = time.monotonic()
        k += 1
        for t, m in timed_drain(b, 0.1):
            if m.command == "PRIVMSG":
                latencies.append(t - sent_at[int(m.params[1])])
        for c in lorises + [pinger]:
            if c.nick in closed_after:
                continue
            c.drain(0)
            if c.closed:
                closed_after[c.nick] = time.monotonic() - c.opened
                assert not [l for l in c.lines if " 001 " in l], c.lines
                assert c.lines[-1] == (
                    "ERROR :Closing link: (*@127.0.0.1) "
                    "[Registration timed out]"), c.lines
    assert min(closed_after.values()) >= 1.9, closed_after
    report("%d slow lorises closed %.1f-%.1f s after connecting; chat "
           "latency meanwhile max %.0f ms over %d messages",
           len(closed_after), min(closed_after.values()),
           max(closed_after.values()), max(latencies) * 1000,
           len(latencies))
    b.sync()
    assert len(latencies) == k
    assert max(latencies) < (1.0 if SANITIZED else 0.5), latencies
    # The nicks they were spelling out were never taken.
    assert not [l for l in b.lines if "loris" in l]
    still_serving(s)


def test_slow_loris_registered(natterd):
    """A registered client that trickles a line is not timed out: any
    byte shows it is alive, as for PING. What it can hold is bounded:
    its partial line is nobody else's business until the line ends,
    and past 8703 bytes without a line end it gets one 417 and the
    bytes are dropped, so a crowd of tricklers holds little memory."""
    s = natterd("--ping-interval", "1", "--ping-timeout", "1",
                "--max-per-ip", "0", "--flood-rate", "0")
    t = Client(s.port, "trickler", autopong=False).join("#t").nodelay()
    w = Client(s.port, "watcher").join("#t")
    t.expect("JOIN", "#t", where=lambda m: m.nick == "watcher")
    line = b"PRIVMSG #t :slow but steady\r\n"
    got = []
    for i in range(len(line)):          # 3 s: longer than ping + timeout
        t.send_raw(line[i:i + 1])
        got += w.drain(0.1)
        # Nothing of the line is relayed before it ends.
        assert got == [] or i == len(line) - 1, got
    m = got[0] if got else w.expect("PRIVMSG")
    assert (m.nick, m.params) == ("trickler", ["#t", "slow but steady"])
    # It answered no PING, but it was never idle: it is still here.
    t.drain(0)
    assert not t.closed

    # The limit: 8703 bytes may wait for their line end, one more not.
    t.send_raw(b"PRIVMSG #t :" + b"x" * (8703 - 12))
    time.sleep(0.2)
    assert [l for l in t.drain(0.2) if l.command == "417"] == []
    t.send_raw(b"x")
    assert t.expect("417").params == ["trickler", "Input line was too long"]
    for _ in range(10):                 # the rest of that line: dropped
        t.send_raw(b"y")
        time.sleep(0.05)
    t.send_raw(b"\r\nPRIVMSG #t :after the long one\r\n")
    m = w.expect("PRIVMSG")
    assert m.params == ["#t", "after the long one"]
    assert not [l for l in w.lines if "xxx" in l or "yyy" in l]

    # A crowd of tricklers, each holding just under a line's worth.
    n = 100
    rss0 = s.rss_kb()

    async def body():
        conns = await crowd(s.port, [unique_nick("tr") for _ in range(n)])
        for c in conns:
            c.w.write(b"PRIVMSG #t :" + b"z" * 8600)
        await asyncio.gather(*(c.w.drain() for c in conns))
        await asyncio.sleep(0.5)
        rss1 = s.rss_kb()
        report("%d registered tricklers holding 8.6 kB partial lines: "
               "RSS %d kB -> %d kB, %.1f kB each", n, rss0, rss1,
               (rss1 - rss0) / n)
        assert (rss1 - rss0) / n < 32 * MEM, (rss0, rss1)
        for c in conns:
            c.reset()

    run(body())
    t.sync()
    w.quiet("PRIVMSG")
    still_serving(s)


def test_many_stalled_readers_in_busy_channel(natterd):
    """SCALE["stalled"] members of a busy channel stop reading at once.
    Each is closed with "SendQ exceeded" when its backlog passes
    --sendq; natterd's memory stays near stalled * sendq rather than
    growing with the flood; the members who read get every line in
    order, then a QUIT for each stalled one."""
    n = SCALE["stalled"]
    sendq = 65536
    s = natterd("--sendq", str(sendq), "--flood-rate", "0",
                "--max-per-ip", "0")
    flooder = Client(s.port, "flooder").join("#busy")
    readers = [Client(s.port, "reader%d" % i).join("#busy")
               for i in range(3)]
    stalled = [Client(s.port, "stalled%d" % i, rcvbuf=4096).join("#busy")
               for i in range(n)]
    flooder.sync()
    for r in readers:
        r.sync()
    rss0 = s.rss_kb()
    peak = rss0
    text = "f" * 380
    # The kernel buffers about 2 MB for each stalled socket before
    # natterd's own queue grows: flood until the last one is dropped,
    # at most 6 MB.
    total = 0
    got = {r.nick: [] for r in readers}
    quits = {r.nick: [] for r in readers}
    t0 = time.monotonic()
    while len(quits[readers[0].nick]) < n:
        assert total < 15000, "%d lines, only %d stalled readers dropped" % (
            total, len(quits[readers[0].nick]))
        flooder.send_raw(b"".join(b"PRIVMSG #busy :%d %s\r\n" % (
            i, text.encode()) for i in range(total, total + 50)))
        total += 50
        for r in readers:
            for m in r.drain(0.005):
                if m.command == "PRIVMSG":
                    got[r.nick].append(int(m.params[1].split()[0]))
                elif m.command == "QUIT":
                    quits[r.nick].append(m)
        peak = max(peak, s.rss_kb())
    flooder.sync()
    for r in readers:
        for m in r.sync(timeout=TIMEOUT * 2):
            if m.command == "PRIVMSG":
                got[r.nick].append(int(m.params[1].split()[0]))
            elif m.command == "QUIT":
                quits[r.nick].append(m)
    took = time.monotonic() - t0
    report("%d stalled readers, %d lines of 400 bytes to %d members in "
           "%.1f s: natterd RSS %d kB -> peak %d kB (%.0f kB per stalled "
           "reader; sendq %d kB)", n, total, n + 4, took, rss0, peak,
           (peak - rss0) / n, sendq // 1024)
    for r in readers:
        assert got[r.nick] == list(range(total)), r.nick
        assert sorted(m.nick for m in quits[r.nick]) == sorted(
            c.nick for c in stalled)
        assert {m.params[0] for m in quits[r.nick]} == {"SendQ exceeded"}
    # Without the limit each would hold what the readers got. (Under
    # ASan the quarantine keeps every freed output buffer resident, so
    # there the QUITs above are the proof.)
    if not SANITIZED:
        assert peak - rss0 < n * sendq * 2 // 1024 + 4096, (rss0, peak)
    # The stalled ones, reading at last, find their ERROR at the end.
    for c in stalled:
        lines = c.wait_closed(timeout=TIMEOUT * 2)
        assert lines[-1].command == "ERROR", lines[-2:]
        assert lines[-1].params[0].endswith("[SendQ exceeded]")
    flooder.quiet("ERROR")
    still_serving(s)


# --- Floods ---------------------------------------------------------------

def test_privmsg_flood_default_flood_control(natterd):
    """Three clients flood a channel at once under the default flood
    control (--flood-rate 4 --flood-burst 20): each gets its burst, then
    4 lines a second, every line delivered in order (delayed, never
    dropped), and none is disconnected. A fourth pushes megabytes at
    once: natterd reads only --recvq ahead, so TCP holds the rest and
    natterd's memory does not grow. Meanwhile two others chat with low
    latency."""
    s = natterd("--max-per-ip", "0")        # flood control as shipped
    rate, burst, n = 4, 20, 36
    flooders = [Client(s.port, "flood%d" % i).join("#flood")
                for i in range(3)]
    hog = Client(s.port, "hog").join("#flood")
    watcher = Client(s.port, "watcher").join("#flood")
    chatter = Client(s.port, "chatter")
    for c in flooders + [hog, chatter]:
        c.sync()
    watcher.sync()
    rss0 = s.rss_kb()

    # The hog pushes 2 MB at once, far more than --recvq (16 kB).
    hog.sock.setblocking(False)
    pushed = 0
    blob = b"PRIVMSG #flood :hog\r\n" * 1000
    end = time.monotonic() + 1.0
    while time.monotonic() < end and pushed < 2 * 1024 * 1024:
        try:
            pushed += hog.sock.send(blob)
        except BlockingIOError:
            time.sleep(0.01)
    start = time.monotonic()
    cpu0 = cpu_seconds(s)
    for c in flooders:
        c.send_raw(b"".join(b"PRIVMSG #flood :%d\r\n" % i for i in range(n)))

    arrived = {c.nick: [] for c in flooders}
    hog_lines = 0
    latencies, sent_at, tick, next_tick = [], {}, 0, start
    deadline = start + (n - burst) / rate + (10 if SANITIZED else 5)
    while min(len(v) for v in arrived.values()) < n:
        now = time.monotonic()
        assert now < deadline, {k: len(v) for k, v in arrived.items()}
        if now >= next_tick:
            chatter.send("PRIVMSG watcher :tick %d" % tick)
            sent_at[tick] = now
            tick += 1
            next_tick = now + 0.25
        for t, m in timed_drain(watcher, 0.02):
            if m.command != "PRIVMSG":
                assert m.command != "QUIT", m
                continue
            if m.nick in arrived:
                arrived[m.nick].append((t, int(m.params[1])))
            elif m.nick == "hog":
                hog_lines += 1
            elif m.nick == "chatter":
                latencies.append(t - sent_at[int(m.params[1].split()[1])])
    rss1 = s.rss_kb()
    cpu = cpu_seconds(s) - cpu0
    spread = max(v[-1][0] for v in arrived.values()) - start
    report("flood control: 3 flooders x %d lines arrived over %.1f s; the "
           "hog pushed %d kB into the socket, %d lines relayed meanwhile; "
           "natterd RSS %d -> %d kB, CPU %.1f s; chat latency max %.0f ms",
           n, spread, pushed // 1024, hog_lines, rss0, rss1, cpu,
           max(latencies) * 1000)
    for nick, got in arrived.items():
        assert [i for _, i in got] == list(range(n)), nick
        first = [i for t, i in got if t - start < 1.0]
        assert len(first) <= burst + rate + 1, (nick, first)
    assert spread >= (n - burst - rate) / rate - 0.5, spread
    # The hog was held to the same rate, not read into memory.
    assert hog_lines <= burst + rate * (spread + 1) + 1, hog_lines
    assert rss1 - rss0 < 2048 * MEM, (rss0, rss1)
    assert len(latencies) >= 8
    assert max(latencies) < (1.0 if SANITIZED else 0.5), latencies
    # Nobody was thrown out for flooding.
    for c in flooders:
        c.send("PING :still here")
        assert c.expect("PONG", timeout=TIMEOUT).params[1] == "still here"
    # What the hog sent is relayed at its rate even if it leaves now, so
    # its QUIT would come hours later: do not wait for it.
    hog.reset()
    still_serving(s)


def test_throttled_client_past_recvq_does_not_spin(natterd):
    """A client that sends more than --recvq at once under flood control
    is read no further until its lines are handled: natterd should then
    sleep until the next token, not busy-loop.

    It does busy-loop (natterd 0.1.0, libevent 2.1.12): with the input
    buffer at the read high watermark, libevent schedules the read
    callback again after every callback (bufferevent_inbuf_wm_check), and
    conn_process() returns without draining while flood control waits,
    so the loop never sleeps: 100 % CPU for as long as the client has
    more than --recvq queued, minutes for a few hundred kB."""
    s = natterd("--max-per-ip", "0")        # flood control as shipped
    hog = Client(s.port, "hog").join("#c")
    w = Client(s.port, "watcher").join("#c")
    hog.sync()
    # 2000 short lines, 30 kB: more than --recvq (16 kB) at once.
    hog.send_raw(b"PRIVMSG #c :x\r\n" * 2000)
    w.sync()
    cpu0, t0 = cpu_seconds(s), time.monotonic()
    got = [m for m in w.drain(2.0) if m.command == "PRIVMSG"]
    cpu = cpu_seconds(s) - cpu0
    wall = time.monotonic() - t0
    report("throttled client past recvq: natterd used %.2f s of CPU in "
           "%.2f s while relaying %d lines", cpu, wall, len(got))
    # Lines go out at the flood rate (4/s after a burst of 20)...
    assert len(got) <= 20 + 4 * 3, len(got)
    # ...and between them natterd should be idle.
    assert cpu < 0.2 * wall, "natterd spun: %.2f s of CPU in %.2f s" % (
        cpu, wall)
    hog.reset()
    still_serving(s)


# --- Bad bytes, many at once ----------------------------------------------

def test_garbage_from_many_clients_at_once(natterd):
    """Twenty members of a channel each send, in one write: invalid
    UTF-8, an overlong CR, a NUL, a bare CR that would start a second
    command, 64 kB with no line end, and then one good line. Each gets
    exactly its FAIL, 400, 400, one 417 and nothing else; the channel
    gets exactly the twenty good lines and no byte of the rest; every
    connection stays."""
    s = natterd("--max-per-ip", "0", "--flood-rate", "0")
    w = Client(s.port, "watcher").join("#junk")
    cs = [Client(s.port, "junk%d" % i).join("#junk") for i in range(20)]
    w.sync()
    rss0 = s.rss_kb()
    for i, c in enumerate(cs):
        c.send_raw(b"PRIVMSG #junk :caf\xe9 %d\r\n" % i +
                   b"PRIVMSG #junk :\xc0\x8dPRIVMSG #junk :overlong\r\n" +
                   b"PRIVMSG #junk :nul\x00QUIT :injected\r\n" +
                   b"PRIVMSG #junk :one\rQUIT :injected\r\n" +
                   b"PRIVMSG #junk :" + b"G" * 65536 +
                   b"\r\nPRIVMSG #junk :good %d\r\n" % i)
    for i, c in enumerate(cs):
        got = c.sync(timeout=TIMEOUT * 2)
        errors = [(m.command, m.params[1]) for m in got
                  if m.command not in ("JOIN", "PRIVMSG")]
        assert errors == [
            ("FAIL", "INVALID_UTF8"), ("FAIL", "INVALID_UTF8"),
            ("400", "*"), ("400", "*"),
            ("417", "Input line was too long")], (c.nick, errors)
    texts = sorted(m.params[1] for m in w.sync() if m.command == "PRIVMSG")
    assert texts == sorted("good %d" % i for i in range(20))
    assert not [l for l in w.lines if "GGG" in l or "injected" in l
                or "overlong" in l]
    assert not [l for l in w.lines if " QUIT " in l]
    rss1 = s.rss_kb()
    report("20 clients x 64 kB of garbage at once: natterd RSS %d -> %d kB",
           rss0, rss1)
    assert rss1 - rss0 < 4096 * MEM
    still_serving(s)


# --- Resets at bad moments ------------------------------------------------

def test_reset_while_server_writes_large_backlog(natterd):
    """Ten members of a channel stop reading and then reset, one after
    another, while natterd still holds a backlog for each, beyond what
    the kernel buffers (about 2 MB a socket here): each is
    closed with the socket's error, its backlog freed, its descriptor
    closed; the members who read lose nothing."""
    s = natterd("--sendq", str(4 * 1024 * 1024), "--flood-rate", "0",
                "--max-per-ip", "0")
    fd0 = nfd(s)
    talker = Client(s.port, "talker").join("#big")
    reader = Client(s.port, "reader").join("#big")
    victims = [Client(s.port, "victim%d" % i, rcvbuf=4096).join("#big")
               for i in range(10)]
    reader.sync()
    rss0 = s.rss_kb()
    text = b"b" * 400
    total = 9000                        # 3.8 MB to every member
    got = []
    for start in range(0, total, 100):
        talker.send_raw(b"".join(b"PRIVMSG #big :%d %s\r\n" % (i, text)
                                 for i in range(start, start + 100)))
        got += [int(m.params[1].split()[0]) for m in reader.drain(0.005)
                if m.command == "PRIVMSG"]
    talker.sync()
    peak = s.rss_kb()
    # natterd itself held part of the backlog, not only the kernel.
    assert peak - rss0 > 5 * 1024, (rss0, peak)
    for i, v in enumerate(victims):
        v.reset()
        if i % 3 == 0:
            talker.send("PRIVMSG #big :%d %s" % (total, "after reset"))
            total += 1
    talker.sync()               # its last lines are in the readers' queues
    quits = []
    end = time.monotonic() + TIMEOUT * 2
    while len(quits) < len(victims):
        assert time.monotonic() < end, quits
        for m in reader.sync(timeout=TIMEOUT * 2):
            if m.command == "PRIVMSG":
                got.append(int(m.params[1].split()[0]))
            elif m.command == "QUIT":
                quits.append(m)
    assert got == list(range(total))
    assert sorted(m.nick for m in quits) == sorted(v.nick for v in victims)
    assert {m.params[0] for m in quits} <= {"Connection reset by peer",
                                            "Broken pipe"}, quits
    reader.send("QUIT")
    talker.send("QUIT")
    reader.wait_closed()
    talker.wait_closed()
    wait_fds(s, fd0)
    rss1 = s.rss_kb()
    report("10 resets with 3.8 MB sent to each: natterd RSS %d kB -> "
           "peak %d kB -> %d kB after", rss0, peak, rss1)
    if not SANITIZED:                   # ASan keeps freed memory
        assert rss1 - rss0 < (peak - rss0) / 2 + 1024, (rss0, peak, rss1)
    still_serving(s)


def test_reset_during_channel_fanout(natterd):
    """A channel of 100: a sender sends bursts of 100 lines while, after
    each burst, ten members reset. Every line reaches every member still
    there, in order; each reset member causes exactly one QUIT."""
    s = natterd("--flood-rate", "0", "--max-per-ip", "0")
    n = 100

    async def body():
        members = await crowd(s.port, ["fan%d" % i for i in range(n)])
        for c in members:
            c.send("JOIN #fan")
        await asyncio.gather(*(c.expect("366") for c in members))
        sender = await Conn.open(s.port, "sender")
        sender.send("JOIN #fan")
        await sender.expect("366")
        await asyncio.gather(*(c.sync() for c in members))
        gone = set()
        sent = 0
        for burst in range(5):
            sender.w.write(b"".join(b"PRIVMSG #fan :%d\r\n" % i for i in
                                    range(sent, sent + 100)))
            sent += 100
            await sender.w.drain()
            for c in members[burst * 10:burst * 10 + 10]:
                c.reset()
                gone.add(c.nick)
            await asyncio.sleep(0.01)
        await sender.sync()
        left = [c for c in members if c.nick not in gone]

        async def check(c):
            msgs = [m for m in await c.sync(timeout=TIMEOUT * 2)
                    if m.command in ("PRIVMSG", "QUIT")]
            assert [int(m.params[1]) for m in msgs
                    if m.command == "PRIVMSG"] == list(range(sent)), c.nick
            quits = [m.nick for m in msgs if m.command == "QUIT"]
            assert sorted(quits) == sorted(gone), (c.nick, quits)

        await asyncio.gather(*(check(c) for c in left))
        sender.send("NAMES #fan")
        names = set()
        while True:
            m = await sender.expect("353", "366")
            if m.command == "366":
                break
            names |= {x.lstrip("@") for x in m.params[-1].split()}
        assert names == {c.nick for c in left} | {"sender"}
        for c in left + [sender]:
            c.close()

    run(body())
    still_serving(s)


# --- Membership under concurrency -----------------------------------------

def test_concurrent_join_part_storm(natterd):
    """100 clients join and part the same two channels at once, twenty
    rounds each, every step waiting for the server's echo. The watcher
    in #storm sees a consistent history (no JOIN of a member, no PART of
    a stranger); at the end NAMES lists exactly who stayed, LIST counts
    them, and the channel everyone left is gone."""
    s = natterd("--flood-rate", "0", "--max-per-ip", "0")
    n, rounds = 100, 20
    w = Client(s.port, "watcher").join("#storm")

    async def body():
        cs = await crowd(s.port, ["st%d" % i for i in range(n)])

        async def storm(i, c):
            for r in range(rounds):
                for chan in ("#storm", "#ghost"):
                    c.send("JOIN " + chan)
                    while True:         # others' JOINs come too
                        m = await c.expect("JOIN")
                        if m.nick == c.nick:
                            break
                    assert m.params == [chan], m
                    if r == rounds - 1 and chan == "#storm" and i % 2:
                        continue        # odd ones stay in #storm
                    c.send("PART " + chan)
                    while True:
                        m = await c.expect("PART")
                        if m.nick == c.nick:
                            break
                    assert m.params[0] == chan, m

        t0 = time.monotonic()
        await asyncio.gather(*(storm(i, c) for i, c in enumerate(cs)))
        took = time.monotonic() - t0
        await asyncio.gather(*(c.sync() for c in cs))
        report("%d clients x %d rounds of JOIN/PART on 2 channels in "
               "%.1f s", n, rounds, took)
        check()             # blocking, but the crowd has nothing to do
        for c in cs:
            c.close()

    def check():
        stay = {"st%d" % i for i in range(1, n, 2)}
        # The watcher's view of #storm, replayed.
        members = {"watcher"}
        events = 0
        for m in w.sync(timeout=TIMEOUT * 2):
            if m.command == "JOIN":
                assert m.nick not in members, "JOIN of a member: %s" % m.raw
                members.add(m.nick)
                events += 1
            elif m.command == "PART":
                assert m.nick in members, "PART of a stranger: %s" % m.raw
                members.remove(m.nick)
                events += 1
            else:
                assert m.command in ("PING",), m.raw
        assert events == n * rounds * 2 - len(stay)
        assert members == stay | {"watcher"}
        w.send("NAMES #storm")
        names = set()
        while True:
            m = w.expect_any(("353", "366"))
            if m.command == "366":
                break
            names |= {x.lstrip("@") for x in m.params[-1].split()}
        assert names == stay | {"watcher"}
        # The watcher joined first and stayed: it alone is operator.
        w.send("NAMES #storm")
        ops = set()
        while True:
            m = w.expect_any(("353", "366"))
            if m.command == "366":
                break
            ops |= {x[1:] for x in m.params[-1].split() if x.startswith("@")}
        assert ops == {"watcher"}
        w.send("LIST")
        listed = {}
        while True:
            m = w.expect_any(("322", "323"))
            if m.command == "323":
                break
            listed[m.params[1]] = int(m.params[2])
        assert listed == {"#storm": len(stay) + 1}, listed
        w.send("NAMES #ghost")
        assert w.expect_any(("353", "366")).command == "366"

    run(body())
    still_serving(s)


# --- Security properties --------------------------------------------------

def test_no_client_can_speak_as_another(natterd):
    """Whatever prefix or tags mallory puts on a line, everything others
    get from her carries her own nick!user@host and the server's own
    tags; she cannot send a line that looks like it came from the server
    or from alice, and numerics she sends are not relayed."""
    s = natterd("--flood-rate", "0", "--max-per-ip", "0")
    alice = Client(s.port, "alice", caps=("server-time",)).join("#room")
    bob = Client(s.port, "bob").join("#room")
    mal = Client(s.port, "mallory").join("#room")
    alice.sync()
    bob.sync()
    mal.sync()
    real = "mallory!~u@127.0.0.1"
    forged = (":alice!~u@127.0.0.1 ", ":natterd ", ":alice ", ":natterd.",
              ":bob!~u@127.0.0.1 ")
    lines = []
    for p in forged:
        lines += [p + "PRIVMSG #room :via %s" % p.strip(),
                  p + "NOTICE alice :via %s" % p.strip(),
                  p + "PRIVMSG bob :via %s" % p.strip()]
    lines += [
        "@time=2000-01-01T00:00:00.000Z;account=alice;+draft/reply=1 "
        ":alice!~u@127.0.0.1 PRIVMSG #room :tagged",
        ":natterd 001 alice :Welcome, fake",
        "001 alice :Welcome, fake",
        ":natterd KILL alice :fake",
        ":alice!~u@127.0.0.1 TOPIC #room :forged topic",
        ":alice!~u@127.0.0.1 KICK #room bob :forged kick",
        ":alice!~u@127.0.0.1 MODE #room +o mallory",
        ":alice!~u@127.0.0.1 PART #room :forged part",
        ":alice!~u@127.0.0.1 JOIN #room",
    ]
    mal.send_raw("".join(l + "\r\n" for l in lines).encode())
    mal.sync()
    # The prefix is ignored, the command is hers: these rename her and
    # end her connection, whoever they claim to come from.
    mal.send(":alice!~u@127.0.0.1 NICK alice2")
    mal.send(":alice!~u@127.0.0.1 QUIT :forged quit")
    mal.wait_closed()
    now = time.time()
    for c in (alice, bob):
        got = c.sync()
        assert got[-1].command == "QUIT" and got[-1].params == [
            "Quit: forged quit"], got[-1:]
        assert got[-2].command == "NICK" and got[-2].params == ["alice2"]
        for m in got:
            # Nothing from the server: they sent nothing but the PING.
            assert m.prefix in (real, "alice2!~u@127.0.0.1"), \
                "%s got %r" % (c.nick, m.raw)
            if "time" in m.tags:
                t = time.mktime(time.strptime(m.tags["time"][:19],
                                              "%Y-%m-%dT%H:%M:%S"))
                assert abs(t - time.timezone - now) < 60, m.raw
            assert set(m.tags) <= {"time"}, m.raw
            assert m.command in ("PRIVMSG", "NOTICE", "PART", "JOIN",
                                 "NICK", "QUIT"), m.raw
    # The server answered the forged numeric and KILL itself, to her: she
    # is no operator.
    assert any(" 421 mallory 001 " in l for l in mal.lines), mal.lines[-20:]
    assert any(" 481 mallory :Permission Denied" in l for l in mal.lines)
    # alice and bob are untouched: same nick, still in #room.
    for c in (alice, bob):
        c.send("WHOIS " + c.nick)
        assert c.expect("319").params[2].lstrip("@") == "#room"
    still_serving(s)


INJECTIONS = [
    # (what is sent, as raw bytes)
    b"PRIVMSG #room :a\rPRIVMSG victim :INJ1",
    b"PRIVMSG #room :a\r:natterd 001 victim :INJ2",
    b"PRIVMSG victim :a\x00\r\nPRIVMSG victim :INJ3",
    b"NOTICE victim :a\r\nINJ4 victim :x",
    b"PRIVMSG #room :\xc0\x8d\xc0\x8aPRIVMSG victim :INJ5",
    b"TOPIC #room :t\rPRIVMSG victim :INJ6",
    b"PART #room :bye\r:natterd KICK #room victim :INJ7",
    b"AWAY :gone\rPRIVMSG victim :INJ8",
    b"PING :tok\rPRIVMSG victim :INJ9",
    b"CAP REQ :echo-message\rPRIVMSG victim :INJ10",
    b"WHOIS vic\x00tim\rPRIVMSG victim :INJ11",
    b"JOIN #ro\rom,#INJ12",
    b"NICK att\racker",
    b"@label=x\\r\\nPRIVMSG\\sv PRIVMSG #room :tag escapes INJ13",
    b"@label=a\rPRIVMSG victim :INJ14",
    b"QUIT :bye\r\nPRIVMSG victim :INJ15",
]


def test_no_line_injection_through_parameters(natterd):
    """A CR, LF or NUL inside a parameter never reaches anyone as the
    start of a line of its own: the line is refused (400, FAIL), or the
    LF ends it and what follows is the attacker's own next command,
    relayed under the attacker's real prefix. Escaped CR LF in a tag
    value stay escaped text, and tags are not relayed anyway."""
    s = natterd("--flood-rate", "0", "--max-per-ip", "0")
    victim = Client(s.port, "victim", caps=("server-time",)).join("#room")
    other = Client(s.port, "other").join("#room")
    real = "attacker!~u@127.0.0.1"
    reached = set()
    for raw in INJECTIONS:
        marks = (len(victim.lines), len(other.lines))
        att = Client(s.port, "attacker").join("#room")
        victim.sync()
        att.send_raw(raw + b"\r\n")
        if not raw.startswith(b"QUIT"):
            att.sync()
            att.send("QUIT")
        att.wait_closed()
        victim.sync()
        other.sync()
        for c, mark in ((victim, marks[0]), (other, marks[1]), (att, 0)):
            for m in map(Msg, c.lines[mark:]):
                if "INJ" not in m.raw:
                    continue
                # Only ever as the attacker's own message, whole.
                assert m.prefix == real or (
                    c is att and m.prefix == "natterd" and
                    m.command in ("421", "401", "403")), (raw, m.raw)
                assert m.command not in ("001", "KICK"), (raw, m.raw)
                if c is not att:
                    reached.add(re.search(r"INJ\d+", m.raw).group(0))
        assert [l for l in victim.lines[marks[0]:]
                if Msg(l).command == "QUIT"], victim.lines[marks[0]:]
    # Only what followed a real line end was a message, and it was hers.
    assert reached == {"INJ3", "INJ13"}, reached
    # Nothing the attacker sent ever put a bare CR, LF or NUL on a wire.
    for c in (victim, other):
        for l in c.lines:
            assert "\r" not in l and "\x00" not in l, l
    still_serving(s)


# Every control, format, separator and space character of Unicode
# (categories Cc, Cf, Zs, Zl, Zp), but NUL, CR and LF, which end or
# spoil the whole line and are tested above.
FORBIDDEN = [cp for cp in range(0x110000)
             if unicodedata.category(chr(cp)) in ("Cc", "Cf", "Zs", "Zl",
                                                  "Zp")
             and cp not in (0, 0x0a, 0x0d)]


def names_refused(s, kind):
    """Try a name with each FORBIDDEN character inside; return those the
    server accepted, as (code point, name, category) lists."""
    c = Client(s.port, unique_nick("nm"))
    accepted = []
    for cp in FORBIDDEN:
        ch = chr(cp)
        if kind == "nick":
            c.send("NICK :a" + ch + "b")
        else:
            c.send("JOIN :#a" + ch + "b")
        got = c.sync()
        ok = [m for m in got if m.command in ("NICK", "JOIN")]
        bad = [m for m in got if m.command in ("432", "403")]
        assert len(ok) + len(bad) == 1, (hex(cp), [m.raw for m in got])
        if ok:
            accepted.append("U+%04X %s (%s)" % (
                cp, unicodedata.name(ch, "?"), unicodedata.category(ch)))
            if kind == "nick":
                c.send("NICK " + unique_nick("nm"))
            else:
                c.send("PART :#a" + ch + "b")
            c.sync()
    c.send("QUIT")
    c.wait_closed()
    return accepted


@pytest.mark.parametrize("kind", ["nick", "channel"])
def test_names_refuse_control_and_format_characters(natterd, kind):
    """No nickname or channel name may hold a control character, a
    format character (zero-width, bidirectional, invisible operators,
    tags, ...), a line or paragraph separator or any kind of space: each
    such code point (FORBIDDEN, from Python's Unicode database) is
    refused with 432 or 403."""
    s = natterd("--flood-rate", "0", "--max-per-ip", "0")
    accepted = names_refused(s, kind)
    assert not accepted, "%d %s names accepted with: %s" % (
        len(accepted), kind, ", ".join(accepted))
    still_serving(s)


def test_password_before_registration(natterd):
    """With --password, nothing a client sends before the right PASS
    reaches anyone: commands queued behind NICK and USER in the same
    write, a PASS that comes too late, a wrong PASS inside CAP
    negotiation, fifty wrong guesses at once. Each gets 464 and ERROR,
    never 001. A right PASS during CAP, after NICK and USER, is in time."""
    s = natterd("--password", "s3cret", "--flood-rate", "0",
                "--max-per-ip", "0")
    victim = Client(s.port, "victim", password="s3cret").join("#room")

    def refused(raw, nick):
        c = Client(s.port)
        c.send_raw(raw)
        got = c.wait_closed()
        cmds = [m.command for m in got]
        assert "001" not in cmds, (raw, cmds)
        assert cmds[-2:] == ["464", "ERROR"], (raw, cmds)
        assert got[-1].params[0].endswith("[Bad password]")
        # Commands before registration got 451, and did nothing.
        assert set(cmds[:-2]) <= {"451", "CAP"}, (raw, cmds)

    refused(b"NICK m1\r\nUSER m 0 * :m\r\nPRIVMSG victim :INJ\r\n"
            b"JOIN #room\r\nPASS s3cret\r\n", "m1")
    refused(b"PRIVMSG victim :INJ\r\nJOIN #room\r\nNICK m2\r\n"
            b"USER m 0 * :m\r\n", "m2")
    refused(b"CAP LS 302\r\nPASS wrong\r\nNICK m3\r\nUSER m 0 * :m\r\n"
            b"JOIN #room\r\nCAP END\r\n", "m3")
    refused(b"PASS :s3cret \r\nNICK m4\r\nUSER m 0 * :m\r\n", "m4")
    refused(b"PASS :S3CRET\r\nNICK m5\r\nUSER m 0 * :m\r\n", "m5")

    async def guesses():
        async def one(i):
            c = await Conn.open(s.port)
            c.send("PASS :guess%d\r\nNICK g%d\r\nUSER g 0 * :g" % (i, i))
            got = await c.wait_closed()
            assert [m.command for m in got] == ["464", "ERROR"], got
        await asyncio.gather(*(one(i) for i in range(50)))

    run(guesses())
    victim.quiet("PRIVMSG", "JOIN")
    # PASS after NICK and USER is in time while CAP holds registration.
    c = Client(s.port)
    c.send_raw(b"CAP LS 302\r\nNICK late\r\nUSER l 0 * :l\r\n"
               b"PASS s3cret\r\nCAP END\r\n")
    assert c.expect("001").params[0] == "late"
    still_serving_with_password(s, "s3cret")


def still_serving_with_password(s, password):
    """still_serving() for a server with --password: the same checks
    with clients that know it."""
    assert s.alive()
    a = Client(s.port, unique_nick("pa"), password=password).join("#pw")
    b = Client(s.port, unique_nick("pb"), password=password).join("#pw")
    a.expect("JOIN", "#pw", where=lambda m: m.nick == b.nick)
    a.send_raw(b"".join(b"PRIVMSG #pw :%d\r\n" % i for i in range(20)))
    assert [b.expect("PRIVMSG").params[1] for _ in range(20)] == [
        str(i) for i in range(20)]


def test_per_ip_limit_under_concurrency(natterd):
    """--max-per-ip 4: eight addresses each open seven connections at
    once; from each exactly four get in and three are refused, whatever
    the interleaving; unregistered connections count; a slot freed by a
    reset can be taken again; other addresses never notice."""
    s = natterd("--max-per-ip", "4", "--flood-rate", "0",
                "--log-level", "debug")
    addrs = ["127.0.0.%d" % i for i in range(2, 10)]

    async def attempt(addr, nick):
        c = await Conn.open(s.port, bind=addr)
        c.send("NICK %s\r\nUSER x 0 * :x" % nick)
        m = await c.expect("001", "ERROR")
        if m.command == "ERROR":
            assert m.params == ["Closing link: (*@%s) [Too many "
                                "connections from your address]" % addr]
            await c.wait_closed()
            return None
        await c.expect("376", "422")
        return c

    async def body():
        tries = [attempt(a, "ip%d_%d" % (i, k))
                 for k in range(7) for i, a in enumerate(addrs)]
        res = await asyncio.gather(*tries)
        held = {}
        for c in res:
            if c is not None:
                host = c.w.get_extra_info("sockname")[0]
                held.setdefault(host, []).append(c)
        assert {a: len(held.get(a, [])) for a in addrs} == {
            a: 4 for a in addrs}
        # 127.0.0.1 is another address: the crowd does not affect it.
        still_serving(s)
        # Two resets from the first address free two slots, no more.
        a0 = addrs[0]
        mark = s.log_mark()
        for c in held[a0][:2]:
            c.reset()
        end = time.monotonic() + TIMEOUT
        while len([l for l in s.log[mark:]
                   if l and re.search(r"freed \d+$", l)]) < 2:
            assert time.monotonic() < end, s.log[mark:]
            await asyncio.sleep(0.02)
        again = await asyncio.gather(attempt(a0, "again1"),
                                     attempt(a0, "again2"))
        assert None not in again
        assert await attempt(a0, "again3") is None
        # Unregistered connections count as much as registered ones.
        a9 = "127.0.0.10"
        idle = [await Conn.open(s.port, bind=a9) for _ in range(4)]
        for c in idle:
            c.send("PING :x")
            await c.expect("PONG")
        assert await attempt(a9, "fifth") is None
        for c in held[a0][2:] + list(again) + idle + sum(
                (held[a] for a in addrs[1:]), []):
            c.close()

    run(body())
    still_serving(s)
