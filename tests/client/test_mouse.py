"""The mouse (mouse on): the wheel scrolls the pane, a press on a window's
name in the status line switches to it; off by default, and then natter
does not ask the terminal for mouse events at all, so its own selection
works.

The events are typed into the pane as the terminal would send them to an
application that asked for them: xterm's X10 form, ESC [ M and three
bytes (32 + button, 33 + column, 33 + row), which is what ncurses reads
for TERM=tmux-256color (kmous=\\E[M)."""

from conftest import col_of, joined

WHEEL_UP, WHEEL_DOWN, PRESS, RELEASE = 64, 65, 0, 3


def mouse(t, button, x, y):
    t.type("\033[M" + chr(32 + button) + chr(33 + x) + chr(33 + y))


def asked_for_mouse(t):
    """Has the program in the pane turned on the terminal's mouse mode?"""
    return t.display("#{mouse_any_flag}#{mouse_standard_flag}") != "00"


def test_off_by_default_and_set_turns_it_on_and_off(srv, tui):
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port))
    joined(t, "#7", 1)
    assert not asked_for_mouse(t)
    t.enter("/set mouse on")
    t.wait(r"mouse set")
    assert asked_for_mouse(t)
    t.enter("/set mouse off")
    t.wait(r"mouse set.*\n(.*\n)*.*mouse set")
    assert not asked_for_mouse(t)


def test_wheel_scrolls_the_pane(srv, peer, tui):
    alice = peer("alice").join("#7")
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port))
    joined(t, "#7", 2)
    t.enter("/set mouse on")
    t.wait(r"mouse set")
    for i in range(60):
        alice.send("PRIVMSG #7 :line %03d" % i)
    t.wait(r"<alice> line 059")
    mouse(t, WHEEL_UP, 10, 10)
    t.wait(r"more below \(0 new\)")
    t.wait_not(r"<alice> line 059")
    # Three rows a turn: a few turns up, then as many down, is the end.
    for _ in range(3):
        mouse(t, WHEEL_UP, 10, 10)
    t.wait(r"<alice> line 0[34]\d\s")
    for _ in range(4):
        mouse(t, WHEEL_DOWN, 10, 10)
    t.wait(r"<alice> line 059")
    t.wait_not(r"more below")
    # Nothing of the events was typed into the input line.
    assert t.screen().rstrip().split("\n")[-1] == "[#7]"


def test_click_a_window_in_the_status_line(srv, tui):
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port))
    joined(t, "#7", 1)
    t.enter("/join #8")
    joined(t, "#8", 1)
    t.enter("/set mouse on")
    t.wait(r"mouse set")
    lines = t.screen().rstrip("\n").split("\n")
    row = len(lines) - 2
    status = lines[row]
    x = col_of(status, "2:#7")
    mouse(t, PRESS, x + 1, row)
    mouse(t, RELEASE, x + 1, row)
    t.wait(r"^\[#7\]", timeout=10)
    # A press elsewhere in the line (the nick) changes nothing.
    mouse(t, PRESS, col_of(status, "bob"), row)
    mouse(t, RELEASE, col_of(status, "bob"), row)
    x = col_of(t.screen().split("\n")[row], "3:#8")
    mouse(t, PRESS, x, row)
    t.wait(r"^\[#8\]")
    assert t.screen().rstrip().split("\n")[-1] == "[#8]"
