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
