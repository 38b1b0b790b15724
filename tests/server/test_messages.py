"""PRIVMSG and NOTICE: to channels, to nicks, to comma lists; their
errors (401 403 404 407 411 412); echo-message and server-time; the
sender's prefix is the server's to set."""

import datetime
import re

import pytest

TIME_RX = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


@pytest.fixture
def room(clients):
    """alice (op), bob and carol in #room; dave outside."""
    a = clients("alice").join("#room")
    b = clients("bob").join("#room")
    c = clients("carol").join("#room")
    d = clients("dave")
    for x in (a, b, c):
        x.sync()
    return a, b, c, d


@pytest.mark.parametrize("cmd", ["PRIVMSG", "NOTICE"])
def test_channel_message_to_every_other_member(room, cmd):
    a, b, c, d = room
    a.send("%s #room :hello, 여러분!" % cmd)
    for x in (b, c):
        m = x.expect(cmd)
        assert m.prefix == "alice!~u@127.0.0.1"
        assert m.params == ["#room", "hello, 여러분!"]
        assert x.quiet(cmd) == []
    # Not to the sender (no echo-message), never to non-members.
    a.quiet(cmd)
    d.quiet(cmd)


@pytest.mark.parametrize("cmd", ["PRIVMSG", "NOTICE"])
def test_private_message(room, cmd):
    a, b, c, d = room
    d.send("%s bob :just between us" % cmd)
    m = b.expect(cmd)
    assert m.prefix == "dave!~u@127.0.0.1"
    assert m.params == ["bob", "just between us"]
    for x in (a, c, d):
        x.quiet(cmd)


def test_private_message_nick_case_insensitive(room):
    a, b, c, d = room
    a.send("PRIVMSG BoB :hey")
    m = b.expect("PRIVMSG")
    assert m.params == ["bob", "hey"]


def test_message_comma_list_of_targets(room, clients):
    a, b, c, d = room
    e = clients("erin").join("#other")
    a.send("PRIVMSG #room,dave,#other,erin :to all of you")
    for x in (b, c):
        m = x.expect("PRIVMSG")
        assert m.params == ["#room", "to all of you"]
    m = d.expect("PRIVMSG")
    assert m.params == ["dave", "to all of you"]
    # #other is +n and alice is not in it: 404, but erin still gets hers.
    m = a.expect("404")
    assert m.params == ["alice", "#other",
                        "Cannot send to channel (no external messages, +n)"]
    m = e.expect("PRIVMSG")
    assert m.params == ["erin", "to all of you"]
    assert e.quiet("PRIVMSG") == []


def test_message_errors(room):
    a, b, c, d = room
    a.send("PRIVMSG ghost :anyone?")
    m = a.expect("401")
    assert m.params == ["alice", "ghost", "No such nick/channel"]
    a.send("PRIVMSG #ghosts :anyone?")
    m = a.expect("403")
    assert m.params == ["alice", "#ghosts", "No such channel"]
    d.send("PRIVMSG #room :let me in")
    m = d.expect("404")
    assert m.params == ["dave", "#room",
                        "Cannot send to channel (no external messages, +n)"]
    a.send("PRIVMSG")
    m = a.expect("411")
    assert m.params == ["alice", "No recipient given (PRIVMSG)"]
    a.send("PRIVMSG bob")
    m = a.expect("412")
    assert m.params == ["alice", "No text to send"]
    a.send("PRIVMSG bob :")
    m = a.expect("412")
    assert m.params == ["alice", "No text to send"]
    for x in (b, c):
        x.quiet("PRIVMSG", "NOTICE")


def test_notice_is_never_answered(room, clients):
    """RFC 2812 3.3.2: no reply to a NOTICE, not even an error."""
    a, b, c, d = room
    m = clients("mod").join("#mod")
    m.send("MODE #mod +m")
    m.expect("MODE")
    for line in ("NOTICE", "NOTICE bob", "NOTICE bob :", "NOTICE , :hi",
                 "NOTICE #ghosts :anyone?", "NOTICE nobody :hi",
                 "NOTICE #mod :outside, +n", "NOTICE %s :many" %
                 ",".join(["bob"] * 9), "NOTICE bob :" + "x" * 490):
        d.send(line)
        got = [x for x in d.sync() if x.command != "PING"]
        assert got == [], (line, got)
    # The first eight targets of a long list still get it; too long for
    # bob with dave's prefix, the last is dropped.
    got = [x.params for x in b.sync() if x.command == "NOTICE"]
    assert got == [["bob", "many"]] * 8
    b.send("AWAY :out")
    b.expect("306")
    d.send("NOTICE bob :while away")
    assert b.expect("NOTICE").params == ["bob", "while away"]
    assert [x.command for x in d.sync()] == []


def test_too_many_targets_407(room):
    a, b, c, d = room
    targets = ["bob"] * 8 + ["carol"]
    a.send("PRIVMSG %s :spam" % ",".join(targets))
    m = a.expect("407")
    assert m.params == ["alice", "carol",
                        "Too many targets, the limit is 8"]
    got = b.sync()
    assert len([m for m in got if m.command == "PRIVMSG"]) == 8
    c.quiet("PRIVMSG")


def test_external_message_allowed_with_minus_n(room):
    a, b, c, d = room
    a.send("MODE #room -n")
    b.expect("MODE")
    d.send("PRIVMSG #room :from outside")
    for x in (a, b, c):
        m = x.expect("PRIVMSG")
        assert m.prefix.startswith("dave!")
        assert m.params == ["#room", "from outside"]
    d.quiet("PRIVMSG")


def test_prefix_is_set_by_server(room):
    a, b, c, d = room
    b.send(":evil!x@y PRIVMSG #room :hi")
    m = a.expect("PRIVMSG")
    assert m.prefix == "bob!~u@127.0.0.1"
    assert m.params == ["#room", "hi"]
    b.send(":alice!~u@127.0.0.1 PRIVMSG dave :it's alice, honest")
    m = d.expect("PRIVMSG")
    assert m.prefix == "bob!~u@127.0.0.1"


def test_message_to_self(clients):
    a = clients("alice")
    a.send("PRIVMSG alice :note to self")
    m = a.expect("PRIVMSG")
    assert m.prefix.startswith("alice!") and m.params[1] == "note to self"
    assert a.quiet("PRIVMSG") == []


def test_text_that_does_not_fit_is_refused(room):
    a, b, c, d = room
    # Fits in 512 bytes as sent, not once the server adds alice's prefix.
    text = "x" * (510 - len("PRIVMSG #room :"))
    a.send("PRIVMSG #room :" + text)
    m = a.expect("417")
    assert m.params[0] == "alice"
    assert "too long" in m.params[1]
    b.quiet("PRIVMSG")
    # The longest message that fits is delivered whole.
    room_left = 512 - 2 - len(":alice!~u@127.0.0.1 PRIVMSG #room :")
    a.send("PRIVMSG #room :" + "y" * room_left)
    m = b.expect("PRIVMSG")
    assert m.params[1] == "y" * room_left


def test_hangul_message_is_not_cut(room):
    a, b, c, d = room
    text = "안녕하세요 " * 20
    a.send("PRIVMSG #room :" + text)
    m = b.expect("PRIVMSG")
    assert m.params[1] == text


# --- echo-message ---------------------------------------------------------

def test_echo_message(clients):
    a = clients("alice", caps=("echo-message",)).join("#room")
    b = clients("bob").join("#room")
    a.sync()
    a.send("PRIVMSG #room :echo me")
    m = a.expect("PRIVMSG")
    assert m.prefix == "alice!~u@127.0.0.1"
    assert m.params == ["#room", "echo me"]
    b.expect("PRIVMSG", "#room")
    a.send("PRIVMSG bob :and me")
    m = a.expect("PRIVMSG")
    assert m.prefix == "alice!~u@127.0.0.1"
    assert m.params == ["bob", "and me"]
    b.expect("PRIVMSG", "bob")
    a.send("NOTICE #room :notice too")
    m = a.expect("NOTICE")
    assert m.params == ["#room", "notice too"]
    # Exactly once each.
    assert a.quiet("PRIVMSG", "NOTICE") == []
    # bob did not ask for it.
    b.send("PRIVMSG #room :no echo for me")
    a.expect("PRIVMSG", "#room")
    b.quiet("PRIVMSG")


def test_echo_message_to_self_once(clients):
    a = clients("alice", caps=("echo-message",))
    a.send("PRIVMSG alice :hi me")
    m = a.expect("PRIVMSG")
    assert m.params == ["alice", "hi me"]
    assert a.quiet("PRIVMSG") == []


def test_echo_message_external_to_channel(clients):
    """With -n a non-member may talk to a channel; echo-message means it
    gets its message back like anyone else."""
    a = clients("alice").join("#room")
    a.send("MODE #room -n")
    a.expect("MODE")
    d = clients("dave", caps=("echo-message",))
    d.send("PRIVMSG #room :from outside")
    m = a.expect("PRIVMSG")
    assert m.prefix == "dave!~u@127.0.0.1"
    got = [m for m in d.sync() if m.command == "PRIVMSG"]
    assert [(m.prefix, m.params) for m in got] == [
        ("dave!~u@127.0.0.1", ["#room", "from outside"])], got


def test_echo_message_not_for_refused_message(clients):
    a = clients("alice").join("#room")
    d = clients("dave", caps=("echo-message",))
    d.send("PRIVMSG #room :let me in")
    d.expect("404")
    d.quiet("PRIVMSG")
    a.quiet("PRIVMSG")


# --- server-time ----------------------------------------------------------

def check_time(m):
    assert "time" in m.tags, m
    assert TIME_RX.match(m.tags["time"]), m
    t = datetime.datetime.strptime(m.tags["time"], "%Y-%m-%dT%H:%M:%S.%fZ")
    t = t.replace(tzinfo=datetime.timezone.utc)
    now = datetime.datetime.now(datetime.timezone.utc)
    assert abs((now - t).total_seconds()) < 30, (m, now)


def test_server_time(clients):
    a = clients("alice", caps=("server-time",)).join("#room")
    b = clients("bob").join("#room")
    m = a.expect("JOIN")
    check_time(m)
    assert m.prefix.startswith("bob!") and m.params == ["#room"]
    b.send("PRIVMSG #room :tagged for alice")
    m = a.expect("PRIVMSG")
    check_time(m)
    assert m.params == ["#room", "tagged for alice"]
    b.send("NOTICE alice :private and tagged")
    m = a.expect("NOTICE")
    check_time(m)
    b.send("NICK bobby")
    check_time(a.expect("NICK"))
    b.send("TOPIC #room :t")
    b.expect("482")
    a.send("TOPIC #room :t")
    check_time(a.expect("TOPIC"))
    b.send("PART #room :later")
    check_time(a.expect("PART"))
    # bob has no server-time: not a single tag, on any line.
    a.send("PRIVMSG bobby :untagged for you")
    b.expect("PRIVMSG")
    b.send("WHOIS alice")
    b.expect("318")
    assert not [l for l in b.lines if l.startswith("@")], b.lines


def test_server_time_and_echo(clients):
    a = clients("alice", caps=("server-time", "echo-message")).join("#r")
    a.send("PRIVMSG #r :both")
    m = a.expect("PRIVMSG")
    check_time(m)
    assert m.params == ["#r", "both"]
    # The line after the tag is the same as the one sent without it.
    assert m.raw.split(" ", 1)[1] == ":alice!~u@127.0.0.1 PRIVMSG #r :both"


def test_client_tags_are_not_relayed(clients):
    a = clients("alice").join("#room")
    b = clients("bob", caps=("server-time",)).join("#room")
    a.send("@+draft/evil=1;time=2000-01-01T00:00:00.000Z PRIVMSG #room :x")
    m = b.expect("PRIVMSG")
    assert set(m.tags) == {"time"}
    assert not m.tags["time"].startswith("2000-")


def test_only_commas_is_no_target(clients):
    """A target list of nothing but commas is answered, not ignored."""
    a = clients("alice").join("#room")
    for line, num, param in (("PRIVMSG ,,, :hi", "411", None),
                             ("JOIN ,", "461", "JOIN"),
                             ("PART ,,", "461", "PART"),
                             ("KICK #room ,", "461", "KICK"),
                             ("NAMES ,", "366", "*")):
        a.send(line)
        got = [m for m in a.sync() if m.command not in ("PING",)]
        assert [m.command for m in got] == [num], (line, got)
        if param is not None:
            assert got[0].params[1] == param, (line, got)
