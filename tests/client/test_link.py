"""The server link: restart and reconnect with rejoin, exit statuses,
and another server (Debian's ngircd) to show natter is not tied to
natterd."""

import os
import signal
import subprocess
import time

import pytest

from conftest import TIMEOUT, Client, free_port, joined, sidebar


def test_server_restart_reconnects_and_rejoins(natterd, tui):
    srv = natterd()
    port = srv.port
    t = tui("-n", "bob", "-r", "7", "-p", str(port))
    joined(t, "#7", 1)
    t.enter("/join 8")
    joined(t, "#8", 1)
    t.keys("M-2")
    joined(t, "#7", 1)
    assert srv.stop() == []
    t.wait(r"disconnected: connection closed")
    t.wait(r"\[disconnected, retry in \d+s\]")
    # What is being typed survives the outage.
    t.type("keep me 그대로")
    t.wait(r"^\[#7\] keep me 그대로$")

    srv2 = natterd(port)
    alice = Client(srv2.port, "alice").join("#7")
    try:
        j = alice.expect("JOIN", "#7", timeout=TIMEOUT * 2)
        assert j.nick == "bob"
        t.wait(r"\[connected\] bob ", timeout=TIMEOUT * 2)
        # Both rooms are joined again; the view stayed where it was.
        joined(t, "#7", 2)
        assert sidebar(t) == ["@alice", "bob"]
        t.wait(r"2:#7 3:#8")
        t.wait(r"^\[#7\] keep me 그대로$")
        t.keys("Enter")
        assert alice.expect("PRIVMSG", "#7").params[1] == "keep me 그대로"
        alice.send("PRIVMSG #7 :welcome back")
        t.wait(r"<alice> welcome back")
    finally:
        alice.close()


def test_typing_while_disconnected_keeps_text(natterd, tui):
    srv = natterd()
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port))
    joined(t, "#7", 1)
    assert srv.stop() == []
    t.wait(r"disconnected")
    t.enter("not lost")
    t.wait(r"not connected: the message was not sent")
    t.wait(r"^\[#7\] not lost$")


def test_quit_exits_cleanly(srv, peer, tui):
    alice = peer("alice").join("#7")
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port))
    joined(t, "#7", 2)
    t.enter("/quit 잘 있어")
    m = alice.expect("QUIT")
    assert m.nick == "bob" and m.params[0] == "Quit: 잘 있어"
    assert t.wait_dead() == 0
    # The terminal is given back: not on the alternate screen any more.
    assert t.display("#{alternate_on}") == "0"


def test_ctrl_c_twice(srv, tui):
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port))
    joined(t, "#7", 1)
    t.keys("C-c")
    t.wait(r"press Ctrl-C again to quit")
    assert t.dead() is None
    # Another key disarms it.
    t.type("x")
    t.wait_not(r"press Ctrl-C again")
    t.keys("C-c")
    t.wait(r"press Ctrl-C again to quit")
    t.keys("C-c")
    assert t.wait_dead() == 0
    assert t.display("#{alternate_on}") == "0"


def test_exit_status_usage(tui):
    t = tui("--no-such-option")
    assert t.wait_dead() == 64
    t = tui("-p", "notaport")
    assert t.wait_dead() == 64
    t = tui("-n", "9bad")
    assert t.wait_dead() == 64
    t = tui("-V")
    assert t.wait_dead() == 0
    assert "natter 0.1" in t.tt("capture-pane", "-p", "-S", "-", "-t",
                                "main")


def test_exit_status_link(tui):
    port = free_port()     # nothing listens there
    t = tui("--no-reconnect", "-n", "bob", "-r", "7", "-p", str(port))
    assert t.wait_dead() == 69


def test_exit_status_link_lost(natterd, tui):
    srv = natterd()
    t = tui("--no-reconnect", "-n", "bob", "-r", "7", "-p", str(srv.port))
    joined(t, "#7", 1)
    assert srv.stop() == []
    assert t.wait_dead() == 69


def test_locale_must_be_utf8(tui):
    t = tui("-n", "bob", env={"LANG": "C", "LC_ALL": "C"})
    assert t.wait_dead() == 1
    out = t.tt("capture-pane", "-p", "-S", "-", "-t", "main")
    assert "not UTF-8" in out


def test_reconnect_with_nick_taken(natterd, tui):
    """After a reconnect the old nick may still be held: take another
    automatically rather than stop at a prompt."""
    srv = natterd()
    port = srv.port
    t = tui("-n", "bob", "-r", "7", "-p", str(port))
    joined(t, "#7", 1)
    assert srv.stop() == []
    t.wait(r"disconnected")
    srv2 = natterd(port)
    squatter = Client(srv2.port, "bob").join("#7")
    try:
        squatter.expect("JOIN", "#7", where=lambda m: m.nick == "bob_",
                        timeout=TIMEOUT * 2)
        t.wait(r"\[connected\] bob_ ", timeout=TIMEOUT * 2)
    finally:
        squatter.close()


NGIRCD_CONF = """[Global]
	Name = irc.natter.test
	Info = natter test server
	AdminInfo1 = natter tests
	AdminInfo2 = nowhere
	AdminEMail = root@localhost
	Listen = 127.0.0.1
	Ports = {port}
	PidFile = {dir}/ngircd.pid
	MotdFile = {dir}/motd
	HelpFile = {dir}/help
	ServerUID = {uid}
	ServerGID = {gid}
[Limits]
	MaxConnectionsIP = 0
	PingTimeout = 120
[Options]
	PAM = no
	Ident = no
	DNS = no
	RequireAuthPing = no
"""


@pytest.fixture
def ngircd(tmp_path):
    """Debian's ngircd in the foreground with a throw-away config on a free
    port; as root it keeps running as root (ServerUID = our uid), never
    chroots, and keeps its pid and motd files in the temp dir."""
    d = tmp_path / "ngircd"
    d.mkdir()
    port = free_port()
    (d / "motd").write_text("natter test motd\n")
    (d / "help").write_text("")
    conf = d / "ngircd.conf"
    conf.write_text(NGIRCD_CONF.format(port=port, dir=d, uid=os.getuid(),
                                       gid=os.getgid()))
    check = subprocess.run(["ngircd", "--configtest", "-f", str(conf)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    log = open(d / "out.log", "w+")
    proc = subprocess.Popen(["ngircd", "-n", "-f", str(conf)],
                            stdin=subprocess.DEVNULL, stdout=log,
                            stderr=subprocess.STDOUT)
    end = time.monotonic() + TIMEOUT
    while "Now listening" not in (d / "out.log").read_text():
        assert proc.poll() is None, (d / "out.log").read_text()
        assert time.monotonic() < end, (d / "out.log").read_text()
        time.sleep(0.05)
    yield port
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log.close()


def test_against_ngircd(ngircd, tui):
    alice = Client(ngircd, "alice").join("#7")
    try:
        t = tui("-n", "bob", "-r", "7", "-p", str(ngircd))
        # ngircd delays commands right after registration: be patient.
        joined(t, "#7", 2)
        j = alice.expect("JOIN", "#7", timeout=TIMEOUT * 2)
        assert j.nick == "bob"
        assert sidebar(t) == ["@alice", "bob"]
        alice.send("PRIVMSG #7 :hello from ngircd 안녕")
        t.wait(r"<alice> hello from ngircd 안녕")
        t.enter("답장 reply")
        m = alice.expect("PRIVMSG", "#7", timeout=TIMEOUT * 2)
        assert m.nick == "bob" and m.params[1] == "답장 reply"
        # No echo-message on ngircd: the local echo shows it, once.
        t.wait(r"<bob> 답장 reply")
        # ngircd passes bytes through: invalid UTF-8 shows as U+FFFD.
        alice.send_raw(b"PRIVMSG #7 :bad \xff\xfe bytes \x1b[2J\r\n")
        t.wait("bad \ufffd\ufffd bytes \\^\\[\\[2J")
        alice.send("PRIVMSG bob :whisper via ngircd")
        t.wait(r"\*alice\* whisper via ngircd")
        t.enter("/nick bobby")
        assert alice.expect("NICK", timeout=TIMEOUT * 2).params[0] == \
            "bobby"
        t.wait(r"\[connected\] bobby ")
    finally:
        alice.close()


def test_password(natterd, tui):
    srv = natterd(args=("--password", "열려라 참깨", "--flood-rate", "0"))
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port),
            "--password", "열려라 참깨")
    joined(t, "#7", 1)
    bad = tui("-n", "eve", "-r", "7", "-p", str(srv.port),
              "--password", "wrong")
    bad.wait(r"the server password is wrong")
    bad.wait(r"\[not connected\]")
    # It does not hammer the server with retries, and stays to be read.
    time.sleep(1.5)
    assert srv.count(r"registered \d+ eve") == 0
    assert srv.count(r"closing \d+ .*Bad password") == 1
    assert bad.dead() is None


def test_exit_status_link_says_why(tui):
    port = free_port()
    t = tui("--no-reconnect", "-n", "bob", "-r", "7", "-p", str(port))
    assert t.wait_dead() == 69
    out = t.tt("capture-pane", "-p", "-S", "-", "-t", "main")
    assert "natter: 127.0.0.1 port %d: Connection refused" % port in out


def test_host_name_resolved(srv, tui):
    """A name, looked up without blocking (evdns reads /etc/hosts)."""
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port), "localhost")
    joined(t, "#7", 1)


def test_log_file_is_private(srv, peer, tui):
    """The -v log holds whispers: only its owner may read it, whatever
    the umask."""
    alice = peer("alice")
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port),
            wrap=("sh", "-c", 'umask 022; exec "$@"', "sh"))
    joined(t, "#7", 1)
    alice.send("PRIVMSG bob :a secret")
    t.wait(r"\*alice\* a secret")
    logs = [n for n in os.listdir(t.dir) if n.startswith("natter-") and
            n.endswith(".log")]
    assert len(logs) == 1
    path = os.path.join(t.dir, logs[0])
    assert "a secret" in open(path, errors="replace").read()
    assert os.stat(path).st_mode & 0o777 == 0o600
