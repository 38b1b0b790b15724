"""The cluster in normal operation: two or three natterd nodes on one
Redis behave to every client as one server (cluster-contract.md).

Clients are spread over the nodes. A node applies what another node did
a little later than that node answers its own client, so a test asks a
node about a remote change only after a client of that node has seen the
change (its JOIN, NICK, MODE...): the notice is the synchronisation.
"""

import random
import re
import select
import subprocess
import time

from conftest import NATTERD, TIMEOUT, Client, Msg, witness
from cluster import (cluster, redis, collect, names, on, query,  # noqa
                     who)


def welcome_prefix(c):
    return [Msg(l) for l in c.lines if " 001 " in l][0].prefix


def prefix(c):
    return "%s!~u@127.0.0.1" % c.nick


# --- off, and the options -------------------------------------------------

def test_off_needs_no_redis(natterd):
    """Without --cluster natterd starts, serves and says nothing of a
    cluster: no Redis is running for this test."""
    s = natterd("--flood-rate", "0")
    witness(s.port)
    assert not [l for l in s.log if l and "cluster" in l], s.log_text()


def test_node_and_cluster_go_together():
    """--node without --cluster and the other way round are usage
    errors, and so is a lease out of 1..300. (No -V: it exits before
    the options are checked together; a natterd that wrongly starts
    times out here and fails the test.)"""
    base = ["--listen", "127.0.0.1:0", "--no-history"]
    for args in (["--node", "a.test"], ["--cluster", "unix:/nonexistent"],
                 ["--cluster", "unix:/x", "--node", "a.test",
                  "--cluster-lease", "0"],
                 ["--cluster", "unix:/x", "--node", "a.test",
                  "--cluster-lease", "301"]):
        p = subprocess.run([NATTERD] + base + args, capture_output=True,
                           text=True, timeout=TIMEOUT,
                           stdin=subprocess.DEVNULL)
        assert p.returncode == 64, (args, p.returncode, p.stderr)


# --- the tutorial's flows across nodes --------------------------------------

def test_tutorial_across_nodes(cluster):
    a, b = cluster(2)
    alice = on(a, "alice")
    bob = on(b, "bob")
    # The node name is the server name users see.
    assert welcome_prefix(alice) == "a.test"
    assert welcome_prefix(bob) == "b.test"
    alice.join("#room")
    bob.send("JOIN #room")
    got = []
    while not got or got[-1].command != "366":
        got.append(bob.recv())
    assert [m.command for m in got] == ["JOIN", "353", "366"], got
    assert sorted(got[1].params[3].split()) == ["@alice", "bob"]
    m = alice.expect("JOIN", "#room")
    assert m.prefix == prefix(bob)
    # Talk, both ways.
    alice.send("PRIVMSG #room :hello from a")
    m = bob.expect("PRIVMSG", "#room")
    assert (m.prefix, m.params[1]) == (prefix(alice), "hello from a")
    bob.send("PRIVMSG #room :hello from b")
    m = alice.expect("PRIVMSG", "#room")
    assert (m.prefix, m.params[1]) == (prefix(bob), "hello from b")
    # A whisper, both ways.
    alice.send("PRIVMSG bob :psst")
    m = bob.expect("PRIVMSG", "bob")
    assert (m.prefix, m.params[1]) == (prefix(alice), "psst")
    bob.send("NOTICE alice :noted")
    m = alice.expect("NOTICE", "alice")
    assert (m.prefix, m.params[1]) == (prefix(bob), "noted")
    # alice's nick is taken on b.test too; another one works.
    c = Client(b.port)
    c.send("NICK alice")
    c.send("USER u 0 * :Test carol")
    m = c.expect("433")
    assert m.params[:2] == ["*", "alice"] and m.prefix == "b.test"
    c.send("NICK Alice")
    c.expect("433")
    c.nick = "carol"
    c.send("NICK carol")
    c.expect("001")
    c.join("#room")
    alice.expect("JOIN", "#room", where=lambda m: m.nick == "carol")
    bob.expect("JOIN", "#room", where=lambda m: m.nick == "carol")
    # A rename is seen everywhere, the old nick is free, the new one
    # reachable.
    alice.send("NICK alison")
    m = alice.expect("NICK")
    assert (m.prefix, m.params) == (prefix(alice), ["alison"])
    alice.nick = "alison"
    for x in (bob, c):
        m = x.expect("NICK")
        assert (m.prefix, m.params) == ("alice!~u@127.0.0.1", ["alison"])
    bob.send("PRIVMSG alice :are you there")
    m = bob.expect("401")
    assert m.params[:2] == ["bob", "alice"] and m.prefix == "b.test"
    bob.send("PRIVMSG alison :found you")
    assert alice.expect("PRIVMSG", "alison").params[1] == "found you"
    d = on(b, "alice")             # the old nick can be taken on b.test
    # One member list, from every node, with the first joiner's @.
    assert names(alice, "#room") == names(bob, "#room") == \
        ["@alison", "bob", "carol"]
    assert who(alice, "#room") == who(bob, "#room")
    # QUIT is seen everywhere; the nick is then gone.
    bob.send("QUIT :bye now")
    bob.wait_closed()
    for x in (alice, c):
        m = x.expect("QUIT")
        assert (m.prefix, m.params) == (prefix(bob), ["Quit: bye now"])
    alice.send("PRIVMSG bob :still there?")
    m = alice.expect("401")
    assert m.params[:2] == ["alison", "bob"] and m.prefix == "a.test"
    assert names(alice, "#room") == names(c, "#room") == \
        ["@alison", "carol"]
    d.quiet("PRIVMSG", "QUIT", "JOIN")


def test_whisper_to_a_vanishing_nick(cluster):
    """bob quits on b.test while alice's whisper to him is on its way:
    he got it, or she gets 401 (from a.test, or bounced by b.test);
    never both, never neither."""
    a, b = cluster(2)
    alice = on(a, "alice").join("#v")
    for r in range(10):
        nick = "bob%d" % r
        bob = on(b, nick).join("#v")
        alice.expect("JOIN", "#v", where=lambda m: m.nick == nick)
        bob.send("QUIT")
        alice.send("PRIVMSG %s :are you there" % nick)
        bob.wait_closed()
        got = [l for l in bob.lines
               if l.endswith(" PRIVMSG %s :are you there" % nick)]
        preds = [lambda m: m.command == "QUIT" and m.nick == nick]
        if not got:
            preds.append(lambda m: m.command == "401" and
                         m.params[1] == nick)
        found = collect(alice, *preds)
        if not got:
            assert found[1].prefix in ("a.test", "b.test"), found
    alice.quiet("401")


def test_server_time_same_on_every_node(cluster):
    """A channel message carries one time, whichever node shows it."""
    a, b = cluster(2)
    cs = [on(n, nick, caps=("server-time",)).join("#t")
          for n, nick in ((a, "xa"), (b, "yb"), (a, "za"), (b, "wb"))]
    for c in cs[:-1]:
        c.expect("JOIN", "#t", where=lambda m: m.nick == "wb")
    for sender in cs[1:3]:
        sender.send("PRIVMSG #t :what time is it")
        tags = [r.expect("PRIVMSG", "#t").tags.get("time")
                for r in cs if r is not sender]
        assert tags[0] and tags.count(tags[0]) == 3, tags


def test_three_nodes_one_member_list(cluster):
    nodes = cluster(3)
    cs = [on(n, nick) for n, nick in zip(nodes, ("alice", "bob", "carol"))]
    for i, c in enumerate(cs):
        c.join("#room")
        for other in cs[:i]:
            other.expect("JOIN", "#room", where=lambda m: m.nick == c.nick)
    want = ["@alice", "bob", "carol"]
    assert [names(c, "#room") for c in cs] == [want] * 3
    rows = [who(c, "#room") for c in cs]
    assert rows[0] == rows[1] == rows[2], rows
    assert sorted((r[4], r[5]) for r in rows[0]) == [
        ("alice", "H@"), ("bob", "H"), ("carol", "H")], rows[0]
    # WHO by nick mask answers for the whole cluster too.
    masks = [who(c, "*") for c in cs]
    assert masks[0] == masks[1] == masks[2]
    assert sorted(r[4] for r in masks[0]) == ["alice", "bob", "carol"]


def test_whois_names_the_node(cluster):
    a, b, c = cluster(3)
    alice = on(a, "alice").join("#w")
    on(b, "bob", user="bobby").join("#w")
    on(c, "carol")
    alice.expect("JOIN", "#w", where=lambda m: m.nick == "bob")
    for asker in (alice, on(c, "dave")):
        got = query(asker, "WHOIS bob", "318")
        w = dict((m.command, m) for m in got)
        assert w["311"].params[1:4] == ["bob", "~bobby", "127.0.0.1"]
        assert w["312"].params[1:3] == ["bob", "b.test"]
        assert w["319"].params[2] == "#w"
        got = query(asker, "WHOIS carol", "318")
        w = dict((m.command, m) for m in got)
        assert w["312"].params[1:3] == ["carol", "c.test"]
        got = query(asker, "WHOIS alice", "318")
        w = dict((m.command, m) for m in got)
        assert w["312"].params[1:3] == ["alice", "a.test"]
        assert w["319"].params[2] == "@#w"
    got = query(alice, "WHOIS ghost", "318")
    assert [m.command for m in got] == ["401", "318"]


def test_counts_cover_the_cluster(cluster):
    a, b = cluster(2)
    alice = on(a, "alice").join("#both")
    ann = on(a, "ann").join("#aonly")
    bob = on(b, "bob").join("#both")
    alice.expect("JOIN", "#both", where=lambda m: m.nick == "bob")
    bob.send("MODE bob +i")
    bob.expect("MODE")
    alice.send("TOPIC #both :shared topic")
    alice.expect("TOPIC", "#both")
    bob.expect("TOPIC", "#both")
    # State changes apply in one order everywhere: b.test, having shown
    # alice's TOPIC, has ann's earlier JOIN and bob's +i; a.test has
    # them too, its own TOPIC being the last.
    rows = list_rows(bob)
    assert rows == {"#both": ["2", "shared topic"], "#aonly": ["1", ""]}
    assert list_rows(alice) == rows
    # The cluster's counts, but for 255 and 265: this node's own.
    for c, local in ((alice, 2), (bob, 1)):
        got = query(c, "LUSERS", "266")
        w = dict((m.command, m) for m in got)
        x = re.match(r"There are (\d+) users and (\d+) invisible on "
                     r"(\d+) servers", w["251"].params[1])
        assert x and int(x.group(1)) + int(x.group(2)) == 3, w["251"]
        assert int(x.group(2)) == 1 and x.group(3) == "2", w["251"]
        assert w["255"].params[1] == "I have %d clients and 1 servers" \
            % local, w["255"]
        assert w["265"].params[1] == str(local), w["265"]
        assert w["254"].params[1] == "2", w["254"]
        assert w["266"].params[1] == "3", w["266"]
        c.send("ISON alice ghost BOB ann")
        m = c.expect("303")
        assert sorted(m.params[1].split()) == ["alice", "ann", "bob"], m
    ann.quiet("PRIVMSG")


def list_rows(c):
    c.sync()
    c.send("LIST")
    c.expect("321")
    rows = {}
    while True:
        m = c.recv()
        if m.command == "323":
            return rows
        assert m.command == "322", m
        rows[m.params[1]] = m.params[2:]


# --- operators, topic, modes, kick ----------------------------------------

def test_topic_and_modes_enforced_everywhere(cluster):
    a, b = cluster(2)
    alice = on(a, "alice").join("#m")
    bob = on(b, "bob").join("#m")
    alice.expect("JOIN", "#m", where=lambda m: m.nick == "bob")
    # The channel, made on a.test, is +nt: bob on b.test may not set
    # the topic; -t from a.test lets him, +t stops him again.
    bob.send("TOPIC #m :mine now")
    assert bob.expect("482").params[1] == "#m"
    alice.send("MODE #m -t")
    alice.expect("MODE", "#m")
    m = bob.expect("MODE", "#m")
    assert (m.prefix, m.params[1:]) == (prefix(alice), ["-t"])
    bob.send("TOPIC #m :mine now")
    m = alice.expect("TOPIC", "#m", where=lambda m: m.nick == "bob")
    assert (m.prefix, m.params[1]) == (prefix(bob), "mine now")
    alice.send("MODE #m +t")
    m = bob.expect("MODE", "#m")
    assert m.params[1:] == ["+t"]
    bob.send("TOPIC #m :mine again")
    assert bob.expect("482").params[1] == "#m"
    alice.send("TOPIC #m :the topic")
    m = bob.expect("TOPIC", "#m")
    assert (m.prefix, m.params[1]) == (prefix(alice), "the topic")
    got = query(bob, "TOPIC #m", "333")
    assert got[-2].command == "332" and got[-2].params[2] == "the topic"
    assert got[-1].params[2].startswith("alice")
    # +o from a.test lets bob set the topic on b.test.
    alice.send("MODE #m +o bob")
    m = bob.expect("MODE", "#m")
    assert m.params[1:] == ["+o", "bob"]
    bob.send("TOPIC #m :bob's topic")
    m = alice.expect("TOPIC", "#m", where=lambda m: m.nick == "bob" and
                     m.params[1] == "bob's topic")
    assert (m.prefix, m.params[1]) == (prefix(bob), "bob's topic")
    assert names(alice, "#m") == names(bob, "#m") == ["@alice", "@bob"]
    # +k set on b.test is checked on a.test, and the other way round.
    bob.send("MODE #m +k sesame")
    alice.expect("MODE", "#m", where=lambda m: m.params[1] == "+k")
    carol = on(a, "carol")
    carol.send("JOIN #m")
    assert carol.expect("475").params[1] == "#m"
    dan = on(b, "dan")
    dan.send("JOIN #m wrong")
    assert dan.expect("475").params[1] == "#m"
    carol.send("JOIN #m sesame")
    carol.expect("366", None, "#m")
    bob.expect("JOIN", "#m", where=lambda m: m.nick == "carol")
    for c in (alice, bob):
        c.send("MODE #m")
        modes = c.expect("324").params[2]
        assert "t" in modes and "k" in modes and "n" in modes, modes
    # +b from a.test: dan on b.test cannot join, and carol, banned while
    # in, cannot speak.
    alice.send("MODE #m +b dan!*@*")
    bob.expect("MODE", "#m", where=lambda m: m.params[1] == "+b")
    dan.send("JOIN #m sesame")
    assert dan.expect("474").params[1] == "#m"
    bob.send("MODE #m +b carol!*@*")
    carol.expect("MODE", "#m", where=lambda m: m.params[1:] == [
        "+b", "carol!*@*"])
    alice.expect("MODE", "#m", where=lambda m: m.params[1:] == [
        "+b", "carol!*@*"])
    carol.send("PRIVMSG #m :can you hear me")
    carol.expect("404")
    got = query(bob, "MODE #m +b", "368")
    assert sorted(m.params[2] for m in got if m.command == "367") == \
        ["carol!*@*", "dan!*@*"]
    # -o from a.test: bob on b.test is refused at once.
    alice.send("MODE #m -o bob")
    bob.expect("MODE", "#m", where=lambda m: m.params[1:] == ["-o", "bob"])
    bob.send("TOPIC #m :again")
    bob.expect("482")
    alice.quiet("PRIVMSG", "TOPIC")


def test_kick_across_nodes(cluster):
    a, b, c = cluster(3)
    alice = on(a, "alice").join("#k")
    bob = on(b, "bob").join("#k")
    carol = on(c, "carol").join("#k")
    for x in (alice, bob):
        x.expect("JOIN", "#k", where=lambda m: m.nick == "carol")
    # Not an operator: 482 wherever.
    bob.send("KICK #k alice :no")
    assert bob.expect("482").params[1] == "#k"
    alice.send("KICK #k bob :out you go")
    for x in (alice, bob, carol):
        m = x.expect("KICK", "#k")
        assert (m.prefix, m.params[1:]) == (prefix(alice),
                                            ["bob", "out you go"])
    bob.send("PRIVMSG #k :let me in")
    assert bob.expect("404").params[1] == "#k"
    assert names(alice, "#k") == names(carol, "#k") == names(bob, "#k") \
        == ["@alice", "carol"]
    carol.quiet("PRIVMSG")


def test_message_from_outside_a_room(cluster):
    """A -n room with no member on the sender's node still gets the
    message on the other node, and the sender its echo: nothing comes
    back to a node that does not hear the room."""
    a, b = cluster(2)
    bob = on(b, "bob").join("#out")
    bob.send("MODE #out -n")
    bob.expect("MODE", "#out")
    alice = on(a, "alice", caps=("echo-message",))
    # a.test applies the MODE when its event comes: ask until it has.
    end = time.monotonic() + TIMEOUT
    while "n" in query(alice, "MODE #out", "329")[-2].params[2]:
        assert time.monotonic() < end, "a.test never saw -n"
    alice.send("PRIVMSG #out :from outside")
    m = bob.expect("PRIVMSG", "#out")
    assert (m.prefix, m.params) == (prefix(alice), ["#out", "from outside"])
    m = alice.expect("PRIVMSG", "#out")
    assert m.params == ["#out", "from outside"]


def test_part_away_invite_across_nodes(cluster):
    a, b = cluster(2)
    alice = on(a, "alice").join("#i")
    ann = on(a, "ann").join("#i")
    bob = on(b, "bob", user="bobby", caps=("invite-notify",)).join("#i")
    carol = on(b, "carol")
    for x in (alice, ann):
        x.expect("JOIN", "#i", where=lambda m: m.nick == "bob")
    # PART, seen on the other node.
    bob.send("PART #i :later")
    for x in (alice, ann):
        m = x.expect("PART", "#i")
        assert (m.prefix, m.params) == ("bob!~bobby@127.0.0.1",
                                        ["#i", "later"])
    # AWAY on b.test shows on a.test (WHOIS 301, WHO's G, USERHOST's -).
    bob.send("AWAY :out to lunch")
    bob.expect("306")
    bob.join("#i")
    alice.expect("JOIN", "#i", where=lambda m: m.nick == "bob")
    got = query(alice, "WHOIS bob", "318")
    assert [m.params[2] for m in got if m.command == "301"] == [
        "out to lunch"]
    assert [r[5] for r in who(alice, "bob")] == ["G"]
    alice.send("USERHOST bob ann")
    assert alice.expect("302").params[1].split() == [
        "bob=-~bobby@127.0.0.1", "ann=+~u@127.0.0.1"]
    # INVITE from a.test to a +i room lets carol on b.test in; bob, an
    # operator with invite-notify on b.test, hears of it.
    alice.send("MODE #i +io bob")
    bob.expect("MODE", "#i")
    carol.send("JOIN #i")
    assert carol.expect("473").params[1] == "#i"
    alice.send("INVITE carol #i")
    assert alice.expect("341").params[1:] == ["carol", "#i"]
    m = carol.expect("INVITE")
    assert (m.nick, m.params) == ("alice", ["carol", "#i"])
    carol.join("#i")
    alice.expect("JOIN", "#i", where=lambda m: m.nick == "carol")
    ann.quiet("INVITE")
    m = bob.expect("INVITE")
    assert (m.nick, m.params) == ("alice", ["carol", "#i"])


def test_no_multiline_with_cluster(cluster):
    """draft/multiline is not offered by a cluster node."""
    a, = cluster(1)
    c = Client(a.port)
    c.send("CAP LS 302")
    caps = c.expect("CAP", None, "LS").params[-1].split()
    assert "echo-message" in caps
    assert not [x for x in caps if x.startswith("draft/multiline")], caps


# --- ordering ---------------------------------------------------------------

SENDERS_PER_NODE = 2
NMSGS = 60


def test_one_order_per_room(cluster):
    """Senders on every node: every member on every node sees each
    sender's messages in order and all of them in the same order."""
    nodes = cluster(3)
    cs = []
    for n in nodes:
        for i in range(SENDERS_PER_NODE):
            cs.append(on(n, "s%s%d" % (n.name[0], i),
                         caps=("echo-message",)).join("#ord"))
    last = cs[-1].nick
    for c in cs[:-1]:
        c.expect("JOIN", "#ord", where=lambda m: m.nick == last)
    total = NMSGS * len(cs)
    seen = [[] for _ in cs]
    by_fd = dict((c.sock.fileno(), i) for i, c in enumerate(cs))

    def collect(timeout):
        r, _, _ = select.select([c.sock for c in cs], [], [], timeout)
        for s in r:
            i = by_fd[s.fileno()]
            for m in cs[i].drain(0):
                if m.command == "PRIVMSG":
                    assert m.params[0] == "#ord", m
                    sender, k = m.params[1].split()
                    assert m.nick == sender, m
                    seen[i].append((sender, int(k)))

    for base in range(0, NMSGS, 10):
        for c in cs:
            c.send_raw(b"".join(b"PRIVMSG #ord :%s %d\r\n" % (
                c.nick.encode(), k) for k in range(base, base + 10)))
        collect(0)
    end = time.monotonic() + 6 * TIMEOUT
    while min(len(s) for s in seen) < total:
        assert time.monotonic() < end, [len(s) for s in seen]
        collect(0.2)
    for c in cs:
        c.sync()
    collect(0)
    for i, c in enumerate(cs):
        assert len(seen[i]) == total, (c.nick, len(seen[i]))
        for s in cs:
            ks = [k for who_, k in seen[i] if who_ == s.nick]
            assert ks == list(range(NMSGS)), (c.nick, s.nick, ks[:20])
    for i in range(1, len(cs)):
        assert seen[i] == seen[0], (
            "%s and %s saw different orders, first difference at %d"
            % (cs[0].nick, cs[i].nick,
               next(j for j, (x, y) in enumerate(zip(seen[0], seen[i]))
                    if x != y)))


# --- races -------------------------------------------------------------------

ROUNDS = 30


def unregistered(node):
    c = Client(node.port)
    c.send("USER u 0 * :Racer")
    c.sync()
    return c


def outcome(c, nick, ok):
    """Wait for c's answer to NICK nick: True if it won (ok arrives),
    False on 433."""
    m = c.expect_any((ok, "433"))
    if m.command == "433":
        assert m.params[1] == nick, m
        return False
    return True


def watchers(a, b):
    wa, wb = on(a, "watcha").join("#race"), on(b, "watchb").join("#race")
    wa.expect("JOIN", "#race", where=lambda m: m.nick == "watchb")
    return wa, wb


def seen(c, nick, wa, wb):
    """c (now nick) joins #race; once both watchers have seen it, both
    nodes have applied what c's node did before."""
    c.nick = nick
    c.join("#race")
    for w in (wa, wb):
        w.expect("JOIN", "#race", where=lambda m: m.nick == nick)


def holder(node_clients, nick):
    """Ask each node whose nick is: the set of WHOIS 312 servers."""
    out = set()
    for c in node_clients:
        got = query(c, "WHOIS " + nick, "318")
        out.update(m.params[2] for m in got if m.command == "312")
    return out


def test_nick_race(cluster, redis):
    a, b = cluster(2)
    wa, wb = watchers(a, b)
    for r in range(ROUNDS):
        nick = "Racer%d" % r
        x, y = unregistered(a), unregistered(b)
        if r % 2:
            x, y = y, x
        # Both lines leave back to back: the nodes race for the claim.
        x.send("NICK " + nick)
        y.send("NICK " + nick)
        won = [outcome(x, nick, "001"), outcome(y, nick, "001")]
        assert won.count(True) == 1, (r, won)
        w = [x, y][won.index(True)]
        node = a if w.sock.getpeername()[1] == a.port else b
        owner = redis.nick_owner(nick)
        assert owner and owner[1:] == (node.name, nick), (r, owner)
        # Both replicas agree with Redis.
        seen(w, nick, wa, wb)
        assert holder((wa, wb), nick) == {node.name}, r
        # The loser, still unregistered, can take another nick.
        loser = [x, y][won.index(False)]
        loser.send("NICK %s_2" % nick)
        loser.expect("001")
        x.close()
        y.close()


def test_rename_race(cluster, redis):
    """A registered user renames to X on one node while a new user
    registers X on the other: exactly one holds X."""
    a, b = cluster(2)
    wa, wb = watchers(a, b)
    for r in range(ROUNDS // 2):
        nick = "Target%d" % r
        renamer = on([a, b][r % 2], "old%d" % r)
        newcomer = unregistered([b, a][r % 2])
        renamer.send("NICK " + nick)
        newcomer.send("NICK " + nick)
        won = [outcome(renamer, nick, "NICK"), outcome(newcomer, nick, "001")]
        assert won.count(True) == 1, (r, won)
        node = [[a, b][r % 2], [b, a][r % 2]][won.index(True)]
        owner = redis.nick_owner(nick)
        assert owner and owner[1:] == (node.name, nick), (r, owner)
        seen([renamer, newcomer][won.index(True)], nick, wa, wb)
        assert holder((wa, wb), nick) == {node.name}, r
        # The renamer keeps its old nick if it lost, frees it if it won.
        old = redis.nick_owner("old%d" % r)
        assert (old is None) == won[0], (r, old)
        renamer.close()
        newcomer.close()


# --- agreement after churn --------------------------------------------------

CHANS = ("#c1", "#c2", "#c3")


class Model:
    """What NAMES should say: channel -> {nick: op}."""

    def __init__(self):
        self.chans = dict((c, {}) for c in CHANS)

    def join(self, nick, chan):
        m = self.chans[chan]
        m[nick] = not m
        return m

    def part(self, nick, chan):
        del self.chans[chan][nick]

    def quit(self, nick):
        for m in self.chans.values():
            m.pop(nick, None)

    def rename(self, old, new):
        for m in self.chans.values():
            if old in m:
                m[new] = m.pop(old)

    def names(self, chan):
        return sorted(("@" if op else "") + n
                      for n, op in self.chans[chan].items())


def test_agreement_after_churn(cluster):
    nodes = cluster(3)
    rng = random.Random(11)
    model = Model()
    watchers = [on(n, "watch%s" % n.name[0]) for n in nodes]
    for w in watchers:
        w.join("#fence")
    users = []          # (client, node index)
    seq = iter(range(10 ** 6))
    for step in range(120):
        op = rng.random()
        if op < 0.25 or len(users) < 4:
            i = rng.randrange(3)
            c = on(nodes[i], "u%d" % next(seq))
            users.append(c)
        elif op < 0.55:
            c = rng.choice(users)
            chan = rng.choice(CHANS)
            if c.nick in model.chans[chan]:
                continue
            c.join(chan)
            model.join(c.nick, chan)
        elif op < 0.7:
            c = rng.choice(users)
            mine = [ch for ch in CHANS if c.nick in model.chans[ch]]
            if not mine:
                continue
            chan = rng.choice(mine)
            c.send("PART " + chan)
            c.expect("PART", chan)
            model.part(c.nick, chan)
        elif op < 0.85:
            c = rng.choice(users)
            new = "r%d" % next(seq)
            c.send("NICK " + new)
            c.expect("NICK", new)
            model.rename(c.nick, new)
            c.nick = new
        else:
            c = rng.choice(users)
            c.send("QUIT")
            c.wait_closed()
            users.remove(c)
            model.quit(c.nick)
    # Fence: a message from every node after all the churn; once each
    # watcher has all three, each node has applied what came before.
    for w in watchers:
        w.send("PRIVMSG #fence :fence from %s" % w.nick)
    for w in watchers:
        collect(w, *[lambda m, o=o: m.command == "PRIVMSG" and
                     m.nick == o.nick for o in watchers if o is not w])
    for chan in CHANS:
        want = model.names(chan)
        got = [names(w, chan) for w in watchers]
        assert got == [want] * 3, (chan, want, got)
        rows = [who(w, chan) for w in watchers]
        assert rows[0] == rows[1] == rows[2], (chan, rows)
        assert sorted(r[4] for r in rows[0]) == sorted(
            model.chans[chan]), (chan, rows[0])
    everyone = [who(w, "*") for w in watchers]
    assert everyone[0] == everyone[1] == everyone[2]
    assert sorted(r[4] for r in everyone[0]) == sorted(
        [c.nick for c in users] + [w.nick for w in watchers])
