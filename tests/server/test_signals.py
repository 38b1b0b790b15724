"""Signals: SIGTERM and SIGINT shut down cleanly, SIGHUP re-reads the
MOTD."""

import signal

import pytest

from conftest import Client, TIMEOUT


def motd_of(c):
    c.sync()
    c.send("MOTD")
    m = c.expect_any(("375", "422"))
    if m.command == "422":
        return None
    lines = []
    while True:
        m = c.recv()
        if m.command == "376":
            return lines
        assert m.command == "372", m
        lines.append(m.params[1])


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_shutdown_signal(natterd, sig):
    s = natterd("--flood-rate", "0", "--max-per-ip", "0")
    a = Client(s.port, "alice").join("#room")
    b = Client(s.port, "bob").join("#room")
    c = Client(s.port, "carol", user="carol")
    u = Client(s.port)                  # not registered yet
    u.send("NICK unreg")
    for x in (a, b, c, u):
        x.sync()
    s.signal(sig)
    for x, user in ((a, "~u"), (b, "~u"), (c, "~carol"), (u, "*")):
        got = x.wait_closed()
        # Only the ERROR: no QUIT from the others while shutting down.
        assert [m.raw for m in got] == [
            "ERROR :Closing link: (%s@127.0.0.1) [Server shutting down]"
            % user], (x.nick, got)
    assert s.proc.wait(timeout=TIMEOUT) == 0
    s.wait_log(r"signal %d: shutting down" % sig)
    s.wait_log(r"exiting$")
    # The listener is gone.
    with pytest.raises(AssertionError, match="cannot connect"):
        Client(s.port)


def test_shutdown_with_a_stalled_reader(natterd):
    """A client that reads nothing does not keep natterd alive for long."""
    # Twice what the kernel may buffer for one socket (net.ipv4.tcp_wmem,
    # 4 MB by default): the rest stays queued in natterd.
    with open("/proc/sys/net/ipv4/tcp_wmem") as f:
        wmem = int(f.read().split()[2])
    s = natterd("--flood-rate", "0", "--max-per-ip", "0",
                "--sendq", str(4 * wmem + (1 << 20)))
    a = Client(s.port, "alice").join("#room")
    stuck = Client(s.port, "stuck", rcvbuf=4096).join("#room")
    for _ in range(2 * wmem // (100 * 420) + 1):
        a.send_raw(b"".join(b"PRIVMSG #room :%s\r\n" % (b"s" * 400)
                            for _ in range(100)))
    a.sync()
    s.signal(signal.SIGTERM)
    got = a.wait_closed()
    assert got[-1].params == [
        "Closing link: (~u@127.0.0.1) [Server shutting down]"]
    # natterd waits at most 5 s for output to drain, then exits 0.
    assert s.proc.wait(timeout=TIMEOUT) == 0
    s.wait_log(r"shutdown: 1 connections did not drain")
    stuck.close()


def test_sighup_rereads_motd(natterd, tmp_path):
    motd = tmp_path / "motd"
    motd.write_text("first version\n")
    s = natterd("--motd", str(motd), "--flood-rate", "0")
    a = Client(s.port, "alice")
    assert motd_of(a) == ["- first version"]

    motd.write_text("second version\n두 번째 줄\n")
    mark = s.log_mark()
    s.signal(signal.SIGHUP)
    s.wait_log(r"motd %s: 2 lines" % str(motd), start=mark)
    assert motd_of(a) == ["- second version", "- 두 번째 줄"]
    # New clients get it in their welcome burst too.
    b = Client(s.port)
    b.send("NICK bob")
    b.send("USER bob 0 * :Bob")
    b.expect("375")
    assert b.expect("372").params[1] == "- second version"
    # Nobody was disconnected.
    a.send("PRIVMSG bob :hup survived")
    assert b.expect("PRIVMSG").params == ["bob", "hup survived"]


def test_sighup_missing_motd_keeps_old(natterd, tmp_path):
    motd = tmp_path / "motd"
    motd.write_text("keep me\n")
    s = natterd("--motd", str(motd), "--flood-rate", "0")
    a = Client(s.port, "alice")
    motd.unlink()
    mark = s.log_mark()
    s.signal(signal.SIGHUP)
    s.wait_log(r"motd %s" % str(motd), start=mark)
    assert motd_of(a) == ["- keep me"]
    assert s.alive()
