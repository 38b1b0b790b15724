"""natterd --config FILE: KEY VALUE lines named as the long options, the
command line over them; natterd -t checks a file; a mistake names the
file, line and key and natterd does not start; SIGHUP reloads the file
without dropping anyone, and a bad file on reload changes nothing."""

import re
import signal
import socket
import subprocess

import pytest

from conftest import NATTERD, TIMEOUT, Client, unique_nick


def run(*args):
    return subprocess.run([NATTERD] + list(args), capture_output=True,
                          text=True, timeout=TIMEOUT,
                          stdin=subprocess.DEVNULL)


def write(path, text):
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return str(path)


def motd(c):
    """The MOTD text lines c gets for MOTD (None: no MOTD, 422)."""
    c.send("MOTD")
    lines = []
    while True:
        m = c.expect_any(("372", "376", "422"))
        if m.command == "422":
            return None
        if m.command == "376":
            return lines
        assert m.params[-1].startswith("- "), m
        lines.append(m.params[-1][2:])


def test_file_settings_and_command_line_over_them(natterd, tmp_path):
    conf = write(tmp_path / "natterd.conf", """\
# natterd test settings
name       file.example
network    FileNet      # a comment after the value
flood-rate 0

  max-channels 3
""")
    s = natterd("-f", conf, "--max-channels", "1", "--max-per-ip", "0")
    a = Client(s.port, "alice")
    assert a.lines[0].startswith(":file.example 001 alice :Welcome to the "
                                 "FileNet IRC Network"), a.lines[0]
    # The command line's --max-channels 1 beats the file's 3.
    a.send("JOIN #a,#b")
    a.expect("366", None, "#a")
    assert a.expect("405").params[1] == "#b"


def test_listeners_from_the_file_and_the_command_line(natterd, tmp_path):
    conf = write(tmp_path / "natterd.conf",
                 "listen 127.0.0.1:0\nlisten [::1]:0\n")
    s = natterd("--config", conf, listen=None)
    found = re.findall(r"listening on (\S+):(\d+)$", s.log_text(), re.M)
    assert sorted(h for h, _ in found) == ["127.0.0.1", "[::1]"], found
    for host, port in found:
        Client(int(port), unique_nick(), host=host.strip("[]")).close()
    # A --listen on the command line replaces the file's listeners.
    t = natterd("--config", conf)
    assert len(re.findall(r"listening on ", t.log_text())) == 1


def test_check_config_ok(tmp_path):
    conf = write(tmp_path / "good.conf",
                 "listen 127.0.0.1:0\nname ok.example\nsendq 65536\n")
    p = run("-t", "-f", conf)
    assert (p.returncode, p.stdout) == (0, conf + ": ok\n"), p.stderr
    p = run("--check-config", "--config", conf)
    assert (p.returncode, p.stdout) == (0, conf + ": ok\n"), p.stderr


def test_check_config_needs_a_file():
    p = run("-t")
    assert p.returncode == 64 and "--check-config needs --config" in \
        p.stderr


BAD = [
    # file text, the line and key named, what is said
    ("bogus 1\n", "1: bogus", "unknown key"),
    ("\nsendq 99\n", "2: sendq", r"invalid value '99' \(4096 to"),
    ("max-clients\n", "1: max-clients", "needs one value, N"),
    ("max-clients 1 2\n", "1: max-clients", "needs one value"),
    ("name a.example\nname b.example\n", "2: name", "already set on line 1"),
    ("name bad!name\n", "1: name", "no spaces or"),
    ("log-level loud\n", "1: log-level", "error, warning, info or debug"),
    ("listen nowhere\n", "1: listen", ""),
    ("flood-rate lots\n", "1: flood-rate", "lines per second"),
    ("config other.conf\n", "1: config", "unknown key"),
    ("help 1\n", "1: help", "unknown key"),
    (b"name caf\xe9\n", "1", "not a line of UTF-8 text"),
    (b"name a\x00b\n", "1", "not a line of UTF-8 text"),
]


def test_check_config_names_file_line_and_key(tmp_path):
    for i, (text, where, why) in enumerate(BAD):
        conf = write(tmp_path / ("bad%d.conf" % i), text)
        p = run("-t", "-f", conf)
        assert p.returncode == 1 and p.stdout == "", (text, p)
        assert re.search(re.escape("%s:%s" % (conf, where)) + ".*" + why,
                         p.stderr), (text, p.stderr)
        assert conf + ": 1 error" in p.stderr, p.stderr


def test_every_error_is_reported(tmp_path):
    conf = write(tmp_path / "bad.conf",
                 "bogus 1\nsendq 1\n# fine\nname ok.example\nping-timeout\n")
    p = run("-t", "-f", conf)
    assert p.returncode == 1
    for where in (":1: bogus", ":2: sendq", ":5: ping-timeout"):
        assert conf + where in p.stderr, p.stderr
    assert conf + ": 3 errors" in p.stderr


def test_tls_keys_checked_together(tmp_path):
    conf = write(tmp_path / "tls.conf", "tls-listen 127.0.0.1:0\n")
    p = run("-t", "-f", conf)
    assert p.returncode == 1
    assert "tls-listen needs tls-cert and tls-key" in p.stderr


def test_bad_or_missing_file_does_not_start(tmp_path):
    conf = write(tmp_path / "bad.conf", "listen 127.0.0.1:0\nbogus 1\n")
    for args in (["-f", conf], ["-f", str(tmp_path / "missing.conf")]):
        p = run(*args)
        assert p.returncode == 1, p
        assert "listening on" not in p.stderr and "ready" not in p.stderr
    assert "missing.conf: No such file or directory" in p.stderr


def test_reload_adds_and_removes_listeners(natterd, tmp_path):
    """SIGHUP opens the listeners the file gained and closes those it
    lost; users who came in through a closed one stay."""
    path = tmp_path / "natterd.conf"
    conf = write(path, "max-per-ip 0\nlisten 127.0.0.1:0\n")
    s = natterd("--config", conf, listen=None)
    port4 = int(s.wait_log(r"listening on 127\.0\.0\.1:(\d+)$").group(1))
    a = Client(port4, "alice").join("#a")
    write(path, "max-per-ip 0\nlisten [::1]:0\nlisten 127.0.0.1:0\n")
    mark = s.log_mark()
    s.signal(signal.SIGHUP)
    port6 = int(s.wait_log(r"listening on \[::1\]:(\d+)$",
                           start=mark).group(1))
    s.wait_log(r"reloaded; changed: listen, tls-listen$", start=mark)
    b = Client(port6, "bob", host="::1").join("#a")
    # The unchanged one was left alone: not reopened.
    assert "listening on 127.0.0.1" not in "\n".join(s.log[mark:])
    Client(port4, unique_nick()).close()

    write(path, "max-per-ip 0\nlisten [::1]:0\n")
    mark = s.log_mark()
    s.signal(signal.SIGHUP)
    s.wait_log(r"no longer listening on 127\.0\.0\.1:0$", start=mark)
    s.wait_log(r"reloaded; changed: listen, tls-listen$", start=mark)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port4), timeout=TIMEOUT)
    a.send("PRIVMSG #a :still here")
    assert b.expect("PRIVMSG", "#a").params[1] == "still here"

    # A listener that cannot open is logged, and the rest goes on.
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    taken = busy.getsockname()[1]
    try:
        write(path, "max-per-ip 0\nlisten [::1]:0\nlisten 127.0.0.1:%d\n"
              % taken)
        mark = s.log_mark()
        s.signal(signal.SIGHUP)
        s.wait_log(r"--listen 127\.0\.0\.1:%d: .*in use" % taken,
                   start=mark)
    finally:
        busy.close()
    b.send("PRIVMSG #a :and now")
    assert a.expect("PRIVMSG", "#a").params[1] == "and now"


def test_reload_applies_without_dropping_anyone(natterd, tmp_path):
    m1 = write(tmp_path / "motd1", "first motd\n")
    m2 = write(tmp_path / "motd2", "second motd\n")
    path = tmp_path / "natterd.conf"
    conf = write(path, "flood-rate 0\nmax-per-ip 0\nmax-channels 5\n"
                 "motd %s\n" % m1)
    s = natterd("-f", conf)
    a = Client(s.port, "alice").join("#a")
    b = Client(s.port, "bob").join("#a")
    assert motd(a) == ["first motd"]

    write(path, "flood-rate 0\nmax-per-ip 0\nmax-channels 1\n"
          "motd %s\nname renamed.example\n" % m2)
    mark = s.log_mark()
    s.signal(signal.SIGHUP)
    s.wait_log(r"natterd\.conf: reloaded; changed: max-channels, motd$",
               start=mark)
    s.wait_log(r"natterd\.conf: name changed: natterd must restart",
               start=mark)
    # Both still here, talking; the new MOTD and limit hold at once.
    a.send("PRIVMSG #a :still here")
    assert b.expect("PRIVMSG", "#a").params[1] == "still here"
    assert motd(b) == ["second motd"]
    a.send("JOIN #b")
    assert a.expect("405").params[1] == "#b"
    # The server's name needs a restart: it is still natterd.
    assert Client(s.port, "carol").lines[0].startswith(":natterd 001 ")


def test_bad_reload_keeps_the_running_configuration(natterd, tmp_path):
    m1 = write(tmp_path / "motd1", "kept motd\n")
    path = tmp_path / "natterd.conf"
    conf = write(path, "flood-rate 0\nmax-channels 1\nmotd %s\n" % m1)
    s = natterd("-f", conf)
    a = Client(s.port, "alice").join("#a")
    write(path, "flood-rate 0\nmax-channels 5\nmotd /nonexistent\n"
          "bogus 1\n")
    mark = s.log_mark()
    s.signal(signal.SIGHUP)
    s.wait_log(r"natterd\.conf:4: bogus: unknown key", start=mark)
    s.wait_log(r"natterd\.conf: not reloaded, the running configuration "
               r"stays", start=mark)
    assert motd(a) == ["kept motd"]
    a.send("JOIN #b")
    assert a.expect("405").params[1] == "#b"
    # And once the file is removed, still nothing changes.
    path.unlink()
    mark = s.log_mark()
    s.signal(signal.SIGHUP)
    s.wait_log(r"natterd\.conf: No such file or directory", start=mark)
    s.wait_log(r"not reloaded", start=mark)
    a.send("JOIN #c")
    assert a.expect("405").params[1] == "#c"


def test_reload_keeps_command_line_over_the_file(natterd, tmp_path):
    path = tmp_path / "natterd.conf"
    conf = write(path, "flood-rate 0\nmax-channels 5\n")
    s = natterd("-f", conf, "--max-channels", "1")
    a = Client(s.port, "alice").join("#a")
    write(path, "flood-rate 0\nmax-channels 9\nping-interval 300\n")
    mark = s.log_mark()
    s.signal(signal.SIGHUP)
    s.wait_log(r"reloaded; changed: ping-interval$", start=mark)
    a.send("JOIN #b")
    assert a.expect("405").params[1] == "#b"


def test_password_reload_applies_to_new_connections(natterd, tmp_path):
    path = tmp_path / "natterd.conf"
    conf = write(path, "flood-rate 0\npassword old\n")
    s = natterd("-f", conf)
    a = Client(s.port, "alice", password="old").join("#a")
    write(path, "flood-rate 0\npassword new\n")
    mark = s.log_mark()
    s.signal(signal.SIGHUP)
    s.wait_log(r"reloaded; changed: password$", start=mark)
    # alice stays; a newcomer needs the new password.
    a.send("PRIVMSG #a :fine")
    a.sync()
    Client(s.port, "bob", password="new").join("#a")
    c = socket.create_connection(("127.0.0.1", s.port), timeout=TIMEOUT)
    c.sendall(b"PASS old\r\nNICK carol\r\nUSER c 0 * :c\r\n")
    data = b""
    while b"464" not in data:
        chunk = c.recv(4096)
        assert chunk, data
        data += chunk
    c.close()
