"""Resize, scrollback, multi-line paste, long messages split, input
editing and completion, commands and help."""

import os
import re
import time

from conftest import TIMEOUT, TOP, col_of, joined, sidebar, width
from test_fake_server import connect as fake_connect


def command_names():
    """The slash commands in client/command.c's table, in its order."""
    with open(os.path.join(TOP, "client", "command.c")) as f:
        return re.findall(r'^\t\{ "(/\w+)", \w+,', f.read(), re.M)


def test_resize_keeps_input_and_scrollback(srv, peer, tui):
    alice = peer("alice").join("#7")
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port))
    joined(t, "#7", 2)
    for i in range(5):
        alice.send("PRIVMSG #7 :message number %d 가나다라마바사아자차카타파하"
                   "가나다라마바사" % i)
    t.wait(r"message number 4")
    t.type("draft 초안 not sent")
    t.wait(r"^\[#7\] draft 초안 not sent$")
    assert "\u2502" in t.screen()

    t.resize(50, 12)
    t.wait(r"^\[#7\] draft 초안 not sent$")
    scr = t.settle()
    lines = scr.split("\n")
    # Narrow: no sidebar, every row within 50 columns, lines rewrapped.
    assert "\u2502" not in scr
    assert all(width(l) <= 50 for l in lines)
    assert "message number 4" in scr
    assert lines[-3].startswith(" [connected] bob")
    w = [l for l in lines if "message number 4" in l][0]
    nxt = lines[lines.index(w) + 1]
    assert col_of(nxt, nxt.strip()[0]) == col_of(w, "message")

    t.resize(100, 30)
    t.wait(r"\u2502@alice")
    t.wait(r"^\[#7\] draft 초안 not sent$")
    scr = t.screen()
    for i in range(5):
        assert "message number %d" % i in scr
    # The cursor is still at the end of the kept input.
    assert t.cursor()[0] == width("[#7] draft 초안 not sent")
    t.keys("Enter")
    assert alice.expect("PRIVMSG", "#7").params[1] == "draft 초안 not sent"


def test_tiny_terminal_does_not_crash(srv, tui):
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port))
    joined(t, "#7", 1)
    t.resize(6, 3)
    t.settle()
    t.resize(30, 8)
    t.wait(r"^ #7 \| 1 member")
    assert t.dead() is None


def test_scrollback(srv, peer, tui):
    alice = peer("alice").join("#7")
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port))
    joined(t, "#7", 2)
    for i in range(80):
        alice.send("PRIVMSG #7 :line %03d" % i)
    t.wait(r"<alice> line 079")
    assert "line 010" not in t.screen()
    t.keys("PageUp")
    t.wait(r"more below \(0 new\)")
    t.wait(r"<alice> line 0[45]\d")
    assert "line 079" not in t.screen()
    # New lines while scrolled up are counted, the view stays.
    alice.send("PRIVMSG #7 :line new")
    t.wait(r"more below \(1 new\)")
    for _ in range(5):
        t.keys("PageUp")
    t.wait(r"<alice> line 000")
    t.wait(r"you have joined")
    for _ in range(10):
        t.keys("PageDown")
    t.wait(r"<alice> line new")
    t.wait_not(r"more below")


def test_scrollback_bounded(srv, peer, tui):
    alice = peer("alice").join("#7")
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port),
            "--scrollback", "30", rows=12)
    joined(t, "#7", 2)
    for i in range(60):
        alice.send("PRIVMSG #7 :line %03d" % i)
    t.wait(r"<alice> line 059")
    for _ in range(10):
        t.keys("PageUp")
    # Only the last 30 lines are kept.
    t.wait(r"<alice> line 030")
    time.sleep(0.2)
    assert "line 029" not in t.screen()


def test_paste_needs_confirmation(srv, peer, tui):
    alice = peer("alice").join("#7")
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port))
    joined(t, "#7", 2)
    lines = ["첫째 줄 first", "second line", "", "셋째 third; with ; semis",
             "/quit not a command", "last"]
    t.paste("\n".join(lines) + "\n")
    # natterd takes multi-line messages: y sends one, which alice (who
    # did not ask for draft/multiline) gets as its lines.
    t.wait(r"^send 5 lines as one message\? \(y/n\)$")
    # Nothing went out before the answer.
    assert not [m for m in alice.sync() if m.command == "PRIVMSG"]
    t.type("y")
    got = [alice.expect("PRIVMSG", "#7").params[1] for _ in range(5)]
    assert got == [l for l in lines if l]
    t.wait(r"^\[#7\]$")
    assert t.dead() is None

    # "n" drops a paste. (One of up to five lines would go into the
    # input line: natterd takes multi-line messages; test_multiline.py.)
    t.paste("one\ntwo\nthree\nfour\nfive\nsix")
    t.wait(r"^send 6 lines as one message\?")
    t.type("n")
    t.wait(r"paste of 6 lines dropped")
    assert not [m for m in alice.sync() if m.command == "PRIVMSG"]

    # One line is just typing: it lands in the input line.
    t.paste("just one line")
    t.wait(r"^\[#7\] just one line$")
    assert not [m for m in alice.sync() if m.command == "PRIVMSG"]


def test_paste_too_long_says_so(srv, peer, tui):
    """A paste past 256 KiB is cut: the user is told, the count is of the
    whole lines kept, and the line cut short is not among them."""
    alice = peer("alice").join("#7")
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port))
    joined(t, "#7", 2)
    lines = ["line %05d %s" % (i, "x" * 40) for i in range(6000)]
    text = "\n".join(lines) + "\n"
    kept = text.encode()[:256 * 1024].count(b"\n")
    assert 0 < kept < len(lines)
    t.paste(text)
    t.wait(r"^send %d lines \(the paste was cut\) as one message\? "
           r"\(y/n\)$" % kept,
           timeout=TIMEOUT * 2)
    t.wait(r"-!- paste too long: kept %d lines \(255 KiB\), left out "
           r"\d+ KiB" % kept)
    t.type("n")
    t.wait(r"paste of %d lines dropped" % kept)
    t.wait(r"^\[#7\]$")
    assert not [m for m in alice.sync() if m.command == "PRIVMSG"]

    # The next paste, whole, is not said to be cut.
    six = ["one", "two", "three", "four", "five", "six"]
    t.paste("\n".join(six))
    t.wait(r"^send 6 lines as one message\? \(y/n\)$")
    t.type("y")
    for line in six:
        assert alice.expect("PRIVMSG", "#7").params[1] == line


def test_paste_is_paced_and_complete(tui):
    """To a server without draft/multiline (natterd would take the paste
    as one message) the lines go paced."""
    t, c, ls = fake_connect(tui)
    try:
        lines = ["paced line %02d 가나다" % i for i in range(14)]
        t.paste("\n".join(lines))
        t.wait(r"^send 14 lines\?")
        t.type("y")
        start = time.monotonic()
        got = [c.expect("PRIVMSG", "#7", timeout=TIMEOUT * 2).params[1]
               for _ in range(14)]
        assert got == lines
        # A burst of 5, then 2 a second: not all at once.
        assert time.monotonic() - start > 3
    finally:
        c.close()
        ls.close()


def test_long_message_split(srv, peer, tui):
    alice = peer("alice").join("#7")
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port))
    joined(t, "#7", 2)
    text = "".join("가나다라마바사아자차카타파하"[i % 14] for i in range(201))
    assert len(text.encode()) == 603
    t.type(text)
    t.keys("Enter")
    parts = []
    raw = []
    while "".join(parts) != text:
        m = alice.expect("PRIVMSG", "#7")
        assert m.nick == "bob"
        parts.append(m.params[1])
        raw.append(m.raw)
        assert len(parts) < 10
    assert len(parts) >= 2
    for p, r in zip(parts, raw):
        p.encode("utf-8")     # surrogateescape would fail: valid UTF-8
        assert "\ufffd" not in p
        # The relayed line with its prefix and CR LF fits in 512 bytes.
        assert len(r.encode("utf-8")) + 2 <= 512
    assert "".join(parts) == text
    # The server did not refuse anything.
    assert "417" not in " ".join(alice.lines)


def test_long_message_split_own_prefix(srv, peer, tui):
    """A long nick makes a long prefix: the split still fits."""
    alice = peer("alice").join("#7")
    nick = "가" * 30
    t = tui("-n", nick, "-r", "7", "-p", str(srv.port))
    joined(t, "#7", 2)
    text = "x" * 300 + "한" * 100
    t.type(text)
    t.keys("Enter")
    parts = []
    while "".join(parts) != text:
        m = alice.expect("PRIVMSG", "#7")
        assert len(m.raw.encode()) + 2 <= 512
        parts.append(m.params[1])
    assert "".join(parts) == text


def test_editing_keys(srv, peer, tui):
    alice = peer("alice").join("#7")
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port))
    joined(t, "#7", 2)
    p = width("[#7] ")
    t.type("hello 세계 world")
    t.keys("C-a")
    t.wait_cursor(p)
    t.keys("C-e")
    t.wait_cursor(p + width("hello 세계 world"))
    t.keys("C-w")
    t.wait(r"^\[#7\] hello 세계$")
    t.keys("Home", "Right", "Right", "Delete")
    t.wait(r"^\[#7\] helo 세계$")
    t.keys("C-k")
    t.wait(r"^\[#7\] he$")
    t.keys("C-y", "End")
    t.wait(r"^\[#7\] helo 세계$")
    t.keys("C-u")
    t.wait(r"^\[#7\]$")
    # History: up brings back sent lines, down returns to the draft.
    t.enter("first sent")
    t.enter("second sent")
    alice.expect("PRIVMSG", "#7")
    alice.expect("PRIVMSG", "#7")
    t.type("draft")
    t.keys("Up")
    t.wait(r"^\[#7\] second sent$")
    t.keys("Up")
    t.wait(r"^\[#7\] first sent$")
    t.keys("Down", "Down")
    t.wait(r"^\[#7\] draft$")


def test_tab_completion(srv, peer, tui):
    alice = peer("alice").join("#7")
    peer("alfred").join("#7")
    chulsoo = peer("철수").join("#7")
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port))
    joined(t, "#7", 4)
    alice.send("PRIVMSG #7 :I spoke last")
    t.wait(r"I spoke last")
    # Most recent speaker first, with ": " at the start of the line.
    t.type("al")
    t.keys("Tab")
    t.wait(r"^\[#7\] alice:$")
    t.keys("Tab")
    t.wait(r"^\[#7\] alfred:$")
    t.keys("C-u")
    t.type("안녕 철")
    t.keys("Tab")
    t.wait(r"^\[#7\] 안녕 철수$")
    t.keys("Enter")
    m = chulsoo.expect("PRIVMSG", "#7", where=lambda m: m.nick == "bob")
    assert m.params[1] == "안녕 철수 "
    t.type("/whi")
    t.keys("Tab")
    t.wait(r"^\[#7\] /whisper$")
    t.keys("C-u")
    t.type("/join #")
    t.keys("Tab")
    t.wait(r"^\[#7\] /join #7$")


def test_commands_and_help(srv, peer, tui):
    alice = peer("alice").join("#7")
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port))
    joined(t, "#7", 2)
    t.enter("/wh")
    t.wait(r"ambiguous command: /wh, could be: /whisper, /who, /whois")
    t.enter("/frob")
    t.wait(r"unknown command: /frob")
    t.enter("/help whisper")
    t.wait(r"-!- /whisper nick message: send a private message")
    t.wait(r"-!- also: /msg /w")
    t.enter("/help")
    t.wait(r"-!- /help command explains one")
    # Every command in the table, each once, in the table's (sorted) order,
    # however the line wraps.
    scr = t.screen()
    pane = "\n".join(line.split("\u2502")[0] for line in
                     scr[scr.index("-!- commands:"):
                         scr.index("-!- /help command")].split("\n"))
    listed = re.findall(r"(?<!\S)/\w+(?!\S)", pane)
    names = command_names()
    assert len(names) > 20 and names == sorted(names)
    assert listed == names, scr
    t.enter("//slash at the start")
    assert alice.expect("PRIVMSG", "#7").params[1] == "/slash at the start"
    t.enter("/me waves 손")
    m = alice.expect("PRIVMSG", "#7")
    assert m.params[1] == "\x01ACTION waves 손\x01"
    t.wait(r"\* bob waves 손")
    # natterd's rooms are +t: only an operator sets the topic.
    t.enter("/topic 새 주제")
    t.wait(r"you are not an operator of #7")
    alice.send("MODE #7 +o bob")
    t.wait(r"alice sets mode \+o bob")
    assert sidebar(t) == ["@alice", "@bob"]
    t.enter("/topic 새 주제")
    t.wait(r"^ #7 \| 2 members \| 새 주제")
    t.enter("/topic")
    t.wait(r"-!- topic: 새 주제")
    t.enter("/whois alice")
    t.wait(r"alice is ~u@127\.0\.0\.1")
    t.enter("/list")
    t.wait(r"#7  2  새 주제")
    t.enter("/away lunch")
    t.wait(r"marked as being away")
    t.enter("/quote PRIVMSG #7 :raw line")
    assert alice.expect("PRIVMSG", "#7").params[1] == "raw line"
    t.enter("/clear")
    t.wait_not(r"marked as being away")
    t.enter("/whisper")
    t.wait(r"usage: /whisper nick message")


def test_debug_window(srv, peer, tui):
    alice = peer("alice").join("#7")
    # Wide enough for a raw line with its time and msgid tags on one row.
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port), cols=140)
    joined(t, "#7", 2)
    t.enter("/debug")
    t.wait(r"^ debug \| raw lines")
    alice.send("PRIVMSG #7 :raw \x1b[2J")
    t.wait(r"<< @time=\S+ :alice!~u@127\.0\.0\.1 PRIVMSG #7 :raw \^\[\[2J")
    t.enter("hello")
    t.wait(r"nobody to talk to here")
    # Text that could not go anywhere stays in the input line.
    t.wait(r"^\[debug\] hello$")
    t.keys("C-u", "M-2")
    t.enter("from the room")
    alice.expect("PRIVMSG", "#7")
    t.keys("M-3")
    t.wait(r">> PRIVMSG #7 :from the room")
    t.enter("/close")
    t.wait(r"^ #7 \| ")
    t.wait_not(r"3:debug")


def test_long_input_scrolls_sideways(srv, peer, tui):
    """An odd width and only wide characters: the input line scrolls to
    keep the cursor visible and never shows half a syllable."""
    alice = peer("alice").join("#7")
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port), cols=41, rows=8)
    joined(t, "#7", 2)
    text = "가나다라마바사아자차카타파하" * 3 + "x"
    t.type(text)
    t.wait(r"하x$")
    for keys in (["Left"] * 25, ["Home"], ["Right"] * 19, ["End"]):
        before = t.screen()
        t.keys(*keys)
        if keys != ["End"]:
            t.settle(quiet=0.2)
        line = t.screen().split("\n")[-2]
        x, y = t.cursor()
        assert width(line) <= 41
        assert 0 <= x < 41 and y == 7
        # What is shown is a run of whole syllables from the text.
        shown = line[5:] if line.startswith("[#7] ") else line
        assert shown.rstrip("x") in text
        assert before is not None
    t.keys("Enter")
    assert alice.expect("PRIVMSG", "#7").params[1] == text
