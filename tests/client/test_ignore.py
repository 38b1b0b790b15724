"""/ignore and /unignore: masks (nick, nick!user@host, * and ?, any case)
hide messages, notices, actions, CTCPs and invitations from whoever they
match, on screen and in the chat log; /ignore alone lists them; they are
kept in $XDG_STATE_HOME/natter/ignore (0600) for the next run."""

import os
import stat

from conftest import joined


def env(tmp_path):
    return {"XDG_STATE_HOME": str(tmp_path / "state"),
            "XDG_CONFIG_HOME": str(tmp_path / "config")}


def said(t, speaker, others, text):
    """speaker says text in #7; once the others have it, so has natter
    (the server writes to everyone in one go, in order)."""
    speaker.send("PRIVMSG #7 :" + text)
    for o in others:
        o.expect("PRIVMSG", "#7", text)


def test_ignore_unignore_persist(srv, peer, tui, tmp_path):
    args = ("-n", "alice", "-r", "7", "-p", str(srv.port), "--log",
            "--log-dir", str(tmp_path / "logs"))
    t = tui(*args, env=env(tmp_path))
    joined(t, "#7", 1)
    bob = peer("bob").join("#7")
    carol = peer("carol").join("#7")
    dave = peer("dave").join("#7")
    joined(t, "#7", 4)

    t.enter("/ignore")
    t.wait(r"nobody is ignored")
    t.enter("/ignore BOB")
    t.wait(r"ignoring BOB")
    bob.send("PRIVMSG #7 :hidden message")
    bob.send("NOTICE #7 :hidden notice")
    bob.send("PRIVMSG #7 :\x01ACTION hidden action\x01")
    bob.send("PRIVMSG alice :hidden whisper")
    bob.send("PRIVMSG alice :\x01VERSION\x01")
    bob.join("#x")
    bob.send("INVITE alice #x")
    bob.expect("341")
    said(t, bob, [carol, dave], "hidden last")
    said(t, carol, [bob, dave], "carol speaks")
    t.wait(r"<carol> carol speaks")
    scr = t.screen()
    assert "hidden" not in scr and "invites you" not in scr, scr
    # No whisper window opened, and the server window heard no CTCP.
    status = [l for l in t.lines() if l.startswith(" [connected]")]
    assert len(status) == 1 and ":bob" not in status[0], status
    t.keys("M-1")
    t.wait(r"natter \S+ \| 127\.0\.0\.1")
    assert "CTCP" not in t.screen()
    t.keys("M-2")
    joined(t, "#7")

    # A wildcard mask, any case: carol, not dave.
    t.enter("/ignore C?R*!*@127.*")
    t.wait(r"ignoring C\?R\*!\*@127\.\*")
    said(t, carol, [bob, dave], "carol hidden")
    said(t, dave, [bob, carol], "dave speaks")
    t.wait(r"<dave> dave speaks")
    assert "carol hidden" not in t.screen()
    t.enter("/ignore")
    t.wait(r"ignored: BOB C\?R\*!\*@127\.\*")

    t.enter("/unignore bob")
    t.wait(r"no longer ignoring bob")
    said(t, bob, [carol, dave], "bob is back")
    t.wait(r"<bob> bob is back")
    t.enter("/unignore nobody")
    t.wait(r"nobody is not ignored")

    path = tmp_path / "state" / "natter" / "ignore"
    assert path.read_text() == "C?R*!*@127.*\n"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    logdir = tmp_path / "logs" / ("127.0.0.1-%d" % srv.port) / "#7"
    log = open(logdir / os.listdir(logdir)[0]).read()
    assert "bob is back" in log and "dave speaks" in log
    assert "hidden" not in log and "carol hidden" not in log
    assert not (logdir.parent / "bob").exists()

    # The next run reads the file, and what the room's history replays
    # from carol stays hidden too.
    t.enter("/quit")
    assert t.wait_dead() == 0
    said(t, carol, [bob, dave], "carol while away")
    said(t, bob, [carol, dave], "bob while away")
    t2 = tui(*args, env=env(tmp_path))
    joined(t2, "#7", 4)
    t2.wait(r"<bob> bob while away")
    assert "carol while away" not in t2.screen()
    t2.enter("/ignore")
    t2.wait(r"ignored: C\?R\*!\*@127\.\*")
    said(t2, carol, [bob, dave], "carol still hidden")
    said(t2, bob, [carol, dave], "bob again")
    t2.wait(r"<bob> bob again")
    assert "still hidden" not in t2.screen()
