"""Queries: PING, WHO, WHOIS, WHOWAS, USERHOST, ISON, LUSERS, VERSION,
TIME, HELP, HELPOP, INFO."""

import calendar
import re
import time

from conftest import Client, check_lusers, query


def test_ping_pong(clients):
    a = clients("alice")
    a.send("PING :hello there")
    m = a.expect("PONG")
    assert m.prefix == "natterd"
    assert m.params == ["natterd", "hello there"]
    a.send("PING token")
    assert a.expect("PONG").params == ["natterd", "token"]


def test_ping_without_origin_409(clients):
    a = clients("alice")
    a.send("PING")
    m = a.expect("409")
    assert m.params == ["alice", "No origin specified"]
    a.send("PING :")
    m = a.expect("409")
    assert m.params == ["alice", "No origin specified"]


def test_pong_is_accepted_silently(clients):
    a = clients("alice")
    a.send("PONG :whatever")
    a.send("PONG")
    a.quiet()


def test_who_channel(clients):
    a = clients("alice", user="ally").join("#room")
    clients("bob", user="bobby").join("#room")
    clients("carol")
    a.sync()
    got = query(a, "WHO #room", "315")
    assert got[-1].params == ["alice", "#room", "End of WHO list"]
    rows = sorted(m.params for m in got[:-1])
    assert all(m.command == "352" for m in got[:-1])
    assert rows == [
        ["alice", "#room", "~ally", "127.0.0.1", "natterd", "alice", "H@",
         "0 Test alice"],
        ["alice", "#room", "~bobby", "127.0.0.1", "natterd", "bob", "H",
         "0 Test bob"],
    ]


def test_who_unknown_channel(clients):
    a = clients("alice")
    a.send("WHO #nothing")
    m = a.recv()
    assert m.command == "315"
    assert m.params == ["alice", "#nothing", "End of WHO list"]


def test_who_mask(clients):
    a = clients("alice")
    clients("albert")
    clients("bob")
    got = query(a, "WHO al*", "315")
    assert got[-1].params == ["alice", "al*", "End of WHO list"]
    assert sorted(m.params[5] for m in got[:-1]) == ["albert", "alice"]
    assert all(m.params[1] == "*" for m in got[:-1])
    got = query(a, "WHO *", "315")
    assert sorted(m.params[5] for m in got[:-1]) == ["albert", "alice",
                                                     "bob"]
    got = query(a, "WHO B?B", "315")
    assert [m.params[5] for m in got[:-1]] == ["bob"]


def test_who_mask_hides_invisible_strangers(clients):
    a = clients("alice").join("#room")
    b = clients("bob")
    c = clients("carol").join("#room")
    for x in (b, c):
        x.send("MODE %s +i" % x.nick)
        x.expect("MODE")
    got = query(a, "WHO *", "315")
    # bob is +i and shares no channel with alice; carol is +i but does.
    assert sorted(m.params[5] for m in got[:-1]) == ["alice", "carol"]
    got = query(b, "WHO bob", "315")
    assert [m.params[5] for m in got[:-1]] == ["bob"]


def test_whois(clients):
    a = clients("alice").join("#room")
    b = clients("bob", user="bobby")
    b.send("JOIN #room,#other")
    b.expect("366", None, "#other")
    signon = int(time.time())
    got = query(a, "WHOIS bob", "318")
    cmds = [m.command for m in got]
    assert cmds == ["311", "319", "312", "317", "318"], cmds
    w = {m.command: m for m in got}
    assert w["311"].params == ["alice", "bob", "~bobby", "127.0.0.1", "*",
                               "Test bob"]
    assert w["319"].params[:2] == ["alice", "bob"]
    assert sorted(w["319"].params[2].split()) == ["#room", "@#other"]
    assert w["312"].params == ["alice", "bob", "natterd", "natter server"]
    idle, on = int(w["317"].params[2]), int(w["317"].params[3])
    assert w["317"].params[:2] == ["alice", "bob"]
    assert w["317"].params[4] == "seconds idle, signon time"
    assert 0 <= idle < 30 and abs(on - signon) < 30
    assert w["318"].params == ["alice", "bob", "End of /WHOIS list"]
    # The operator's channel shows an @.
    got = query(a, "WHOIS alice", "318")
    assert [m for m in got if m.command == "319"][0].params[2] == "@#room"


def test_whois_away_301(clients):
    a = clients("alice")
    b = clients("bob")
    b.send("AWAY :out to lunch")
    b.expect("306")
    got = query(a, "WHOIS bob", "318")
    cmds = [m.command for m in got]
    assert cmds == ["311", "312", "301", "317", "318"], cmds
    assert got[2].params == ["alice", "bob", "out to lunch"]


def test_whois_unknown_401(clients):
    a = clients("alice")
    got = query(a, "WHOIS ghost", "318")
    assert [m.command for m in got] == ["401", "318"]
    assert got[0].params == ["alice", "ghost", "No such nick/channel"]
    assert got[1].params == ["alice", "ghost", "End of /WHOIS list"]


def test_whois_with_server_param(clients):
    a = clients("alice")
    clients("bob")
    a.send("WHOIS natterd bob")
    assert a.expect("311").params[1] == "bob"
    a.expect("318")


def test_whowas(clients):
    """WHOWAS remembers nicknames left by QUIT and NICK, newest first."""
    a = clients("alice")
    b = clients("bob", user="bobby")
    b.send("NICK robert")
    b.expect("NICK")
    b.send("QUIT")
    b.wait_closed()
    c = clients("bob", user="second")
    c.send("QUIT")
    c.wait_closed()
    got = query(a, "WHOWAS Bob", "369")
    assert [m.command for m in got] == ["314", "312", "314", "312", "369"]
    assert got[0].params == ["alice", "bob", "~second", "127.0.0.1", "*",
                             "Test bob"]
    assert got[2].params[1:3] == ["bob", "~bobby"]
    assert got[1].params[1:3] == ["bob", "natterd"]
    assert re.fullmatch(r"\w{3} \w{3} \d\d \d\d:\d\d:\d\d \d{4} UTC",
                        got[1].params[3]), got[1]
    assert got[4].params == ["alice", "Bob", "End of WHOWAS"]
    # A count of 1: the newest only; robert was left by QUIT too.
    got = query(a, "WHOWAS bob,robert 1", "369")
    assert [m.command for m in got] == ["314", "312", "369"]
    assert got[0].params[2] == "~second"
    got = a.sync()
    assert [m.command for m in got] == ["314", "312", "369"]
    assert got[0].params[1:3] == ["robert", "~bobby"]
    got = query(a, "WHOWAS ghost", "369")
    assert [m.command for m in got] == ["406", "369"]
    assert got[0].params == ["alice", "ghost", "There was no such nickname"]
    assert got[1].params == ["alice", "ghost", "End of WHOWAS"]


def test_whowas_is_bounded(clients):
    """The newest 1000 nicknames are kept: the oldest go first."""
    a = clients("alice")
    a.send("NICK first")
    a.expect("NICK")
    for i in range(1000):
        a.send("NICK n%d" % i)
    a.send("NICK alice")
    a.sync()
    got = query(a, "WHOWAS first", "369")
    assert [m.command for m in got] == ["406", "369"]
    got = query(a, "WHOWAS n0", "369")
    assert [m.command for m in got] == ["314", "312", "369"]


def test_help(clients):
    """HELP and HELPOP: 704, 705 lines, 706; 524 for an unknown topic; an
    index of topics without one."""
    a = clients("alice")
    for cmd in ("HELP", "HELPOP"):
        got = query(a, cmd + " join", "706")
        assert got[0].command == "704"
        assert got[0].params[1] == "JOIN"
        assert got[0].params[2].startswith("JOIN <#channel>")
        assert all(m.command == "705" and m.params[1] == "JOIN"
                   for m in got[1:-1]) and len(got) > 2
        assert got[-1].params == ["alice", "JOIN", "End of /HELP"]
    got = query(a, "HELP", "706")
    topics = " ".join(m.params[2] for m in got if m.command == "705").split()
    assert {"JOIN", "CHMODES", "UMODES", "WHOWAS", "HELP"} <= set(topics)
    assert topics == sorted(topics)
    # Every topic answers.
    for t in topics:
        got = query(a, "HELP " + t, "706")
        assert got[0].command == "704", t
    a.send("HELP nonsense")
    assert a.expect("524").params == [
        "alice", "nonsense", "No help available on this topic"]


def test_info(clients):
    a = clients("alice")
    got = query(a, "INFO", "374")
    assert all(m.command == "371" for m in got[:-1]) and len(got) > 2
    assert got[0].params[1].startswith("natterd 0.1.0")
    assert "libevent" in got[1].params[1]
    assert got[-1].params == ["alice", "End of INFO list"]


def test_userhost(clients):
    a = clients("alice", user="ally")
    clients("bob", user="bobby")
    a.send("USERHOST bob ghost alice")
    m = a.expect("302")
    assert m.params[0] == "alice"
    assert m.params[1].split() == ["bob=+~bobby@127.0.0.1",
                                   "alice=+~ally@127.0.0.1"]
    a.send("USERHOST ghost")
    assert a.expect("302").params == ["alice", ""]


def test_ison(clients):
    a = clients("alice")
    clients("bob")
    clients("철수")
    a.send("ISON bob ghost 철수 ALICE")
    m = a.expect("303")
    assert m.params[0] == "alice"
    assert sorted(m.params[1].split()) == sorted(["bob", "철수", "alice"])
    a.send("ISON :ghost nobody")
    assert a.expect("303").params == ["alice", ""]


def test_lusers_command(clients, srv):
    a = clients("alice").join("#a")
    b = clients("bob").join("#b")
    b.send("MODE bob +i")
    b.expect("MODE")
    got = query(a, "LUSERS", "266")
    w = {m.command: m for m in got}
    check_lusers([m.command for m in got])
    assert w["251"].params == ["alice", "There are 1 users and 1 invisible "
                               "on 1 servers"]
    assert w["254"].params == ["alice", "2", "channels formed"]
    assert w["255"].params == ["alice", "I have 2 clients and 0 servers"]
    assert w["265"].params == ["alice", "2", "2",
                               "Current local users 2, max 2"]
    # After a quit the current count drops, the maximum stays.
    b.send("QUIT")
    b.wait_closed()
    u = Client(srv.port)                # and one unregistered connection
    u.send("NICK pending")
    u.sync()
    got = query(a, "LUSERS", "266")
    check_lusers([m.command for m in got])
    w = {m.command: m for m in got}
    assert w["251"].params[1] == "There are 1 users and 0 invisible on 1 "\
        "servers"
    assert w["253"].params == ["alice", "1", "unknown connection(s)"]
    assert w["254"].params == ["alice", "1", "channels formed"]
    assert w["265"].params == ["alice", "1", "2",
                               "Current local users 1, max 2"]
    assert w["266"].params == ["alice", "1", "2",
                               "Current global users 1, max 2"]


def test_version(clients):
    a = clients("alice")
    a.send("VERSION")
    m = a.expect("351")
    assert m.params == ["alice", "natterd-0.1.0", "natterd",
                        "natter IRC server"]
    # Followed by ISUPPORT, as in the welcome burst.
    m = a.recv()
    assert m.command == "005"


def test_time(clients):
    a = clients("alice")
    a.send("TIME")
    m = a.expect("391")
    assert m.params[:2] == ["alice", "natterd"]
    assert re.fullmatch(r"\w+ \w+ \d\d \d{4} -- \d\d:\d\d:\d\d \+00:00",
                        m.params[2]), m
    t = time.strptime(m.params[2].split(" -- ")[0] + " " +
                      m.params[2].split(" -- ")[1][:8],
                      "%A %B %d %Y %H:%M:%S")
    assert abs(calendar.timegm(t) - time.time()) < 30
