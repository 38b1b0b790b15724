"""IPv6: natterd listening on [::1] serves clients there. Not skipped: a
machine without ::1 on its loopback fails here, saying so."""

import socket

import pytest

from conftest import Client


@pytest.fixture
def have_ipv6_loopback():
    try:
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        s.bind(("::1", 0))
        s.close()
    except OSError as e:
        pytest.fail("IPv6 loopback ::1 is not usable on this machine (%s): "
                    "see `ip -6 addr show lo`; enable IPv6 on lo "
                    "(sysctl net.ipv6.conf.lo.disable_ipv6=0)" % e)


def test_listen_ipv6(natterd, have_ipv6_loopback):
    s = natterd("--flood-rate", "0", listen="[::1]:0")
    assert s.host == "::1"
    a = Client(s.port, "alice", host="::1").join("#six")
    w = a.sock.getpeername()
    assert a.sock.family == socket.AF_INET6 and w[0] == "::1"
    b = Client(s.port, "bob", host="::1").join("#six")
    m = a.expect("JOIN")
    # "::1" would start a parameter with ':', so the host shows as 0::1.
    assert m.prefix == "bob!~u@0::1"
    b.send("PRIVMSG #six :over IPv6, 육")
    m = a.expect("PRIVMSG")
    assert m.prefix == "bob!~u@0::1" and m.params == ["#six", "over IPv6, 육"]
    a.send("WHOIS bob")
    m = a.expect("311")
    assert m.params == ["alice", "bob", "~u", "0::1", "*", "Test bob"]
    a.send("WHO #six")
    m = a.expect("352")
    assert m.params[3] == "0::1"


def test_ipv4_and_ipv6_together(natterd, have_ipv6_loopback):
    s = natterd("--flood-rate", "0", "--listen", "127.0.0.1:0",
                listen="[::1]:0")
    port4 = int(s.wait_log(r"listening on 127\.0\.0\.1:(\d+)").group(1))
    six = Client(s.port, "six", host="::1").join("#both")
    four = Client(port4, "four", host="127.0.0.1").join("#both")
    m = six.expect("JOIN")
    assert m.prefix == "four!~u@127.0.0.1"
    six.send("PRIVMSG #both :hello v4")
    m = four.expect("PRIVMSG")
    assert m.prefix == "six!~u@0::1" and m.params[1] == "hello v4"


def test_ipv6_only_listener_refuses_ipv4(natterd, have_ipv6_loopback):
    s = natterd("--flood-rate", "0", listen="[::1]:0")
    with pytest.raises(AssertionError, match="cannot connect"):
        Client(s.port, host="127.0.0.1")
