"""Chat logs (--log, --log-dir, /log): a file a day for each room and
whisper under the log directory, one line a message with an ISO 8601
time, the text sanitised as the pane shows it, never a control byte;
files 0600 in directories 0700, a hostile room name kept inside."""

import glob
import os
import re
import stat

from conftest import joined

STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d ")
DAY = re.compile(r"^\d{4}-\d\d-\d\d\.log$")


def env(tmp_path):
    return {"XDG_STATE_HOME": str(tmp_path / "state"),
            "XDG_CONFIG_HOME": str(tmp_path / "config")}


def day_file(d):
    """The one daily log in directory d."""
    names = os.listdir(d)
    assert len(names) == 1 and DAY.match(names[0]), names
    return os.path.join(d, names[0])


def check_inert(data):
    """No C0 control but the line end, no DEL, no C1 control; each line
    starts with an ISO 8601 time."""
    for b in data:
        assert b == 0x0a or (b >= 0x20 and b != 0x7f), (hex(b), data)
    text = data.decode("utf-8")
    assert not any(0x80 <= ord(c) < 0xa0 for c in text), text
    for line in text.splitlines():
        assert STAMP.match(line), line
    return text


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_logs_inert_with_modes(srv, peer, tui, tmp_path):
    logs = tmp_path / "logs"
    t = tui("-n", "alice", "-r", "7", "-p", str(srv.port), "--log",
            "--log-dir", str(logs), env=env(tmp_path))
    joined(t, "#7", 1)
    bob = peer("bob").join("#7")
    joined(t, "#7", 2)
    bob.send("PRIVMSG #7 :x \x1b]2;PWNED\x07 \x1b[2J \x1b[31mRED\x1b[0m "
             "\x07 \u009b31m \x7f \x02bold\x02 \x0304red\x03 one")
    bob.send("PRIVMSG #7 :\x01ACTION waves \x1b[5m\x01")
    bob.send("NOTICE #7 :a notice \x1b(0")
    bob.send("PRIVMSG alice :a secret \x1b]0;x\x07 two")
    t.wait(r"a secret .* two")
    t.wait(r"<bob> x .* one")
    t.enter("hello from alice")
    t.wait(r"<alice> hello from alice")
    bob.expect("PRIVMSG", "#7", "hello from alice")
    bob.send("PART #7 :bye \x1b[1m")
    t.wait(r"bob has left #7")

    server = logs / ("127.0.0.1-%d" % srv.port)
    room = server / "#7"
    path = day_file(str(room))
    text = check_inert(open(path, "rb").read())
    assert "<bob> x ^[]2;PWNED^G ^[[2J ^[[31mRED^[[0m ^G ^[[31m ^? bold " \
        "red one" in text, text
    assert "* bob waves ^[[5m" in text
    assert "-bob- a notice ^[(0" in text
    assert "<alice> hello from alice" in text
    assert re.search(r"bob \(.*\) has joined #7", text)
    assert "bob has left #7 (bye ^[[1m)" in text
    assert "a secret" not in text
    whisper = day_file(str(server / "bob"))
    assert "<bob> a secret ^[]0;x^G two" in check_inert(
        open(whisper, "rb").read())

    assert mode(str(logs)) == 0o700
    assert mode(str(server)) == 0o700
    assert mode(str(room)) == 0o700
    assert mode(path) == 0o600
    assert mode(whisper) == 0o600

    # /log shows today's file of this window.
    t.enter("/log")
    t.wait(r"logging is on; today's log of #7:")
    shown = re.sub(r"\s+", "", "".join(
        l.split("\u2502")[0] for l in t.lines()))
    assert path.replace(" ", "") in shown, shown


def test_hostile_room_stays_inside(srv, peer, tui, tmp_path):
    logs = tmp_path / "deep" / "logs"
    t = tui("-n", "alice", "-r", "#../../x", "-p", str(srv.port), "--log",
            "--log-dir", str(logs), env=env(tmp_path))
    joined(t, r"#../../x", 1)
    bob = peer("bob").join("#../../x")
    joined(t, r"#../../x", 2)
    bob.send("PRIVMSG #../../x :escaped?")
    t.wait(r"<bob> escaped\?")
    made = [p for p in glob.glob(str(tmp_path / "**"), recursive=True)
            if p.endswith(".log") and "natter-" not in p]
    assert len(made) == 1, made
    real = os.path.realpath(made[0])
    assert real.startswith(str(logs) + os.sep), real
    assert os.path.dirname(os.path.dirname(real)) == \
        str(logs / ("127.0.0.1-%d" % srv.port))
    assert "<bob> escaped?" in check_inert(open(real, "rb").read())


def test_log_off_by_default_and_on(srv, peer, tui, tmp_path):
    """Without --log nothing is written; /log on starts, under
    $XDG_STATE_HOME/natter/logs."""
    t = tui("-n", "alice", "-r", "7", "-p", str(srv.port),
            env=env(tmp_path))
    joined(t, "#7", 1)
    bob = peer("bob").join("#7")
    joined(t, "#7", 2)
    bob.send("PRIVMSG #7 :not logged")
    t.wait(r"<bob> not logged")
    base = tmp_path / "state" / "natter" / "logs"
    assert not base.exists()
    # In the server window, /log says where the logs go.
    t.keys("M-1")
    t.wait(r"^ natter ")
    t.enter("/log")
    t.wait(r"logging is off; the logs of rooms and whispers are under")
    shown = re.sub(r"\s+", "", "".join(
        l.split("\u2502")[0] for l in t.lines()))
    assert str(base).replace(" ", "") in shown, shown
    t.keys("M-2")
    joined(t, "#7")
    t.enter("/log on")
    t.wait(r"logging is on; today's log of #7:")
    bob.send("PRIVMSG #7 :now logged")
    t.wait(r"<bob> now logged")
    text = check_inert(open(day_file(
        str(base / ("127.0.0.1-%d" % srv.port) / "#7")), "rb").read())
    assert "now logged" in text and "not logged" not in text


def test_unwritable_log_said_once(srv, peer, tui, tmp_path):
    """A log that cannot be written is said once; chat goes on."""
    blocker = tmp_path / "file"
    blocker.write_text("not a directory\n")
    t = tui("-n", "alice", "-r", "7", "-p", str(srv.port), "--log",
            "--log-dir", str(blocker / "logs"), env=env(tmp_path))
    joined(t, "#7", 1)
    bob = peer("bob").join("#7")
    joined(t, "#7", 2)
    t.wait(r"cannot write the chat log")
    for i in range(3):
        bob.send("PRIVMSG #7 :still here %d" % i)
    t.wait(r"<bob> still here 2")
    assert t.screen().count("cannot write the chat log") == 1


def test_history_not_logged_twice(srv, peer, tui, tmp_path):
    """Lines replayed from the room's history are shown, not logged: a
    log holds what was said while natter was there, once, even across a
    reconnect that replays it."""
    logs = tmp_path / "logs"
    bob = peer("bob").join("#7")
    bob.send("PRIVMSG #7 :said before alice came")
    bob.sync()
    t = tui("-n", "alice", "-r", "7", "-p", str(srv.port), "--log",
            "--log-dir", str(logs), env=env(tmp_path))
    joined(t, "#7", 2)
    t.wait(r"<bob> said before alice came")
    bob.send("PRIVMSG #7 :said live")
    t.wait(r"<bob> said live")
    t.enter("/reconnect")
    assert bob.expect("QUIT").nick == "alice"
    bob.expect("JOIN", "#7")
    t.wait(r"\[connected\] alice ")
    joined(t, "#7", 2)
    bob.send("PRIVMSG #7 :said after")
    t.wait(r"<bob> said after")
    path = day_file(str(logs / ("127.0.0.1-%d" % srv.port) / "#7"))
    text = check_inert(open(path, "rb").read())
    assert "said before alice came" not in text
    assert text.count("said live") == 1, text
    assert text.count("said after") == 1, text
