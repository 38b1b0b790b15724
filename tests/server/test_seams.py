"""One message, one stamp: every copy of a message that reaches more
than one client carries the same server-time, whichever recipient's copy
was formatted first, and whether the line went to a channel, to a user's
peers (NICK, QUIT) or back to its sender (echo-message)."""

from conftest import Client


def times(clients, command):
    """The time tag of the next `command` line each client receives."""
    return [c.expect(command).tags.get("time") for c in clients]


def test_channel_message_one_stamp(clients):
    a = clients("alice", caps=("server-time",)).join("#room")
    b = clients("bob", caps=("server-time", "echo-message")).join("#room")
    plain = clients("carol").join("#room")
    d = clients("dave", caps=("server-time",)).join("#room")
    for c in (a, b, d):
        c.sync()
    b.send("PRIVMSG #room :one stamp")
    got = times((a, b, d), "PRIVMSG")
    assert got[0] is not None and got == [got[0]] * 3, got
    m = plain.expect("PRIVMSG")
    assert m.tags == {} and m.params == ["#room", "one stamp"]


def test_join_part_topic_mode_one_stamp(clients):
    a = clients("alice", caps=("server-time",)).join("#room")
    b = clients("bob", caps=("server-time",)).join("#room")
    a.sync()
    for line, command in (("TOPIC #room :hello", "TOPIC"),
                          ("MODE #room -t", "MODE"),
                          ("PART #room :bye", "PART")):
        a.send(line)
        got = times((a, b), command)
        assert got[0] is not None and got[0] == got[1], (line, got)


def test_nick_and_quit_one_stamp_across_channels(srv):
    """A peer in two of bob's channels gets one NICK; every peer's copy
    has the same time, bob's own too."""
    port = srv.port
    bob = Client(port, "bob", caps=("server-time",))
    bob.join("#one")
    bob.join("#two")
    a = Client(port, "alice", caps=("server-time",))
    a.join("#one")
    a.join("#two")
    c = Client(port, "carol", caps=("server-time",)).join("#two")
    for x in (bob, a, c):
        x.sync()
    bob.send("NICK robert")
    got = times((bob, a, c), "NICK")
    assert got[0] is not None and got == [got[0]] * 3, got
    assert [m for m in a.sync() if m.command == "NICK"] == []
    bob.send("QUIT :gone")
    got = times((a, c), "QUIT")
    assert got[0] is not None and got[0] == got[1], got
    for x in (bob, a, c):
        x.close()


def test_private_message_and_echo_one_stamp(clients):
    a = clients("alice", caps=("server-time", "echo-message"))
    b = clients("bob", caps=("server-time",))
    a.send("PRIVMSG bob :just us")
    got = [b.expect("PRIVMSG").tags.get("time"),
           a.expect("PRIVMSG").tags.get("time")]
    assert got[0] is not None and got[0] == got[1], got


def test_stamps_do_not_go_back(clients):
    """Lines in a room arrive in the order they were stamped."""
    a = clients("alice", caps=("server-time",)).join("#room")
    b = clients("bob").join("#room")
    c = clients("carol").join("#room")
    a.sync()
    for i in range(30):
        (b if i % 2 else c).send("PRIVMSG #room :%d" % i)
    seen = []
    while len(seen) < 30:
        m = a.expect("PRIVMSG")
        seen.append((m.tags["time"], m.params[1]))
    assert sorted(int(t) for _, t in seen) == list(range(30))
    stamps = [t for t, _ in seen]
    assert stamps == sorted(stamps), stamps
