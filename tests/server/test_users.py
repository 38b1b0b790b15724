"""Users: NICK (errors, renames announced once), QUIT (announced once,
ERROR to the quitter) and AWAY."""

import pytest

from conftest import Client, isupport


# --- NICK -----------------------------------------------------------------

def test_nick_missing_431(clients):
    a = clients("alice")
    a.send("NICK")
    m = a.expect("431")
    assert m.params == ["alice", "No nickname given"]
    a.send("NICK :")
    m = a.expect("431")
    assert m.params == ["alice", "No nickname given"]


def test_nick_missing_431_unregistered(srv):
    c = Client(srv.port)
    c.send("NICK")
    m = c.expect("431")
    assert m.params == ["*", "No nickname given"]


@pytest.mark.parametrize("bad", [
    "1abc",                 # starts with a digit
    "-dash",                # starts with '-'
    "a.b",                  # '.' is not allowed
    "a@b",
    "a!b",
    "#chan",
    "bell\x07",             # control character
    "esc\x1b[31m",          # terminal escape
    "del\x7f",
    "zero\u200bwidth",      # zero-width space
    "zwj\u200djoiner",      # zero-width joiner
    "bom\ufeff",            # zero-width no-break space
    "rtl\u202eevil",        # right-to-left override
    "\u3164",               # Hangul filler, looks empty
    "nb\u00a0sp",           # no-break space
    "\u0301acute",          # combining mark first
    "x" * 31,               # NICKLEN=30
    "가" * 31,
])
def test_nick_invalid_432(clients, bad):
    a = clients("alice")
    a.send("NICK " + bad)
    m = a.expect("432")
    assert m.params[0] == "alice"
    assert m.params[2].startswith("Erroneous nickname")
    a.send("WHOIS alice")
    assert a.expect("311").params[1] == "alice"


def test_nick_invalid_unregistered(srv):
    c = Client(srv.port)
    c.send("NICK zero\u200bwidth")
    m = c.expect("432")
    assert m.params[0] == "*"
    assert m.params[1] == "zero\u200bwidth"
    c.send("NICK okay")
    c.send("USER okay 0 * :Okay")
    c.expect("001")


def test_nick_valid_edge_cases(clients):
    a = clients("alice")
    for good in ("x" * 30, "가" * 30, "[]\\`_^{|}", "a-1", "철수", "Zoë"):
        a.send("NICK " + good)
        m = a.expect("NICK")
        assert m.params == [good], good


def test_nick_in_use_433(clients):
    a = clients("alice")
    clients("bob")
    a.send("NICK bob")
    m = a.expect("433")
    assert m.params == ["alice", "bob", "Nickname is already in use"]
    a.send("NICK BOB")                  # CASEMAPPING=ascii
    m = a.expect("433")
    assert m.params == ["alice", "BOB", "Nickname is already in use"]


def test_nick_case_change_of_own_nick(clients):
    a = clients("alice").join("#room")
    b = clients("bob").join("#room")
    a.sync()
    a.send("NICK Alice")
    m = a.expect("NICK")
    assert m.prefix == "alice!~u@127.0.0.1" and m.params == ["Alice"]
    m = b.expect("NICK")
    assert m.prefix == "alice!~u@127.0.0.1" and m.params == ["Alice"]
    b.send("PRIVMSG alice :still you?")
    m = a.expect("PRIVMSG")
    assert m.params == ["Alice", "still you?"]


def test_nick_same_is_silent(clients):
    a = clients("alice")
    a.send("NICK alice")
    a.quiet()


def test_korean_nick(clients):
    a = clients("철수").join("#방")
    b = clients("영희").join("#방")
    m = a.expect("JOIN")
    assert m.prefix == "영희!~u@127.0.0.1"
    b.send("PRIVMSG 철수 :안녕, 철수야")
    m = a.expect("PRIVMSG")
    assert m.prefix == "영희!~u@127.0.0.1"
    assert m.params == ["철수", "안녕, 철수야"]
    a.send("NICK 민수")
    m = b.expect("NICK")
    assert m.nick == "철수" and m.params == ["민수"]
    b.send("WHOIS 민수")
    assert b.expect("311").params[1] == "민수"


def test_rename_announced_once_to_each_peer(clients):
    a = clients("alice")
    a.send("JOIN #one,#two")
    a.expect("366", None, "#one")
    a.expect("366", None, "#two")
    both = clients("bob")
    both.send("JOIN #one,#two")
    both.expect("366", None, "#two")
    one = clients("carol").join("#one")
    two = clients("dave").join("#two")
    outside = clients("erin").join("#three")
    for x in (a, both, one, two, outside):
        x.sync()
    a.send("NICK alicia")
    for x in (a, both, one, two):
        got = x.sync()
        nicks = [m for m in got if m.command == "NICK"]
        assert len(nicks) == 1, (x.nick, got)
        assert nicks[0].prefix == "alice!~u@127.0.0.1"
        assert nicks[0].params == ["alicia"]
    outside.quiet()
    # The old nick is free; the new one is taken.
    f = clients("alice")
    f.send("NICK alicia")
    assert f.expect("433").params[1] == "alicia"


def test_renamed_user_keeps_channels_and_messages(clients):
    a = clients("alice").join("#room")
    b = clients("bob").join("#room")
    b.send("NICK robert")
    a.expect("NICK")
    b.send("PRIVMSG #room :it is me")
    m = a.expect("PRIVMSG")
    assert m.prefix == "robert!~u@127.0.0.1"
    a.send("PRIVMSG bob :old name?")
    assert a.expect("401").params[1] == "bob"


# --- QUIT -----------------------------------------------------------------

def test_quit_reason_relayed_once(clients):
    a = clients("alice")
    a.send("JOIN #one,#two")
    a.expect("366", None, "#two")
    both = clients("bob")
    both.send("JOIN #one,#two")
    both.expect("366", None, "#two")
    one = clients("carol").join("#one")
    outside = clients("dave")
    for x in (a, both, one, outside):
        x.sync()
    a.send("QUIT :going home, 안녕")
    got = a.wait_closed()
    assert [m.command for m in got] == ["ERROR"], got
    assert got[0].params == [
        "Closing link: (~u@127.0.0.1) [Quit: going home, 안녕]"]
    for x in (both, one):
        got = x.sync()
        quits = [m for m in got if m.command == "QUIT"]
        assert len(quits) == 1, (x.nick, got)
        assert quits[0].prefix == "alice!~u@127.0.0.1"
        assert quits[0].params == ["Quit: going home, 안녕"]
    outside.quiet()
    # alice is gone from the channel and the nick is free.
    both.send("NAMES #one")
    m = both.expect("353")
    assert sorted(m.params[3].split()) == ["bob", "carol"]
    clients("alice")


def test_quit_without_reason(clients):
    a = clients("alice").join("#room")
    b = clients("bob").join("#room")
    b.send("QUIT")
    m = a.expect("QUIT")
    assert m.nick == "bob" and m.params == ["Client quit"]
    got = b.wait_closed()
    assert got[-1].command == "ERROR"
    assert got[-1].params == ["Closing link: (~u@127.0.0.1) [Client quit]"]


def test_quit_unregistered(srv):
    c = Client(srv.port)
    c.send("NICK early")
    c.send("QUIT :changed my mind")
    got = c.wait_closed()
    assert [m.command for m in got] == ["ERROR"]
    assert got[0].params == [
        "Closing link: (*@127.0.0.1) [Quit: changed my mind]"]
    Client(srv.port, "early")


def test_connection_closed_without_quit(clients):
    a = clients("alice").join("#room")
    b = clients("bob").join("#room")
    b.close()
    m = a.expect("QUIT")
    assert m.nick == "bob"
    assert m.params == ["Remote host closed the connection"]


# --- AWAY -----------------------------------------------------------------

def test_away(clients):
    a = clients("alice")
    b = clients("bob")
    a.send("AWAY :gone fishing, 낚시")
    m = a.expect("306")
    assert m.params == ["alice", "You have been marked as being away"]
    b.send("PRIVMSG alice :are you there?")
    m = b.expect("301")
    assert m.params == ["bob", "alice", "gone fishing, 낚시"]
    # The message is delivered all the same.
    assert a.expect("PRIVMSG").params == ["alice", "are you there?"]
    # No 301 for NOTICE.
    b.send("NOTICE alice :fyi")
    a.expect("NOTICE")
    b.quiet("301")
    b.send("WHOIS alice")
    m = b.expect("301")
    assert m.params == ["bob", "alice", "gone fishing, 낚시"]
    b.expect("318")
    b.send("USERHOST alice")
    assert b.expect("302").params == ["bob", "alice=-~u@127.0.0.1"]
    a.send("AWAY")
    m = a.expect("305")
    assert m.params == ["alice", "You are no longer marked as being away"]
    b.send("PRIVMSG alice :back?")
    a.expect("PRIVMSG")
    b.quiet("301")
    b.send("USERHOST alice")
    assert b.expect("302").params == ["bob", "alice=+~u@127.0.0.1"]


def test_away_in_who_flags(clients):
    a = clients("alice").join("#room")
    b = clients("bob").join("#room")
    b.send("AWAY :brb")
    b.expect("306")
    a.send("WHO #room")
    flags = {}
    while True:
        m = a.expect_any(("352", "315"))
        if m.command == "315":
            break
        flags[m.params[5]] = m.params[6]
    assert flags == {"alice": "H@", "bob": "G"}


def test_bot_mode(clients):
    """+B marks a bot: BOT=B in 005, 335 in WHOIS, B in WHO flags."""
    a = clients("alice")
    assert isupport(a)["BOT"] == "B"
    r = clients("robot").join("#b")
    r.send("MODE robot +B")
    assert r.expect("MODE").params == ["robot", "+B"]
    r.send("MODE robot")
    assert r.expect("221").params[1] == "+B"
    a.send("WHOIS robot")
    assert a.expect("335").params == ["alice", "robot", "is a bot"]
    a.expect("318")
    a.send("WHO #b")
    assert a.expect("352").params[6] == "H@B"
    r.send("MODE robot -B")
    r.expect("MODE")
    a.send("WHOIS robot")
    got = a.sync()
    assert "335" not in [m.command for m in got]


def test_bot_tag(clients):
    """IRCv3 bot-mode: what a +B user sends carries a bot tag, for
    clients that asked for message-tags."""
    r = clients("robot").join("#b")
    t = clients("tagged", caps=("message-tags",)).join("#b")
    p = clients("plain").join("#b")
    r.send("MODE robot +B")
    r.expect("MODE")
    r.send("PRIVMSG #b :beep")
    m = t.expect("PRIVMSG")
    assert "bot" in m.tags and m.tags["bot"] == ""
    assert p.expect("PRIVMSG").tags == {}
    p.send("PRIVMSG #b :human")
    m = t.expect("PRIVMSG")
    assert m.params[1] == "human" and "bot" not in m.tags
