"""Presence: IRCv3 typing notifications (+typing with TAGMSG) between two
natter clients through a real natterd and socket peers, and
draft/read-marker (MARKREAD) against a scripted server, since natterd
does not offer it."""

import os
import re
import time

from conftest import TIMEOUT, joined
from test_fake_server import Conn, serve

TYPING = "\u2026"           # the ellipsis after "is typing"
DIVIDER = "\u2014 new since you left \u2014"


def status(t):
    """natter's status line (the row above the input line)."""
    rows = t.screen().rstrip("\n").split("\n")
    return rows[-2] if len(rows) >= 2 else ""


def wait_status(t, pattern, timeout=TIMEOUT):
    rx = re.compile(pattern)
    end = time.monotonic() + timeout
    while True:
        line = status(t)
        if rx.search(line):
            return line
        if time.monotonic() > end:
            raise AssertionError("status never matched /%s/:\n%s"
                                 % (pattern, t.screen()))
        time.sleep(0.05)


def wait_status_not(t, pattern, timeout=TIMEOUT):
    rx = re.compile(pattern)
    end = time.monotonic() + timeout
    while rx.search(status(t)):
        if time.monotonic() > end:
            raise AssertionError("status still matches /%s/:\n%s"
                                 % (pattern, t.screen()))
        time.sleep(0.05)


def child_of(pid):
    """The process the pane's shell started (natter), by its parent."""
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            return int(d)
    raise AssertionError("no child of %d" % pid)


def cpu_ticks(pid):
    """User and system clock ticks pid has used."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def typing_of(m):
    return m.tags.get("+typing")


def two(srv, tui, *extra):
    """alice and bob, each a natter in #7."""
    a = tui("-n", "alice", "-r", "7", "-p", str(srv.port), *extra)
    joined(a, "#7", 1)
    b = tui("-n", "bob", "-r", "7", "-p", str(srv.port))
    joined(b, "#7", 2)
    joined(a, "#7", 2)
    return a, b


def test_typing_shown_cleared_and_ended_by_the_message(srv, peer, tui):
    a, b = two(srv, tui)
    carol = peer("carol", caps=("message-tags",)).join("#7")
    joined(b, "#7", 3)
    a.type("hello")
    assert typing_of(carol.expect("TAGMSG", "#7")) == "active"
    wait_status(b, r"\| alice is typing" + TYPING + "$")
    # The line cleared without sending: done, and it goes away.
    a.keys("C-u")
    assert typing_of(carol.expect("TAGMSG", "#7")) == "done"
    wait_status_not(b, r"alice is typing")
    # Typed and sent: the message ends it, no "done" follows.
    a.type("hi there")
    assert typing_of(carol.expect("TAGMSG", "#7")) == "active"
    wait_status(b, r"alice is typing")
    a.keys("Enter")
    m = carol.expect_any(("TAGMSG", "PRIVMSG"))
    assert m.command == "PRIVMSG" and m.params[1] == "hi there", m
    b.wait(r"<alice> hi there")
    assert "typing" not in status(b)
    # The next notification after the message is the next line's active.
    a.type("more")
    m = carol.expect("TAGMSG", "#7")
    assert typing_of(m) == "active", m
    # Typing stopped, the text kept: paused, once.
    assert typing_of(carol.expect("TAGMSG", "#7")) == "paused"
    wait_status(b, r"alice is typing")
    # Several people.
    carol.send("@+typing=active TAGMSG #7")
    wait_status(b, r"\| alice and carol are typing" + TYPING + "$")
    dave = peer("dave", caps=("message-tags",)).join("#7")
    dave.send("@+typing=active TAGMSG #7")
    wait_status(b, r"\| several people are typing" + TYPING + "$")
    # A part and a quit end theirs.
    dave.send("PART #7")
    wait_status(b, r"\| alice and carol are typing")
    carol.send("QUIT :bye")
    wait_status(b, r"\| alice is typing" + TYPING + "$")


def test_a_multi_line_message_ends_typing(srv, tui):
    """natterd offers draft/multiline: the message comes as a batch,
    and it ends the typing as a one-line message does."""
    a, b = two(srv, tui)
    a.type("first line")
    wait_status(b, r"alice is typing")
    a.keys("C-j")
    a.type("second line")
    a.keys("Enter")
    b.wait(r"<alice> first line")
    b.wait(r"second line")
    assert "typing" not in status(b)


def test_typing_in_a_whisper(srv, tui):
    """Typing in a whisper window reaches the partner's whisper window,
    and only that: no window opens for it."""
    a, b = two(srv, tui)
    a.enter("/query bob")
    a.wait(r"^ bob \| whispers")
    a.type("psst")
    a.keys("C-u")
    # bob has no window with alice: nothing shows, none opens (a room
    # message sent after it comes after it).
    a.keys("M-2")
    a.enter("sync")
    b.wait(r"<alice> sync")
    assert "3:" not in status(b) and "typing" not in status(b)
    assert not any("is typing" in x for x in b.seen)
    a.keys("M-3")
    b.enter("/query alice")
    b.wait(r"^ alice \| whispers")
    a.type("now then")
    wait_status(b, r"\| alice is typing" + TYPING + "$")
    assert "3:alice" in status(b) and "4:" not in status(b)
    # Not in the room's window: it is the whisper being typed.
    b.keys("M-2")
    joined(b, "#7")
    assert "typing" not in status(b)
    a.keys("Enter")
    b.wait(r"\*alice\* now then")


def test_typing_throttled_to_every_3_seconds(srv, peer, tui):
    a = tui("-n", "alice", "-r", "7", "-p", str(srv.port))
    joined(a, "#7", 1)
    carol = peer("carol", caps=("message-tags",)).join("#7")
    joined(a, "#7", 2)
    # A steady typist: a key every 0.2 s for 7 s (the pace of the
    # typing, not a wait for natter).
    start = time.monotonic()
    while time.monotonic() - start < 7:
        a.type("x")
        time.sleep(0.2)
    span = time.monotonic() - start
    # Cleared: everything it sent for that ends with the one "done".
    a.keys("C-u")
    got = []
    while not got or got[-1] != "done":
        got.append(typing_of(carol.expect("TAGMSG", "#7")))
    assert set(got) <= {"active", "paused", "done"}, got
    active = got.count("active")
    # Sends at least 3 s apart, each after a key: fewer than span/3 + 2
    # (a second of slack for keys arriving late); 35 without a throttle.
    assert 2 <= active <= int((span + 1) / 3) + 2, (active, span, got)


def test_typing_off_sends_and_shows_nothing(srv, peer, tui):
    a, b = two(srv, tui)
    carol = peer("carol", caps=("message-tags",)).join("#7")
    joined(a, "#7", 3)
    a.enter("/set typing off")
    a.wait(r"typing set")
    a.type("secret draft")
    a.keys("Enter")
    # Would have come first: active goes out at the first key.
    m = carol.expect_any(("TAGMSG", "PRIVMSG"))
    assert m.command == "PRIVMSG" and m.params[1] == "secret draft", m
    # Not shown either: bob (on) sees carol typing, alice does not, even
    # after a reply that came after it.
    carol.send("@+typing=active TAGMSG #7")
    carol.sync()
    wait_status(b, r"carol is typing")
    a.enter("/topic")
    a.wait(r"no topic is set")
    assert "typing" not in status(a)
    assert not any("is typing" in s for s in a.seen)


def test_typing_expires_without_busy_waiting(srv, peer, tui):
    b = tui("-n", "bob", "-r", "7", "-p", str(srv.port))
    joined(b, "#7", 1)
    carol = peer("carol", caps=("message-tags",)).join("#7")
    joined(b, "#7", 2)
    # Values nobody knows mean nothing.
    carol.send("@+typing=thinking TAGMSG #7")
    sent = time.monotonic()
    carol.send("@+typing=active TAGMSG #7")
    wait_status(b, r"\| carol is typing" + TYPING + "$")
    wait_status_not(b, r"carol is typing", timeout=TIMEOUT + 6)
    assert time.monotonic() - sent >= 5.9
    # Paused lasts longer than active: still there after 7 s.
    carol.send("@+typing=paused TAGMSG #7")
    sent = time.monotonic()
    wait_status(b, r"carol is typing")
    while time.monotonic() - sent < 7:
        assert "carol is typing" in status(b), b.screen()
        time.sleep(0.25)
    # natter sleeps meanwhile: a timer, not a loop (no CPU burnt).
    natter = child_of(int(b.display("#{pane_pid}")))
    before = cpu_ticks(natter)
    time.sleep(1)
    assert cpu_ticks(natter) - before < 20, "natter busy while idle"
    carol.send("PRIVMSG #7 :done thinking")
    b.wait(r"<carol> done thinking")
    assert "typing" not in status(b)


def test_slash_commands_are_not_typing(srv, peer, tui):
    a = tui("-n", "alice", "-r", "7", "-p", str(srv.port))
    joined(a, "#7", 1)
    carol = peer("carol", caps=("message-tags",)).join("#7")
    joined(a, "#7", 2)
    for ch in "/me waves":
        a.type(ch)
    a.wait(r"\[#7\] /me waves$")
    a.keys("Enter")
    m = carol.expect_any(("TAGMSG", "PRIVMSG"))
    assert m.command == "PRIVMSG" and "waves" in m.params[1], m
    # "//" sends a slash: that is a message being typed.
    a.type("//etc")
    assert typing_of(carol.expect("TAGMSG", "#7")) == "active"


def test_typing_to_someone_offline_errs_once(srv, tui):
    """natterd answers a TAGMSG to a nick not there with 401: said once,
    not again every 3 seconds while typing on."""
    a = tui("-n", "alice", "-r", "7", "-p", str(srv.port))
    joined(a, "#7", 1)
    a.enter("/query ghost")
    a.wait(r"^ ghost \| whispers")
    a.type("are you there")
    a.wait(r"ghost: No such nick")
    # Typing on past the 3 s a second notification would wait (pacing
    # the typist, not waiting for natter).
    start = time.monotonic()
    while time.monotonic() - start < 4:
        a.type(".")
        time.sleep(0.25)
    a.keys("Enter")
    # The message's own 401 is the second, and the last.
    end = time.monotonic() + TIMEOUT
    while a.screen().count("No such nick") < 2:
        assert time.monotonic() < end, a.screen()
        time.sleep(0.05)
    # Anything after it has come once the server answers this.
    a.enter("/list")
    a.wait(r"end of the room list")
    assert a.screen().count("No such nick") == 2, a.screen()


def fake(tui, caps, *args, marker="*"):
    """natter -n bob -r 7 against a scripted server offering caps, in #7
    with alice, the read marker on join as given: (tui, conn,
    listener)."""
    ls = serve()
    t = tui("-n", "bob", "-r", "7", "-p", str(ls.getsockname()[1]), *args,
            env={"TZ": "UTC"})
    sock, _ = ls.accept()
    c = Conn(sock)
    c.expect("CAP", "LS", "302")
    c.send(":fake CAP * LS :" + " ".join(caps))
    if caps:
        m = c.expect("CAP", "REQ")
        assert sorted(m.params[-1].split()) == sorted(caps), m
        c.send(":fake CAP bob ACK :" + m.params[-1])
    c.expect("CAP", "END")
    c.send(":fake 001 bob :Welcome bob!b@h")
    c.send(":fake 422 bob :No MOTD")
    join(c, "#7", marker if "draft/read-marker" in caps else None)
    joined(t, "#7", 2)
    return t, c, ls


def join(c, room, marker):
    c.expect("JOIN", room)
    c.send(":bob!b@h JOIN " + room)
    if marker is not None:
        c.send(":fake MARKREAD %s %s" % (room, marker))
    c.send(":fake 353 bob = %s :bob alice" % room)
    c.send(":fake 366 bob %s :End" % room)


def say(c, room, when, text):
    c.send("@time=2026-01-02T03:%s :alice!a@h PRIVMSG %s :%s"
           % (when, room, text))


CAPS = ("message-tags", "server-time", "draft/read-marker")


def rows_of(t, text):
    return [i for i, l in enumerate(t.lines()) if text in l]


def test_markread_sent_when_read(tui):
    t, c, ls = fake(tui, CAPS)
    try:
        say(c, "#7", "04:05.123Z", "first")
        say(c, "#7", "04:06.456Z", "second")
        t.wait(r"<alice> second")
        c.expect("MARKREAD", "#7", "timestamp=2026-01-02T03:04:06.456Z")
        # Another room, looked at: what comes to #7 now is not read.
        t.enter("/join 8")
        join(c, "#8", "timestamp=2026-01-01T00:00:00.000Z")
        joined(t, "#8", 2)
        say(c, "#7", "05:00.000Z", "unseen")
        say(c, "#8", "05:01.000Z", "in eight")
        t.wait(r"<alice> in eight")
        m = c.expect("MARKREAD")
        assert m.params == ["#8", "timestamp=2026-01-02T03:05:01.000Z"], m
        # Back in #7: now it is read.
        t.keys("M-2")
        t.wait(r"<alice> unseen")
        m = c.expect("MARKREAD")
        assert m.params == ["#7", "timestamp=2026-01-02T03:05:00.000Z"], m
        # A whisper window asks where its marker is.
        c.send("@time=2026-01-02T03:06:00.000Z :carol!c@h PRIVMSG bob :psst")
        t.keys("M-4")
        t.wait(r"<carol> psst")
        m = c.expect("MARKREAD", "carol")
        assert m.params == ["carol"], m
        c.send(":fake MARKREAD carol *")
        m = c.expect("MARKREAD", "carol")
        assert m.params == ["carol", "timestamp=2026-01-02T03:06:00.000Z"]
    finally:
        c.close()
        ls.close()


def test_server_markread_places_the_divider(tui):
    t, c, ls = fake(tui, CAPS)
    try:
        t.enter("/join 8")
        join(c, "#8", "*")
        joined(t, "#8", 2)
        say(c, "#7", "04:01.000Z", "one")
        say(c, "#7", "04:02.000Z", "two")
        say(c, "#7", "04:03.000Z", "three")
        # Hostile or meaningless: ignored, no window, no crash.
        c.send(":fake MARKREAD #7 timestamp=yesterday")
        c.send(":fake MARKREAD #nowhere timestamp=2026-01-02T03:04:02.000Z")
        c.send(":mallory!m@h MARKREAD #7 timestamp=2026-01-02T03:04:03.000Z")
        c.send(":fake MARKREAD #7 timestamp=2026-01-02T03:04:02.000Z")
        # Another client read up to "two", older news after: ignored.
        c.send(":fake MARKREAD #7 timestamp=2026-01-02T03:04:01.000Z")
        c.send("PING :synced")
        c.expect("PONG")
        t.keys("M-2")
        t.wait(r"<alice> three")
        one, two, three = (rows_of(t, "<alice> " + w)[0]
                           for w in ("one", "two", "three"))
        div = rows_of(t, DIVIDER)
        assert len(div) == 1 and one < two < div[0] < three, t.screen()
        assert "#nowhere" not in t.screen()
        # Read now: natter says so; the answer leaves the divider where
        # the user is looking.
        c.expect("MARKREAD", "#7", "timestamp=2026-01-02T03:04:03.000Z")
        c.send(":fake MARKREAD #7 timestamp=2026-01-02T03:04:03.000Z")
        c.send("PING :synced")
        c.expect("PONG")
        t.settle()
        assert len(rows_of(t, DIVIDER)) == 1
        # Left and back: all was read, the divider is gone; news while
        # away gets it again, above the news, still one.
        t.keys("M-3")
        joined(t, "#8")
        say(c, "#7", "04:09.000Z", "four")
        c.send("PING :synced")
        c.expect("PONG")
        t.keys("M-2")
        t.wait(r"<alice> four")
        div = rows_of(t, DIVIDER)
        assert len(div) == 1, t.screen()
        assert rows_of(t, "<alice> three")[0] < div[0] < \
            rows_of(t, "<alice> four")[0], t.screen()
        # Typing from the scripted server: hostile and edge cases.
        t.enter("/ignore spy")
        t.wait(r"ignoring spy")
        c.send("@+typing=active :spy!s@h TAGMSG #7")
        c.send("@+typing=active :mallory!m@h TAGMSG #nowhere")
        c.send("@+typing=bogus :mallory!m@h TAGMSG #7")
        c.send("@+typing=paused :ev\x1bil!e@h TAGMSG #7")
        wait_status(t, r"\| ev\^\[il is typing" + TYPING + "$")
        assert "mallory" not in status(t) and "#nowhere" not in t.screen()
        assert "spy" not in status(t)
        c.send("@+typing=paused :alice!a@h TAGMSG #7")
        wait_status(t, r"ev\^\[il and alice are typing")
        c.send(":alice!a@h NICK alicia")
        wait_status(t, r"ev\^\[il and alicia are typing")
        c.send("@+react=x :alicia!a@h TAGMSG #7")
        wait_status(t, r"\| ev\^\[il is typing" + TYPING + "$")
    finally:
        c.close()
        ls.close()


def test_markread_on_join_places_the_divider_in_history(tui):
    """The marker the server gives on join lands among the room history
    fetched for the join, in the window being looked at; reading it is
    told only once the history is in."""
    caps = CAPS + ("batch", "draft/chathistory")
    t, c, ls = fake(tui, caps,
                    marker="timestamp=2026-01-02T03:04:02.000Z")
    try:
        m = c.expect("CHATHISTORY")
        assert m.params[:2] == ["LATEST", "#7"], m
        c.send("@time=2026-01-02T03:05:00.000Z :alice!a@h PRIVMSG #7 :live")
        t.wait(r"<alice> live")
        c.send(":fake BATCH +h chathistory #7")
        for i, w in enumerate(("one", "two", "three"), 1):
            c.send("@batch=h;time=2026-01-02T03:04:0%d.000Z;msgid=m%d "
                   ":alice!a@h PRIVMSG #7 :%s" % (i, i, w))
        c.send(":fake BATCH -h")
        t.wait(r"<alice> three")
        m = c.expect("MARKREAD")
        assert m.params == ["#7", "timestamp=2026-01-02T03:05:00.000Z"], m
        one, two, three, live = (rows_of(t, "<alice> " + w)[0]
                                 for w in ("one", "two", "three", "live"))
        div = rows_of(t, DIVIDER)
        assert len(div) == 1 and one < two < div[0] < three < live, \
            t.screen()
    finally:
        c.close()
        ls.close()


def test_no_typing_without_message_tags(tui):
    t, c, ls = fake(tui, ("server-time",))
    try:
        t.type("hello")
        t.wait(r"\[#7\] hello$")
        t.keys("Enter")
        m = c.expect_any(("TAGMSG", "PRIVMSG"))
        assert m.command == "PRIVMSG" and m.params == ["#7", "hello"], m
    finally:
        c.close()
        ls.close()


def test_no_read_marker_without_the_cap(tui):
    t, c, ls = fake(tui, ("message-tags", "server-time"))
    try:
        say(c, "#7", "04:05.000Z", "first")
        say(c, "#7", "04:06.000Z", "second")
        c.send(":fake MARKREAD #7 timestamp=2026-01-02T03:04:05.000Z")
        t.wait(r"<alice> second")
        t.type("probe")
        t.keys("Enter")
        got = []
        while True:
            m = c.recv()
            got.append(m)
            if m.command == "PRIVMSG":
                break
        assert not [m for m in got if m.command == "MARKREAD"], got
        assert m.params == ["#7", "probe"]
        assert DIVIDER not in t.screen()
    finally:
        c.close()
        ls.close()
