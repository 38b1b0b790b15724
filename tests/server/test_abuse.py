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
import resource
import socket
import struct
import time
import unicodedata

import pytest

from conftest import Client, Msg, SANITIZED, TIMEOUT, unique_nick, witness

# The heavy counts, for the normal build and for ASan+UBSan.
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
        self.w.transport.abort() if self.closed else self.w.close()
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

    # A warm-up, so that the allocator has seen a crowd before we measure.
    fd0 = nfd(s)
    run(cycles(0, 200))
    wait_fds(s, fd0)
    keeper.sync()
    rss0 = s.rss_kb()
    t0 = time.monotonic()
    run(cycles(200, n), timeout=300 if SANITIZED else 120)
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
    for i in range(n + 200):
        if (i % nchan) % 2:
            assert "ch%d" % i not in seen
        else:
            assert seen.get("ch%d" % i) == ["JOIN", "PRIVMSG", "QUIT"], (
                i, seen.get("ch%d" % i))
    assert quits <= {"Quit: cycle %d done" % i for i in range(n + 200)} | {
        "Remote host closed the connection", "Connection reset by peer"}
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
    # Without the limit each would hold what the readers got.
    assert peak - rss0 < (n * sendq * 2 // 1024 + 4096) * MEM, (rss0, peak)
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
