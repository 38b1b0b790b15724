"""/connect HOST [PORT] leaves one server for another; /reconnect drops
the link and connects again at once, rejoining the rooms, and retries
after a refused certificate."""

import time

import pytest

from conftest import free_port, joined
from test_tls import ca, flex, pki, tls_natterd  # noqa: F401 (a fixture)


@pytest.fixture
def state(tmp_path):
    """natter's state and configuration in tmp_path, not in $HOME."""
    return {"XDG_STATE_HOME": str(tmp_path / "state"),
            "XDG_CONFIG_HOME": str(tmp_path / "config")}


def test_reconnect_same_server(srv, peer, tui, state):
    t = tui("-n", "alice", "-r", "7", "-p", str(srv.port), env=state)
    joined(t, "#7", 1)
    t.enter("/join 8")
    joined(t, "#8", 1)
    bob = peer("bob").join("#7")
    bob.join("#8")
    joined(t, "#8", 2)
    assert srv.count(r"registered \d+ alice!") == 1
    t.enter("/reconnect")
    t.wait(r"reconnecting to 127\.0\.0\.1 port %d" % srv.port)
    q = bob.expect("QUIT")
    assert q.nick == "alice" and q.params[0].endswith("reconnecting"), q
    # A new connection, the same nick (the old one let go first), both
    # rooms joined again.
    joins = {bob.expect("JOIN").params[0], bob.expect("JOIN").params[0]}
    assert joins == {"#7", "#8"}
    srv.wait_log(r"registered \d+ alice!")
    assert srv.count(r"registered \d+ alice!") == 2
    t.wait(r"\[connected\] alice ")
    joined(t, "#8", 2)
    t.wait(r"2:#7 3:#8")
    t.enter("back again")
    assert bob.expect("PRIVMSG", "#8").params[1] == "back again"


def test_connect_other_server(natterd, peer, tui, state):
    one = natterd()
    two = natterd()
    t = tui("-n", "alice", "-r", "7", "-p", str(one.port), env=state)
    joined(t, "#7", 1)
    t.enter("/join 8")
    joined(t, "#8", 1)
    bob = peer("bob", port=one.port).join("#7")
    carol = peer("carol", port=two.port).join("#7")
    joined(t, "#8", 1)
    t.enter("/connect 127.0.0.1 %d" % two.port)
    assert bob.expect("QUIT").nick == "alice"
    # On the new server: only the room natter was started with.
    assert carol.expect("JOIN", "#7").nick == "alice"
    joined(t, "#7", 2)
    t.wait(r"\[connected\] alice \| 1:127\.0\.0\.1 2:#7$")
    assert two.count(r"registered \d+ alice!") == 1
    t.enter("on the other side")
    assert carol.expect("PRIVMSG", "#7").params[1] == "on the other side"
    t.keys("M-1")
    t.wait(r"^ natter \S+ \| 127\.0\.0\.1 port %d$" % two.port)
    t.wait(r"leaving 127\.0\.0\.1 port %d for 127\.0\.0\.1 port %d"
           % (one.port, two.port))
    t.enter("/connect")
    t.wait(r"usage: /connect host \[port\]")
    # Completion and /help know the commands from the table.
    t.type("/reco")
    t.keys("Tab")
    t.wait(r"^\[127\.0\.0\.1\] /reconnect$")
    t.keys("C-u")
    t.enter("/help unignore")
    t.wait(r"/unignore mask: stop ignoring mask")
    t.enter("/connect 127.0.0.1 70000")
    t.wait(r"70000: not a port number")


def test_reconnect_after_refused_certificate(natterd, pki, tui, state):
    s, tport = tls_natterd(natterd, pki, cert="untrusted")
    t = tui("--tls-ca", ca(pki), "-p", str(tport), "-n", "bob", "-r", "7",
            "127.0.0.1", env=state)
    t.wait(r"\[not connected: certificate refused\]")
    t.wait(flex("/reconnect tries again, /quit leaves"))
    t.wait(r"certificate verify failed")
    s.wait_log(r"closing \d+ 127\.0\.0\.1: ")
    assert s.count(r"closing \d+ 127\.0\.0\.1: ") == 1
    mark = s.log_mark()
    t.enter("/reconnect")
    t.wait(r"reconnecting to 127\.0\.0\.1 port %d" % tport)
    # Tried again, and refused again for the same reason.
    s.wait_log(r"closing \d+ 127\.0\.0\.1: ", start=mark)
    t.wait(r"\[not connected: certificate refused\]")
    t.wait(r"certificate verify failed(.|\n)*reconnecting to(.|\n)*"
           r"certificate verify failed")
    assert s.count(r"registered \d+") == 0


def test_reconnect_skips_the_back_off(natterd, tui, state):
    """With the retries 8 seconds apart, /reconnect connects now."""
    port = free_port()
    t = tui("-n", "alice", "-r", "7", "-p", str(port), env=state)
    t.wait(r"\[disconnected, retry in 8s\]", timeout=30)
    srv = natterd(port)
    asked = time.monotonic()
    t.enter("/reconnect")
    srv.wait_log(r"registered \d+ alice!")
    joined(t, "#7", 1)
    # Well before the next retry would have come.
    assert time.monotonic() - asked < 6
