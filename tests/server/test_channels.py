"""Channels: JOIN (lists, JOIN 0), PART, TOPIC, NAMES, LIST and KICK."""

import time

from conftest import Client


def names(c, chan):
    """NAMES chan as a sorted list (with @ for operators); what arrived
    before is dropped."""
    c.sync()
    c.send("NAMES " + chan)
    got = []
    while True:
        m = c.recv()
        if m.command == "366":
            assert m.params == [c.nick, chan, "End of /NAMES list"]
            return sorted(got)
        assert m.command == "353", m
        assert m.params[1:3] == ["=", chan]
        got.extend(m.params[3].split())


# --- JOIN -----------------------------------------------------------------

def test_join_reply_sequence(clients):
    a = clients("alice")
    a.send("JOIN #room")
    got = [a.recv() for _ in range(3)]
    assert [m.command for m in got] == ["JOIN", "353", "366"]
    assert got[0].prefix == "alice!~u@127.0.0.1"
    assert got[0].params == ["#room"]
    assert got[1].params == ["alice", "=", "#room", "@alice"]
    assert got[2].params == ["alice", "#room", "End of /NAMES list"]
    assert a.sync() == []


def test_join_notice_to_members(clients):
    a = clients("alice").join("#room")
    b = clients("bob").join("#room")
    c = clients("carol")
    m = a.expect("JOIN")
    assert m.prefix == "bob!~u@127.0.0.1" and m.params == ["#room"]
    assert names(b, "#room") == ["@alice", "bob"]
    # A user outside the channel hears nothing.
    c.quiet()


def test_join_with_topic_sends_332_333(clients):
    a = clients("alice").join("#room")
    before = int(time.time())
    a.send("TOPIC #room :today: 한국어 and more")
    a.expect("TOPIC", "#room")
    b = clients("bob")
    b.send("JOIN #room")
    got = [b.recv() for _ in range(5)]
    assert [m.command for m in got] == ["JOIN", "332", "333", "353", "366"]
    assert got[1].params == ["bob", "#room", "today: 한국어 and more"]
    assert got[2].params[:3] == ["bob", "#room", "alice"]
    assert before <= int(got[2].params[3]) <= time.time() + 1
    assert sorted(got[3].params[3].split()) == ["@alice", "bob"]


def test_join_comma_list(clients):
    a = clients("alice")
    a.send("JOIN #a,#b,#c")
    for chan in ("#a", "#b", "#c"):
        m = a.expect("JOIN")
        assert m.params == [chan]
        m = a.expect("366")
        assert m.params[1] == chan
    a.send("WHOIS alice")
    m = a.expect("319")
    assert m.params == ["alice", "alice", "@#a @#b @#c"]


def test_join_twice_is_silent(clients):
    a = clients("alice").join("#a")
    a.send("JOIN #a")
    a.quiet()


def test_join_case_insensitive(clients):
    a = clients("alice").join("#Room")
    b = clients("bob")
    b.send("JOIN #ROOM")
    m = b.expect("JOIN")
    assert m.params == ["#Room"]        # the channel keeps its first name
    a.expect("JOIN", "#Room")


def test_join_bad_names_403(clients):
    a = clients("alice")
    a.send("JOIN nohash")
    m = a.expect("403")
    assert m.params[:2] == ["alice", "nohash"]
    a.send("JOIN #")
    m = a.expect("403")
    assert m.params[:2] == ["alice", "#"]
    a.send("JOIN #" + "x" * 50)         # 51 bytes, CHANNELLEN=50
    m = a.expect("403")
    assert m.params[1] == "#" + "x" * 50
    a.send("JOIN #bad\x07bell")
    m = a.expect("403")
    a.send("JOIN #zero\u200bwidth")
    m = a.expect("403")
    a.send("JOIN #" + "x" * 49)
    m = a.expect("JOIN")
    assert m.params == ["#" + "x" * 49]
    a.send("JOIN #한국")
    m = a.expect("JOIN")
    assert m.params == ["#한국"]


def test_join_0_parts_all(clients):
    a = clients("alice")
    a.send("JOIN #a,#b")
    a.expect("366", None, "#a")
    a.expect("366", None, "#b")
    b = clients("bob").join("#a")
    c = clients("carol").join("#b")
    a.expect("JOIN", "#a")
    a.expect("JOIN", "#b")
    a.send("JOIN 0")
    m = b.expect("PART")
    assert m.prefix.startswith("alice!") and m.params == ["#a"]
    m = c.expect("PART")
    assert m.prefix.startswith("alice!") and m.params == ["#b"]
    got = a.sync()
    assert sorted(m.params[0] for m in got if m.command == "PART") == \
        ["#a", "#b"]
    assert names(b, "#a") == ["bob"]
    a.send("WHOIS alice")
    got = []
    while not got or got[-1].command != "318":
        got.append(a.recv())
    assert "319" not in [m.command for m in got]


# --- PART -----------------------------------------------------------------

def test_part_with_reason(clients):
    a = clients("alice").join("#room")
    b = clients("bob").join("#room")
    a.expect("JOIN", "#room")
    b.send("PART #room :off to 밥")
    for c in (a, b):
        m = c.expect("PART")
        assert m.prefix == "bob!~u@127.0.0.1"
        assert m.params == ["#room", "off to 밥"]
    assert names(a, "#room") == ["@alice"]
    # bob is no longer a member: +n stops his message.
    b.send("PRIVMSG #room :still here?")
    m = b.expect("404")
    a.quiet("PRIVMSG")


def test_part_without_reason(clients):
    a = clients("alice").join("#room")
    b = clients("bob").join("#room")
    b.send("PART #room")
    m = a.expect("PART")
    assert m.params == ["#room"]


def test_part_errors(clients):
    a = clients("alice").join("#mine")
    b = clients("bob")
    b.send("PART #nowhere")
    m = b.expect("403")
    assert m.params == ["bob", "#nowhere", "No such channel"]
    b.send("PART #mine")
    m = b.expect("442")
    assert m.params == ["bob", "#mine", "You're not on that channel"]
    b.send("PART #nowhere,#mine")
    assert b.expect("403").params[1] == "#nowhere"
    assert b.expect("442").params[1] == "#mine"
    a.quiet()


def test_last_part_destroys_channel(clients):
    a = clients("alice").join("#tmp")
    a.send("TOPIC #tmp :old")
    a.expect("TOPIC")
    a.send("PART #tmp")
    a.expect("PART")
    b = clients("bob").join("#tmp")
    # A new channel: bob is its operator, and the topic is gone.
    b.send("TOPIC #tmp")
    m = b.expect("331")
    assert m.params == ["bob", "#tmp", "No topic is set"]
    assert names(b, "#tmp") == ["@bob"]


# --- TOPIC ----------------------------------------------------------------

def test_topic_set_query_clear(clients):
    a = clients("alice").join("#room")
    b = clients("bob").join("#room")
    a.send("TOPIC #room")
    m = a.expect("331")
    assert m.params == ["alice", "#room", "No topic is set"]
    a.send("TOPIC #room :hello world")
    for c in (a, b):
        m = c.expect("TOPIC")
        assert m.prefix == "alice!~u@127.0.0.1"
        assert m.params == ["#room", "hello world"]
    b.send("TOPIC #room")
    m = b.expect("332")
    assert m.params == ["bob", "#room", "hello world"]
    m = b.expect("333")
    assert m.params[:3] == ["bob", "#room", "alice"]
    assert abs(int(m.params[3]) - time.time()) < 5
    a.send("TOPIC #room :")
    m = b.expect("TOPIC")
    assert m.params == ["#room", ""]
    b.send("TOPIC #room")
    assert b.expect("331").params[1] == "#room"


def test_topic_lock_needs_op(clients):
    a = clients("alice").join("#room")
    b = clients("bob").join("#room")
    b.send("TOPIC #room :mine now")
    m = b.expect("482")
    assert m.params == ["bob", "#room", "You're not channel operator"]
    a.quiet("TOPIC")
    a.send("MODE #room -t")
    b.expect("MODE")
    b.send("TOPIC #room :mine now")
    m = a.expect("TOPIC")
    assert m.nick == "bob" and m.params == ["#room", "mine now"]


def test_topic_errors(clients):
    clients("alice").join("#room")
    b = clients("bob")
    b.send("TOPIC #room :outsider")
    m = b.expect("442")
    assert m.params == ["bob", "#room", "You're not on that channel"]
    b.send("TOPIC #void")
    m = b.expect("403")
    assert m.params == ["bob", "#void", "No such channel"]
    # Anyone may read a topic.
    b.send("TOPIC #room")
    assert b.expect("331").params[1] == "#room"


def test_topic_is_cut_at_topiclen(clients):
    a = clients("alice").join("#room")
    a.send("TOPIC #room :" + "가" * 200)          # 600 bytes: 417
    a.expect("417")
    a.send("TOPIC #room :" + "가" * 140)          # 420 bytes
    m = a.expect("TOPIC")
    t = m.params[1]
    assert len(t.encode()) <= 390 and t == "가" * (len(t))
    assert len(t) == 130


# --- NAMES and LIST -------------------------------------------------------

def test_names(clients):
    a = clients("alice").join("#room")
    clients("bob").join("#room")
    clients("철수").join("#room")
    assert names(a, "#room") == sorted(["@alice", "bob", "철수"])
    a.send("NAMES #nothing")
    m = a.expect("366")
    assert m.params == ["alice", "#nothing", "End of /NAMES list"]

def test_names_of_everything(clients):
    """NAMES without a channel (RFC 2812): each channel's 353s, the
    visible users in no channel under "*", then one 366."""
    a = clients("alice").join("#room")
    clients("bob").join("#room")
    clients("carol").join("#other")
    clients("dave")
    e = clients("erin")
    e.send("MODE erin +i")
    e.expect("MODE")
    a.sync()
    a.send("NAMES #room,#other")
    got = a.sync()
    assert [(m.command, m.params[-2]) for m in got] == [
        ("353", "#room"), ("366", "#room"), ("353", "#other"),
        ("366", "#other")], got
    a.send("NAMES")
    got = a.sync()
    assert [m.command for m in got] == ["353", "353", "353", "366"], got
    lists = {m.params[2]: sorted(m.params[3].split()) for m in got[:3]}
    assert lists == {"#room": ["@alice", "bob"], "#other": ["@carol"],
                     "*": ["dave"]}, got
    # The users in no channel come last, as "* *".
    assert got[2].params[1:3] == ["*", "*"], got
    assert got[-1].params[1:] == ["*", "End of /NAMES list"]


def test_names_userhost_in_names(clients):
    clients("alice").join("#room")
    b = clients("bob", caps=("userhost-in-names",)).join("#room")
    assert names(b, "#room") == ["@alice!~u@127.0.0.1", "bob!~u@127.0.0.1"]


def test_names_split_over_lines(clients, srv):
    a = clients("alice").join("#big")
    many = []
    for i in range(40):
        n = "member_with_long_nick%02d" % i
        Client(srv.port, n).join("#big")
        many.append(n)
    a.sync()
    a.send("NAMES #big")
    got = []
    while True:
        m = a.recv()
        if m.command == "366":
            break
        assert m.command == "353"
        assert len(m.raw.encode()) + 2 <= 512
        got.extend(m.params[3].split())
    assert len([l for l in a.lines if " 353 " in l]) > 1
    assert sorted(got) == sorted(["@alice"] + many)


def test_list(clients):
    a = clients("alice").join("#one")
    b = clients("bob").join("#one")
    b.join("#two")
    a.send("TOPIC #one :first topic")
    a.expect("TOPIC")
    a.send("LIST")
    m = a.expect("321")
    assert m.params == ["alice", "Channel", "Users  Name"]
    rows = {}
    while True:
        m = a.recv()
        if m.command == "323":
            assert m.params == ["alice", "End of /LIST"]
            break
        assert m.command == "322"
        rows[m.params[1]] = m.params[2:]
    assert rows == {"#one": ["2", "first topic"], "#two": ["1", ""]}
    a.send("LIST #two,#none")
    a.expect("321")
    m = a.recv()
    assert m.command == "322" and m.params == ["alice", "#two", "1", ""]
    assert a.recv().command == "323"


# --- KICK -----------------------------------------------------------------

def test_kick(clients):
    a = clients("alice").join("#room")
    b = clients("bob").join("#room")
    c = clients("carol").join("#room")
    a.send("KICK #room bob :behave, 제발")
    for x in (a, b, c):
        m = x.expect("KICK")
        assert m.prefix == "alice!~u@127.0.0.1"
        assert m.params == ["#room", "bob", "behave, 제발"]
    assert names(a, "#room") == ["@alice", "carol"]
    b.send("PRIVMSG #room :can you hear me?")
    b.expect("404")
    c.quiet("PRIVMSG")
    a.send("PRIVMSG #room :bye bob")
    c.expect("PRIVMSG", "#room")
    b.quiet("PRIVMSG")


def test_kick_default_reason(clients):
    a = clients("alice").join("#room")
    b = clients("bob").join("#room")
    a.send("KICK #room bob")
    m = b.expect("KICK")
    assert m.params == ["#room", "bob", "alice"]


def test_kick_errors(clients):
    a = clients("alice").join("#room")
    b = clients("bob").join("#room")
    c = clients("carol")
    b.send("KICK #room alice :no")
    m = b.expect("482")
    assert m.params == ["bob", "#room", "You're not channel operator"]
    a.send("KICK #room carol")
    m = a.expect("441")
    assert m.params == ["alice", "carol", "#room",
                        "They aren't on that channel"]
    a.send("KICK #room ghost")
    m = a.expect("401")
    assert m.params == ["alice", "ghost", "No such nick/channel"]
    a.send("KICK #void bob")
    m = a.expect("403")
    assert m.params == ["alice", "#void", "No such channel"]
    c.send("KICK #room bob")
    m = c.expect("442")
    assert m.params == ["carol", "#room", "You're not on that channel"]
    assert names(a, "#room") == ["@alice", "bob"]
    b.quiet("KICK")


# --- Long names: every change that takes effect is announced -------------
#
# NICKLEN=30 code points is 90 bytes of Hangul, CHANNELLEN=50 and
# TOPICLEN=390 bytes: a line from such a user about such a channel can
# pass 512 bytes once the server adds the prefix. Whatever natterd does
# then (cut the text, or refuse the change with an error), it must not
# change the channel without telling its members.

LONG_NICK = "가" * 30                       # 90 bytes
LONG_CHAN = "#" + "c" * 49                  # 50 bytes


def test_topic_change_with_long_names_is_announced(clients):
    a = clients(LONG_NICK, user="abcdefghijklmno").join(LONG_CHAN)
    b = clients("bob").join(LONG_CHAN)
    a.sync()
    a.send("TOPIC %s :%s" % (LONG_CHAN, "t" * 390))
    got_a = a.sync()
    got_b = b.sync()
    b.send("TOPIC " + LONG_CHAN)
    m = b.expect_any(("331", "332"))
    if m.command == "331":
        # Refused: the setter must have been told why.
        assert [x for x in got_a if x.command[0] in "45"], got_a
        return
    topic = m.params[2]
    told = [x for x in got_b if x.command == "TOPIC"]
    assert told, ("topic set to %d bytes but bob got no TOPIC; bob got %s"
                  % (len(topic), [x.raw for x in got_b]))
    assert told[0].params == [LONG_CHAN, topic]
    assert [x.params for x in got_a if x.command == "TOPIC"] == \
        [[LONG_CHAN, topic]]


def test_kick_with_long_names_is_announced(clients):
    a = clients(LONG_NICK, user="abcdefghijklmno").join(LONG_CHAN)
    b = clients("bob").join(LONG_CHAN)
    k = clients("나" * 30).join(LONG_CHAN)
    a.sync()
    b.sync()
    a.send("KICK %s %s :%s" % (LONG_CHAN, k.nick, "r" * 300))
    got_a = a.sync()
    got_b = b.sync()
    got_k = k.sync()
    b.send("NAMES " + LONG_CHAN)
    m = b.expect("353")
    b.expect("366")
    if k.nick in m.params[3].split():
        # Refused: the kicker must have been told why.
        assert [x for x in got_a if x.command[0] in "45"], got_a
        return
    for who, got in (("kicked user", got_k), ("bob", got_b),
                     ("kicker", got_a)):
        kicks = [x for x in got if x.command == "KICK"]
        assert len(kicks) == 1, ("%s was not told of the KICK; got %s"
                                 % (who, [x.raw for x in got]))
        assert kicks[0].params[:2] == [LONG_CHAN, k.nick]
