"""Room history: every channel event stored in SQLite and served back by
IRCv3 draft/chathistory (and draft/event-playback), --history-replay for
clients without it, SEARCH (soju.im/search), restarts, retention and
storage faults."""

import os
import re
import signal
import sqlite3
import time

import pytest

from conftest import TIMEOUT, Client, isupport

HIST = ("batch", "message-tags", "server-time", "draft/chathistory")
TS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def history(c, *args, label=None):
    """Send CHATHISTORY args; return (batch start, [messages]) of the
    chathistory batch that answers it (start None: no batch)."""
    c.send(("@label=%s " % label if label else "") +
           "CHATHISTORY " + " ".join(str(a) for a in args))
    return read_batch(c)


def read_batch(c):
    start = c.expect("BATCH")
    assert start.params[0].startswith("+"), start
    ref = start.params[0][1:]
    got = []
    while True:
        m = c.recv()
        if m.command == "BATCH" and m.params == ["-" + ref]:
            return start, got
        assert m.tags.get("batch") == ref, m
        got.append(m)


def texts(msgs):
    return [m.params[-1] for m in msgs]


def say(c, chan, n, fmt="m%d"):
    """c says n numbered lines in chan; return them once c saw its echo
    of the last (so the server has stored them all)."""
    lines = [fmt % i for i in range(n)]
    for t in lines:
        c.send("PRIVMSG %s :%s" % (chan, t))
    c.sync()
    return lines


@pytest.fixture
def room(clients):
    """alice (history caps, echo-message) and bob in #h, 10 lines said."""
    a = clients("alice", caps=HIST + ("echo-message",)).join("#h")
    b = clients("bob").join("#h")
    for i in range(10):
        a.send("PRIVMSG #h :m%d" % i)
    ids = [a.expect("PRIVMSG").tags["msgid"] for _ in range(10)]
    b.sync()
    return a, b, ids


def test_isupport_and_caps(srv):
    c = Client(srv.port)
    c.send("CAP LS 302")
    caps = c.expect("CAP").params[-1].split()
    for cap in ("draft/chathistory", "draft/event-playback",
                "soju.im/search", "batch", "message-tags",
                "labeled-response", "server-time"):
        assert cap in caps
    c.send("CAP END")
    c.register("isup")
    tokens = isupport(c)
    assert tokens["CHATHISTORY"] == "1000"
    assert tokens["MSGREFTYPES"] == "msgid,timestamp"


def test_no_history_offers_nothing(natterd):
    s = natterd("--no-history")
    c = Client(s.port)
    c.send("CAP LS 302")
    caps = c.expect("CAP").params[-1].split()
    assert "draft/chathistory" not in caps
    assert "soju.im/search" not in caps
    c.send("CAP END")
    c.register("nohist")
    assert "CHATHISTORY" not in isupport(c)
    c.join("#x")
    c.send("CHATHISTORY LATEST #x * 10")
    m = c.expect("FAIL")
    assert m.params[:3] == ["CHATHISTORY", "MESSAGE_ERROR", "LATEST"]
    assert not os.listdir(s.state)


def test_latest(room):
    a, b, ids = room
    start, got = history(a, "LATEST #h * 5")
    assert start.params[1:] == ["chathistory", "#h"]
    assert texts(got) == ["m5", "m6", "m7", "m8", "m9"]
    assert [m.tags["msgid"] for m in got] == ids[5:]
    # A run's ids sort as they were made (appended to the msgid index).
    assert ids == sorted(ids) and len(set(ids)) == 10
    for m in got:
        assert m.command == "PRIVMSG" and m.params[0] == "#h"
        assert m.prefix.startswith("alice!")
        assert TS.fullmatch(m.tags["time"])
    # LATEST after a reference: only what came after it, newest last.
    _, got = history(a, "LATEST #h msgid=%s 3" % ids[7])
    assert texts(got) == ["m8", "m9"]
    _, got = history(a, "LATEST #h msgid=%s 1" % ids[2])
    assert texts(got) == ["m9"]


def test_before_after_exclude_the_reference(room):
    a, _, ids = room
    _, got = history(a, "BEFORE #h msgid=%s 3" % ids[5])
    assert texts(got) == ["m2", "m3", "m4"]
    _, got = history(a, "AFTER #h msgid=%s 3" % ids[5])
    assert texts(got) == ["m6", "m7", "m8"]
    _, got = history(a, "BEFORE #h msgid=%s 100" % ids[1])
    assert texts(got) == ["m0"]
    _, got = history(a, "AFTER #h msgid=%s 100" % ids[9])
    assert got == []


def test_around_includes_the_reference(room):
    a, _, ids = room
    _, got = history(a, "AROUND #h msgid=%s 5" % ids[5])
    assert texts(got) == ["m3", "m4", "m5", "m6", "m7"]
    _, got = history(a, "AROUND #h msgid=%s 1" % ids[5])
    assert texts(got) == ["m5"]
    _, got = history(a, "AROUND #h msgid=%s 4" % ids[0])
    assert texts(got) == ["m0", "m1", "m2", "m3"]


def test_between_both_ways(room):
    a, _, ids = room
    _, got = history(a, "BETWEEN #h msgid=%s msgid=%s 100" % (ids[2],
                                                              ids[6]))
    assert texts(got) == ["m3", "m4", "m5"]
    # Counted from the first reference: forwards, the oldest ones.
    _, got = history(a, "BETWEEN #h msgid=%s msgid=%s 2" % (ids[2],
                                                            ids[8]))
    assert texts(got) == ["m3", "m4"]
    # Backwards in time: the newest ones, still sent oldest first.
    _, got = history(a, "BETWEEN #h msgid=%s msgid=%s 2" % (ids[8],
                                                            ids[2]))
    assert texts(got) == ["m6", "m7"]


def test_timestamps(room):
    a, _, ids = room
    _, got = history(a, "LATEST #h * 10")
    times = [m.tags["time"] for m in got]
    assert times == sorted(times)
    # Excluded bounds: nothing at the given millisecond.
    _, before = history(a, "BEFORE #h timestamp=%s 100" % times[5])
    assert all(m.tags["time"] < times[5] for m in before)
    _, after = history(a, "AFTER #h timestamp=%s 100" % times[5])
    assert all(m.tags["time"] > times[5] for m in after)
    assert len(before) + len(after) + times.count(times[5]) == 10
    _, got = history(a, "AFTER #h timestamp=2000-01-01T00:00:00.000Z 3")
    assert texts(got) == ["m0", "m1", "m2"]
    _, got = history(a, "BEFORE #h timestamp=2999-01-01T00:00:00Z 2")
    assert texts(got) == ["m8", "m9"]
    _, got = history(a, "BETWEEN #h timestamp=2000-01-01T00:00:00.000Z "
                     "timestamp=2999-01-01T00:00:00.000Z 100")
    assert texts(got) == ["m%d" % i for i in range(10)]
    # A msgid and a time mixed.
    _, got = history(a, "BETWEEN #h msgid=%s "
                     "timestamp=2999-01-01T00:00:00.000Z 2" % ids[6])
    assert texts(got) == ["m7", "m8"]


def test_unknown_msgid_is_an_empty_batch(room):
    a, _, _ = room
    start, got = history(a, "BEFORE #h msgid=nosuchid 10")
    assert start.params[1:] == ["chathistory", "#h"] and got == []


def test_limit_is_clamped_to_chathistory(natterd):
    s = natterd("--flood-rate", "0")
    a = Client(s.port, "alice", caps=HIST).join("#big")
    for i in range(1005):
        a.send("PRIVMSG #big :n%d" % i)
    a.sync()
    _, got = history(a, "LATEST #big * 5000")
    assert len(got) == 1000
    assert texts(got)[0] == "n5" and texts(got)[-1] == "n1004"
    _, got = history(a, "AFTER #big * 2000")
    assert len(got) == 1000 and texts(got)[0] == "n0"


BAD_REQUESTS = [
    ("FOO #h * 10", "INVALID_PARAMS", ["FOO"]),
    ("LATEST #h *", "INVALID_PARAMS", ["LATEST"]),
    ("LATEST #h * 10 extra", "INVALID_PARAMS", ["LATEST"]),
    ("BETWEEN #h * 10", "INVALID_PARAMS", ["BETWEEN"]),
    ("LATEST #h * ten", "INVALID_PARAMS", ["LATEST", "ten"]),
    ("LATEST #h * -1", "INVALID_PARAMS", ["LATEST", "-1"]),
    ("BEFORE #h timestamp=yesterday 10", "INVALID_PARAMS",
     ["BEFORE", "timestamp=yesterday"]),
    ("BEFORE #h timestamp=2026-13-01T00:00:00.000Z 10", "INVALID_PARAMS",
     ["BEFORE"]),
    ("BEFORE #h seq=12 10", "INVALID_MSGREFTYPE", ["BEFORE", "seq=12"]),
    ("BEFORE #h 12 10", "INVALID_PARAMS", ["BEFORE", "12"]),
    ("AROUND #h * 10", "INVALID_PARAMS", ["AROUND"]),
    ("LATEST #nothere * 10", "INVALID_TARGET", ["LATEST", "#nothere"]),
    ("LATEST bad,target * 10", "INVALID_TARGET", ["LATEST"]),
    ("TARGETS * * 10", "INVALID_PARAMS", ["TARGETS"]),
]


def test_bad_requests(room):
    """Each bad request gets its FAIL, and no batch; one server for all
    (a server under valgrind takes seconds to start)."""
    a, _, _ = room
    for args, code, ctx in BAD_REQUESTS:
        a.send("CHATHISTORY " + args)
        m = a.expect("FAIL")
        assert m.params[:2] == ["CHATHISTORY", code], (args, m)
        assert m.params[2:2 + len(ctx)] == ctx, (args, m)
        a.quiet("BATCH")


def test_rooms_you_are_not_in(room, clients):
    a, _, _ = room
    eve = clients("eve", caps=HIST)
    # A room that exists, with history, but eve is not in it.
    eve.send("CHATHISTORY LATEST #h * 10")
    m = eve.expect("FAIL")
    assert m.params[:4] == ["CHATHISTORY", "INVALID_TARGET", "LATEST", "#h"]
    # A room that emptied keeps its history but has no members at all.
    a.send("PART #h")
    eve.send("CHATHISTORY AFTER #h * 10")
    assert eve.expect("FAIL").params[1] == "INVALID_TARGET"
    eve.quiet("PRIVMSG")
    # A nick: private messages are never kept, the batch is empty.
    start, got = history(eve, "LATEST bob * 10")
    assert start.params[1:] == ["chathistory", "bob"] and got == []


def test_private_messages_are_not_stored(clients, srv):
    a = clients("alice", caps=HIST).join("#p")
    b = clients("bob", caps=HIST)
    a.send("PRIVMSG bob :a secret")
    b.expect("PRIVMSG")
    a.send("PRIVMSG #p :public")
    a.sync()
    db = sqlite3.connect(os.path.join(srv.state, "natterd.db"))
    rows = [r[0] for r in db.execute("SELECT line FROM event")]
    db.close()
    assert not any("secret" in r for r in rows)
    assert any("public" in r for r in rows)


def test_tags_only_for_those_who_asked(room, clients):
    a, _, ids = room
    plain = clients("plain", caps=("draft/chathistory",)).join("#h")
    plain.send("CHATHISTORY LATEST #h * 3")
    got = [plain.recv() for _ in range(3)]
    # No batch, no msgid, no time: lines as they were.
    assert [m.tags for m in got] == [{}, {}, {}]
    assert texts(got) == ["m7", "m8", "m9"]
    plain.quiet("BATCH", "PRIVMSG")
    timed = clients("timed", caps=("batch", "server-time",
                                   "draft/chathistory")).join("#h")
    _, got = history(timed, "LATEST #h * 2")
    assert [sorted(m.tags) for m in got] == [["batch", "time"]] * 2


def test_client_tags_and_bot_are_kept(clients):
    a = clients("alice", caps=HIST + ("echo-message",)).join("#t")
    a.send("MODE alice +B")
    a.send("@+draft/reply=abc PRIVMSG #t :tagged")
    m = a.expect("PRIVMSG")
    _, got = history(a, "LATEST #t * 1")
    assert got[0].tags["+draft/reply"] == "abc"
    assert "bot" in got[0].tags
    assert got[0].tags["msgid"] == m.tags["msgid"]
    assert got[0].tags["time"] == m.tags["time"]


def test_event_playback(clients):
    ev = HIST + ("draft/event-playback",)
    a = clients("alice", caps=ev).join("#e")
    b = clients("bob").join("#e")
    a.send("TOPIC #e :a topic")
    a.send("MODE #e +m")
    a.send("PRIVMSG #e :hello")
    a.sync()
    b.send("NICK bobby")
    b.send("PART #e :bye")
    b.sync()
    c = clients("carol").join("#e")
    a.send("KICK #e carol :out")
    a.sync()
    d = clients("dave").join("#e")
    d.send("QUIT :gone")
    a.expect("QUIT")
    _, got = history(a, "LATEST #e * 100")
    cmds = [m.command for m in got]
    assert cmds == ["JOIN", "JOIN", "TOPIC", "MODE", "PRIVMSG", "NICK",
                    "PART", "JOIN", "KICK", "JOIN", "QUIT"], cmds
    assert got[5].prefix.startswith("bob!") and got[5].params == ["bobby"]
    assert got[10].params[-1] == "Quit: gone"
    # Without event playback only the messages.
    x = clients("xavier", caps=HIST).join("#e")
    _, got = history(x, "LATEST #e * 100")
    assert [m.command for m in got] == ["PRIVMSG"]
    # The limit counts what is sent.
    _, got = history(a, "LATEST #e * 3")
    assert [m.command for m in got] == ["JOIN", "QUIT", "JOIN"]
    assert got[2].prefix.startswith("xavier!")


def test_labeled_batch(room):
    a, _, _ = room
    a.send("CAP REQ labeled-response")
    a.expect("CAP")
    start, got = history(a, "LATEST #h * 2", label="abc")
    # The chathistory batch itself carries the label: no batch around it.
    assert start.tags.get("label") == "abc"
    assert start.params[1] == "chathistory"
    assert texts(got) == ["m8", "m9"]
    assert all("label" not in m.tags for m in got)
    # An answer that is a FAIL is one labeled line.
    a.send("@label=def CHATHISTORY LATEST #nope * 2")
    m = a.expect("FAIL")
    assert m.tags.get("label") == "def"


def test_answered_in_command_order(room):
    a, _, _ = room
    a.send("CHATHISTORY LATEST #h * 3")
    a.send("PING :after")
    seen = []
    while True:
        m = a.recv()
        seen.append(m.command)
        if m.command == "PONG":
            break
    assert seen == ["BATCH", "PRIVMSG", "PRIVMSG", "PRIVMSG", "BATCH",
                    "PONG"]


def test_targets(clients):
    a = clients("alice", caps=HIST).join("#t1")
    a.join("#t2")
    a.join("#t3")
    for ch in ("#t2", "#t1"):
        a.send("PRIVMSG %s :x" % ch)
        a.sync()
    a.send("CHATHISTORY TARGETS timestamp=2000-01-01T00:00:00.000Z "
           "timestamp=2999-01-01T00:00:00.000Z 10")
    start = a.expect("BATCH")
    assert start.params[1] == "draft/chathistory-targets"
    lines = []
    while True:
        m = a.recv()
        if m.command == "BATCH":
            break
        lines.append(m)
    assert [m.params[:2] for m in lines] == [["TARGETS", "#t2"],
                                             ["TARGETS", "#t1"]]
    assert all(TS.fullmatch(m.params[2]) for m in lines)


def test_history_survives_an_empty_room(room, clients):
    a, b, ids = room
    a.send("PART #h")
    b.send("PART #h")
    b.sync()
    a.sync()
    a.join("#h")
    _, got = history(a, "LATEST #h * 3")
    assert texts(got) == ["m7", "m8", "m9"]
    _, got = history(a, "BEFORE #h msgid=%s 2" % ids[3])
    assert texts(got) == ["m1", "m2"]


def test_older_pages_come_from_the_store(clients):
    """More than the window kept in memory: older pages are read from
    SQLite and still join up exactly with the newer ones."""
    a = clients("alice", caps=HIST).join("#w")
    sent = say(a, "#w", 400)
    got = []
    _, page = history(a, "LATEST #w * 100")
    while page:
        got = page + got
        _, page = history(a, "BEFORE #w msgid=%s 100" %
                          page[0].tags["msgid"])
    assert texts(got) == sent
    assert len({m.tags["msgid"] for m in got}) == 400
    # And forwards.
    fwd = []
    _, page = history(a, "AFTER #w * 150")
    while page:
        fwd += page
        _, page = history(a, "AFTER #w msgid=%s 150" %
                          page[-1].tags["msgid"])
    assert texts(fwd) == sent


def test_replay_on_join(natterd):
    s = natterd("--history-replay", "3", "--flood-rate", "0")
    a = Client(s.port, "alice").join("#r")
    say(a, "#r", 5)
    # A client without draft/chathistory: the last 3 after its JOIN.
    b = Client(s.port, "bob", caps=("batch", "server-time"))
    b.send("JOIN #r")
    b.expect("366")
    start, got = read_batch(b)
    assert start.params[1:] == ["chathistory", "#r"]
    assert texts(got) == ["m2", "m3", "m4"]
    assert all(TS.fullmatch(m.tags["time"]) for m in got)
    # Without batch, plain lines.
    c = Client(s.port, "carol")
    c.send("JOIN #r")
    c.expect("366")
    assert [c.recv().params[-1] for _ in range(3)] == ["m2", "m3", "m4"]
    # With draft/chathistory: nothing, it asks for itself.
    d = Client(s.port, "dave", caps=HIST)
    d.send("JOIN #r")
    d.expect("366")
    d.quiet("BATCH", "PRIVMSG")


def test_replay_default_is_off(clients):
    a = clients("alice").join("#r")
    say(a, "#r", 2)
    b = clients("bob")
    b.send("JOIN #r")
    b.expect("366")
    b.quiet("PRIVMSG", "BATCH")


def restart(natterd, s, how, *args):
    """Stop s with signal how, start another natterd on its state."""
    s.signal(how)
    s.proc.wait(timeout=TIMEOUT)
    if how == signal.SIGKILL:
        s.expect_exit = -signal.SIGKILL
    return natterd("--flood-rate", "0", *args, state=s.state)


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_restart_keeps_history(natterd, how):
    s = natterd("--flood-rate", "0")
    a = Client(s.port, "alice", caps=HIST + ("echo-message",)).join("#k")
    for i in range(50):
        a.send("PRIVMSG #k :k%d" % i)
    live = [a.expect("PRIVMSG") for _ in range(50)]
    a.sync()
    if how == signal.SIGKILL:
        # What was committed: the last loop turn may be lost, nothing
        # older; wait until a commit is on disk.
        db = os.path.join(s.state, "natterd.db")
        end = time.monotonic() + TIMEOUT
        while True:
            con = sqlite3.connect(db)
            n = con.execute("SELECT count(*) FROM event WHERE kind = 0"
                            ).fetchone()[0]
            con.close()
            if n == 50 or time.monotonic() > end:
                break
            time.sleep(0.05)
    s2 = restart(natterd, s, how)
    b = Client(s2.port, "alice", caps=HIST).join("#k")
    _, got = history(b, "LATEST #k * 100")
    assert [(m.params[-1], m.tags["msgid"], m.tags["time"]) for m in got] \
        == [(m.params[-1], m.tags["msgid"], m.tags["time"]) for m in live]
    # New messages go after them, with new ids.
    b.send("PRIVMSG #k :after")
    b.sync()
    _, got = history(b, "LATEST #k * 2")
    assert texts(got) == ["k49", "after"]
    assert got[1].tags["msgid"] not in {m.tags["msgid"] for m in live}
    assert got[1].tags["time"] >= got[0].tags["time"]


def test_kill_loses_at_most_the_last_commit(natterd):
    """SIGKILL in the middle of a flood: what the store has after the
    restart is a prefix of what was sent, missing at most what one turn
    of the loop handled (one read of --recvq bytes from the sender)."""
    s = natterd("--flood-rate", "0")
    a = Client(s.port, "alice", caps=HIST).join("#f")
    b = Client(s.port, "bob", caps=HIST + ("echo-message",)).join("#f")
    for i in range(3000):
        b.send("PRIVMSG #f :f%d" % i)
    seen = 0
    while seen < 1500:
        if a.expect("PRIVMSG").params[-1].startswith("f"):
            seen += 1
    s2 = restart(natterd, s, signal.SIGKILL)
    c = Client(s2.port, "carol", caps=HIST).join("#f")
    got = []
    _, page = history(c, "AFTER #f * 1000")
    while page:
        got += [m.params[-1] for m in page if m.command == "PRIVMSG"]
        _, page = history(c, "AFTER #f msgid=%s 1000" %
                          page[-1].tags["msgid"])
    assert got == ["f%d" % i for i in range(len(got))]
    per_turn = 16384 // len("PRIVMSG #f :f1500\r\n") + 1
    assert len(got) >= seen - per_turn, (len(got), seen, per_turn)


def test_retention_lines(natterd):
    s = natterd("--flood-rate", "0", "--history-max-lines", "300")
    a = Client(s.port, "alice", caps=HIST).join("#m")
    sent = say(a, "#m", 1000)
    db = sqlite3.connect(os.path.join(s.state, "natterd.db"))
    n = db.execute("SELECT count(*) FROM event WHERE target = '#m'"
                   ).fetchone()[0]
    db.close()
    # Trimmed every few hundred inserts: never far over the limit.
    assert 300 <= n <= 300 + 256 + 1, n
    s2 = restart(natterd, s, signal.SIGTERM, "--history-max-lines", "300")
    # At start-up every room is trimmed exactly.
    db = sqlite3.connect(os.path.join(s2.state, "natterd.db"))
    n = db.execute("SELECT count(*) FROM event WHERE target = '#m'"
                   ).fetchone()[0]
    db.close()
    assert n == 300
    b = Client(s2.port, "bob", caps=HIST).join("#m")
    _, got = history(b, "AFTER #m * 1000")
    # The newest 300 stay: alice's JOIN went first.
    assert texts(got) == sent[-300:]


def test_retention_days(natterd, tmp_path):
    # A database with a message from 40 days ago and one from now.
    s = natterd("--flood-rate", "0")
    a = Client(s.port, "alice", caps=HIST).join("#d")
    say(a, "#d", 2)
    s2 = restart(natterd, s, signal.SIGTERM)
    s2.signal(signal.SIGTERM)
    s2.proc.wait(timeout=TIMEOUT)
    db = sqlite3.connect(os.path.join(s.state, "natterd.db"))
    old = int(time.time() * 1000) - 40 * 86400 * 1000
    db.execute("UPDATE event SET time_ms = ? WHERE id = (SELECT min(id) "
               "FROM event WHERE kind = 0)", (old,))
    db.execute("UPDATE event SET time_ms = ? WHERE kind = 1 AND id < "
               "(SELECT min(id) FROM event WHERE kind = 0)", (old,))
    db.commit()
    db.close()
    s3 = natterd("--flood-rate", "0", "--history-max-days", "30",
                 state=s.state)
    b = Client(s3.port, "bob", caps=HIST).join("#d")
    _, got = history(b, "LATEST #d * 10")
    assert texts(got) == ["m1"]


def test_search(clients, srv):
    a = clients("alice", caps=HIST + ("soju.im/search",)).join("#s")
    b = clients("bob").join("#s")
    b.join("#other")
    b.send("PRIVMSG #s :the quick brown fox")
    b.send("PRIVMSG #s :a lazy dog")
    b.send("PRIVMSG #s :QUICKLY now")
    b.send("PRIVMSG #s :\ud55c\uad6d\uc5b4 \ud14d\uc2a4\ud2b8 quick")
    b.send("PRIVMSG #other :quick but elsewhere")
    b.sync()
    a.send("PRIVMSG #s :quick from alice")
    b.sync()
    a.sync()
    a.send("SEARCH text=quick;in=#s")
    start, got = read_batch(a)
    assert start.params[1:] == ["soju.im/search"]
    assert texts(got) == ["the quick brown fox", "QUICKLY now",
                          "\ud55c\uad6d\uc5b4 \ud14d\uc2a4\ud2b8 quick",
                          "quick from alice"]
    assert all("msgid" in m.tags and TS.fullmatch(m.tags["time"])
               for m in got)
    a.send("SEARCH text=quick\\sbrown;in=#s")
    assert texts(read_batch(a)[1]) == ["the quick brown fox"]
    a.send("SEARCH text=quick;in=#s;from=ALICE")
    assert texts(read_batch(a)[1]) == ["quick from alice"]
    a.send("SEARCH text=quick;in=#s;limit=2")
    assert len(read_batch(a)[1]) == 2
    a.send("SEARCH text=\ud55c\uad6d")
    assert texts(read_batch(a)[1]) == [
        "\ud55c\uad6d\uc5b4 \ud14d\uc2a4\ud2b8 quick"]
    # FTS5 syntax in the words is just text.
    a.send('SEARCH text=quick\\sOR\\s"dog;in=#s')
    assert texts(read_batch(a)[1]) == []
    # Only rooms alice is in.
    a.send("SEARCH text=elsewhere")
    assert read_batch(a)[1] == []
    a.send("SEARCH text=elsewhere;in=#other")
    m = a.expect("FAIL")
    assert m.params[:2] == ["SEARCH", "INVALID_TARGET"]
    a.send("SEARCH in=#s")
    assert a.expect("FAIL").params[:2] == ["SEARCH", "INVALID_PARAMS"]
    a.send("SEARCH text=x;bogus=1")
    assert a.expect("FAIL").params[:2] == ["SEARCH", "INVALID_PARAMS"]


def test_schema_migrates_forward(natterd, tmp_path):
    """A version 1 database (before full-text search) is brought to the
    current version at start-up, rows and all."""
    state = tmp_path / "state"
    state.mkdir()
    db = sqlite3.connect(str(state / "natterd.db"))
    db.executescript("""
        CREATE TABLE event (id INTEGER PRIMARY KEY, target TEXT NOT NULL,
          time_ms INTEGER NOT NULL, msgid TEXT NOT NULL,
          kind INTEGER NOT NULL, line TEXT NOT NULL, tags TEXT,
          bot INTEGER NOT NULL DEFAULT 0, text TEXT);
        CREATE INDEX event_target_time ON event (target, time_ms);
        CREATE INDEX event_msgid ON event (msgid);
        INSERT INTO event VALUES (1, '#old', 1700000000000, 'oldid1', 0,
          ':x!u@h PRIVMSG #old :an ancient word', NULL, 0,
          'an ancient word');
        PRAGMA user_version = 1;
    """)
    db.close()
    s = natterd("--history-max-days", "0", state=str(state))
    s.wait_log(r"schema version 1 to 2")
    a = Client(s.port, "alice", caps=HIST + ("soju.im/search",)).join(
        "#old")
    _, got = history(a, "LATEST #old * 5")
    assert texts(got) == ["an ancient word"]
    assert got[0].tags["msgid"] == "oldid1"
    assert got[0].tags["time"] == "2023-11-14T22:13:20.000Z"
    a.send("SEARCH text=ancient")
    assert texts(read_batch(a)[1]) == ["an ancient word"]


def test_newer_schema_is_refused(natterd, tmp_path):
    state = tmp_path / "state"
    state.mkdir()
    db = sqlite3.connect(str(state / "natterd.db"))
    db.execute("PRAGMA user_version = 99")
    db.close()
    s = natterd(state=str(state), expect_exit=1, ready=False)
    s.wait_log(r"schema version 99 is newer than this natterd's")
    assert s.proc.wait(timeout=TIMEOUT) == 1


def test_corrupt_database_is_reported_not_replaced(natterd, tmp_path):
    state = tmp_path / "state"
    state.mkdir()
    path = state / "natterd.db"
    s = natterd("--flood-rate", "0", state=str(state))
    a = Client(s.port, "alice", caps=HIST).join("#c")
    say(a, "#c", 200, fmt="some text to fill pages %d" + "x" * 200)
    s.signal(signal.SIGTERM)
    s.proc.wait(timeout=TIMEOUT)
    data = bytearray(path.read_bytes())
    # Scribble over the middle pages (the first holds the header).
    for i in range(4096 * 2, len(data) - 4096, 7):
        data[i] = 0x5A
    path.write_bytes(bytes(data))
    before = path.read_bytes()
    s2 = natterd(state=str(state), expect_exit=1, ready=False)
    m = s2.wait_log(r"history database .*natterd\.db: (.*)")
    assert "damaged" in m.group(1) or "malformed" in m.group(1), m.group(0)
    assert s2.proc.wait(timeout=TIMEOUT) == 1
    assert path.read_bytes() == before


def test_not_a_database(natterd, tmp_path):
    state = tmp_path / "state"
    state.mkdir()
    (state / "natterd.db").write_bytes(b"hello, this is not SQLite\n" * 200)
    s = natterd(state=str(state), expect_exit=1, ready=False)
    s.wait_log(r"history database .*natterd\.db: .*not a database")
    assert s.proc.wait(timeout=TIMEOUT) == 1


def test_second_natterd_on_one_database(natterd):
    s = natterd()
    s2 = natterd(state=s.state, expect_exit=1, ready=False)
    s2.wait_log(r"in use by another natterd")
    assert s2.proc.wait(timeout=TIMEOUT) == 1


def test_unwritable_directory_at_start(natterd, tmp_path):
    """A state directory natterd cannot write is a clear error at start
    (as root: one owned by root, natterd running as nobody)."""
    state = tmp_path / "state"
    state.mkdir()
    if os.geteuid() == 0:
        os.chmod(tmp_path, 0o755)
        os.chmod(state, 0o755)
        s = natterd("--user", "nobody", state=str(state), expect_exit=1,
                    ready=False)
    else:
        os.chmod(state, 0o555)
        s = natterd(state=str(state), expect_exit=1, ready=False)
    m = s.wait_log(r"history database .*: (.*)")
    assert "unable to open" in m.group(1) or "denied" in m.group(1), \
        m.group(0)
    assert s.proc.wait(timeout=TIMEOUT) == 1
    os.chmod(state, 0o755)


def test_memory_database(natterd):
    s = natterd("--history-db", ":memory:", "--flood-rate", "0")
    a = Client(s.port, "alice", caps=HIST).join("#mem")
    say(a, "#mem", 300)
    _, got = history(a, "BEFORE #mem * 3")
    assert texts(got) == ["m297", "m298", "m299"]
    _, got = history(a, "AFTER #mem * 2")
    assert texts(got) == ["m0", "m1"]
    assert not os.listdir(s.state)


def two_in_a_room(natterd, chan, n, fmt):
    """A server; alice (history caps) and bob in chan, n lines said and
    seen by both."""
    s = natterd("--flood-rate", "0")
    a = Client(s.port, "alice", caps=HIST).join(chan)
    b = Client(s.port, "bob").join(chan)
    say(a, chan, n, fmt=fmt)
    b.sync()
    return s, a, b


def test_file_removed_while_running(natterd):
    """The database file is removed: that is noticed and logged once,
    chat goes on, a new file is made, and the history of the room says
    from when events are missing."""
    s, a, b = two_in_a_room(natterd, "#rm", 3, "before%d")
    mark = s.log_mark()
    path = os.path.join(s.state, "natterd.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.unlink(path + suffix)
    s.wait_log(r"natterd\.db was removed or renamed", start=mark)
    # Chat goes on live.
    a.send("PRIVMSG #rm :during")
    assert b.expect("PRIVMSG").params[-1] == "during"
    s.wait_log(r"writing again; events from .* are missing", start=mark)
    a.send("PRIVMSG #rm :after")
    a.sync()
    _, got = history(a, "LATEST #rm * 10")
    t = texts(got)
    assert t[:3] == ["before0", "before1", "before2"]
    assert t[-1] == "after"
    assert any(x.startswith("History is missing from") for x in t)
    assert os.path.exists(path)
    assert s.log_text().count("was removed or renamed") == 1


def test_disk_full_while_running(natterd):
    """Writes fail (a file size limit stands in for a full disk): logged
    once, chat goes on, and writing resumes when there is room."""
    import resource
    s, a, b = two_in_a_room(natterd, "#full", 2, "ok%d")
    mark = s.log_mark()
    # The soft limit only: lowering the hard one could not be undone
    # without privilege.
    resource.prlimit(s.pid, resource.RLIMIT_FSIZE,
                     (4096, resource.RLIM_INFINITY))
    try:
        text = "y" * 400
        n = 0
        while not any("failed" in l for l in s.log[mark:] if l):
            a.send("PRIVMSG #full :%d %s" % (n, text))
            b.expect("PRIVMSG")
            n += 1
            assert n < 5000, "writes never failed"
        s.wait_log(r"history: .* failed: .*chat goes on", start=mark)
        a.send("PRIVMSG #full :still live")
        assert b.expect("PRIVMSG").params[-1] == "still live"
    finally:
        resource.prlimit(s.pid, resource.RLIMIT_FSIZE,
                         (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    s.wait_log(r"writing again", start=mark)
    a.send("PRIVMSG #full :later")
    a.sync()
    _, got = history(a, "LATEST #full * 3")
    assert texts(got)[-1] == "later"
    fails = [l for l in s.log[mark:] if l and "failed" in l]
    assert len(fails) == 1, fails


def test_wal_is_checkpointed(srv, clients):
    """The checkpoint thread copies the WAL into the database while
    natterd runs (it checkpoints at least every second)."""
    a = clients("alice", caps=HIST).join("#wal")
    say(a, "#wal", 500)
    db = os.path.join(srv.state, "natterd.db")
    end = time.monotonic() + TIMEOUT
    while os.path.getsize(db) < 64 * 1024:
        assert time.monotonic() < end, "natterd.db stays %d bytes" % (
            os.path.getsize(db))
        time.sleep(0.1)
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()

