"""natter over TLS (--tls, --tls-ca, --tls-insecure-skip-verify) against
natterd's TLS listener. A throw-away CA and certificates are made with the
openssl command at test time, as tests/server/test_tls.py does: nothing
secret is committed."""

import os
import re
import socket
import ssl
import threading

import pytest

from conftest import (TIMEOUT, Client, free_port, joined, make_ca,
                      make_cert)

# Server options the other client tests use, plus TLS.
BASE_ARGS = ("--flood-rate", "0", "--max-per-ip", "0")


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("pki"))
    make_ca(d, "ca")
    make_ca(d, "otherca")
    # For 127.0.0.1 and localhost alike.
    make_cert(d, "ca", "good", "localhost", ["DNS:localhost",
                                            "IP:127.0.0.1"])
    # The right name, but no IP address: wrong for 127.0.0.1.
    make_cert(d, "ca", "nameonly", "localhost", ["DNS:localhost"])
    # Another host's certificate, from the trusted CA.
    make_cert(d, "ca", "other", "chat.example.org",
              ["DNS:chat.example.org"])
    # The right names, from a CA natter is not told to trust.
    make_cert(d, "otherca", "untrusted", "localhost",
              ["DNS:localhost", "IP:127.0.0.1"])
    return d


def tls_natterd(natterd, pki, cert="good", tport=0, extra=()):
    """natterd with a plain and a TLS listener; returns it and the TLS
    port."""
    s = natterd(args=BASE_ARGS + (
        "--tls-listen", "127.0.0.1:%d" % tport,
        "--tls-cert", os.path.join(pki, cert + ".pem"),
        "--tls-key", os.path.join(pki, cert + ".key")) + tuple(extra))
    m = s.wait_log(r"listening on 127\.0\.0\.1:(\d+) \(TLS\)")
    return s, int(m.group(1))


def flex(phrase):
    """A pattern for phrase even where the pane wrapped it: any run of
    spaces may be a line end, the sidebar's border and the indent."""
    return r"[\s\u2502]+".join(re.escape(w) for w in phrase.split())


def ca(pki, name="ca"):
    return os.path.join(pki, name + ".pem")


def refused_quietly(t, s):
    """natter stopped after the refusal: no retry reaches the server,
    nothing registered, the window stays open."""
    t.wait(flex("not connecting again: the server's certificate is not "
                "trusted"))
    t.wait(r"\[not connected: certificate refused\]")
    s.wait_log(r"closing \d+ 127\.0\.0\.1: ")
    # A retry would show within the first back-off (1 s).
    t.settle(quiet=2.5)
    assert "reconnecting in" not in t.screen()
    assert s.count(r"closing \d+ 127\.0\.0\.1: ") == 1
    assert s.count(r"registered \d+") == 0
    assert t.dead() is None
    t.enter("/quit")
    assert t.wait_dead() == 0


def test_tls_chat_with_plain_peer(natterd, pki, tui):
    s, tport = tls_natterd(natterd, pki)
    alice = Client(s.port, "alice").join("#7")
    try:
        t = tui("--tls-ca", ca(pki), "-p", str(tport), "-n", "bob", "-r",
                "7", "127.0.0.1")
        joined(t, "#7", 2)
        t.keys("M-1")
        t.wait(r"-!- TLS: TLSv1\.[23], \S+; certificate verified for "
               r"127\.0\.0\.1")
        t.wait(r"^ natter \S+ \| 127\.0\.0\.1 port %d, TLS$" % tport)
        t.keys("M-2")
        joined(t, "#7", 2)
        assert alice.expect("JOIN", "#7").nick == "bob"
        alice.send("PRIVMSG #7 :평문에서 hello")
        t.wait(r"<alice> 평문에서 hello")
        t.enter("암호화 reply over TLS")
        m = alice.expect("PRIVMSG", "#7")
        assert m.nick == "bob" and m.params[1] == "암호화 reply over TLS"
        # The server knows bob came over TLS (671 RPL_WHOISSECURE).
        alice.send("WHOIS bob")
        alice.expect("671", None, "bob")
        t.wait(r"\[connected\] bob ")
    finally:
        alice.close()


def test_tls_host_name(natterd, pki, tui):
    """A host name is checked against the certificate's DNS names;
    localhost may resolve to ::1 first, where nobody listens, and natter
    goes on to 127.0.0.1."""
    s, tport = tls_natterd(natterd, pki, cert="nameonly")
    t = tui("--tls", "--tls-ca", ca(pki), "-p", str(tport), "-n", "bob",
            "-r", "7", "localhost")
    joined(t, "#7", 1)
    t.keys("M-1")
    t.wait(r"certificate verified for localhost")
    s.wait_log(r"registered \d+ bob!")


class SniServer:
    """A TLS server in a thread that records the name each client sent
    as SNI (None: none) and the first line it got, then hangs up."""

    def __init__(self, pki):
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(os.path.join(pki, "good.pem"),
                                 os.path.join(pki, "good.key"))
        self.ctx.sni_callback = self._sni
        self.names = []
        self.lines = []
        self.done = threading.Event()
        self.ls = socket.socket()
        self.ls.bind(("127.0.0.1", 0))
        self.ls.listen(8)
        self.ls.settimeout(TIMEOUT)
        self.port = self.ls.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _sni(self, sock, name, ctx):
        self.names.append(name)

    def _serve(self):
        try:
            raw, _ = self.ls.accept()
            raw.settimeout(TIMEOUT)
            with self.ctx.wrap_socket(raw, server_side=True) as c:
                self.lines.append(c.recv(512))
        except (OSError, ssl.SSLError) as e:
            self.lines.append(repr(e))
        finally:
            self.done.set()

    def close(self):
        self.ls.close()
        self.thread.join(timeout=TIMEOUT)


@pytest.mark.parametrize("host,sni", [("localhost", "localhost"),
                                      ("127.0.0.1", None)])
def test_tls_sni_for_names_only(pki, tui, host, sni):
    """SNI carries a host name; RFC 6066 has no room for an address."""
    srv = SniServer(pki)
    try:
        t = tui("--tls-ca", ca(pki), "-p", str(srv.port), "-n", "bob",
                "-r", "7", host)
        assert srv.done.wait(TIMEOUT)
        assert srv.names == [sni]
        assert srv.lines and srv.lines[0].startswith(b"CAP LS"), srv.lines
        t.wait(r"connected, registering")
    finally:
        srv.close()


def test_tls_ip_literal_needs_ip_san(natterd, pki, tui):
    s, tport = tls_natterd(natterd, pki, cert="nameonly")
    t = tui("--tls-ca", ca(pki), "-p", str(tport), "-n", "bob", "-r", "7",
            "127.0.0.1")
    t.wait(flex("disconnected: certificate verify failed: IP address "
                "mismatch"))
    refused_quietly(t, s)


def test_tls_wrong_host_name_refused(natterd, pki, tui):
    s, tport = tls_natterd(natterd, pki, cert="other")
    t = tui("--tls-ca", ca(pki), "-p", str(tport), "-n", "bob", "-r", "7",
            "localhost")
    t.wait(flex("disconnected: certificate verify failed: hostname "
                "mismatch"))
    refused_quietly(t, s)


def test_tls_untrusted_ca_refused(natterd, pki, tui):
    s, tport = tls_natterd(natterd, pki, cert="untrusted")
    t = tui("--tls-ca", ca(pki), "-p", str(tport), "-n", "bob", "-r", "7",
            "127.0.0.1")
    t.wait(flex("disconnected: certificate verify failed: unable to get "
                "local issuer certificate"))
    refused_quietly(t, s)


def test_tls_system_store_does_not_know_test_ca(natterd, pki, tui):
    """Without --tls-ca the system's CAs are used, and our throw-away CA
    is not among them."""
    s, tport = tls_natterd(natterd, pki)
    t = tui("--tls", "-p", str(tport), "-n", "bob", "-r", "7",
            "127.0.0.1")
    t.wait(flex("disconnected: certificate verify failed: unable to get "
                "local issuer certificate"))
    refused_quietly(t, s)


def test_tls_refusal_with_no_reconnect_exits_69(natterd, pki, tui):
    s, tport = tls_natterd(natterd, pki, cert="untrusted")
    t = tui("--no-reconnect", "--tls-ca", ca(pki), "-p", str(tport), "-n",
            "bob", "-r", "7", "127.0.0.1")
    assert t.wait_dead() == 69
    out = t.tt("capture-pane", "-p", "-S", "-", "-t", "main")
    assert "certificate verify failed" in out
    assert s.count(r"registered \d+") == 0


def test_tls_insecure_flag_connects_and_warns(natterd, pki, tui):
    s, tport = tls_natterd(natterd, pki, cert="untrusted")
    alice = Client(s.port, "alice").join("#7")
    t = tui("--tls-insecure-skip-verify", "-p", str(tport), "-n", "bob",
            "-r", "7", "127.0.0.1")
    try:
        joined(t, "#7", 2)
        alice.expect("JOIN", "#7")
        t.wait(r"\[connected, TLS NOT VERIFIED\] bob ")
        t.keys("M-1")
        t.wait(r"^ natter \S+ \| 127\.0\.0\.1 port \d+, TLS NOT VERIFIED$")
        warning = flex("WARNING: --tls-insecure-skip-verify: the server's "
                       "certificate was NOT checked")
        t.wait(warning)
        t.wait(flex("the check fails: unable to get local issuer "
                    "certificate"))
        # Every connection warns, not only the first.
        t.enter("/clear")
        t.wait_not(warning)
        alice.close()
        assert s.stop() == []
        s2 = natterd(s.port, args=BASE_ARGS + (
            "--tls-listen", "127.0.0.1:%d" % tport,
            "--tls-cert", os.path.join(pki, "untrusted.pem"),
            "--tls-key", os.path.join(pki, "untrusted.key")))
        s2.wait_log(r"registered \d+ bob!", timeout=TIMEOUT * 2)
        t.wait(r"reconnecting in")
        t.wait(warning, timeout=TIMEOUT * 2)
        t.wait(r"\[connected, TLS NOT VERIFIED\] bob ")
    finally:
        alice.close()


def test_tls_to_plain_port_fails_cleanly(natterd, tui):
    s = natterd()
    t = tui("--tls", "-p", str(s.port), "-n", "bob", "-r", "7",
            "127.0.0.1")
    t.wait(flex("disconnected: TLS handshake failed: wrong version "
                "number"))
    # Not fatal (nothing was refused), but paced, not a tight loop.
    t.wait(r"reconnecting in 1 seconds")
    assert s.count(r"registered \d+") == 0
    t.enter("/quit")
    assert t.wait_dead() == 0


def test_tls_silent_server_times_out(tui):
    """A peer that accepts and never answers the ClientHello."""
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(8)
    ls.settimeout(TIMEOUT)
    try:
        t = tui("--tls", "-p", str(ls.getsockname()[1]), "-n", "bob", "-r",
                "7", "127.0.0.1")
        conn, _ = ls.accept()
        try:
            t.wait(r"disconnected: TLS handshake timed out",
                   timeout=10 + TIMEOUT)
            t.wait(r"reconnecting in")
        finally:
            conn.close()
        t.enter("/quit")
        assert t.wait_dead() == 0
    finally:
        ls.close()


def test_tls_reconnect_after_server_restart(natterd, pki, tui):
    s, tport = tls_natterd(natterd, pki)
    t = tui("--tls-ca", ca(pki), "-p", str(tport), "-n", "bob", "-r", "7",
            "127.0.0.1")
    joined(t, "#7", 1)
    assert s.stop() == []
    t.wait(r"disconnected: connection closed")
    t.wait(r"\[disconnected, retry in \d+s\]")
    s2, _ = tls_natterd(natterd, pki, tport=tport)
    alice = Client(s2.port, "alice").join("#7")
    try:
        assert alice.expect("JOIN", "#7", timeout=TIMEOUT * 2).nick == "bob"
        t.wait(r"\[connected\] bob ", timeout=TIMEOUT * 2)
        joined(t, "#7", 2)
        alice.send("PRIVMSG #7 :welcome back")
        t.wait(r"<alice> welcome back")
        t.enter("still encrypted")
        assert alice.expect("PRIVMSG", "#7").params[1] == "still encrypted"
    finally:
        alice.close()


def test_tls_password_never_shown(natterd, pki, tui):
    s, tport = tls_natterd(natterd, pki, extra=("--password", "s3cr3t-pw"))
    t = tui("--tls-ca", ca(pki), "--password", "s3cr3t-pw", "-p",
            str(tport), "-n", "bob", "-r", "7", "127.0.0.1")
    joined(t, "#7", 1)
    t.enter("/debug")
    t.wait(r"^ debug \|")
    t.enter("/quote PING :marker")
    t.wait(r"<< .*PONG.*marker")
    assert "s3cr3t" not in t.screen()
    t.enter("/quit")
    assert t.wait_dead() == 0
    logs = [f for f in os.listdir(t.dir) if re.match(r"natter-\d+\.log$", f)]
    assert logs
    for name in logs:
        with open(os.path.join(t.dir, name), errors="replace") as f:
            text = f.read()
        assert ">> PASS ***" in text
        assert "s3cr3t" not in text


def test_tls_default_port_and_options(tui, tmp_path):
    t = tui("--tls", "-n", "bob", "-r", "7", "127.0.0.1")
    t.wait(r"connecting to 127\.0\.0\.1 port 6697")
    t.enter("/quit")
    assert t.wait_dead() == 0
    port = str(free_port())
    t = tui("--tls", "-p", port, "-n", "bob", "-r", "7", "127.0.0.1")
    t.wait(r"connecting to 127\.0\.0\.1 port %s" % port)
    t.enter("/quit")
    assert t.wait_dead() == 0
    # A CA file that cannot be read stops natter before it starts.
    t = tui("--tls-ca", str(tmp_path / "missing.pem"), "-n", "bob")
    assert t.wait_dead() == 1
    # -J: the long temporary path wraps in the terminal.
    out = t.tt("capture-pane", "-p", "-J", "-S", "-", "-t", "main")
    assert re.search(r"natter: --tls-ca \S*missing\.pem: No such file",
                     out), out
    t = tui("--help")
    assert t.wait_dead() == 0
    out = t.tt("capture-pane", "-p", "-S", "-", "-t", "main")
    assert "--tls-insecure-skip-verify" in out and "6697" in out


def test_tls_certificate_refused_on_reconnect(natterd, pki, tui):
    """The server comes back with a certificate natter does not trust
    (as a man in the middle would): the room's window, where the user
    is, says so, and natter stops there."""
    s, tport = tls_natterd(natterd, pki)
    t = tui("--tls-ca", ca(pki), "-p", str(tport), "-n", "bob", "-r", "7",
            "127.0.0.1")
    joined(t, "#7", 1)
    assert s.stop() == []
    t.wait(r"disconnected: connection closed")
    s2, _ = tls_natterd(natterd, pki, cert="untrusted", tport=tport)
    t.wait(flex("certificate verify failed: unable to get local issuer "
                "certificate"), timeout=TIMEOUT * 2)
    t.wait(r"^ #7 \| ")
    refused_quietly(t, s2)
