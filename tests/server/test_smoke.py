"""The tutorial's flows end to end: rooms, join notices, duplicate nick
then retry, whisper, rename, member list, quit notice."""

from conftest import Client


def test_register_welcome(srv):
    c = Client(srv.port)
    c.send("NICK alice")
    c.send("USER alice 0 * :Alice")
    w = c.expect("001")
    assert w.params[0] == "alice"
    assert "alice!~alice@127.0.0.1" in w.params[-1]
    for num in ("002", "003", "004", "005", "251", "422"):
        c.expect(num)
    c.close()


def test_tutorial_flow(clients, srv):
    a = clients("alice").join("#1")
    b = clients("bob").join("#1")
    j = a.expect("JOIN", "#1")
    assert j.prefix == "bob!~u@127.0.0.1"

    # Duplicate nick: 433, then the same connection tries again.
    c = Client(srv.port)
    c.send("NICK alice")
    c.send("USER carol 0 * :Carol")
    m = c.expect("433")
    assert m.params[1] == "alice"
    c.send("NICK carol")
    c.expect("001")
    c.join("#2")

    b.send("PRIVMSG #1 :hello room")
    m = a.expect("PRIVMSG", "#1")
    assert m.prefix.startswith("bob!") and m.params[1] == "hello room"
    assert not any(x.command == "PRIVMSG" for x in c.sync())

    b.send("PRIVMSG alice :psst")
    m = a.expect("PRIVMSG", "alice")
    assert m.params[1] == "psst" and m.nick == "bob"

    b.send("NICK 철수")
    m = a.expect("NICK")
    assert m.nick == "bob" and m.params[0] == "철수"

    a.send("NAMES #1")
    m = a.expect("353", None, "=", "#1")
    assert sorted(m.params[-1].split()) == sorted(["@alice", "철수"])
    a.expect("366", None, "#1")

    b.send("QUIT :bye now")
    m = a.expect("QUIT")
    assert m.nick == "철수" and m.params[0] == "Quit: bye now"
    c.close()
