"""The configuration file: every key takes effect, flags override it, each
kind of bad line is an error naming file:line and key before the screen
opens, /set and /save round-trip (mode 0600, comments kept), --no-config
ignores the file and -c chooses another. XDG_CONFIG_HOME points at a
directory of the test's own."""

import os
import re
import stat
import subprocess

from conftest import NATTER, TIMEOUT, col_of, joined, sidebar
from test_tls import ca, pki, tls_natterd  # noqa: F401 (pki: a fixture)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def xdg(tmp_path, text):
    """A config home holding natter/config with text: its env."""
    home = tmp_path / "xdg"
    write(str(home / "natter" / "config"), text)
    return {"XDG_CONFIG_HOME": str(home)}


def colors_used(screen):
    """Foreground or background colours in a capture-pane -e screen."""
    used = []
    for params in re.findall(r"\x1b\[([0-9;]*)m", screen):
        for p in params.split(";"):
            # 39 and 49 are the terminal's own colours.
            if p and p not in ("39", "49") and (30 <= int(p) <= 49 or
                                                90 <= int(p) <= 107):
                used.append(p)
    return used


def test_every_key(natterd, peer, tui, tmp_path):
    srv = natterd(args=("--password", "sesame", "--flood-rate", "0",
                        "--max-per-ip", "0"))
    pw = write(str(tmp_path / "pw"), "sesame\nnot this line\n")
    os.chmod(pw, 0o600)
    logs = str(tmp_path / "logs")
    env = xdg(tmp_path, """# every key natter knows
host 127.0.0.1
port %d
nick alice
password-file %s
scrollback 100
join 7
join #help
highlight banana
highlight 사과
ignore spam!*@*
log on
log-dir %s
time-format %%H:%%M:%%S
colors off
sidebar-width 24
tls off
""" % (srv.port, pw, logs))
    bob = peer("bob", port=srv.port, password="sesame").join("#help")
    # Wide, for the long paths /set shows.
    t = tui(env=env, cols=200)
    joined(t, "#7", 1)
    # Both rooms, each in its window, the first in front; nothing asked.
    t.wait(r"\[connected\] alice \| 1:127\.0\.0\.1 \S*2:#7\S* 3:#help")
    assert "room:" not in t.screen() and "nick:" not in t.screen()
    bob.expect("JOIN", "#help")
    # time-format: seconds in the time column.
    t.wait(r"^\d\d:\d\d:\d\d -!- you have joined the room")
    # sidebar-width 24 with its border, at the right of 100 columns.
    line = [l for l in t.lines() if "@alice" in l][0]
    assert col_of(line, "\u2502") == 200 - 24
    assert sidebar(t) == ["@alice"]
    # highlight: a word of the list counts as a mention in #help.
    bob.send("PRIVMSG #help :who wants a banana?")
    t.wait(r"3:#help\+1!1")
    bob.send("PRIVMSG #help :사과 있어요")
    t.wait(r"3:#help\+2!2")
    bob.send("PRIVMSG #help :nothing to see")
    t.wait(r"3:#help\+3!2")
    # colors off: no colour anywhere, nick colours included.
    t.keys("M-3")
    t.wait(r"<bob> who wants a banana\?")
    assert colors_used(t.screen(color=True)) == []
    # What has no effect on the screen yet: as /set lists it.
    t.enter("/set")
    t.wait(r"-!- file: ")
    scr = t.screen()
    for pat in (r"scrollback +100\b", r"ignore +spam!\*@\*",
                r"log +on\b", r"log-dir +%s" % re.escape(logs),
                r"highlight +banana 사과", r"join +#7 #help",
                r"password-file +%s" % re.escape(pw), r"tls +off",
                r"colors +off", r"sidebar-width +24"):
        assert re.search(pat, scr), (pat, scr)


def test_colors_on_by_default(srv, peer, tui, tmp_path):
    """The counterpart of colors off: the same screen has nick colours."""
    env = xdg(tmp_path, "port %d\nnick alice\njoin 7\n" % srv.port)
    bob = peer("bob").join("#7")
    t = tui(env=env)
    joined(t, "#7", 2)
    bob.send("PRIVMSG #7 :hi")
    t.wait(r"<bob> hi")
    assert colors_used(t.screen(color=True)) != []


def test_flags_override_the_file(srv, tui, tmp_path):
    env = xdg(tmp_path, "port 1\nnick alice\njoin 7\njoin 8\n"
              "time-format %H:%M:%S\n")
    t = tui("-n", "bob", "-r", "9", "-p", str(srv.port), env=env)
    joined(t, "#9", 1)
    t.wait(r"\[connected\] bob \| 1:127\.0\.0\.1 \S*2:#9\S*$")
    # The file's other settings still apply.
    t.wait(r"^\d\d:\d\d:\d\d -!- you have joined the room")
    assert "#7" not in t.screen() and "#8" not in t.screen()


def run_bad(tmp_path, text, *args):
    """natter with a configuration file holding text: its status, its
    standard error and output (it must not open the screen)."""
    path = write(str(tmp_path / "bad.conf"), text)
    env = dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8",
               XDG_CONFIG_HOME=str(tmp_path / "none"))
    p = subprocess.run([NATTER, "-c", path] + list(args), env=env,
                       stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=TIMEOUT)
    return p.returncode, p.stderr, p.stdout, path


def test_bad_lines(tmp_path):
    cases = [
        ("nick alice\nfrob 1\n", r":2: frob: unknown key"),
        ("# a comment\n\nport\n", r":3: port: missing value"),
        ("sidebar-width wide\n", r":1: sidebar-width: 'wide' is not a "
         r"number"),
        ("scrollback 5\n", r":1: scrollback: '5' is not a number from 16"),
        ("port 70000\n", r":1: port: '70000' is not a number"),
        ("nick alice\njoin 7\nnick bob\n", r":3: nick: already set on "
         r"line 1"),
        ("colors maybe\n", r":1: colors: on or off, not 'maybe'"),
        ("time-format %c%c%c%c\n", r":1: time-format: .* 1 to 20 columns"),
        ("nick 3bad\n", r":1: nick: 3bad: "),
        ("password secret\n", r":1: password: unknown key"),
    ]
    for text, pat in cases:
        rc, err, out, path = run_bad(tmp_path, text)
        assert rc == 1, (text, rc, err)
        assert re.search(r"^natter: " + re.escape(path) + pat, err, re.M), \
            (text, err)
        assert out == "", (text, out)     # the screen never opened
    # All the mistakes of a file at once, counted.
    rc, err, _, path = run_bad(tmp_path, "frob 1\nport\nport 1\nport 2\n")
    assert rc == 1
    assert ":1: frob" in err and ":2: port: missing" in err
    assert ":4: port: already set on line 3" in err
    assert "%s: 3 errors" % path in err
    # A file given with -c that is not there.
    rc, err, _, _ = run_bad(tmp_path, "", "-c", str(tmp_path / "nope"))
    assert rc == 1 and "nope: No such file or directory" in err


def test_password_file_refused_if_others_may_read(tmp_path):
    pw = write(str(tmp_path / "pw"), "sesame\n")
    os.chmod(pw, 0o644)
    rc, err, out, _ = run_bad(tmp_path, "password-file %s\n" % pw)
    assert rc == 1 and "others may read or change it" in err, err
    assert out == ""


def test_set_and_save_round_trip(srv, tui, tmp_path):
    env = xdg(tmp_path, """# my settings: kept as they are
port %d
nick alice
join 7
# the clock
time-format %%H:%%M
highlight apple
""" % srv.port)
    path = os.path.join(env["XDG_CONFIG_HOME"], "natter", "config")
    os.chmod(path, 0o644)
    t = tui(env=env, cols=200)
    joined(t, "#7", 1)
    t.wait(r"^\d\d:\d\d -!- you have joined")
    # At once: the time column, the sidebar, the highlight words.
    t.enter("/set time-format %H.%M.%S")
    t.wait(r"time-format set \(/save keeps it\)")
    t.wait(r"^\d\d\.\d\d\.\d\d -!- you have joined")
    t.enter("/set sidebar-width 0")
    t.wait(r"sidebar-width set")
    assert sidebar(t) == []
    t.enter("/set highlight pear plum")
    t.wait(r"highlight set")
    # For the next start only, or refused, with the reason.
    t.enter("/set join 7 8")
    t.wait(r"join: takes effect at the next start \(/save keeps it\)")
    t.enter("/set nick zed")
    t.wait(r"nick: use /nick to change it now")
    t.enter("/set frob 1")
    t.wait(r"frob: unknown setting \(/set lists them\)")
    t.enter("/set sidebar-width 3")
    t.wait(r"sidebar-width: '3' is not a number from 0 to 40 \(0, or at "
           r"least 8\)")
    t.enter("/set")
    t.wait(r"join +#7 +\(next start: #7 #8\)")
    t.enter("/save")
    t.wait(r"-!- saved %s" % re.escape(path))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with open(path, encoding="utf-8") as f:
        saved = f.read()
    assert saved == """# my settings: kept as they are
port %d
nick alice
join #7
join #8
# the clock
time-format %%H.%%M.%%S
highlight pear
highlight plum
sidebar-width 0
""" % srv.port, saved
    # No temporary file left beside it.
    assert sorted(os.listdir(os.path.dirname(path))) == ["config"]
    t.enter("/quit")
    assert t.wait_dead() == 0
    # The next start has it all.
    t2 = tui(env=env)
    joined(t2, "#7", 1)
    t2.wait(r"2:#7\S* 3:#8")
    t2.wait(r"^\d\d\.\d\d\.\d\d -!- you have joined")
    assert sidebar(t2) == []


def test_save_makes_the_file(srv, tui, tmp_path):
    """No file yet: /save makes the directory and the file, mode 0600."""
    home = tmp_path / "fresh"
    env = {"XDG_CONFIG_HOME": str(home)}
    t = tui("-n", "alice", "-r", "7", "-p", str(srv.port), env=env,
            cols=200)
    joined(t, "#7", 1)
    t.enter("/set colors off")
    t.wait(r"colors set")
    t.enter("/save")
    path = str(home / "natter" / "config")
    t.wait(r"-!- saved %s" % re.escape(path))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with open(path) as f:
        assert f.read().splitlines()[1:] == ["colors off"]


def test_no_config_and_choosing_a_file(srv, tui, tmp_path):
    env = xdg(tmp_path, "port %d\nnick alice\njoin 7\n" % srv.port)
    # The default file.
    t = tui(env=env)
    joined(t, "#7", 1)
    t.wait(r"\[connected\] alice ")
    # --no-config: as if there were none; /save has nowhere to go.
    t2 = tui("--no-config", "-p", str(srv.port), env=env)
    t2.wait(r"^room:$")
    t2.enter("8")
    t2.wait(r"^nick: tester$")
    t2.enter("")
    joined(t2, "#8", 1)
    t2.wait(r"\[connected\] tester ")
    t2.enter("/save")
    t2.wait(r"cannot save: no configuration file to save to "
            r"\(--no-config\)")
    # -c FILE: that one, not the default.
    other = write(str(tmp_path / "other.conf"),
                  "port %d\nnick carol\njoin 9\n" % srv.port)
    t3 = tui("-c", other, env=env)
    joined(t3, "#9", 1)
    t3.wait(r"\[connected\] carol ")


def test_tls_keys(natterd, pki, tui, tmp_path):
    """tls and tls-ca in the file: the certificate is checked against
    that CA alone."""
    s, tport = tls_natterd(natterd, pki)
    env = xdg(tmp_path, "host 127.0.0.1\nport %d\ntls on\ntls-ca %s\n"
              "nick bob\njoin 7\n" % (tport, ca(pki)))
    t = tui(env=env)
    joined(t, "#7", 1)
    t.keys("M-1")
    t.wait(r"-!- TLS: TLSv1\.[23], \S+; certificate verified for "
           r"127\.0\.0\.1")


def test_save_through_a_link(srv, tui, tmp_path):
    """A configuration file that is a link stays one: /save writes the
    file it points to."""
    real = write(str(tmp_path / "dotfiles" / "natter.conf"),
                 "port %d\nnick alice\njoin 7\n" % srv.port)
    home = tmp_path / "xdg"
    (home / "natter").mkdir(parents=True)
    link = home / "natter" / "config"
    os.symlink(real, str(link))
    t = tui(env={"XDG_CONFIG_HOME": str(home)})
    joined(t, "#7", 1)
    t.enter("/set sidebar-width 20")
    t.wait(r"sidebar-width set")
    t.enter("/save")
    t.wait(r"-!- saved ")
    assert os.path.islink(str(link))
    with open(real) as f:
        assert f.read().splitlines()[-1] == "sidebar-width 20"
    assert stat.S_IMODE(os.stat(real).st_mode) == 0o600


def test_time_format_wide_characters(srv, tui, tmp_path):
    """A time of Hangul takes two columns a syllable: the text after it
    starts where the width says."""
    env = xdg(tmp_path, "port %d\nnick alice\njoin 7\n"
              "time-format %%H시 %%M분\n" % srv.port)
    t = tui(env=env)
    joined(t, "#7", 1)
    m = t.wait(r"^\d\d시 \d\d분 -!- you have joined the room")
    assert col_of(m.group(0), "-!-") == 2 + 2 + 1 + 2 + 2 + 1
