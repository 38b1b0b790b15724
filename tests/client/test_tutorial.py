"""The tutorial's flows, end to end: room and nick prompts, a nick in use
then another on the same connection, messages both ways, whispers,
renames seen on both sides and in the sidebar, the member list."""

import re

from conftest import joined, sidebar


def test_prompts_and_nick_in_use(srv, peer, tui):
    alice = peer("alice").join("#7")
    t = tui("-p", str(srv.port))
    t.wait(r"Which room\?")
    t.wait(r"^room:$")
    t.enter("7")
    # $USER is suggested; the user types another name instead.
    t.wait(r"^nick: tester$")
    t.keys("C-u")
    t.enter("alice")
    t.wait(r"the nickname alice is already in use; choose another")
    t.wait(r"^nick: alice$")
    t.keys("C-u")
    t.enter("bob")
    joined(t, "#7", 2)
    j = alice.expect("JOIN", "#7")
    assert j.nick == "bob"
    # Asked again on the same connection: one registration, no closing.
    assert srv.count(r"registered \d+ bob!") == 1
    assert srv.count(r"closing \d+ ") == 0
    t.wait(r"\[connected\] bob ")
    t.wait(r"^\[#7\]$")
    assert sidebar(t) == ["@alice", "bob"]


def test_messages_both_ways(srv, peer, tui):
    alice = peer("alice").join("#7")
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port))
    joined(t, "#7", 2)
    alice.expect("JOIN", "#7")
    alice.send("PRIVMSG #7 :hello bob, welcome")
    t.wait(r"^\d\d:\d\d <alice> hello bob, welcome")
    t.enter("hi alice")
    m = alice.expect("PRIVMSG", "#7")
    assert m.nick == "bob" and m.params[1] == "hi alice"
    # Our own line comes back through echo-message, shown once.
    t.wait(r"^\d\d:\d\d <bob> hi alice")
    assert len(re.findall(r"<bob> hi alice", t.screen())) == 1
    # The input line is empty again and still says where text goes.
    t.wait(r"^\[#7\]$")


def test_join_part_quit_notices(srv, peer, tui):
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port))
    joined(t, "#7", 1)
    carol = peer("carol").join("#7")
    t.wait(r"carol \(~u@127\.0\.0\.1\) has joined #7")
    # Notices are dimmed (SGR 2), messages are not.
    line = [l for l in t.screen(color=True).split("\n")
            if "has joined" in l][0]
    assert "\x1b[2m" in line.split("carol")[0]
    joined(t, "#7", 2)
    assert "carol" in sidebar(t)
    carol.send("PART #7 :lunch")
    t.wait(r"carol has left #7 \(lunch\)")
    joined(t, "#7", 1)
    dave = peer("dave").join("#7")
    t.wait(r"dave .* has joined")
    dave.send("QUIT :bye now")
    t.wait(r"dave has quit \(Quit: bye now\)")
    joined(t, "#7", 1)
    assert sidebar(t) == ["@bob"]


def test_whisper(srv, peer, tui):
    alice = peer("alice").join("#7")
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port))
    joined(t, "#7", 2)
    alice.send("PRIVMSG bob :psst, a secret")
    # A copy where the user is looking, and a window of its own, counted
    # as unread and as a mention in the status line.
    t.wait(r"^\d\d:\d\d \*alice\* psst, a secret")
    t.wait(r"3:alice\+1!1")
    t.enter("/whisper alice my reply")
    m = alice.expect("PRIVMSG", "alice")
    assert m.nick == "bob" and m.params[1] == "my reply"
    t.wait(r"-> \*alice\* my reply")
    t.enter("/w alice short form")
    assert alice.expect("PRIVMSG", "alice").params[1] == "short form"
    t.keys("M-3")
    t.wait(r"^ alice \| whispers")
    t.wait(r"<alice> psst, a secret")
    t.wait(r"<bob> my reply")
    # In the whisper window, plain text goes to alice.
    t.wait(r"^\[alice\]$")
    t.enter("plain text here")
    assert alice.expect("PRIVMSG", "alice").params[1] == "plain text here"
    t.enter("/close")
    t.wait(r"^ #7 \| ")
    t.wait_not(r"3:alice")


def test_own_whisper_is_not_unread(srv, peer, tui):
    """Whispering first opens the conversation's window, but your own
    words do not count as unread there."""
    carol = peer("carol").join("#7")
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port))
    joined(t, "#7", 2)
    t.enter("/w carol first words")
    assert carol.expect("PRIVMSG", "carol").params[1] == "first words"
    t.wait(r"-> \*carol\* first words")
    t.wait(r"3:carol( |$)")
    assert "3:carol+" not in t.screen()


def test_query_window(srv, peer, tui):
    peer("alice").join("#7")
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port))
    joined(t, "#7", 2)
    t.enter("/query alice")
    t.wait(r"^ alice \| whispers")
    t.wait(r"3:alice")
    t.keys("C-p")
    t.wait(r"^ #7 \| ")
    t.keys("C-n")
    t.wait(r"^ alice \| ")
    t.keys("M-1")
    t.wait(r"^ natter ")


def test_rename_both_sides(srv, peer, tui):
    alice = peer("alice").join("#7")
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port))
    joined(t, "#7", 2)
    t.enter("/nick 영희")
    m = alice.expect("NICK")
    assert m.nick == "bob" and m.params[0] == "영희"
    t.wait(r"you are now known as 영희")
    t.wait(r"\[connected\] 영희 ")
    assert "영희" in sidebar(t)
    alice.send("NICK 철수")
    t.wait(r"alice is now known as 철수")
    assert sidebar(t) == ["@철수", "영희"]
    # /rename is the same command.
    t.enter("/rename bob")
    m = alice.expect("NICK", where=lambda m: m.nick == "영희")
    assert m.params[0] == "bob"
    t.wait(r"\[connected\] bob ")


def test_nick_in_use_later(srv, peer, tui):
    peer("alice").join("#7")
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port))
    joined(t, "#7", 2)
    t.enter("/nick alice")
    t.wait(r"alice is already in use")
    t.wait(r"\[connected\] bob ")


def test_members(srv, peer, tui):
    peer("alice").join("#7")
    peer("철수").join("#7")
    t = tui("-n", "bob", "-r", "#7", "-p", str(srv.port))
    joined(t, "#7", 3)
    t.enter("/members")
    t.wait(r"-!- 3 in #7: @alice bob 철수")
    t.enter("/who")
    t.wait(r"(3 in #7: @alice bob 철수[\s\S]*){2}")
    assert sidebar(t) == ["@alice", "bob", "철수"]


def test_join_part_windows(srv, peer, tui):
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port))
    joined(t, "#7", 1)
    t.enter("/join 8")
    joined(t, "#8", 1)
    t.wait(r"2:#7 .*3:#8")
    other = peer("carol").join("#7")
    other.send("PRIVMSG #7 :activity elsewhere")
    t.wait(r"2:#7\+1")
    t.enter("/part")
    t.wait(r"^ #7 \| ")
    t.wait_not(r"3:#8")
    t.wait(r"<carol> activity elsewhere")


def test_given_nick_in_use_then_room(srv, peer, tui):
    """-n names a nick in use and no room is given: the room is asked
    before connecting, the nick again after the server refuses it, on one
    connection."""
    peer("alice").join("#7")
    t = tui("-n", "alice", "-p", str(srv.port))
    t.wait(r"^room:$")
    t.enter("#7")
    t.wait(r"the nickname alice is already in use")
    t.wait(r"^nick: alice$")
    t.keys("C-u")
    t.enter("bob")
    joined(t, "#7", 2)
    assert srv.count(r"registered \d+ bob!") == 1


def test_kick(srv, peer, tui):
    alice = peer("alice").join("#7")
    peer("carol").join("#7")
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port))
    joined(t, "#7", 3)
    alice.send("KICK #7 carol :그만")
    t.wait(r"alice removed carol from #7 \(그만\)")
    assert sidebar(t) == ["@alice", "bob"]
    alice.send("KICK #7 bob :you too")
    t.wait(r"alice removed you from #7 \(you too\)")
    t.wait(r"^ #7 \| 0 members \(not joined\)")
    assert sidebar(t) == []
    t.enter("hello?")
    t.wait(r"you are not in #7")
    t.keys("C-u")
    t.enter("/join 7")
    joined(t, "#7", 2)
    assert sidebar(t) == ["@alice", "bob"]
