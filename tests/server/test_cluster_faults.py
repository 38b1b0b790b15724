"""The cluster under faults (cluster-contract.md): a node killed or
paused past its lease, Redis killed and restarted empty, Redis paused,
a subscriber cut by Redis's output-buffer limit, and what a split node
refuses meanwhile.

Each test ends with the check that nothing was lost silently: every
message sent to the room during the fault reached each member, or that
member got the loss NOTICE whose window covers the time it was sent
(cluster.Ledger). Faults are timed from the moment they are made; the
bounds (REAP_WITHIN, SPLIT_WITHIN) are the contract's plus slack.
"""

import time

import pytest

from conftest import TIMEOUT, Client
from cluster import (REAP_WITHIN, SLACK, SPLIT_WITHIN, Ledger,  # noqa
                     cluster, collect, is_loss, kill9, names, on, pause,
                     query, redis, resume, wait_sync)

UNAVAILABLE = "The cluster is unavailable, try again"


def quit_of(nick, reason=None):
    return lambda m: m.command == "QUIT" and m.nick == nick and (
        reason is None or m.params == [reason])


def join_of(nick, chan):
    return lambda m: m.command == "JOIN" and m.nick == nick and \
        m.params[:1] == [chan]


def loss_from(node, chan):
    ok = is_loss(chan)
    return lambda m: m.command == "NOTICE" and m.prefix == node and ok(m)


def privmsg(chan, text):
    return lambda m: m.command == "PRIVMSG" and m.params == [chan, text]


def left(t0, bound):
    """What is left of bound seconds counted from t0 (monotonic)."""
    return max(t0 + bound - time.monotonic(), 0)


def whois_server(c, nick):
    got = query(c, "WHOIS " + nick, "318")
    return [m.params[2] for m in got if m.command == "312"]


def expect_fail(c, line, cmd):
    c.send(line)
    m = c.expect("FAIL")
    assert m.params == [cmd, "TEMPORARILY_UNAVAILABLE", UNAVAILABLE], (
        line, m)


# --- a node dies ------------------------------------------------------------

def test_node_killed(cluster, redis):
    a, b, c = cluster(3)
    alice = on(a, "alice").join("#f")
    ann = on(a, "ann").join("#f")
    bob = on(b, "bob").join("#f")
    cat = on(c, "cat").join("#f")
    for x in (alice, ann, bob):
        x.expect("JOIN", "#f", where=lambda m: m.nick == "cat")
    marks = b.log_mark(), c.log_mark()
    led = Ledger("#f")
    t0 = time.monotonic()
    kill9(a)
    # The survivors' room keeps working while a.test is being reaped.
    for i in range(10):
        led.send(bob, "from bob %d" % i)
        led.send(cat, "from cat %d" % i)
    reasons = set()
    for x in (bob, cat):
        got = collect(x, quit_of("alice"), quit_of("ann"),
                      timeout=left(t0, REAP_WITHIN))
        reasons.update(m.params[-1] for m in got)
    took = time.monotonic() - t0
    assert len(reasons) == 1, reasons
    reason = reasons.pop()
    assert reason in ("b.test a.test", "c.test a.test"), reason
    reaper, mark = (b, marks[0]) if reason.startswith("b.") else (c, marks[1])
    reaper.wait_log(r"cluster: reaped a\.test \(2 users\)", start=mark)
    assert took <= REAP_WITHIN, took
    # No ghost: both survivors list the same two members.
    assert names(bob, "#f") == names(cat, "#f") == ["bob", "cat"]
    # The dead node's nicks are free, in Redis and on both survivors.
    assert redis.nick_owner("alice") is None
    assert redis.nick_owner("ann") is None
    alice2 = on(b, "alice").join("#f")
    ann2 = on(c, "Ann").join("#f")
    for x in (bob, cat):
        collect(x, join_of("alice", "#f"), join_of("Ann", "#f"))
    assert whois_server(cat, "alice") == ["b.test"]
    assert whois_server(bob, "ann") == ["c.test"]
    for x in (bob, cat, alice2, ann2):
        x.sync()
    # Between live nodes nothing may be lost, nor even excused.
    assert led.check([bob, cat]) == 0


def test_node_paused_past_its_lease(cluster, redis):
    """a.test sleeps past its lease and is reaped; its user alice's nick
    is taken on b.test meanwhile. Woken, a.test is fenced and resyncs:
    alice is renamed and told, amy keeps her nick, and no nick has two
    owners."""
    a, b = cluster(2)
    alice = on(a, "alice").join("#f")
    amy = on(a, "amy").join("#f")
    bob = on(b, "bob").join("#f")
    for x in (alice, amy):
        x.expect("JOIN", "#f", where=lambda m: m.nick == "bob")
    led = Ledger("#f")
    mb = b.log_mark()
    t0 = time.monotonic()
    pause(a)
    led.send(bob, "while a sleeps 0")
    b.wait_log(r"cluster: reaped a\.test \(2 users\)", start=mb,
               timeout=left(t0, REAP_WITHIN))
    collect(bob, quit_of("alice", "b.test a.test"),
            quit_of("amy", "b.test a.test"))
    for i in range(1, 5):
        led.send(bob, "while a sleeps %d" % i)
    eve = on(b, "alice")                # the nick is free: eve takes it
    assert redis.nick_owner("alice")[1:] == ("b.test", "alice")
    ma = a.log_mark()
    resume(a)
    # Fenced (its lease is gone) or, if its timers notice the silence
    # first, split: either way it must resync.
    a.wait_log(r"cluster: (fenced|split): ", start=ma)
    wait_sync(a, start=ma)
    nick, notice = collect(
        alice,
        lambda m: m.command == "NICK" and m.nick == "alice",
        lambda m: m.command == "NOTICE" and "!" not in (m.prefix or "!")
        and not m.params[0].startswith("#"))
    new = nick.params[0]
    assert new.lower() != "alice", nick
    alice.nick = new
    # bob sees both come back, alice under her new name.
    collect(bob, join_of(new, "#f"), join_of("amy", "#f"))
    # One owner per nick, whichever node is asked.
    assert redis.nick_owner("alice")[1:] == ("b.test", "alice")
    assert redis.nick_owner(new)[1:] == ("a.test", new)
    assert redis.nick_owner("amy")[1:] == ("a.test", "amy")
    for x in (alice, bob):
        assert whois_server(x, "alice") == ["b.test"]
        assert whois_server(x, new) == ["a.test"]
        assert whois_server(x, "amy") == ["a.test"]
    eve.send("PRIVMSG alice :is it me")
    assert eve.expect("PRIVMSG", "alice").params[1] == "is it me"
    # The room works again both ways, with one member list.
    alice.send("PRIVMSG #f :awake")
    collect(bob, privmsg("#f", "awake"))
    bob.send("PRIVMSG #f :welcome back")
    for x in (alice, amy):
        collect(x, privmsg("#f", "welcome back"))
    assert names(alice, "#f") == names(bob, "#f")
    assert sorted(n.lstrip("@") for n in names(bob, "#f")) == sorted(
        ["amy", "bob", new])
    alice.quiet("NICK")
    for x in (amy, bob):
        x.sync()
    led.check([alice, amy])


# --- Redis lost -------------------------------------------------------------

def split_room(cluster):
    a, b = cluster(2)
    alice = on(a, "alice").join("#f")
    carol = on(a, "carol").join("#f")
    bob = on(b, "bob").join("#f")
    for x in (alice, carol):
        x.expect("JOIN", "#f", where=lambda m: m.nick == "bob")
    # An operator on each node: whichever node puts its rooms back
    # first, the other's operator must stay one.
    alice.send("MODE #f +o bob")
    for x in (alice, carol, bob):
        x.expect("MODE", "#f")
    return a, b, alice, carol, bob


def split_and_heal(a, b, alice, carol, bob, cut, heal, ops=True):
    """cut() Redis off, check the split, heal() it, check the recovery
    and that nothing was lost silently. ops: alice is still the
    and bob are still the channel's operators afterwards."""
    led = Ledger("#f")
    led.send(alice, "before")
    collect(bob, privmsg("#f", "before"))
    marks = a.log_mark(), b.log_mark()
    t0 = time.monotonic()
    cut()
    # Sent before the nodes can have noticed.
    for i in range(3):
        led.send(alice, "gap a %d" % i)
        led.send(bob, "gap b %d" % i)
    for n, mark in zip((a, b), marks):
        n.wait_log(r"cluster: split: ", start=mark,
                   timeout=left(t0, SPLIT_WITHIN))
    assert time.monotonic() - t0 <= SPLIT_WITHIN
    # Each side shows the other's users split off.
    collect(bob, quit_of("alice", "b.test a.test"),
            quit_of("carol", "b.test a.test"))
    collect(alice, quit_of("bob", "a.test b.test"))
    collect(carol, quit_of("bob", "a.test b.test"))
    # The local room keeps working.
    for i in range(3):
        led.send(alice, "split a %d" % i)
        led.send(bob, "split b %d" % i)
    for i in range(3):
        collect(carol, privmsg("#f", "split a %d" % i))
    assert names(alice, "#f") == ["@alice", "carol"]
    assert names(bob, "#f") == ["@bob"]
    marks = a.log_mark(), b.log_mark()
    heal()
    for n, mark in zip((a, b), marks):
        wait_sync(n, start=mark, timeout=TIMEOUT + 5)
    # Netjoin, and each member has its own node's loss NOTICE. (The
    # other node's too if that node was back on the bus when it sent
    # it: both were split here, so which comes first is a race; the
    # Ledger decides whether the windows members got cover the loss.)
    collect(bob, join_of("alice", "#f"), join_of("carol", "#f"),
            loss_from("b.test", "#f"))
    for x in (alice, carol):
        collect(x, join_of("bob", "#f"), loss_from("a.test", "#f"))
    # Cross-node messages flow again, both ways.
    alice.send("PRIVMSG #f :healed")
    collect(bob, privmsg("#f", "healed"))
    collect(carol, privmsg("#f", "healed"))
    bob.send("PRIVMSG #f :indeed")
    collect(alice, privmsg("#f", "indeed"))
    collect(carol, privmsg("#f", "indeed"))
    got = names(alice, "#f")
    assert got == names(bob, "#f")
    if ops:
        assert got == ["@alice", "@bob", "carol"]
    else:
        assert sorted(n.lstrip("@") for n in got) == ["alice", "bob", "carol"]
    for x in (alice, carol, bob):
        x.sync()
        for node in ("a.test", "b.test"):
            notices = [l for l in x.lines if l.startswith(
                ":%s NOTICE #f :Messages between " % node)]
            assert len(notices) <= 1, (x.nick, notices)
    assert led.check([alice, carol, bob]) > 0
    return led


def test_redis_restarted_empty(cluster, redis):
    a, b, alice, carol, bob = split_room(cluster)
    split_and_heal(a, b, alice, carol, bob, redis.kill, redis.start)
    # Every node put its users back into the empty Redis.
    for nick, node in (("alice", "a.test"), ("carol", "a.test"),
                       ("bob", "b.test")):
        assert redis.nick_owner(nick)[1:] == (node, nick)
    c = Client(b.port)
    c.send("NICK alice")
    c.send("USER u 0 * :Test")
    c.expect("433")


def test_redis_paused(cluster, redis):
    """A hung Redis (SIGSTOP) is noticed by timeout. Its clock ran on:
    every lease is past when it wakes, so the nodes may be fenced and
    rejoin their rooms, with channel operator status kept or not
    (design 6.8): only the members are checked."""
    a, b, alice, carol, bob = split_room(cluster)
    split_and_heal(a, b, alice, carol, bob, redis.stop, redis.cont,
                   ops=False)
    for nick, node in (("alice", "a.test"), ("bob", "b.test")):
        assert redis.nick_owner(nick)[1:] == (node, nick)


@pytest.mark.parametrize("redis", [["--client-output-buffer-limit",
                                    "pubsub 64kb 32kb 1"]], indirect=True)
def test_subscriber_cut_by_output_buffer(cluster, redis):
    """b.test stalls while alice floods a room it has a member in: Redis
    cuts its subscriber; b.test resyncs and reports the window. The
    lease (5 s) is longer here so that the stall cuts the subscriber
    only, and short enough that a beat is due when b.test wakes: its
    answer, fresh, must not move the window's start past what was
    lost while b.test slept."""
    a, b = cluster(2, lease=5)
    alice = on(a, "alice").join("#f")
    bob = on(b, "bob").join("#f")
    alice.expect("JOIN", "#f", where=lambda m: m.nick == "bob")
    led = Ledger("#f")
    ma, mb = a.log_mark(), b.log_mark()
    pause(b)
    # In batches, each answered (alice's PONG) before the next: a.test
    # keeps up with its own subscription, b.test's alone overflows.
    # The flood goes on past the cut until b.test has been still for
    # 1.2 s, so that what it lost spans more than a second of the clock
    # (the NOTICE's window is in whole seconds).
    pad = "x" * 300
    i = 0
    t0 = time.monotonic()
    while True:
        for _ in range(50):
            led.send(alice, "%d %s" % (i, pad))
            i += 1
        alice.sync()
        if redis.has_log(r"overcoming of output buffer limits") and \
                time.monotonic() - t0 >= 1.2:
            break
        assert time.monotonic() < t0 + TIMEOUT, "no cut after %d" % i
    resume(b)
    b.wait_log(r"cluster: split: ", start=mb)
    wait_sync(b, start=mb)
    # A short split on b.test alone: alice leaves and comes back there.
    collect(bob, quit_of("alice", "b.test a.test"), join_of("alice", "#f"),
            loss_from("b.test", "#f"))
    collect(alice, loss_from("b.test", "#f"))
    alice.send("PRIVMSG #f :after the cut")
    collect(bob, privmsg("#f", "after the cut"))
    bob.sync()
    assert led.check([bob]) > 0
    # a.test, reading its subscription, was never cut.
    assert not [l for l in a.log[ma:] if l and "cluster: split" in l], \
        a.log_text()


def test_split_refuses_and_holds(cluster, redis):
    """Split: what needs the cluster is refused, new registrations are
    held and closed at the registration timeout, local rooms work."""
    a, b = cluster(2, "--reg-timeout", "2")
    alice = on(a, "alice").join("#loc").join("#both")
    carol = on(a, "carol").join("#loc").join("#both")
    bob = on(b, "bob").join("#both")
    for x in (alice, carol):
        x.expect("JOIN", "#both", where=lambda m: m.nick == "bob")
    on(a, "dave")                       # someone to INVITE
    ma = a.log_mark()
    redis.kill()
    a.wait_log(r"cluster: split: ", start=ma, timeout=SPLIT_WITHIN)
    collect(alice, quit_of("bob", "a.test b.test"))
    held = Client(a.port)
    t0 = time.monotonic()
    held.send("NICK newbie")
    held.send("USER u 0 * :Test")
    expect_fail(alice, "NICK alicia", "NICK")
    expect_fail(alice, "JOIN #new", "JOIN")
    expect_fail(alice, "TOPIC #loc :split topic", "TOPIC")
    expect_fail(alice, "MODE #loc +m", "MODE")
    expect_fail(alice, "KICK #loc carol", "KICK")
    expect_fail(alice, "INVITE dave #both", "INVITE")
    led = Ledger("#loc")
    for i in range(5):
        led.send(alice, "local %d" % i)
        led.send(carol, "reply %d" % i)
    for i in range(5):
        collect(carol, privmsg("#loc", "local %d" % i))
        collect(alice, privmsg("#loc", "reply %d" % i))
    alice.send("PRIVMSG carol :whisper on one node")
    collect(carol, privmsg("carol", "whisper on one node"))
    got = held.wait_closed(timeout=2 + TIMEOUT)
    assert time.monotonic() - t0 >= 2 - SLACK / 4
    assert not [m for m in got if m.command == "001"], got
    err = [m for m in got if m.command == "ERROR"]
    assert err and "cluster unavailable" in err[0].params[-1], got
    assert names(alice, "#loc") == ["@alice", "carol"]
    # Back: all of it works again.
    marks = a.log_mark(), b.log_mark()
    redis.start()
    wait_sync(a, start=marks[0], timeout=TIMEOUT + 5)
    wait_sync(b, start=marks[1], timeout=TIMEOUT + 5)
    on(a, "newbie")
    alice.send("NICK alicia")
    collect(carol, lambda m: m.command == "NICK" and m.params == ["alicia"])
    collect(bob, lambda m: m.command == "NICK" and m.params == ["alicia"])
    alice.nick = "alicia"
    for x in (alice, carol):
        x.sync()
    assert led.check([alice, carol]) == 0


def test_commands_in_flight_when_redis_hangs(cluster, redis):
    """JOIN, NICK and a registration sent just as Redis hangs: each
    ends, at the latest once the cluster is back, as done (and then
    true everywhere) or FAIL, never lost or hanging."""
    a, b = cluster(2)
    alice = on(a, "alice")
    bob = on(b, "bob").join("#w")
    ma = a.log_mark()
    redis.stop()
    alice.send("JOIN #w")
    alice.send("NICK alicia")
    new = Client(a.port)
    new.send("NICK newbie")
    new.send("USER u 0 * :Test")
    a.wait_log(r"cluster: split: ", start=ma, timeout=SPLIT_WITHIN)
    marks = a.log_mark(), b.log_mark()
    redis.cont()
    wait_sync(a, start=marks[0], timeout=TIMEOUT + 5)
    # b.test, with nothing in flight, may not have been still long
    # enough to notice the hang; if it did, it is back in sync too.
    bob.sync()
    if any("cluster: split: " in (l or "") for l in b.log[marks[1]:]):
        wait_sync(b, start=marks[1], timeout=TIMEOUT + 5)
    joined = collect(alice, lambda m: m.command == "366" or (
        m.command == "FAIL" and m.params[0] == "JOIN"))[0]
    if joined.command == "FAIL":
        assert joined.params == ["JOIN", "TEMPORARILY_UNAVAILABLE",
                                 UNAVAILABLE], joined
    nicked = collect(alice, lambda m: (m.command == "NICK" and
                                       m.nick == "alice") or (
        m.command == "FAIL" and m.params[0] == "NICK"))[0]
    if nicked.command == "FAIL":
        assert nicked.params == ["NICK", "TEMPORARILY_UNAVAILABLE",
                                 UNAVAILABLE], nicked
    else:
        assert nicked.params == ["alicia"]
        alice.nick = "alicia"
    new.expect("001")
    # What happened is true in Redis and on b.test as well.
    assert redis.nick_owner(alice.nick)[1:] == ("a.test", alice.nick)
    assert redis.nick_owner("newbie")[1] == "a.test"
    if joined.command == "366":
        collect(bob, join_of(alice.nick, "#w"))
    bob.send("PRIVMSG #w :fence")
    if joined.command == "366":
        collect(alice, privmsg("#w", "fence"))
    assert whois_server(bob, alice.nick) == ["a.test"]
    assert sorted(n.lstrip("@") for n in names(bob, "#w")) == sorted(
        ["bob"] + ([alice.nick] if joined.command == "366" else []))
