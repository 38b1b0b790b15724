"""Korean and wide text in and out, wrapping, hostile text shown inert,
colours and NO_COLOR, mentions."""

import re

from conftest import col_of, joined, width


def sgr_before(line, token):
    """The SGR parameters in force just before token in a captured line
    (capture-pane -e), as a set of numbers since the last reset."""
    head = line[:line.index(token)]
    params = set()
    for m in re.finditer(r"\x1b\[([0-9;]*)m", head):
        for p in (m.group(1) or "0").split(";"):
            if p in ("", "0"):
                params = set()
            else:
                params.add(p)
    return params


def test_korean_typed_and_received(srv, peer, tui):
    alice = peer("alice").join("#7")
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port))
    joined(t, "#7", 2)
    _, y = t.cursor()
    # The cursor column counts Hangul as two columns each.
    prompt = width("[#7] ")
    t.type("한글abc")
    t.wait_cursor(prompt + 7)
    t.keys("Left", "Left", "Left", "Left")
    t.wait_cursor(prompt + 2)
    # Backspace takes a whole syllable, never a byte of one.
    t.keys("BSpace")
    t.wait_cursor(prompt)
    t.type("안녕 ")
    t.keys("End")
    t.wait(r"^\[#7\] 안녕 글abc$")
    t.keys("Enter")
    m = alice.expect("PRIVMSG", "#7")
    assert m.params[1] == "안녕 글abc"
    alice.send("PRIVMSG #7 :반가워요, 철수와 영희 😀")
    t.wait(r"<alice> 반가워요, 철수와 영희 😀")


def test_korean_wraps_aligned(srv, peer, tui):
    alice = peer("alice").join("#7")
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port), cols=80, rows=24)
    joined(t, "#7", 2)
    text = "가나다라마바사아자차카타파하" * 5    # 70 syllables, no spaces
    alice.send("PRIVMSG #7 :" + text)
    t.wait(r"<alice> 가나다")
    lines = t.lines()
    first = next(i for i, l in enumerate(lines) if "<alice> 가" in l)
    textcol = col_of(lines[first], "가")
    got = lines[first].split("\u2502")[0].rstrip()[textcol - 0:]
    shown = got[got.index("가"):] if "가" in got else ""
    rows = [lines[first]]
    i = first + 1
    while i < len(lines) and lines[i].split("\u2502")[0].strip():
        rows.append(lines[i])
        i += 1
    assert len(rows) >= 3
    pane = 80 - 18    # the sidebar takes 18 columns
    joined_text = ""
    for n, row in enumerate(rows):
        left = row.split("\u2502")[0].rstrip()
        # Every row fits the pane; continuation rows start at the text
        # column, under the first syllable.
        assert width(left) <= pane
        if n > 0:
            assert col_of(row, row.strip()[0]) == textcol
        joined_text += left[left.index("가" if n == 0 else left.strip()[0]):]
        # The sidebar border stays in its column on every row.
        assert col_of(row, "\u2502") == pane
    assert joined_text.replace(" ", "") == text
    assert shown


def test_hostile_text_is_inert(srv, peer, tui):
    alice = peer("alice").join("#7")
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port))
    joined(t, "#7", 2)
    alice.send("PRIVMSG #7 :before the attack")
    t.wait(r"<alice> before the attack")
    title = t.display("#{pane_title}")
    alice.send_raw(b"PRIVMSG #7 :x \x1b]2;PWNED\x07 \x1b[2J \x1b[31mRED"
                   b"\x1b[0m \x07 \xc2\x9b1;1H end\r\n")
    alice.send("TOPIC #7 :\x1b]2;PWNED2\x07topic")
    alice.send("PRIVMSG #7 :after the attack")
    t.wait(r"<alice> after the attack")
    scr = t.screen()
    # Shown, not executed: the title is unchanged, nothing was cleared.
    assert "PWNED" not in t.display("#{pane_title}")
    assert t.display("#{pane_title}") == title
    assert "<alice> before the attack" in scr
    assert "x ^[]2;PWNED^G ^[[2J ^[[31mRED^[[0m ^G ^[[1;1H end" \
        in scr
    t.wait(r"^ #7 \| 2 members \| \^\[\]2;PWNED2\^Gtopic")
    # No colour came through from the ESC [31m either.
    line = [l for l in t.screen(color=True).split("\n") if "RED" in l][0]
    assert "\x1b[31m" not in line


def test_irc_formatting_rendered(srv, peer, tui):
    alice = peer("alice").join("#7")
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port))
    joined(t, "#7", 2)
    alice.send("PRIVMSG #7 :plain \x02bold\x02 \x0304red\x03 \x1funder\x1f")
    t.wait(r"<alice> plain bold red under")
    line = [l for l in t.screen(color=True).split("\n")
            if "plain" in l][0]
    assert re.search(r"\x1b\[1m[^\x1b]*bold", line)
    assert re.search(r"\x1b\[[0-9;]*(31|91|38;5;9)m[^\x1b]*red", line)
    assert re.search(r"\x1b\[[0-9;]*4m[^\x1b]*under", line)


def test_no_color(srv, peer, tui):
    alice = peer("alice").join("#7")
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port),
            env={"NO_COLOR": "1"})
    joined(t, "#7", 2)
    alice.send("PRIVMSG #7 :colour \x0304red\x03 text")
    t.wait(r"<alice> colour red text")
    scr = t.screen(color=True)
    assert not re.search(r"\x1b\[[0-9;]*(3[0-7]|9[0-7]|38;5;\d+)m", scr)
    # Attributes without colour still mark things, e.g. the status bar.
    assert "\x1b[7m" in scr


def test_nick_colours_and_mention(srv, peer, tui):
    alice = peer("alice").join("#7")
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port))
    joined(t, "#7", 2)
    alice.send("PRIVMSG #7 :no mention here")
    alice.send("PRIVMSG #7 :bob: are you there?")
    t.wait(r"<alice> bob: are you there\?")
    scr = t.screen(color=True)
    plain = [l for l in scr.split("\n") if "no mention here" in l][0]
    ment = [l for l in scr.split("\n") if "are you there" in l][0]
    # The nick has a colour; a mention is shown reversed, and rings.
    fg = sgr_before(plain, "<alice>")
    assert any(p.startswith("3") or p.startswith("9") for p in fg)
    assert "7" not in fg
    assert "7" in sgr_before(ment, "<alice>")
    assert t.display("#{window_bell_flag}") == "1"
    # In another window it is counted in the status line.
    t.keys("M-1")
    t.wait(r"^ natter ")
    alice.send("PRIVMSG #7 :hey bob")
    alice.send("PRIVMSG #7 :just chatting")
    t.wait(r"2:#7\+2!1")
    t.keys("M-2")
    t.wait(r"^ #7 ")
    t.wait_not(r"2:#7\+")


def test_own_messages_distinct(srv, peer, tui):
    alice = peer("alice").join("#7")
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port))
    joined(t, "#7", 2)
    t.enter("mine")
    alice.expect("PRIVMSG", "#7")
    alice.send("PRIVMSG #7 :theirs")
    t.wait(r"<alice> theirs")
    scr = t.screen(color=True).split("\n")
    mine = [l for l in scr if "mine" in l][0]
    theirs = [l for l in scr if "theirs" in l][0]
    # Own nick in bold, others not.
    assert "1" in sgr_before(mine, "<bob>")
    assert "1" not in sgr_before(theirs, "<alice>")
