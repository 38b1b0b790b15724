"""IRC operators: oper lines in the --config file with hashes from natterd
--hash-password, OPER (381, 464, 491), user modes +o and +w, and what only
an operator may do: KILL, WALLOPS, REHASH, DIE (481 for anyone else)."""

import signal
import subprocess
import time

from conftest import NATTERD, TIMEOUT, Client, unique_nick


def hash_password(password):
    p = subprocess.run([NATTERD, "--hash-password"], input=password + "\n",
                       capture_output=True, text=True, timeout=TIMEOUT)
    assert p.returncode == 0, p.stderr
    return p.stdout.strip()


def oper_server(natterd, tmp_path, extra=""):
    """natterd with opers admin (password "s3cret", any host) and local
    (password "pw", only from nick ok-*)."""
    path = tmp_path / "natterd.conf"
    path.write_text("flood-rate 0\nmax-per-ip 0\n"
                    "oper admin %s\n"
                    "oper local %s ok-*!*@127.0.0.1\n%s"
                    % (hash_password("s3cret"), hash_password("pw"), extra))
    return natterd("-f", str(path)), path


def try_oper(c, name, password):
    """OPER name password; the numeric it ends with. natterd checks at
    most 2 OPERs a second: a throttled one is tried again."""
    end = time.monotonic() + TIMEOUT
    while True:
        c.send("OPER %s %s" % (name, password))
        m = c.expect_any(("NOTICE", "MODE", "381", "461", "464", "491"))
        if m.command != "NOTICE":
            return c.expect("381") if m.command == "MODE" else m
        assert "too many attempts" in m.params[1], m
        c.expect("464")
        assert time.monotonic() < end, "OPER throttled for too long"
        time.sleep(0.1)


def oper(c, name="admin", password="s3cret"):
    assert try_oper(c, name, password).command == "381"
    c.send("MODE " + c.nick)
    assert "o" in c.expect("221").params[1]
    return c


def test_hash_password():
    a, b = hash_password("s3cret"), hash_password("s3cret")
    assert a.startswith("$y$") and b.startswith("$y$")
    assert a != b                       # salted
    p = subprocess.run([NATTERD, "--hash-password"], input="",
                       capture_output=True, text=True, timeout=TIMEOUT)
    assert p.returncode == 1 and "no password" in p.stderr


def test_oper_lines_checked(tmp_path):
    good = hash_password("x")
    for text, why in (("oper admin plaintext\n", "not a crypt(3) hash"),
                      ("oper admin\n", "needs two or three values"),
                      ("oper admin %s * extra\n" % good,
                       "needs two or three values"),
                      ("oper a!b %s\n" % good, "without ,*?!@"),
                      ("oper admin %s\noper admin %s\n" % (good, good),
                       "a second oper of that name")):
        path = tmp_path / "bad.conf"
        path.write_text(text)
        p = subprocess.run([NATTERD, "-t", "-f", str(path)],
                           capture_output=True, text=True, timeout=TIMEOUT)
        assert p.returncode == 1 and why in p.stderr, (text, p.stderr)
    path.write_text("oper admin %s\noper other %s *!*@127.0.0.1\n"
                    % (good, good))
    p = subprocess.run([NATTERD, "-t", "-f", str(path)],
                       capture_output=True, text=True, timeout=TIMEOUT)
    assert p.returncode == 0, p.stderr


def test_oper_refusals_and_success(natterd, tmp_path):
    s, _ = oper_server(natterd, tmp_path)
    a = Client(s.port, "alice")
    m = try_oper(a, "admin", "wrong")
    assert (m.command, m.params[-1]) == ("464", "Password incorrect")
    assert try_oper(a, "nobody", "s3cret").command == "464"
    a.send("OPER admin")
    a.expect("461")
    # From a host the mask does not match, 491 with the right password
    # or a wrong one: it never tells which.
    assert try_oper(a, "local", "pw").command == "491"
    assert try_oper(a, "local", "wrong").command == "491"
    a.send("MODE alice")
    assert a.expect("221").params[1] == "+"
    oper(a)
    a.send("MODE alice")
    assert a.expect("221").params[1] == "+o"
    b = Client(s.port, "ok-bob")
    oper(b, "local", "pw")
    b.send("WHOIS alice")
    b.expect("313", "ok-bob", "alice")
    b.send("LUSERS")
    assert b.expect("252").params[1:] == ["2", "operator(s) online"]
    # MODE -o gives it up; +o cannot be taken without OPER.
    b.send("MODE ok-bob -o")
    assert b.expect("MODE").params[1:] == ["-o"]
    b.send("MODE ok-bob +o")
    b.send("MODE ok-bob")
    assert b.expect("221").params[1] == "+"
    b.send("LUSERS")
    assert b.expect("252").params[1] == "1"
    a.send("QUIT")
    a.wait_closed()
    b.send("LUSERS")
    assert "252" not in [m.command for m in b.sync()]


def test_only_operators(natterd, tmp_path):
    s, _ = oper_server(natterd, tmp_path)
    a = Client(s.port, "alice")
    Client(s.port, "bob")
    for line in ("KILL bob :go", "WALLOPS :hello", "REHASH", "DIE"):
        a.send(line)
        m = a.expect("481")
        assert m.params[-1].startswith("Permission Denied"), line
    assert s.alive()


def test_kill(natterd, tmp_path):
    s, _ = oper_server(natterd, tmp_path)
    a = oper(Client(s.port, "alice")).join("#room")
    b = Client(s.port, "bob").join("#room")
    c = Client(s.port, "carol").join("#room")
    a.send("KILL nobody :x")
    a.expect("401")
    for name in ("natterd", "NatterD"):
        a.send("KILL %s :x" % name)
        a.expect("483")
    a.send("KILL bob :too loud")
    m = c.expect("QUIT")
    assert (m.nick, m.params) == ("bob", ["Killed (alice (too loud))"])
    last = b.wait_closed()[-1]
    assert last.command == "ERROR" and "Killed (alice (too loud))" in \
        last.params[0]
    c.send("PRIVMSG #room :still here")
    assert a.expect("PRIVMSG", "#room").params[1] == "still here"


def test_wallops_to_plus_w_only(natterd, tmp_path):
    s, _ = oper_server(natterd, tmp_path)
    a = oper(Client(s.port, "alice"))
    w = Client(s.port, "wendy")
    w.send("MODE wendy +w")
    assert w.expect("MODE").params[1:] == ["+w"]
    n = Client(s.port, "ned")
    a.send("WALLOPS :maintenance at noon")
    m = w.expect("WALLOPS")
    assert (m.nick, m.params) == ("alice", ["maintenance at noon"])
    n.quiet("WALLOPS")
    # Like any message to many, one stamp for every copy.
    x = Client(s.port, "xena", caps=("server-time",))
    y = Client(s.port, "yuri", caps=("server-time",))
    for c in (x, y):
        c.send("MODE %s +w" % c.nick)
        c.expect("MODE")
    a.send("WALLOPS :stamped")
    tx, ty = (c.expect("WALLOPS").tags.get("time") for c in (x, y))
    assert tx is not None and tx == ty
    w.expect("WALLOPS")
    w.send("MODE wendy -w")
    w.expect("MODE")
    a.send("WALLOPS :again")
    a.sync()
    w.quiet("WALLOPS")


def test_rehash(natterd, tmp_path):
    s, path = oper_server(natterd, tmp_path)
    a = oper(Client(s.port, "alice"))
    path.write_text(path.read_text() + "max-channels 1\n")
    mark = s.log_mark()
    a.send("REHASH")
    m = a.expect("382")
    assert m.params[1:] == [str(path), "Rehashing"]
    s.wait_log(r"reloaded; changed: max-channels$", start=mark)
    a.send("JOIN #a,#b")
    assert a.expect("405").params[1] == "#b"
    # A bad file: said so, nothing changed; alice is still an operator.
    path.write_text(path.read_text() + "bogus 1\n")
    a.send("REHASH")
    a.expect("382")
    assert "has mistakes" in a.expect("NOTICE").params[1]
    a.send("MODE alice")
    assert a.expect("221").params[1] == "+o"


def test_reload_removes_an_oper_line(natterd, tmp_path):
    s, path = oper_server(natterd, tmp_path)
    a = oper(Client(s.port, "alice"))
    path.write_text("flood-rate 0\nmax-per-ip 0\n")
    mark = s.log_mark()
    s.signal(signal.SIGHUP)
    s.wait_log(r"reloaded; changed: oper$", start=mark)
    # Who is an operator stays one; nobody new becomes one.
    a.send("MODE alice")
    assert a.expect("221").params[1] == "+o"
    b = Client(s.port, unique_nick())
    assert try_oper(b, "admin", "s3cret").command == "464"


def test_oper_attempts_throttled(natterd, tmp_path):
    """Each OPER hashes for tens of milliseconds in the loop: beyond 2 a
    second the rest are refused unchecked, and the server keeps serving."""
    s, _ = oper_server(natterd, tmp_path)
    a = Client(s.port, "alice")
    a.send_raw(b"OPER admin wrong\r\n" * 6)
    got = [m.command for m in a.sync()]
    assert got.count("464") == 6, got
    assert got.count("NOTICE") >= 1, got
    b = Client(s.port, "bob").join("#x")
    b.send("PRIVMSG #x :fine")
    b.sync()


def test_die(natterd, tmp_path):
    s, _ = oper_server(natterd, tmp_path)
    a = oper(Client(s.port, "alice"))
    b = Client(s.port, "bob")
    a.send("DIE")
    assert b.wait_closed()[-1].command == "ERROR"
    assert s.proc.wait(timeout=TIMEOUT) == 0
    s.wait_log(r"DIE by alice!")


def test_operators_see_secret_channels(natterd, tmp_path):
    s, _ = oper_server(natterd, tmp_path)
    a = Client(s.port, "alice").join("#hidden")
    a.send("MODE #hidden +s")
    a.expect("MODE", "#hidden")
    o = Client(s.port, "olga")
    o.send("LIST")
    o.expect("321")
    assert o.expect_any(("322", "323")).command == "323"
    oper(o)
    o.send("LIST")
    o.expect("321")
    assert o.expect("322").params[1:3] == ["#hidden", "1"]
    o.send("WHOIS alice")
    assert o.expect("319").params[2] == "@#hidden"
    o.send("NAMES #hidden")
    assert o.expect("353").params[1:] == ["@", "#hidden", "@alice"]


def test_operators_override_channel_modes(natterd, tmp_path):
    """As in ngIRCd (with OperCanUseMode): an IRC operator joins past +b,
    +i, +k and +l, sets modes and topics from outside, kicks without
    being a channel operator; each use is logged."""
    s, _ = oper_server(natterd, tmp_path)
    a = Client(s.port, "alice").join("#locked")
    c = Client(s.port, "carol").join("#locked")
    a.send("MODE #locked +iklb sesame 2 *!*@127.0.0.1")
    assert a.expect("MODE", "#locked").params[1] == "+iklb"
    o = oper(Client(s.port, "olga"))
    o.send("MODE #locked -l")
    assert a.expect("MODE", "#locked").params[1:] == ["-l"]
    o.send("TOPIC #locked :set from outside")
    assert a.expect("TOPIC").params == ["#locked", "set from outside"]
    o.send("MODE #locked +l 2")
    a.expect("MODE", "#locked")
    o.join("#locked")
    b = Client(s.port, "bob")
    b.send("JOIN #locked sesame")
    b.expect("474")
    o.send("KICK #locked carol :overridden")
    assert c.expect("KICK").params == ["#locked", "carol", "overridden"]
    s.wait_log("operator olga overrides KICK on #locked")
    s.wait_log("operator olga overrides JOIN on #locked")
    # Without +o, none of it.
    o.send("MODE olga -o")
    o.expect("MODE")
    o.send("PART #locked")
    o.send("JOIN #locked sesame")
    o.expect("474")
