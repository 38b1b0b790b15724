"""IRCv3 message-tags: msgid and client-only tags only for those who asked
for the capability, TAGMSG, and the 4094-byte limit on a client's tags."""

import re

import pytest

TAGGED = ("message-tags",)


def test_msgid_only_with_message_tags(clients):
    a = clients("alice").join("#t")
    b = clients("bob", caps=TAGGED).join("#t")
    c = clients("carol", caps=("server-time",)).join("#t")
    d = clients("dave").join("#t")
    a.send("PRIVMSG #t :hello")
    m = b.expect("PRIVMSG")
    assert re.fullmatch(r"[A-Za-z0-9_-]{9,19}", m.tags["msgid"]), m
    assert set(m.tags) == {"msgid"}
    assert set(c.expect("PRIVMSG").tags) == {"time"}
    assert d.expect("PRIVMSG").tags == {}
    # JOIN, PART and the like carry one too; the same one for everybody.
    e = clients("erin", caps=TAGGED + ("server-time",)).join("#t")
    a.send("PART #t")
    mb, me = b.expect("PART"), e.expect("PART")
    assert mb.tags["msgid"] == me.tags["msgid"]
    assert set(me.tags) == {"msgid", "time"}
    assert d.expect("PART").tags == {}


def test_client_only_tags_relayed(clients):
    a = clients("alice", caps=TAGGED + ("echo-message",)).join("#t")
    b = clients("bob", caps=TAGGED).join("#t")
    c = clients("carol").join("#t")
    a.send("@+draft/reply=abc;+example.com/x=a\\sb;time=bogus;msgid=fake;"
           "+bad!name=1;+draft/reply=last PRIVMSG #t :tagged")
    m = b.expect("PRIVMSG")
    assert m.params == ["#t", "tagged"]
    # Server tags from a client are dropped, bad names too, and of two
    # of one name the last stays; values go on escaped as they came.
    assert m.tags["+example.com/x"] == "a\\sb"
    assert m.tags["+draft/reply"] == "last"
    assert set(m.tags) == {"msgid", "+example.com/x", "+draft/reply"}
    assert m.tags["msgid"] != "fake"
    echo = a.expect("PRIVMSG")
    assert echo.tags == m.tags
    assert c.expect("PRIVMSG").tags == {}
    # To a nick, and with NOTICE, the same.
    a.send("@+draft/react=\U0001F44D NOTICE bob :psst")
    m = b.expect("NOTICE")
    assert m.tags["+draft/react"] == "\U0001F44D"


def test_tagmsg(clients):
    a = clients("alice", caps=TAGGED).join("#t")
    b = clients("bob", caps=TAGGED).join("#t")
    c = clients("carol").join("#t")
    a.send("@+typing=active TAGMSG #t")
    m = b.expect("TAGMSG")
    assert m.prefix.startswith("alice!")
    assert m.params == ["#t"]
    assert m.tags["+typing"] == "active"
    c.quiet("TAGMSG")
    a.quiet("TAGMSG")               # no echo-message
    a.send("@+typing=paused TAGMSG bob,carol")
    assert b.expect("TAGMSG").params == ["bob"]
    c.quiet("TAGMSG")
    # Refused as PRIVMSG would be.
    a.send("TAGMSG #nowhere")
    assert a.expect("403").params[1] == "#nowhere"
    a.send("TAGMSG nobody")
    assert a.expect("401").params[1] == "nobody"
    a.send("TAGMSG")
    assert a.expect("411").params[1] == "No recipient given (TAGMSG)"
    d = clients("dave", caps=TAGGED)
    d.send("@+typing=active TAGMSG #t")
    assert d.expect("404").params[1] == "#t"
    b.quiet("TAGMSG")


@pytest.mark.parametrize("size,ok", [(4094, True), (4095, False)])
def test_client_tag_limit(clients, size, ok):
    """A client may send 4094 bytes of tag data; more is 417."""
    a = clients("alice", caps=TAGGED).join("#t")
    b = clients("bob", caps=TAGGED).join("#t")
    tag = "+x=" + "v" * (size - 3)
    a.send("@%s PRIVMSG #t :big" % tag)
    if ok:
        assert b.expect("PRIVMSG").tags["+x"] == "v" * (size - 3)
    else:
        assert a.expect("417").params[1] == "Input line was too long"
        b.quiet("PRIVMSG")


LABELED = ("labeled-response", "batch", "message-tags")


def test_labeled_response(clients):
    """A command sent with a label is answered with it: one line labeled,
    several in a labeled-response batch, none with an ACK."""
    a = clients("alice", caps=LABELED + ("echo-message",)).join("#t")
    b = clients("bob").join("#t")
    a.send("@label=p1 PING :x")
    m = a.expect("PONG")
    assert m.tags == {"label": "p1"}
    assert m.params[-1] == "x"
    a.send("@label=w\\s2 WHOIS bob")
    start = a.expect("BATCH")
    assert start.tags == {"label": "w\\s2"}    # given back escaped
    ref = start.params[0][1:]
    assert start.params == ["+" + ref, "labeled-response"]
    got = []
    while True:
        m = a.recv()
        if m.command == "BATCH":
            assert m.params == ["-" + ref]
            break
        assert m.tags == {"batch": ref}, m
        got.append(m.command)
    assert got[0] == "311" and got[-1] == "318"
    # Nothing to say: an ACK. The echo of one's own message is the reply.
    a.send("@label=m3 JOIN #t")
    m = a.expect("ACK")
    assert m.tags == {"label": "m3"} and m.prefix == "natterd"
    a.send("@label=m4 PRIVMSG #t :hi")
    m = a.expect("PRIVMSG")
    assert m.tags["label"] == "m4" and "msgid" in m.tags
    assert "label" not in b.expect("PRIVMSG").tags
    # Without a label, or a label too long, nothing changes.
    a.send("@label=%s PING :y" % ("z" * 65))
    assert a.expect("PONG").tags == {}


def test_labeled_response_without_batch(clients):
    a = clients("alice", caps=("labeled-response",))
    clients("bob")
    a.send("@label=one PING :x")
    assert a.expect("PONG").tags == {"label": "one"}
    a.send("@label=two WHOIS bob")
    m = a.expect("311")
    assert m.tags == {}
    a.expect("318")
    # Without the capability, the label is ignored.
    c = clients("carol")
    c.send("@label=no PING :x")
    assert c.expect("PONG").tags == {}
