"""The start-up order: the room and nick are asked before natter
connects, so a person may take their time; a slash command at a question
runs instead of becoming a room or a nick; a nick refused by the server
is asked again, and the server's registration timeout does not end it.

natterd runs with --reg-timeout 2. The sleeps of 5 s below are the
person thinking, the behaviour under test, not a wait for natter."""

import time

from conftest import joined

THINK = 5


def slow_server(natterd):
    return natterd(args=("--reg-timeout", "2", "--flood-rate", "0",
                         "--max-per-ip", "0"))


def test_a_slow_person_is_still_welcomed(natterd, tui):
    srv = slow_server(natterd)
    t = tui("-p", str(srv.port))
    t.wait(r"^room:$")
    time.sleep(THINK)
    t.enter("7")
    t.wait(r"^nick: tester$")
    time.sleep(THINK)
    t.keys("C-u")
    t.enter("bob")
    joined(t, "#7", 1)
    # One connection, made once both answers were in.
    assert srv.count(r"registered \d+ bob!") == 1
    assert srv.count(r"closing \d+ ") == 0
    assert "timed out" not in t.screen()


def test_nick_in_use_while_the_server_gives_up(natterd, peer, tui):
    """The 433 question is asked while connected; a server that closes
    the link meanwhile must not cost the person what they typed, nor the
    question, and natter connects again only once it has the answer."""
    srv = slow_server(natterd)
    peer("alice", port=srv.port).join("#7")
    t = tui("-n", "alice", "-r", "7", "-p", str(srv.port))
    t.wait(r"the nickname alice is already in use; choose another")
    t.wait(r"^nick: alice$")
    t.keys("C-u")
    t.type("bo")
    t.wait(r"^nick: bo$")
    time.sleep(THINK)
    # natterd closed the registration meanwhile, once: natter waits for
    # the answer quietly instead of reconnecting in a loop.
    assert srv.count(r"closing \d+ .*Registration timed out") == 1
    screen = t.screen()
    assert screen.rstrip().endswith("nick: bo")
    assert "disconnected" not in screen
    assert "reconnecting in" not in screen
    t.type("b")
    t.keys("Enter")
    joined(t, "#7", 2)
    t.wait(r"\[connected\] bob ")
    assert srv.count(r"registered \d+ bob!") == 1


def test_slash_command_at_a_question(srv, peer, tui):
    alice = peer("alice").join("#7")
    t = tui("-p", str(srv.port))
    t.wait(r"^room:$")
    t.enter("/help")
    t.wait(r"-!- /help command explains one")
    t.wait(r"^room:$")
    t.enter("/join 8")
    t.wait(r"not connected: /join must wait")
    t.wait(r"^room:$")
    t.enter("7")
    t.wait(r"^nick: tester$")
    t.keys("C-u")
    t.enter("/help nick")
    t.wait(r"-!- /nick nick: change your nickname")
    # Asked again, from the suggestion.
    t.wait(r"^nick: tester$")
    t.keys("C-u")
    t.enter("bob")
    joined(t, "#7", 2)
    assert alice.expect("JOIN", "#7").nick == "bob"
    assert "#/help" not in t.screen()
    assert srv.count(r"#/") == 0


def test_quit_at_a_question(tui):
    t = tui("-p", "1")
    t.wait(r"^room:$")
    t.enter("/quit")
    assert t.wait_dead() == 0


def test_config_rooms_and_nick_connect_at_once(natterd, tui, tmp_path):
    """With the nick and rooms in the file, nothing is asked: even a slow
    server's timer is no matter."""
    srv = slow_server(natterd)
    home = tmp_path / "xdg"
    (home / "natter").mkdir(parents=True)
    (home / "natter" / "config").write_text(
        "port %d\nnick bob\njoin 7\njoin 8\n" % srv.port)
    t = tui(env={"XDG_CONFIG_HOME": str(home)})
    joined(t, "#7", 1)
    t.wait(r"2:#7\S* 3:#8")
    assert "room:" not in t.screen()
