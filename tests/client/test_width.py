"""Widths from natter's one table (utf8proc, by grapheme cluster) on a
real screen: Hangul, jamo sequences, flags, ZWJ and VS16 emoji wrap and
align exactly in the message pane, beside the sidebar, and in the input
line, and emoji-width 1 takes effect at once.

What tmux 3.3a (Debian 12) does with the raw sequences, measured with
the cursor position it reports: a ZWJ family or 👩‍💻 takes 2 columns (it
joins after ZWJ), a flag 2, ❤️ 1 (it ignores VS16), 1️⃣ 1, 👍🏽 4 (no
skin-tone joining), U+1100 U+1161 U+11A8 2. curses counts each code
point with glibc's wcwidth instead (a family 6), so natter never gives
the terminal a sequence it would count otherwise than the table: it
draws a ZWJ sequence or a toned emoji as its first emoji, ❤️ as ❤ and a
space, 1️⃣ as 1 U+20E3 and a space (see natter(1), Character widths).
Those drawn forms are what tmux and the table agree on, and what these
tests look for. Left out: the raw sequences themselves on the screen
(tmux's widths for ❤️, 1️⃣ and 👍🏽 are not the table's, and curses'
for ZWJ sequences are not tmux's), and a terminal that draws emoji
narrow (tmux draws 😀 as two columns; emoji-width 1 is checked with the
emoji that tmux draws in one).
"""

import re

from conftest import col_of, joined, sidebar, width

FAMILY = "\U0001F468\u200d\U0001F469\u200d\U0001F467"
CODER = "\U0001F469\u200d\U0001F4BB"
HEART = "\u2764\ufe0f"
LVT = "\u1100\u1161\u11a8"
KR = "\U0001F1F0\U0001F1F7"
KEYCAP = "1\ufe0f\u20e3"
THUMB = "\U0001F44D\U0001F3FD"

# Each cluster: its columns in natter's table (emoji-width 2, then 1),
# and what natter draws for it (emoji-width 2, then 1).
TABLE = {
    FAMILY: (2, 1, "\U0001F468", "\ufffd"),
    CODER: (2, 1, "\U0001F469", "\ufffd"),
    HEART: (2, 1, "\u2764 ", HEART),
    LVT: (2, 2, LVT, LVT),
    KR: (2, 1, KR, "\U0001F1F0"),
    KEYCAP: (2, 1, "1\u20e3 ", KEYCAP),
    THUMB: (2, 1, "\U0001F44D", "\ufffd"),
    "가": (2, 2, "가", "가"),
    "a": (1, 1, "a", "a"),
}
PATTERN = [FAMILY, HEART, LVT, KR, "a", KEYCAP, THUMB, "가", CODER]

COLS = 80
PANE = COLS - 18            # the sidebar, with its border, is 18 wide
TIMEW = 6                   # "HH:MM "
TEXTW = PANE - TIMEW


def wrap(clusters, first, indent, narrow=False):
    """Rows natter's scroll_wrap() makes of clusters with no space in
    them, after first columns of the first row: lists of clusters."""
    rows, col, start = [[]], first, 0
    for c in clusters:
        w = TABLE[c][1 if narrow else 0]
        if col + w > TEXTW and col > start:
            rows.append([])
            col = start = indent
        rows[-1].append(c)
        col += w
    return rows


def drawn(row, narrow=False):
    return "".join(TABLE[c][3 if narrow else 2] for c in row)


def columns(row, narrow=False):
    return sum(TABLE[c][1 if narrow else 0] for c in row)


def pane_rows(t, head):
    """The pane's rows of the line starting with head: the part left of
    the sidebar border, kept whole (capture-pane trims only at the end
    of the screen line, and the border follows)."""
    lines = t.lines()
    first = max(i for i, l in enumerate(lines) if head in l)
    rows = [lines[first]]
    for line in lines[first + 1:]:
        left = line.split("\u2502")[0]
        if not left.strip() or not left.startswith(" " * TIMEW):
            break
        rows.append(line)
    return rows


def check_rows(t, head, clusters, narrow=False):
    want = wrap(clusters, width(head), width(head), narrow)
    got = pane_rows(t, head)
    assert len(got) == len(want), "\n".join(got)
    for n, (row, line) in enumerate(zip(want, got)):
        # The sidebar border in its column on every row: nothing before
        # it took a column more or less than the table says.
        assert col_of(line, "\u2502") == PANE, line
        left = line.split("\u2502")[0]
        at = TIMEW + (0 if n > 0 else width(head))
        if n == 0:
            assert left[TIMEW:].startswith(head), line
            shown = left[TIMEW + len(head):]
        else:
            # Continuation rows start under the text, not the time.
            shown = left[TIMEW + width(head):]
            assert left[:TIMEW + width(head)].strip() == "", line
        assert shown.rstrip(" ") == drawn(row, narrow).rstrip(" "), line
        # And the row is as wide as the table says, every cluster whole.
        assert width(left[:at] + drawn(row, narrow)) == \
            at + columns(row, narrow), line
    # The text wrapped at the right edge: a row has no room for the
    # cluster that starts the next.
    for n in range(len(want) - 1):
        start = width(head)
        assert start + columns(want[n], narrow) + \
            TABLE[want[n + 1][0]][1 if narrow else 0] > TEXTW


def test_pane_wraps_by_cluster(srv, peer, tui):
    alice = peer("alice").join("#7")
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port), cols=COLS,
            rows=24)
    joined(t, "#7", 2)
    clusters = PATTERN * 5
    alice.send("PRIVMSG #7 :" + "".join(clusters))
    t.wait(r"<alice> \U0001F468")
    t.settle()
    check_rows(t, "<alice> ", clusters)
    # The sidebar beside those rows: its border in its column on every
    # row of the pane, its entries whole.
    for line in t.lines()[1:24 - 2]:
        assert col_of(line, "\u2502") == PANE, line
    assert sorted(sidebar(t)) == ["@alice", "bob"]


def test_emoji_width_set(srv, peer, tui):
    alice = peer("alice").join("#7")
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port), cols=COLS,
            rows=24)
    joined(t, "#7", 2)
    clusters = PATTERN * 5
    alice.send("PRIVMSG #7 :" + "".join(clusters))
    t.wait(r"<alice> \U0001F468")
    t.enter("/set emoji-width 1")
    t.wait(r"emoji-width set")
    # Wrapped again at once, by the new widths.
    t.wait(r"<alice> \ufffd")
    t.settle()
    check_rows(t, "<alice> ", clusters, narrow=True)
    t.enter("/set emoji-width 3")
    t.wait(r"emoji-width: '3' is not a number from 1 to 2")
    t.enter("/set emoji-width 2")
    t.wait(r"<alice> \U0001F468")
    t.settle()
    check_rows(t, "<alice> ", clusters)


def test_input_line_by_cluster(srv, peer, tui):
    alice = peer("alice").join("#7")
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port), cols=COLS,
            rows=24)
    joined(t, "#7", 2)
    _, y = t.cursor()
    prompt = width("[#7] ")
    typed = [FAMILY, KR, LVT, HEART, "a", KEYCAP, CODER, "가"]
    t.type("".join(typed))
    t.wait_cursor(prompt + columns(typed))
    assert t.lines()[y].rstrip(" ") == "[#7] " + drawn(typed).rstrip(" ")
    # Left steps over a whole cluster: 가, then the ZWJ pair.
    t.keys("Left")
    t.wait_cursor(prompt + columns(typed[:-1]))
    t.keys("Left")
    t.wait_cursor(prompt + columns(typed[:-2]))
    t.keys("Home")
    t.wait_cursor(prompt)
    t.keys("Right", "Right")
    t.wait_cursor(prompt + columns(typed[:2]))
    # Backspace after the flag deletes the flag, Delete the jamo.
    t.keys("BSpace")
    t.wait_cursor(prompt + columns(typed[:1]))
    t.keys("DC")
    left = [FAMILY, HEART, "a", KEYCAP, CODER, "가"]
    t.wait(r"^" + re.escape("[#7] " + drawn(left).rstrip(" ")) + r" *$")
    assert t.cursor()[0] == prompt + columns(typed[:1])
    t.keys("Enter")
    # What was typed is sent as it came, every code point of it.
    m = alice.expect("PRIVMSG", "#7")
    assert m.params[1] == "".join(left)
    t.wait(r"<bob> \U0001F468")
    t.settle()
    check_rows(t, "<bob> ", left)


def test_input_scrolls_by_cluster(srv, peer, tui):
    alice = peer("alice").join("#7")
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port), cols=COLS,
            rows=24)
    joined(t, "#7", 2)
    _, y = t.cursor()
    typed = PATTERN * 8             # 136 columns in an 80-column line
    t.type("".join(typed))
    t.wait(r"\u1100\u1161\u11a8")
    t.settle()
    # Scrolled sideways: what shows is whole clusters, the cursor after
    # the last, all within the screen's width.
    line = t.lines()[y].rstrip(" ")
    x, _ = t.cursor()
    assert x < COLS
    assert width(line) <= COLS
    assert line.endswith(drawn(typed[-3:]).rstrip(" "))
    assert x == width(line) + (1 if drawn(typed).endswith(" ") else 0)
    t.keys("Home")
    t.wait(r"^\[#7\] \U0001F468")
    t.wait_cursor(width("[#7] "))
    line = t.lines()[y]
    shown = line[len("[#7] "):].rstrip(" ")
    # Up to the last cluster that fits whole.
    n, col = 0, width("[#7] ")
    while col + TABLE[typed[n]][0] <= COLS:
        col += TABLE[typed[n]][0]
        n += 1
    assert shown == drawn(typed[:n]).rstrip(" ")
    t.keys("Enter")
    # Too long for one message: split, but between clusters, never in
    # a ZWJ sequence or a flag.
    got = []
    while "".join(got) != "".join(typed):
        got.append(alice.expect("PRIVMSG", "#7").params[1])
        assert len("".join(got)) <= len("".join(typed))
    assert len(got) > 1
    for part in got:
        rest = part
        while rest:
            c = next(c for c in PATTERN if rest.startswith(c))
            rest = rest[len(c):]
