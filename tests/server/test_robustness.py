"""Bad input and bad peers. After each, the server must still serve
everyone: witness() has two fresh clients exchange messages."""

import os
import socket
import time

import pytest

from conftest import Client, SANITIZED, TIMEOUT, VALGRIND, witness


@pytest.fixture
def room(clients):
    """alice and bob in #room."""
    a = clients("alice").join("#room")
    b = clients("bob").join("#room")
    a.sync()
    return a, b


def still_talking(a, b, text="still alive"):
    """a's next message reaches b: a's connection and b's are fine."""
    b.sync()
    a.send("PRIVMSG #room :" + text)
    m = b.expect("PRIVMSG", "#room")
    assert m.params[1] == text and m.nick == a.nick


# --- Lines too long -------------------------------------------------------

def test_overlong_line_417_connection_stays(room, srv):
    a, b = room
    a.send("PRIVMSG #room :" + "x" * 600)
    m = a.expect("417")
    assert m.params == ["alice", "Input line was too long"]
    b.quiet("PRIVMSG")
    still_talking(a, b)
    witness(srv.port)


def test_longest_line_accepted(room):
    a, b = room
    # 512 bytes with CR LF: the RFC limit, accepted.
    line = "PRIVMSG #room :" + "y" * (510 - len("PRIVMSG #room :"))
    assert len(line) == 510
    a.send(line)
    # The relayed line is longer (the prefix): 417 with a reason, but not
    # the "Input line was too long" of a line that was refused.
    m = a.expect("417")
    assert m.params[1] != "Input line was too long"
    a.send(line + "z")                  # 513 bytes: refused
    m = a.expect("417")
    assert m.params == ["alice", "Input line was too long"]


def test_20k_without_line_end_one_417(room, srv):
    a, b = room
    a.send_raw(b"PRIVMSG #room :" + b"A" * 20 * 1024)
    m = a.expect("417")
    assert m.params == ["alice", "Input line was too long"]
    # The rest of that line is dropped when it ends; the next line works.
    a.send_raw(b"B" * 1000 + b"\r\n")
    a.send("PRIVMSG #room :after the flood")
    m = b.expect("PRIVMSG")
    assert m.params == ["#room", "after the flood"]
    a.sync()
    n417 = [l for l in a.lines if " 417 " in l]
    assert len(n417) == 1, n417
    assert not [l for l in b.lines if "AAAA" in l or "BBBB" in l]
    witness(srv.port)


def test_megabyte_without_line_end(room, srv):
    a, b = room
    rss = srv.rss_kb()
    chunk = b"C" * 65536
    for _ in range(16):
        a.send_raw(chunk)
    a.send_raw(b"\r\n")
    still_talking(a, b)
    a.sync()
    assert len([l for l in a.lines if " 417 " in l]) == 1
    # The server dropped the bytes as they came: no megabyte kept.
    assert srv.rss_kb() - rss < 8 * 1024 * (4 if SANITIZED else 1)
    witness(srv.port)


# --- Bytes that are not text ----------------------------------------------

@pytest.mark.parametrize("bad", [
    b"caf\xe9",                 # Latin-1
    b"\xff\xfe",
    b"\xc0\xaf",                # overlong '/'
    b"\xed\xa0\x80",            # surrogate
    b"\xea\xb0",                # Hangul cut in the middle
    b"\xf4\x90\x80\x80",        # beyond U+10FFFF
])
def test_invalid_utf8_fail_not_relayed(room, srv, bad):
    a, b = room
    a.send_raw(b"PRIVMSG #room :" + bad + b" text\r\n")
    m = a.expect("FAIL")
    assert m.prefix == "natterd"
    assert m.params == ["PRIVMSG", "INVALID_UTF8",
                        "Line is not valid UTF-8 and was dropped"]
    a.send_raw(b"PRIVMSG bob :" + bad + b"\r\n")
    assert a.expect("FAIL").params[:2] == ["PRIVMSG", "INVALID_UTF8"]
    b.quiet("PRIVMSG")
    still_talking(a, b, "valid: 한국어")
    witness(srv.port)


def test_invalid_utf8_in_other_commands(room, srv):
    a, b = room
    a.send_raw(b"NICK caf\xe9\r\n")
    assert a.expect("FAIL").params[:2] == ["NICK", "INVALID_UTF8"]
    a.send_raw(b"TOPIC #room :\xff\r\n")
    assert a.expect("FAIL").params[:2] == ["TOPIC", "INVALID_UTF8"]
    a.send_raw(b"QUIT :\xff\r\n")
    assert a.expect("FAIL").params[:2] == ["QUIT", "INVALID_UTF8"]
    b.quiet("NICK", "TOPIC", "QUIT")
    still_talking(a, b)
    witness(srv.port)


def test_unregistered_invalid_utf8(srv):
    c = Client(srv.port)
    c.send_raw(b"NICK \xff\xff\r\n")
    m = c.expect("FAIL")
    assert m.params[:2] == ["NICK", "INVALID_UTF8"]
    c.send("NICK fine")
    c.send("USER fine 0 * :Fine")
    c.expect("001")


def test_nul_byte_400_not_relayed(room, srv):
    a, b = room
    a.send_raw(b"PRIVMSG #room :before\x00after\r\n")
    m = a.expect("400")
    assert m.params == ["alice", "*", "Line with a NUL or CR byte dropped"]
    b.quiet("PRIVMSG")
    still_talking(a, b)
    witness(srv.port)


def test_bare_cr_400_not_relayed(room, srv):
    a, b = room
    a.send_raw(b"PRIVMSG #room :one\rPRIVMSG #room :two\r\n")
    m = a.expect("400")
    assert m.params == ["alice", "*", "Line with a NUL or CR byte dropped"]
    b.quiet("PRIVMSG")
    still_talking(a, b)
    witness(srv.port)


def test_malformed_lines_400(room, srv):
    a, b = room
    for raw in (b":onlyprefix\r\n", b"@tag=1\r\n", b": PRIVMSG #room :x\r\n",
                b"PRIV-MSG #room :x\r\n", b"1234 x\r\n"):
        a.send_raw(raw)
        m = a.expect("400")
        assert m.params[:2] == ["alice", "*"], raw
        assert m.params[2].startswith("Malformed line dropped: "), raw
    b.quiet("PRIVMSG")
    still_talking(a, b)
    witness(srv.port)


def test_empty_lines_ignored(room, srv):
    a, b = room
    a.send_raw(b"\r\n\n\r\n   \r\n")
    got = a.sync()
    # Blank lines are ignored; a line of spaces is at most a 400.
    assert all(m.command == "400" for m in got), got
    still_talking(a, b)
    witness(srv.port)


# --- Framing --------------------------------------------------------------

def test_line_split_into_single_bytes(room, srv):
    a, b = room
    a.nodelay()
    data = "PRIVMSG #room :조각조각 byte by byte\r\n".encode()
    for i in range(len(data)):
        a.send_raw(data[i:i + 1])
        if i % 8 == 0:
            # A round trip for b lets the server read the partial line
            # now and then: nothing of it may reach b before its end.
            assert b.sync() == []
    m = b.expect("PRIVMSG")
    assert m.params == ["#room", "조각조각 byte by byte"]
    witness(srv.port)


def test_many_lines_in_one_segment(room, srv):
    a, b = room
    a.nodelay()
    batch = b"".join(b"PRIVMSG #room :line %d\r\n" % i for i in range(50))
    a.send_raw(batch + b"PRIVMSG #room :lf only\nPING :end\r\n")
    m = a.expect("PONG")
    assert m.params == ["natterd", "end"]
    texts = [m.params[1] for m in b.sync() if m.command == "PRIVMSG"]
    assert texts == ["line %d" % i for i in range(50)] + ["lf only"]
    witness(srv.port)


def test_tags_and_spaces_tolerated(room, srv):
    a, b = room
    a.send("@label=1;+x=y   PRIVMSG   #room   :spaced out")
    m = b.expect("PRIVMSG")
    assert m.params == ["#room", "spaced out"]
    assert m.tags == {}
    witness(srv.port)


# --- Peers that misbehave at the socket level -----------------------------

def test_slow_reader_sendq_exceeded(natterd):
    # Under ASan (and valgrind) every message history stores leaves its
    # freed buffers in a quarantine, resident: there the growth would be
    # history's churn, not the sendq, so they measure without history.
    s = natterd("--sendq", "65536", "--flood-rate", "0", "--max-per-ip",
                "0", *(("--no-history",) if SANITIZED or VALGRIND else ()))
    flooder = Client(s.port, "flooder").join("#flood")
    slow = Client(s.port, "slow", rcvbuf=4096).join("#flood")
    flooder.expect("JOIN", "#flood")
    before = s.rss_kb()
    text = "x" * 400
    sent = 0
    quit_msg = None
    # Flood until the server gives up on slow; without a sendq limit this
    # would put 32 MB in natterd's memory.
    while quit_msg is None and sent < 32 * 1024 * 1024:
        flooder.send_raw(b"".join(b"PRIVMSG #flood :%d %s\r\n" % (
            i, text.encode()) for i in range(100)))
        sent += 100 * 420
        for m in flooder.drain(0):
            if m.command == "QUIT":
                quit_msg = m
    if quit_msg is None:
        quit_msg = flooder.expect("QUIT")
    assert quit_msg.prefix == "slow!~u@127.0.0.1"
    assert quit_msg.params == ["SendQ exceeded"]
    grew = s.rss_kb() - before
    assert grew < (48 if SANITIZED else 16) * 1024, \
        "natterd grew by %d kB after %d bytes of flood" % (grew, sent)
    # slow gets (part of) its backlog, then the ERROR, then the end.
    got = slow.wait_closed(timeout=TIMEOUT * 2)
    assert got and got[-1].command == "ERROR", got[-3:]
    # The backlog was cut at a line end: no line is garbled.
    for m in got[:-1]:
        if m.command == "PRIVMSG":
            n, _, x = m.params[1].partition(" ")
            assert m.params[0] == "#flood" and x == text, m.raw[:80]
        else:
            assert m.command in ("JOIN", "353", "366", "PONG"), m.raw[:80]
    assert got[-1].params == [
        "Closing link: (~u@127.0.0.1) [SendQ exceeded]"]
    s.wait_log(r"closing \d+ slow 127\.0\.0\.1: SendQ exceeded")
    flooder.send("PRIVMSG #flood :done")
    flooder.quiet()
    witness(s.port)


def test_reset_mid_line(room, srv, clients):
    a, b = room
    c = clients("carol").join("#room").nodelay()
    a.expect("JOIN", "#room")
    c.send_raw(b"PRIVMSG #room :half a li")
    a.sync()                    # most likely, natterd has read it by now
    c.reset()
    m = a.expect("QUIT")
    assert m.prefix == "carol!~u@127.0.0.1"
    assert m.params == ["Connection reset by peer"]
    assert not [l for l in a.lines if "half a li" in l]
    still_talking(a, b)
    witness(srv.port)


def test_reset_with_output_queued(room, srv, clients):
    a, b = room
    c = clients("carol", rcvbuf=4096).join("#room")
    a.expect("JOIN", "#room")
    for i in range(20):
        a.send("PRIVMSG #room :" + "z" * 400)
    a.sync()
    c.reset()
    m = b.expect("QUIT")
    assert m.nick == "carol"
    assert m.params[0] in ("Connection reset by peer", "Broken pipe")
    still_talking(a, b)
    witness(srv.port)


def test_reset_storm(srv):
    """Many clients in all states vanish at once."""
    keep = Client(srv.port, "keeper").join("#storm")
    for i in range(30):
        c = Client(srv.port, register=False)
        if i % 3 == 0:
            c.send("NICK storm%d" % i)
        elif i % 3 == 1:
            c.register("storm%d" % i)
            c.join("#storm")
            c.send_raw(b"PRIVMSG #storm :unfinish")
        c.reset()
    for _ in range(10):
        m = keep.expect("QUIT")
        assert m.nick.startswith("storm")
    assert not [l for l in keep.lines if "unfinish" in l]
    witness(srv.port)


def test_half_closed_socket(room, srv, clients):
    a, b = room
    c = clients("carol").join("#room")
    a.expect("JOIN", "#room")
    c.send("PRIVMSG #room :last words")
    c.sock.shutdown(socket.SHUT_WR)
    m = a.expect("PRIVMSG")
    assert m.prefix == "carol!~u@127.0.0.1"
    assert m.params == ["#room", "last words"]
    m = a.expect("QUIT")
    assert m.nick == "carol"
    assert m.params == ["Remote host closed the connection"]
    # carol can still read: she gets her ERROR.
    got = c.wait_closed()
    assert got[-1].command == "ERROR"
    assert got[-1].params == [
        "Closing link: (~u@127.0.0.1) [Remote host closed the connection]"]
    still_talking(a, b)
    witness(srv.port)


def test_half_closed_after_unterminated_line(room, srv, clients):
    """nc, a line typed without Enter, then Ctrl-D: the line still
    counts, since the end of the stream ends it."""
    a, b = room
    c = clients("carol").join("#room")
    a.expect("JOIN", "#room")
    c.send_raw(b"PRIVMSG #room :one\r\nPRIVMSG #room :no line end")
    c.sock.shutdown(socket.SHUT_WR)
    assert a.expect("PRIVMSG").params == ["#room", "one"]
    assert a.expect("PRIVMSG").params == ["#room", "no line end"]
    assert a.expect("QUIT").params == ["Remote host closed the connection"]
    witness(srv.port)


def test_half_closed_several_lines(room, srv, clients):
    a, b = room
    c = clients("carol").join("#room")
    a.expect("JOIN", "#room")
    c.send_raw(b"PRIVMSG #room :one\r\nPRIVMSG #room :two\r\n"
               b"QUIT :three\r\n")
    c.sock.shutdown(socket.SHUT_WR)
    assert a.expect("PRIVMSG").params == ["#room", "one"]
    assert a.expect("PRIVMSG").params == ["#room", "two"]
    assert a.expect("QUIT").params == ["Quit: three"]
    assert a.quiet("QUIT") == []
    witness(srv.port)


# --- Timeouts -------------------------------------------------------------

def test_registration_timeout(natterd):
    s = natterd("--reg-timeout", "1", "--flood-rate", "0")
    start = time.monotonic()
    c = Client(s.port)
    c.send("NICK slowpoke")
    quick = Client(s.port, "quick")     # registers in time: stays
    got = c.wait_closed(timeout=TIMEOUT)
    waited = time.monotonic() - start
    assert [m.command for m in got] == ["ERROR"], got
    assert got[0].params == [
        "Closing link: (*@127.0.0.1) [Registration timed out]"]
    assert waited >= 0.9, waited
    quick.sync()
    # The nick it held is free.
    Client(s.port, "slowpoke")
    witness(s.port)


def test_registration_timeout_during_cap(natterd):
    s = natterd("--reg-timeout", "1", "--flood-rate", "0")
    c = Client(s.port)
    c.send("CAP LS 302")
    c.send("NICK capper")
    c.send("USER capper 0 * :never ends CAP")
    got = c.wait_closed()
    assert got[-1].params == [
        "Closing link: (~capper@127.0.0.1) [Registration timed out]"]
    witness(s.port)


def test_ping_timeout(natterd):
    s = natterd("--ping-interval", "1", "--ping-timeout", "1",
                "--flood-rate", "0")
    a = Client(s.port, "alive").join("#room")          # answers PINGs
    z = Client(s.port, "zombie", autopong=False).join("#room")
    a.expect("JOIN", "#room")
    # Read both at once: alive must answer its own PINGs meanwhile.
    end = time.monotonic() + TIMEOUT
    seen, got = [], []
    while not z.closed:
        assert time.monotonic() < end, "zombie not closed: %s" % z.lines
        seen += a.drain(0.05)
        got += z.drain(0.05)
    assert [m.command for m in got] == ["PING", "ERROR"], got
    assert got[0].prefix == "natterd" and got[0].params == ["natterd"]
    assert got[1].params[0].startswith(
        "Closing link: (~u@127.0.0.1) [Ping timeout: "), got
    quits = [m for m in seen if m.command == "QUIT"]
    m = quits[0] if quits else a.expect("QUIT")
    assert m.prefix == "zombie!~u@127.0.0.1"
    assert m.params[0].startswith("Ping timeout: ")
    assert m.params[0].endswith(" seconds")
    # alive has been PINGed too, and answered: still here.
    assert any(l.endswith("PING :natterd") for l in a.lines), a.lines
    a.quiet("ERROR")
    s.wait_log(r"closing \d+ zombie 127\.0\.0\.1: Ping timeout")
    assert "alive" not in " ".join(
        l for l in s.log if l and "closing" in l)
    witness(s.port)


def test_any_line_counts_as_pong(natterd):
    s = natterd("--ping-interval", "1", "--ping-timeout", "1",
                "--flood-rate", "0")
    c = Client(s.port, "chatty", autopong=False)
    # Answer nothing, but keep talking: that is proof of life too.
    end = time.monotonic() + 3.0
    while time.monotonic() < end:
        c.send("PRIVMSG chatty :talking")
        c.drain(0.3)
        assert not c.closed
    c.sync()


def test_connection_churn_leaks_no_descriptors(srv):
    """Hundreds of connections that end in every way: natterd ends up
    with the descriptors it started with."""
    def nfd():
        return len(os.listdir("/proc/%d/fd" % srv.pid))

    base = nfd()
    for i in range(300):
        c = Client(srv.port, register=False)
        k = i % 5
        if k == 1:
            c.send_raw(b"NICK x%d\r\nUSER a 0 * :b\r\n" % i)
        elif k == 2:
            c.send_raw(b"NICK y%d\r\nUSER a 0 * :b\r\nJOIN #c\r\n"
                       b"PRIVMSG #c :unfinished" % i)
        elif k == 3:
            c.send_raw(b"QUIT\r\n")
        if k in (2, 4):
            c.reset()
        else:
            c.close()
    end = time.monotonic() + TIMEOUT
    while nfd() > base:
        assert time.monotonic() < end, "natterd holds %d descriptors, " \
            "had %d" % (nfd(), base)
        time.sleep(0.05)
    witness(srv.port)


# --- The log ----------------------------------------------------------------

def test_log_shows_controls_inert(srv):
    """Text from clients reaches natterd's log (quit reasons, nicks): an
    operator reading it in a terminal must not have escape sequences
    played to it. No registration or password is needed to QUIT."""
    c = Client(srv.port)
    c.send_raw(b"QUIT :\x1b]2;owned\x07\x1b[2J\xc2\x9b31m back\\slash " +
               "\ud55c\uae00\r\n".encode("utf-8"))
    c.wait_closed()
    m = srv.wait_log(r"closing \d+ .*Quit: ")
    line = m.string
    assert "\x1b" not in line and "\x07" not in line and "\x9b" not in line
    assert ("Quit: \\x1b]2;owned\\x07\\x1b[2J\\u009b31m back\\\\slash "
            "\ud55c\uae00") in line, line
    c.close()
