"""Limits from the command line: --max-clients, --max-per-ip,
--max-channels, and flood control (--flood-rate, --flood-burst)."""

import socket
import time

from conftest import Client, SANITIZED, TIMEOUT, witness


def quit_and_wait_freed(s, c):
    """c quits; wait until natterd has freed its connection."""
    mark = s.log_mark()
    c.send("QUIT")
    c.wait_closed()
    m = s.wait_log(r"closing (\d+) %s " % c.nick, start=mark)
    s.wait_log(r"freed %s$" % m.group(1), start=mark)


def refused(port, reason, bind=None):
    """Connect and expect only ERROR with reason, then the close."""
    c = Client(port, bind=bind)
    got = c.wait_closed()
    assert [m.command for m in got] == ["ERROR"], got
    assert got[0].params == ["Closing link: (*@%s) [%s]"
                             % (bind or "127.0.0.1", reason)]


def test_max_clients(natterd):
    s = natterd("--max-clients", "2", "--max-per-ip", "0",
                "--flood-rate", "0", "--log-level", "debug")
    a = Client(s.port, "alice")
    b = Client(s.port)                  # unregistered ones count too
    b.send("NICK bob")
    b.sync()
    refused(s.port, "Server is full")
    refused(s.port, "Server is full")
    a.sync()
    b.send("USER bob 0 * :Bob")
    b.expect("001")
    # When one leaves, there is room again.
    quit_and_wait_freed(s, a)
    Client(s.port, "carol")
    refused(s.port, "Server is full")


def test_max_per_ip(natterd):
    s = natterd("--max-per-ip", "2", "--flood-rate", "0",
                "--log-level", "debug")
    Client(s.port, "alice")
    b = Client(s.port, "bob")
    refused(s.port, "Too many connections from your address")
    # Another address is not affected.
    c = Client(s.port, "carol", bind="127.0.0.2")
    c.send("WHOIS carol")
    assert c.expect("311").params[3] == "127.0.0.2"
    Client(s.port, "dave", bind="127.0.0.2")
    refused(s.port, "Too many connections from your address",
            bind="127.0.0.2")
    quit_and_wait_freed(s, b)
    Client(s.port, "erin")


def test_max_channels_405(natterd):
    s = natterd("--max-channels", "2", "--flood-rate", "0")
    a = Client(s.port, "alice")
    a.send("JOIN #a,#b,#c")
    a.expect("366", None, "#a")
    a.expect("366", None, "#b")
    m = a.expect("405")
    assert m.params == ["alice", "#c", "You have joined too many channels"]
    a.send("JOIN #d")
    assert a.expect("405").params[1] == "#d"
    a.send("PART #a")
    a.expect("PART")
    a.send("JOIN #d")
    assert a.expect("JOIN").params == ["#d"]
    a.send("WHOIS alice")
    assert sorted(a.expect("319").params[2].split()) == ["@#b", "@#d"]
    witness(s.port)


def test_flood_control(natterd):
    s = natterd("--flood-rate", "5", "--flood-burst", "10",
                "--max-per-ip", "0")
    flooder = Client(s.port, "flooder").join("#flood")
    watcher = Client(s.port, "watcher").join("#flood")
    chatter = Client(s.port, "chatter")
    flooder.expect("JOIN", "#flood")
    watcher.sync()
    chatter.sync()

    n = 50
    flooder.send_raw(b"".join(b"PRIVMSG #flood :flood %d\r\n" % i
                              for i in range(n)))
    start = time.monotonic()
    arrived = []                # (time, index) of flood lines
    latencies = []
    sent_at = {}
    next_tick = start
    tick = 0
    end = start + 4 * TIMEOUT
    while len(arrived) < n:
        now = time.monotonic()
        assert now < end, "only %d flood lines in %.1fs" % (
            len(arrived), now - start)
        if now >= next_tick:
            chatter.send("PRIVMSG watcher :tick %d" % tick)
            sent_at[tick] = now
            tick += 1
            next_tick = now + 0.25
        for m in watcher.drain(0.02):
            t = time.monotonic()
            if m.command != "PRIVMSG":
                continue
            if m.params[0] == "#flood":
                assert m.nick == "flooder"
                arrived.append((t, int(m.params[1].split()[1])))
            elif m.params[0] == "watcher":
                k = int(m.params[1].split()[1])
                latencies.append(t - sent_at[k])
    # Every line, once, in order.
    assert [i for _, i in arrived] == list(range(n))
    # Throttled: about the burst at once, then flood-rate lines a second.
    first_second = [i for t, i in arrived if t - start < 1.0]
    assert len(first_second) <= 10 + 5 + 1, first_second
    spread = arrived[-1][0] - start
    assert spread >= (n - 10 - 5) / 5 - 1, spread
    # Meanwhile the chatter, within its own budget, got through at once.
    assert len(latencies) >= 10
    limit = 1.0 if SANITIZED else 0.5
    assert max(latencies) < limit, latencies
    # The flooder was slowed down, not thrown out.
    flooder.send("PING :still here")
    assert flooder.expect("PONG", timeout=TIMEOUT).params[1] == "still here"


def test_flood_control_off(natterd):
    s = natterd("--flood-rate", "0", "--max-per-ip", "0")
    a = Client(s.port, "alice").join("#f")
    b = Client(s.port, "bob").join("#f")
    a.sync()
    start = time.monotonic()
    a.send_raw(b"".join(b"PRIVMSG #f :%d\r\n" % i for i in range(500)))
    got = []
    while len(got) < 500:
        got += [int(m.params[1]) for m in b.drain(0.1)
                if m.command == "PRIVMSG"]
        assert time.monotonic() - start < TIMEOUT
    assert got == list(range(500))


def test_half_closed_while_throttled(natterd):
    """A client that sends a burst and half-closes still gets every line
    delivered at the flood rate, then its QUIT."""
    s = natterd("--flood-rate", "50", "--flood-burst", "10",
                "--max-per-ip", "0")
    a = Client(s.port, "alice").join("#room")
    c = Client(s.port, "carol").join("#room")
    a.sync()
    c.send_raw(b"".join(b"PRIVMSG #room :%d %s\r\n" % (i, b"p" * 300)
                        for i in range(60)))
    c.sock.shutdown(socket.SHUT_WR)
    got = []
    while True:
        m = a.recv(timeout=TIMEOUT)
        if m.command == "QUIT":
            break
        assert m.command == "PRIVMSG"
        got.append(int(m.params[1].split()[0]))
    assert got == list(range(60))
    assert m.nick == "carol"
    assert m.params == ["Remote host closed the connection"]
    assert c.wait_closed()[-1].command == "ERROR"


def test_throttled_backlog_is_not_a_ping_timeout(natterd):
    """A throttled client is not read from while its backlog drains, so
    its PONG waits in the kernel: the lines handled meanwhile must count
    as signs of life, or it would be closed for a ping timeout and its
    backlog lost."""
    s = natterd("--flood-rate", "4", "--flood-burst", "1",
                "--ping-interval", "1", "--ping-timeout", "1",
                "--max-per-ip", "0")
    a = Client(s.port, "alice").join("#room")
    c = Client(s.port, "carol").join("#room")
    a.sync()
    n = 16                          # four seconds at the flood rate
    c.send_raw(b"".join(b"PRIVMSG #room :%d\r\n" % i for i in range(n)))
    got = []
    while len(got) < n:
        m = a.recv(timeout=TIMEOUT)
        assert m.command == "PRIVMSG", m.raw
        got.append(int(m.params[1]))
    assert got == list(range(n))
    assert not c.closed
    c.sync()
