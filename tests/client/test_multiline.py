"""Multi-line messages (IRCv3 draft/multiline): Alt-Enter and Ctrl-J
break the input line, which grows; Enter sends one BATCH to a server
offering the capability (its max-bytes and max-lines kept, long lines
split into concat parts), else the lines one by one after the same
question a paste gets; a received batch is one message with its rows
under the text; FAIL BATCH is a sentence; hostile batches change
nothing else."""

import glob
import os
import re

from conftest import TIMEOUT, Client, col_of, joined
from test_fake_server import Conn, serve
from test_link import ngircd  # noqa: F401 (a fixture)

ROWS = 24


def connect(tui, caps="batch draft/multiline=max-bytes=4096,max-lines=24",
            args=(), **kw):
    """natter -n bob -r 7 against a scripted server offering caps; bob is
    in #7 with alice: (tui, conn, listener)."""
    ls = serve()
    port = ls.getsockname()[1]
    t = tui("-n", "bob", "-r", "7", "-p", str(port), *args, rows=ROWS, **kw)
    sock, _ = ls.accept()
    c = Conn(sock)
    c.expect("CAP", "LS", "302")
    c.send(":fake.example CAP * LS :" + caps)
    m = c.expect("CAP", where=lambda m: m.params[0] in ("REQ", "END"))
    if m.params[0] == "REQ":
        if usable(caps):
            assert m.params[-1].split() == ["batch", "draft/multiline"]
        else:
            assert "draft/multiline" not in m.params[-1]
        c.send(":fake.example CAP bob ACK :" + m.params[-1])
        c.expect("CAP", "END")
    c.send(":fake.example 001 bob :Welcome bob!b@h")
    c.send(":fake.example 422 bob :No MOTD")
    c.expect("JOIN", "#7")
    c.send(":bob!b@h JOIN #7")
    c.send(":fake.example 353 bob = #7 :bob @alice")
    c.send(":fake.example 366 bob #7 :End")
    joined(t, "#7", 2)
    return t, c, ls


def usable(caps):
    """Should natter ask for draft/multiline offered as in caps? Only
    with batch, and with a max-bytes it can keep to."""
    m = re.search(r"(?:^| )draft/multiline=\S*?\bmax-bytes=(\d+)(?:,|$| )",
                  caps)
    return "batch" in caps.split() and m is not None and int(m.group(1)) >= 64


def batches(c, n):
    """The next n batches natter sends: a list of (ref, target, lines),
    each line (concat, text); every line inside carries the batch tag."""
    out = []
    for _ in range(n):
        start = c.expect("BATCH")
        assert start.params[0].startswith("+"), start
        ref = start.params[0][1:]
        assert start.params[1] == "draft/multiline"
        lines = []
        while True:
            m = c.recv()
            if m.command == "BATCH":
                assert m.params == ["-" + ref], m
                break
            assert m.command == "PRIVMSG" and m.tags.get("batch") == ref, m
            assert set(m.tags) <= {"batch", "draft/multiline-concat"}, m
            lines.append(("draft/multiline-concat" in m.tags, m.params[1]))
        out.append((ref, start.params[2], lines))
    return out


def pane(line):
    """A captured row's text in the pane, without the sidebar."""
    return line.split("\u2502")[0].strip()


def input_rows(t):
    """The rows below the status line (the input line), and the status
    line's row."""
    lines = t.lines()
    while lines and lines[-1] == "":
        lines.pop()
    for i in range(len(lines) - 1, -1, -1):
        if re.match(r"^ \[connected\] ", lines[i]):
            return lines[i + 1:], i
    raise AssertionError("no status line:\n" + t.screen())


def test_breaks_grow_the_input_and_send_one_batch(tui):
    t, c, ls = connect(tui)
    try:
        _, status = input_rows(t)
        assert status == ROWS - 2
        t.type("first line")
        t.keys("M-Enter")
        t.type("둘째 줄")
        t.keys("C-j")
        t.type("third")
        t.wait(r"^\[#7\] first line\n {5}둘째 줄\n {5}third$")
        rows, status = input_rows(t)
        assert rows == ["[#7] first line", "     둘째 줄", "     third"]
        # The pane gave up two rows to the input.
        assert status == ROWS - 4
        # Up moves to the row above, keeping the column (in cells: the
        # Hangul are two wide); at the first row, Up is the history.
        assert t.cursor() == (10, ROWS - 1)
        t.keys("Up")
        t.wait_cursor(10)
        assert t.cursor()[1] == ROWS - 2
        t.keys("Up")
        t.type("!")
        t.wait(r"^\[#7\] first! line$")
        # Home is the start of the input; Down from there is the start
        # of the second row. Right crosses a break, Backspace after it
        # joins two rows, and Ctrl-J breaks one again.
        t.keys("Down", "Down", "Home", "Down")
        t.keys("Right", "Right", "Right", "Right", "Right", "BSpace")
        t.wait(r"^ {5}둘째 줄third$")
        assert input_rows(t)[1] == ROWS - 3
        t.keys("Right", "Right", "Right", "Right", "C-j")
        t.wait(r"^ {5}둘째 줄thir\n {5}d$")
        t.keys("Enter")
        got = batches(c, 1)
        assert got[0][1] == "#7"
        assert got[0][2] == [(False, "first! line"), (False, "둘째 줄thir"),
                             (False, "d")]
        # Without echo-message natter shows it: one message, its rows
        # under the text column.
        m = t.wait(r"<bob> first! line")
        lines = t.lines()
        i = [n for n, l in enumerate(lines) if "<bob> first" in l][0]
        text_col = col_of(lines[i], "first")
        assert col_of(lines[i + 1], "둘째") == text_col
        assert col_of(lines[i + 2], "d") == text_col
        assert pane(lines[i + 1]) == "둘째 줄thir"
        assert pane(lines[i + 2]) == "d"
        # The input is one row again and the pane has its rows back.
        t.wait(r"^\[#7\]$")
        assert input_rows(t)[1] == ROWS - 2
        assert m is not None
    finally:
        c.close()
        ls.close()


def test_limits_split_lines_and_batches(tui):
    """max-bytes and max-lines are kept: a long line is cut into concat
    parts no longer than a relayed PRIVMSG allows (never inside a Hangul
    syllable), and a message past the limits goes as several batches."""
    t, c, ls = connect(tui, caps="batch "
                       "draft/multiline=max-lines=3,max-bytes=1000")
    try:
        long = "가" * 400
        t.type(long)
        t.keys("C-j")
        t.type("short")
        t.keys("C-j", "C-j")
        t.type("end")
        # 400 wide characters and three more rows: five rows shown, the
        # input scrolled to the cursor.
        t.wait(r"^ {5}end$")
        rows, status = input_rows(t)
        assert len(rows) == 5 and status == ROWS - 6
        t.keys("Enter")
        room = 512 - len(":bob!b@h PRIVMSG #7 :\r\n")
        assert room == 489
        got = batches(c, 3)
        part = "가" * (room // 3)
        assert [b[2] for b in got] == [
            [(False, part), (True, part)],
            [(False, "가" * (400 - 2 * (room // 3))), (False, "short"),
             (False, "")],
            [(False, "end")]]
        assert len({b[0] for b in got}) == 3
        for _, _, lines in got:
            assert len(lines) <= 3
            assert sum(len(x.encode()) for _, x in lines) + \
                sum(1 for cc, _ in lines[1:] if not cc) <= 1000
            for _, x in lines:
                assert len((":bob!b@h PRIVMSG #7 :%s\r\n" % x).encode()) \
                    <= 512
    finally:
        c.close()
        ls.close()


def test_paste_becomes_one_message(tui):
    """With the capability, a pasted text of up to five lines goes into
    the input whole, blank lines kept, and Enter sends it as one message;
    a longer one is asked about, then sent as one message too."""
    t, c, ls = connect(tui)
    try:
        # (tmux pastes each LF as a CR, as a terminal would send it.)
        t.paste("def f():\n    return 1\n\n# done\n")
        t.wait(r"^\[#7\] def f\(\):\n {5}    return 1\n\n {5}# done$")
        assert not [m for m in c.drain(0.2) if m.command == "PRIVMSG"]
        t.keys("Enter")
        got = batches(c, 1)
        assert got[0][2] == [(False, "def f():"), (False, "    return 1"),
                             (False, ""), (False, "# done")]
        # Longer than the input line shows: asked, then one message.
        six = ["l%d" % i for i in range(6)]
        t.paste("\n".join(six[:3]) + "\n\n" + "\n".join(six[3:]))
        t.wait(r"^send 6 lines as one message\? \(y/n\)$")
        assert not [m for m in c.drain(0.2) if m.command in
                    ("PRIVMSG", "BATCH")]
        t.type("y")
        got = batches(c, 1)
        assert got[0][2] == [(False, x) for x in six]
    finally:
        c.close()
        ls.close()


def test_without_the_cap_lines_are_asked_and_paced(tui):
    """A server without draft/multiline: the lines go one by one, after
    the question a paste gets; nothing before the answer."""
    t, c, ls = connect(tui, caps="batch")
    try:
        t.type("one")
        t.keys("M-Enter")
        t.type("two")
        t.keys("Enter")
        t.wait(r"^send 2 lines\? \(y/n\)")
        assert not [m for m in c.drain(0.3) if m.command in
                    ("PRIVMSG", "BATCH")]
        t.type("y")
        assert c.expect("PRIVMSG", "#7").params[1] == "one"
        assert c.expect("PRIVMSG", "#7").params[1] == "two"
        # A command takes one line.
        t.type("/join #8")
        t.keys("C-j")
        t.type("x")
        t.keys("Enter")
        t.wait(r"a command takes one line")
        t.wait(r"^\[#7\] /join #8\n {5}x$")
    finally:
        c.close()
        ls.close()


def test_ngircd_paced_lines(ngircd, tui):  # noqa: F811 (the fixture)
    alice = Client(ngircd, "alice").join("#7")
    try:
        t = tui("-n", "bob", "-r", "7", "-p", str(ngircd))
        joined(t, "#7", 2)
        alice.expect("JOIN", "#7", timeout=TIMEOUT * 2)
        t.type("하나")
        t.keys("C-j")
        t.type("둘")
        t.keys("C-j")
        t.type("셋")
        t.keys("Enter")
        t.wait(r"^send 3 lines\? \(y/n\)")
        assert not [m for m in alice.drain(0.3) if m.command == "PRIVMSG"]
        t.type("y")
        got = [alice.expect("PRIVMSG", "#7", timeout=TIMEOUT * 2).params[1]
               for _ in range(3)]
        assert got == ["하나", "둘", "셋"]
    finally:
        alice.close()


def test_received_batch_is_one_message(tui, tmp_path):
    logs = tmp_path / "logs"
    t, c, ls = connect(tui, args=("--log", "--log-dir", str(logs)))
    try:
        c.send("@time=2001-02-03T04:05:06.000Z;msgid=m1 BATCH +b1 "
               "draft/multiline #7")
        c.send("@batch=b1 :alice!a@h PRIVMSG #7 :the first line")
        c.send("@batch=b1 :alice!a@h PRIVMSG #7 :안녕 second")
        c.send("@batch=b1 :alice!a@h PRIVMSG #7 :con")
        c.send("@batch=b1;draft/multiline-concat :alice!a@h PRIVMSG #7 "
               ":cat \x1b[2J\x07")
        # Nothing shows before the batch ends.
        c.send(":alice!a@h PRIVMSG #7 :marker")
        t.wait(r"<alice> marker")
        assert "the first line" not in t.screen()
        c.send("BATCH -b1")
        t.wait(r"<alice> the first line")
        lines = t.lines()
        i = [n for n, l in enumerate(lines) if "<alice> the first" in l][0]
        col = col_of(lines[i], "the first")
        assert pane(lines[i + 1]) == "안녕 second"
        assert col_of(lines[i + 1], "안녕") == col
        assert pane(lines[i + 2]) == "concat ^[[2J^G"
        assert col_of(lines[i + 2], "concat") == col
        # The time and nick once: the rows below start with spaces.
        assert lines[i + 1][:col].strip() == ""
        # The log has every line, each with the time and sender.
        day = glob.glob(str(logs / "*7*" / "*.log")) or \
            glob.glob(str(logs / "**" / "*.log"), recursive=True)
        text = open(day[0], encoding="utf-8").read()
        for want in ("<alice> the first line", "<alice> 안녕 second",
                     "<alice> concat ^[[2J^G"):
            assert re.search(r"^\S+ " + re.escape(want) + "$", text, re.M), \
                text
    finally:
        c.close()
        ls.close()


def test_fail_batch_is_a_sentence(tui):
    t, c, ls = connect(tui)
    try:
        c.send(":fake.example FAIL BATCH MULTILINE_MAX_BYTES 4096 "
               ":Multiline batch max-bytes exceeded")
        t.wait(r"-!- your multi-line message was not sent: it is longer "
               r"than the server[\s\u2502a-z]*allows \(4096 bytes\)")
        c.send(":fake.example FAIL BATCH MULTILINE_INVALID :bad")
        t.wait(r"not sent: the server refused it as malformed")
    finally:
        c.close()
        ls.close()


def test_hostile_batches(tui):
    """Unknown refs, nesting, control bytes, a huge batch and ones that
    never end: the client keeps going. A batch that never ends is shown
    10 seconds after it began, or when the link goes."""
    t, c, ls = connect(tui)
    try:
        c.send("@batch=nosuch :alice!a@h PRIVMSG #7 :unknown ref shown")
        t.wait(r"<alice> unknown ref shown")
        c.send("BATCH +out draft/multiline #7")
        c.send("@batch=out BATCH +in draft/multiline #7")
        c.send("@batch=in :alice!a@h PRIVMSG #7 :nested line plain")
        c.send("@batch=out :alice!a@h PRIVMSG #7 :outer line")
        c.send("@batch=out JOIN #7")
        c.send("@batch=out :alice!a@h PRIVMSG #8 :wrong target")
        c.send("BATCH -in")
        c.send("BATCH -out")
        t.wait(r"<alice> nested line plain")
        t.wait(r"<alice> outer line")
        assert "wrong target" not in t.screen()
        # A huge batch: 300 lines, kept to 200, and said.
        c.send("BATCH +huge draft/multiline #7")
        for i in range(300):
            c.send("@batch=huge :alice!a@h PRIVMSG #7 :h%03d \x1b]2;PWNED"
                   "\x07" % i)
        c.send("BATCH -huge")
        t.wait("kept 200 lines and[\\s\u2502]*left out 100")
        assert t.display("#{pane_title}") != "PWNED"
        # More batches open than kept: the oldest is shown.
        for i in range(5):
            c.send("BATCH +o%d draft/multiline #7" % i)
            c.send("@batch=o%d :alice!a@h PRIVMSG #7 :open %d" % (i, i))
        t.wait(r"<alice> open 0")
        # One that never ends: shown after the bound.
        t.wait(r"<alice> open 4", timeout=TIMEOUT + 12)
        c.send(":alice!a@h PRIVMSG #7 :still talking")
        t.wait(r"<alice> still talking")
        t.enter("and bob too")
        assert c.expect("PRIVMSG", "#7").params[1] == "and bob too"
        # And one cut off by the link going.
        c.send("BATCH +cut draft/multiline #7")
        c.send("@batch=cut :alice!a@h PRIVMSG #7 :cut off")
        c.send(":alice!a@h PRIVMSG #7 :before the end")
        t.wait(r"<alice> before the end")
        c.sock.close()
        t.wait(r"<alice> cut off")
        t.wait(r"disconnected")
        assert t.dead() is None
    finally:
        c.close()
        ls.close()


def test_between_two_natters_through_natterd(srv, tui):
    """alice types three lines, one of them long; bob, on his own natter,
    sees one message: the nick and time once, every further row under
    the text. natterd echoes it to alice as one message too."""
    alice = tui("-n", "alice", "-r", "7", "-p", str(srv.port), rows=ROWS)
    joined(alice, "#7", 1)
    bob = tui("-n", "bob", "-r", "7", "-p", str(srv.port), rows=ROWS)
    joined(bob, "#7", 2)
    joined(alice, "#7", 2)
    long = "긴 줄 " * 60
    alice.type("첫째 줄 first")
    alice.keys("M-Enter")
    alice.type(long.strip())
    alice.keys("C-j")
    alice.type("last line")
    alice.keys("Enter")
    for t, nick in ((bob, "alice"), (alice, "alice")):
        t.wait(r"last line")
        lines = t.lines()
        i = [n for n, l in enumerate(lines)
             if "<%s> 첫째 줄 first" % nick in l]
        assert len(i) == 1, t.screen()
        i = i[0]
        col = col_of(lines[i], "첫째")
        j = [n for n, l in enumerate(lines) if "last line" in l][0]
        # Every row between is the long line, wrapped under the text.
        assert j - i >= 3
        for row in lines[i + 1:j + 1]:
            assert row[:col].strip() == "", row
            assert col_of(row, pane(row)[:1]) == col, row
        joined_text = " ".join(pane(r) for r in lines[i + 1:j])
        assert joined_text.split() == long.split()
        assert pane(lines[j]) == "last line"
        # One message: no second "<alice>" in between.
        assert all("<alice>" not in r for r in lines[i + 1:j + 1])


def test_unusable_offers_are_not_taken(tui):
    """draft/multiline without batch, without max-bytes, with a max-bytes
    too small or not a number: natter does not ask for it, and a message
    of several lines is asked about and sent line by line."""
    for caps in ("draft/multiline=max-bytes=4096",
                 "batch draft/multiline=max-lines=3",
                 "batch draft/multiline=max-bytes=3",
                 "batch draft/multiline=max-bytes=4k,max-lines=3",
                 "batch draft/multiline"):
        assert not usable(caps)
        t, c, ls = connect(tui, caps=caps)
        try:
            t.type("a")
            t.keys("C-j")
            t.type("b")
            t.keys("Enter")
            t.wait(r"^send 2 lines\? \(y/n\)")
            t.type("y")
            assert c.expect("PRIVMSG", "#7").params[1] == "a"
            m = c.expect("PRIVMSG", "#7")
            assert m.params[1] == "b" and "batch" not in m.tags
        finally:
            c.close()
            ls.close()
            t.stop()
