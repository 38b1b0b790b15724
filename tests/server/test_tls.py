"""natterd over TLS: certificates are made at test time with the openssl
command (nothing secret is committed)."""

import os
import select
import signal
import socket
import ssl
import subprocess

import pytest

from conftest import NATTERD, TIMEOUT, Client, Msg, make_ca, make_cert


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("pki"))
    make_ca(d, "ca")
    make_ca(d, "otherca")
    make_cert(d, "ca", "srv", "localhost", ["DNS:localhost", "IP:127.0.0.1"])
    make_cert(d, "otherca", "srv2", "localhost",
              ["DNS:localhost", "IP:127.0.0.1"])
    return d


class TLSClient(Client):
    """Client over TLS: the handshake is done blocking, then the socket
    goes non-blocking like the plain one (SSLSocket supports select)."""

    def __init__(self, port, cafile, hostname="localhost", nick=None):
        ctx = ssl.create_default_context(cafile=cafile)
        raw = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.sock = ctx.wrap_socket(raw, server_hostname=hostname)
        self.sock.setblocking(False)
        self.buf = b""
        self.lines = []
        self.pending = []
        self.closed = False
        self.nick = nick
        self.autopong = False
        if nick:
            self.register(nick)

    def _fill(self, timeout):
        # Decrypted bytes may wait inside the SSL object, where select()
        # cannot see them; a record may also arrive in pieces.
        if self.sock.pending() == 0:
            r, _, _ = select.select([self.sock], [], [], timeout)
            if not r:
                return False
        try:
            data = self.sock.recv(65536)
        except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
            return True
        except (ConnectionResetError, BrokenPipeError, ssl.SSLError):
            data = b""
        if not data:
            self.closed = True
            return False
        self.buf += data
        while b"\n" in self.buf:
            raw, _, self.buf = self.buf.partition(b"\n")
            text = raw.rstrip(b"\r").decode("utf-8", "surrogateescape")
            self.lines.append(text)
            self.pending.append(Msg(text))
        return True


def tls_server(natterd, pki, *extra):
    s = natterd("--flood-rate", "0", "--tls-listen", "127.0.0.1:0",
                "--tls-cert", os.path.join(pki, "srv.pem"),
                "--tls-key", os.path.join(pki, "srv.key"), *extra)
    m = s.wait_log(r"listening on 127\.0\.0\.1:(\d+) \(TLS\)")
    return s, int(m.group(1))


def test_tls_chat_with_plain_client(natterd, pki):
    s, tport = tls_server(natterd, pki)
    a = TLSClient(tport, os.path.join(pki, "ca.pem"), nick="secure")
    a.join("#t")
    b = Client(s.port, "plain").join("#t")
    a.send("PRIVMSG #t :안녕 over TLS")
    m = b.expect("PRIVMSG", "#t")
    assert m.params[1] == "안녕 over TLS" and m.nick == "secure"
    b.send("PRIVMSG #t :back in plain text")
    assert a.expect("PRIVMSG", "#t").params[1] == "back in plain text"
    b.send("WHOIS secure")
    b.expect("671", None, "secure")
    b.send("WHOIS plain")
    got = []
    while True:
        m = b.recv()
        got.append(m.command)
        if m.command == "318":
            break
    assert "671" not in got
    a.close()
    b.close()


def test_tls_wrong_host_name_is_refused_by_client(natterd, pki):
    _, tport = tls_server(natterd, pki)
    with pytest.raises(ssl.SSLCertVerificationError):
        TLSClient(tport, os.path.join(pki, "ca.pem"),
                  hostname="wrong.example")


def test_tls_untrusted_certificate_is_refused_by_client(natterd, pki):
    _, tport = tls_server(natterd, pki)
    with pytest.raises(ssl.SSLCertVerificationError):
        TLSClient(tport, os.path.join(pki, "otherca.pem"))


def test_plain_text_to_tls_port(natterd, pki):
    s, tport = tls_server(natterd, pki)
    raw = socket.create_connection(("127.0.0.1", tport), timeout=TIMEOUT)
    raw.sendall(b"NICK x\r\nUSER x 0 * :x\r\n")
    try:
        data = raw.recv(4096)
    except ConnectionResetError:
        data = b""
    # No IRC reply in clear: the server drops it as a failed handshake.
    assert b"001" not in data
    s.wait_log(r"closing \d+ 127\.0\.0\.1: TLS error")
    raw.close()
    # Still serving TLS and plain clients.
    a = TLSClient(tport, os.path.join(pki, "ca.pem"), nick="after")
    a.sync()
    Client(s.port, "plain2").sync()


def test_tls_handshake_that_stalls_times_out(natterd, pki):
    s, tport = tls_server(natterd, pki, "--reg-timeout", "1")
    raw = socket.create_connection(("127.0.0.1", tport), timeout=TIMEOUT)
    raw.sendall(b"\x16\x03\x01")       # the start of a ClientHello, then nothing
    s.wait_log(r"closing \d+ 127\.0\.0\.1: Registration timed out")
    raw.settimeout(TIMEOUT)
    try:
        while raw.recv(4096):
            pass
    except ConnectionResetError:
        pass
    raw.close()


def test_sighup_reloads_certificate(natterd, pki, tmp_path):
    cert = tmp_path / "cert.pem"
    key = tmp_path / "key.pem"
    cert.write_bytes(open(os.path.join(pki, "srv.pem"), "rb").read())
    key.write_bytes(open(os.path.join(pki, "srv.key"), "rb").read())
    s = natterd("--tls-listen", "127.0.0.1:0", "--tls-cert", str(cert),
                "--tls-key", str(key))
    tport = int(s.wait_log(r"listening on 127\.0\.0\.1:(\d+) \(TLS\)")
                .group(1))
    old = TLSClient(tport, os.path.join(pki, "ca.pem"), nick="old")

    cert.write_bytes(open(os.path.join(pki, "srv2.pem"), "rb").read())
    key.write_bytes(open(os.path.join(pki, "srv2.key"), "rb").read())
    s.signal(signal.SIGHUP)
    s.wait_log(r"TLS: certificate .* reloaded")
    # New connections get the new certificate, from the other CA.
    TLSClient(tport, os.path.join(pki, "otherca.pem"), nick="new").sync()
    with pytest.raises(ssl.SSLCertVerificationError):
        TLSClient(tport, os.path.join(pki, "ca.pem"))
    # The connection made before the reload goes on.
    old.sync()

    # A broken file on reload keeps the working certificate.
    key.write_bytes(b"not a key\n")
    s.signal(signal.SIGHUP)
    s.wait_log(r"TLS: reload failed, keeping the old certificate")
    TLSClient(tport, os.path.join(pki, "otherca.pem"), nick="still").sync()


def test_tls_added_on_reload(natterd, pki, tmp_path):
    """TLS configured only on reload: a certificate that does not load
    leaves none named (the next reload tries again) and opens no TLS
    listener; a good one opens it."""
    bad = tmp_path / "bad.pem"
    bad.write_text("garbage\n")
    path = tmp_path / "natterd.conf"
    path.write_text("listen 127.0.0.1:0\n")
    s = natterd("-f", str(path), listen=None)
    tls = "listen 127.0.0.1:0\ntls-listen 127.0.0.1:0\n"
    path.write_text(tls + "tls-cert %s\ntls-key %s\n" % (bad, bad))
    for _ in range(2):
        mark = s.log_mark()
        s.signal(signal.SIGHUP)
        s.wait_log(r"changed: .*tls-cert, tls-key", start=mark)
        s.wait_log(r"TLS: reload failed", start=mark)
        s.wait_log(r"--tls-listen 127\.0\.0\.1:0: no certificate loaded",
                   start=mark)
    path.write_text(tls + "tls-cert %s\ntls-key %s\n"
                    % (os.path.join(pki, "srv.pem"),
                       os.path.join(pki, "srv.key")))
    mark = s.log_mark()
    s.signal(signal.SIGHUP)
    s.wait_log(r"TLS: certificate .* loaded$", start=mark)
    tport = int(s.wait_log(r"listening on 127\.0\.0\.1:(\d+) \(TLS\)",
                           start=mark).group(1))
    TLSClient(tport, os.path.join(pki, "ca.pem"), nick="ok").sync()


def test_bad_certificate_at_startup_exits_1(pki, tmp_path):
    bad = tmp_path / "bad.pem"
    bad.write_text("garbage\n")
    p = subprocess.run([NATTERD, "--tls-listen", "127.0.0.1:0",
                        "--tls-cert", str(bad), "--tls-key", str(bad)],
                       capture_output=True, text=True, timeout=TIMEOUT)
    assert p.returncode == 1
    assert "TLS" in p.stderr


def test_tls_options_need_each_other():
    for args in (["--tls-listen", "127.0.0.1:0"],
                 ["--tls-cert", "x.pem", "--tls-key", "x.key"]):
        p = subprocess.run([NATTERD] + args, capture_output=True, text=True,
                           timeout=TIMEOUT)
        assert p.returncode == 64, p.stderr


def test_tls_close_without_close_notify(natterd, pki):
    """A TLS client that just closes its socket (no close_notify) has
    quit like a plain one: its last line, even without a line end, is
    delivered and the reason is not a TLS error."""
    s, tport = tls_server(natterd, pki)
    b = Client(s.port, "plain").join("#t")
    a = TLSClient(tport, os.path.join(pki, "ca.pem"), nick="abrupt")
    a.join("#t")
    b.expect("JOIN", "#t")
    a.send_raw(b"PRIVMSG #t :one\r\nPRIVMSG #t :unterminated last line")
    assert b.expect("PRIVMSG").params == ["#t", "one"]
    a.sock.close()              # SSLSocket.close() sends no close_notify
    assert b.expect("PRIVMSG").params == ["#t", "unterminated last line"]
    assert b.expect("QUIT").params == ["Remote host closed the connection"]
