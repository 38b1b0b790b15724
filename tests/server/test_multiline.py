"""IRCv3 draft/multiline: the CAP value, a batch relayed whole to those
who negotiated it and as plain lines to the others, echo-message and
labels, the FAIL BATCH codes, abandoned batches, and what history keeps."""

import time

import pytest

from conftest import Client

ML = ("batch", "draft/multiline")
TAGS = ("message-tags", "server-time")
CONCAT = "draft/multiline-concat"


def send_batch(c, target, lines, ref="b1", tags="", cmd="PRIVMSG"):
    """Send lines as one batch; a line is text, or (text, concat)."""
    c.send("%sBATCH +%s draft/multiline %s"
           % ("@%s " % tags if tags else "", ref, target))
    for ln in lines:
        text, concat = ln if isinstance(ln, tuple) else (ln, False)
        c.send("@batch=%s%s %s %s :%s" % (ref, ";" + CONCAT if concat
                                            else "", cmd, target, text))
    c.send("BATCH -%s" % ref)


def read_ml(c):
    """The next multiline batch c gets: (start, [lines], end)."""
    start = c.expect("BATCH", where=lambda m: m.params[0][:1] == "+")
    assert start.params[1:] == ["draft/multiline", start.params[2]], start
    ref = start.params[0][1:]
    got = []
    while True:
        m = c.recv()
        if m.command == "BATCH":
            assert m.params == ["-" + ref], m
            return start, got, m
        assert m.tags.get("batch") == ref, m
        got.append(m)


def fails(c):
    """The FAIL lines c got before a sync."""
    return [m.params for m in c.sync() if m.command == "FAIL"]


@pytest.fixture
def trio(clients):
    """alice and bob speak multiline, carol does not; all in #m."""
    a = clients("alice", caps=ML + TAGS + ("echo-message",
                                           "labeled-response")).join("#m")
    b = clients("bob", caps=ML + TAGS).join("#m")
    c = clients("carol", caps=TAGS).join("#m")
    for x in (a, b, c):
        x.sync()
    return a, b, c


def test_cap_value(srv, natterd):
    c = Client(srv.port)
    c.send("CAP LS 302")
    ls = c.expect("CAP", None, "LS").params[-1].split()
    assert "draft/multiline=max-bytes=4096,max-lines=100" in ls
    # Without 302, no values.
    c.send("CAP LS")
    assert "draft/multiline" in c.expect("CAP", None, "LS").params[-1] \
        .split()
    c.close()
    s = natterd("--multiline-max-bytes", "1000", "--multiline-max-lines",
                "7")
    c = Client(s.port)
    c.send("CAP LS 302")
    assert "draft/multiline=max-bytes=1000,max-lines=7" in \
        c.expect("CAP", None, "LS").params[-1].split()
    c.close()


def test_batch_and_fallback(trio):
    a, b, c = trio
    send_batch(a, "#m", ["hello", "how is ", ("everyone?", True), "",
                         "bye"])
    start, lines, end = read_ml(b)
    assert start.nick == "alice" and start.params[2] == "#m"
    assert {"msgid", "time"} <= set(start.tags)
    assert [m.params for m in lines] == [
        ["#m", "hello"], ["#m", "how is "], ["#m", "everyone?"], ["#m", ""],
        ["#m", "bye"]]
    assert [CONCAT in m.tags for m in lines] == [False, False, True,
                                                  False, False]
    assert all(m.command == "PRIVMSG" and m.nick == "alice" and
               "msgid" not in m.tags and "time" not in m.tags
               for m in lines)
    # carol: the lines as they were sent, but the blank one, in order;
    # the msgid on the first only, the time on each.
    got = [m for m in c.sync() if m.command == "PRIVMSG"]
    assert [m.params[1] for m in got] == ["hello", "how is ", "everyone?",
                                         "bye"]
    assert [m.tags.get("msgid") for m in got] == \
        [start.tags["msgid"], None, None, None]
    assert all(m.tags["time"] == start.tags["time"] and
               "batch" not in m.tags and CONCAT not in m.tags
               for m in got)
    # alice, with echo-message, gets the batch too.
    estart, elines, _ = read_ml(a)
    assert estart.tags["msgid"] == start.tags["msgid"]
    assert [m.params[1] for m in elines] == [m.params[1] for m in lines]


def test_nothing_before_the_end(trio):
    a, b, c = trio
    a.send("BATCH +x draft/multiline #m")
    a.send("@batch=x PRIVMSG #m :one")
    a.send("@batch=x PRIVMSG #m :two")
    a.sync()
    b.quiet()
    c.quiet()
    a.send("BATCH -x")
    assert [m.params[1] for m in read_ml(b)[1]] == ["one", "two"]
    assert [m.params[1] for m in c.sync()] == ["one", "two"]


def test_client_tags_and_label(trio):
    a, b, c = trio
    send_batch(a, "#m", ["x", "y"], tags="label=L7;+draft/reply=abc")
    start, lines, end = read_ml(a)
    assert start.tags["label"] == "L7"
    assert start.tags["+draft/reply"] == "abc"
    assert all("label" not in m.tags for m in lines + [end])
    assert "label" not in read_ml(b)[0].tags
    got = c.sync()
    assert [m.tags.get("+draft/reply") for m in got] == ["abc", "abc"]
    # Nothing else came with the label: no ACK for BATCH +.
    assert not [m for m in a.sync() if m.command == "ACK"]


def test_label_without_echo(clients):
    a = clients("alice", caps=ML + ("labeled-response",)).join("#m")
    send_batch(a, "#m", ["x"], tags="label=q")
    ack = a.expect("ACK")
    assert ack.tags["label"] == "q"
    a.quiet("BATCH", "PRIVMSG")


def test_private_message(clients):
    a = clients("alice", caps=ML + ("echo-message",))
    b = clients("bob", caps=ML)
    c = clients("carol")
    send_batch(a, "bob", ["line 1", "line 2"])
    start, lines, _ = read_ml(b)
    assert start.params[2] == "bob"
    assert [m.params for m in lines] == [["bob", "line 1"],
                                         ["bob", "line 2"]]
    assert [m.params[1] for m in read_ml(a)[1]] == ["line 1", "line 2"]
    send_batch(a, "carol", ["p", "q"], ref="z9", cmd="NOTICE")
    a.sync()
    got = c.sync()
    assert [(m.command, m.params) for m in got] == [
        ("NOTICE", ["carol", "p"]), ("NOTICE", ["carol", "q"])]
    # To nobody: 401, as for PRIVMSG.
    send_batch(a, "nobody", ["p"], ref="z10")
    assert a.expect("401").params[1] == "nobody"


def test_refused_once(trio):
    a, b, c = trio
    a.send("MODE #m +m")
    b.expect("MODE")
    c.expect("MODE")
    send_batch(b, "#m", ["1", "2", "3"])
    got = b.sync()
    assert [m.command for m in got] == ["404"], got
    c.quiet("PRIVMSG")
    send_batch(b, "#nowhere", ["1", "2"])
    assert [m.command for m in b.sync()] == ["403"]
    # A NOTICE batch that cannot go is dropped without a word.
    send_batch(b, "#m", ["1", "2"], cmd="NOTICE")
    b.quiet()
    c.quiet("NOTICE")


def test_too_many_lines(natterd):
    s = natterd("--flood-rate", "0", "--multiline-max-lines", "3")
    a = Client(s.port, "alice", caps=ML).join("#m")
    b = Client(s.port, "bob").join("#m")
    b.sync()
    send_batch(a, "#m", ["1", "2", "3"])
    a.sync()
    assert [m.params[1] for m in b.sync()] == ["1", "2", "3"]
    send_batch(a, "#m", ["1", "2", "3", "4", "5"])
    # One FAIL; the rest of the batch and its end are dropped quietly.
    assert fails(a) == [["BATCH", "MULTILINE_MAX_LINES", "3",
                         "Multiline batch max-lines exceeded"]]
    b.quiet("PRIVMSG")
    # The next batch is fine.
    send_batch(a, "#m", ["ok"], ref="b2")
    a.sync()
    assert [m.params[1] for m in b.sync()] == ["ok"]


def test_too_many_bytes(natterd):
    s = natterd("--flood-rate", "0", "--multiline-max-bytes", "10")
    a = Client(s.port, "alice", caps=ML).join("#m")
    b = Client(s.port, "bob").join("#m")
    b.sync()
    # 4 + 1 + 5 = 10 bytes: the line feed between them counts.
    send_batch(a, "#m", ["abcd", "efghi"])
    a.sync()
    assert len(b.sync()) == 2
    send_batch(a, "#m", ["abcd", "efghij"])
    assert fails(a) == [["BATCH", "MULTILINE_MAX_BYTES", "10",
                         "Multiline batch max-bytes exceeded"]]
    # A concat line adds no line feed.
    send_batch(a, "#m", ["abcd", ("efghij", True)])
    assert fails(a) == []
    b.quiet("FAIL")


def test_wrong_target(trio):
    a, b, c = trio
    a.send("BATCH +t draft/multiline #m")
    a.send("@batch=t PRIVMSG #m :fine")
    a.send("@batch=t PRIVMSG #other :wrong")
    a.send("@batch=t PRIVMSG #m :dropped")
    a.send("BATCH -t")
    assert fails(a) == [["BATCH", "MULTILINE_INVALID_TARGET", "#m",
                         "#other", "Invalid multiline target"]]
    b.quiet("PRIVMSG", "BATCH")
    c.quiet("PRIVMSG")


@pytest.mark.parametrize("lines,what", [
    (["@batch=zz PRIVMSG #m :no such batch"], "unknown ref"),
    (["BATCH -zz"], "end of no batch"),
    (["BATCH +a draft/multiline #m", "BATCH +b draft/multiline #m"],
     "second open batch"),
    (["BATCH +a draft/multiline #m", "@batch=b PRIVMSG #m :x"],
     "line of another batch"),
    (["BATCH +a draft/multiline #m", "@batch=a PRIVMSG #m :x",
      "BATCH -b"], "end of another batch"),
    (["BATCH +a draft/multiline #m", "@batch=a PRIVMSG #m :x",
      "@batch=a;" + CONCAT + " PRIVMSG #m :"], "blank concat"),
    (["BATCH +a draft/multiline #m", "@batch=a PRIVMSG #m :x",
      "@batch=a NOTICE #m :y"], "PRIVMSG and NOTICE"),
    (["BATCH +a draft/multiline #m", "@batch=a TOPIC #m :x"],
     "not a message"),
    (["BATCH +a draft/multiline #m", "BATCH -a"], "empty"),
    (["BATCH +a draft/multiline #m", "@batch=a PRIVMSG #m :",
      "BATCH -a"], "only blank lines"),
    (["BATCH +a_b draft/multiline #m"], "bad ref"),
    (["BATCH +a chathistory #m"], "other type"),
    (["BATCH +a draft/multiline"], "no target"),
    (["BATCH +a draft/multiline #m,#n"], "two targets"),
    (["BATCH a"], "neither + nor -"),
])
def test_invalid(trio, lines, what):
    a, b, c = trio
    for ln in lines:
        a.send(ln)
    f = fails(a)
    assert len(f) == 1 and f[0][:2] == ["BATCH", "MULTILINE_INVALID"], \
        (what, f)
    b.quiet("PRIVMSG", "BATCH")
    c.quiet("PRIVMSG")


def test_without_the_cap(clients):
    a = clients("alice", caps=("batch",)).join("#m")
    b = clients("bob").join("#m")
    a.send("BATCH +a draft/multiline #m")
    assert fails(a)[0][:2] == ["BATCH", "MULTILINE_INVALID"]
    # A batch tag means nothing then: an ordinary PRIVMSG.
    a.send("@batch=a PRIVMSG #m :plain")
    assert [m.params[1] for m in b.sync()] == ["plain"]


def test_other_command_ends_the_batch(trio):
    a, b, c = trio
    a.send("BATCH +a draft/multiline #m")
    a.send("@batch=a PRIVMSG #m :lost")
    a.send("PING :between")           # allowed: the batch stays
    a.expect("PONG")
    a.send("PRIVMSG #m :plain")       # not part of it: FAIL, then it runs
    a.send("BATCH -a")                # quietly dropped with the batch
    f = fails(a)
    assert len(f) == 1 and f[0][:2] == ["BATCH", "MULTILINE_INVALID"], f
    assert [m.params[1] for m in c.sync()] == ["plain"]
    assert [m.params[1] for m in b.sync()] == ["plain"]


def test_abandoned_on_quit(trio):
    a, b, c = trio
    a.send("BATCH +a draft/multiline #m")
    a.send("@batch=a PRIVMSG #m :never")
    a.send("QUIT :gone")
    a.wait_closed()
    assert [m.command for m in b.sync()] == ["QUIT"]
    assert [m.command for m in c.sync()] == ["QUIT"]


def test_bad_lines_inside(trio):
    a, b, c = trio
    # A line too long to relay with alice's prefix.
    a.send("BATCH +a draft/multiline #m")
    a.send("@batch=a PRIVMSG #m :" + "x" * 480)
    a.send("BATCH -a")
    f = fails(a)
    assert len(f) == 1 and f[0][1] == "MULTILINE_INVALID", f
    assert "too long" in f[0][-1]
    # A line over 512 bytes, never parsed: 417, and the batch is gone.
    a.send("BATCH +b draft/multiline #m")
    a.send("@batch=b PRIVMSG #m :ok")
    a.send("@batch=b PRIVMSG #m :" + "y" * 600)
    a.send("@batch=b PRIVMSG #m :after")
    a.send("BATCH -b")
    got = a.sync()
    assert [m.command for m in got] == ["417", "FAIL"], got
    # Invalid UTF-8 likewise.
    a.send("BATCH +c draft/multiline #m")
    a.send_raw(b"@batch=c PRIVMSG #m :\xff\xfe\r\n")
    a.send("BATCH -c")
    got = [m.params[:2] for m in a.sync()]
    assert ["BATCH", "MULTILINE_INVALID"] in got, got
    b.quiet("PRIVMSG", "BATCH")
    c.quiet("PRIVMSG")


def test_history_keeps_the_lines(clients):
    hist = ("batch", "message-tags", "server-time", "draft/chathistory")
    a = clients("alice", caps=ML).join("#m")
    b = clients("bob", caps=ML + TAGS).join("#m")
    send_batch(a, "#m", ["one", "", "two ", ("three", True)])
    start = read_ml(b)[0]
    d = clients("dave", caps=hist).join("#m")
    d.sync()
    d.send("CHATHISTORY LATEST #m * 10")
    assert d.expect("BATCH").params[1] == "chathistory"
    got = []
    while True:
        m = d.recv()
        if m.command == "BATCH":
            break
        got.append(m)
    msgs = [m for m in got if m.command == "PRIVMSG"]
    assert [m.params[1] for m in msgs] == ["one", "two ", "three"]
    ids = [m.tags["msgid"] for m in msgs]
    assert len(set(ids)) == 3 and ids[0] == start.tags["msgid"]
    assert all(m.tags["time"] == start.tags["time"] for m in msgs)
    # A msgid of the batch's lines is a reference like any other.
    d.send("CHATHISTORY AFTER #m msgid=%s 10" % ids[0])
    d.expect("BATCH")
    assert [d.recv().params[1] for _ in range(2)] == ["two ", "three"]


def test_label_on_fail_and_on_away(clients):
    a = clients("alice", caps=ML + ("echo-message", "labeled-response"))
    b = clients("bob", caps=ML)
    clients("carol").join("#m")
    # A batch that fails later answers its BATCH + label with the FAIL.
    a.send("@label=f1 BATCH +a draft/multiline carol")
    a.send("@batch=a PRIVMSG bob :wrong target")
    f = a.expect("FAIL")
    assert f.tags.get("label") == "f1"
    assert f.params[:2] == ["BATCH", "MULTILINE_INVALID_TARGET"]
    # To an away user: the echo and the 301 come in one labeled-response
    # batch, the multiline batch inside it keeping its own tag.
    b.send("AWAY :out")
    b.expect("306")
    send_batch(a, "bob", ["x", "y"], tags="label=f2")
    outer = a.expect("BATCH")
    assert outer.tags.get("label") == "f2"
    assert outer.params[1] == "labeled-response"
    oref = outer.params[0][1:]
    inner = a.recv()
    assert inner.command == "BATCH" and inner.tags["batch"] == oref
    assert inner.params[1] == "draft/multiline"
    iref = inner.params[0][1:]
    for want in ("x", "y"):
        m = a.recv()
        assert (m.params[1], m.tags["batch"]) == (want, iref), m
    m = a.recv()
    assert m.params == ["-" + iref] and m.tags["batch"] == oref
    m = a.recv()
    assert m.command == "301" and m.tags["batch"] == oref
    assert a.recv().params == ["-" + oref]


def test_message_to_self(clients):
    a = clients("alice", caps=ML)
    p = clients("pat")
    send_batch(a, "alice", ["me", "again"])
    assert [m.params[1] for m in read_ml(a)[1]] == ["me", "again"]
    a.quiet("PRIVMSG")
    p.send("PRIVMSG alice :hi")          # still a plain line, too
    assert a.expect("PRIVMSG").params[1] == "hi"


def test_flood_control_counts_the_lines(natterd):
    s = natterd("--flood-burst", "4", "--flood-rate", "2",
                "--max-per-ip", "0")
    a = Client(s.port, "alice", caps=ML).join("#m")
    b = Client(s.port, "bob").join("#m")
    b.sync()
    t0 = time.monotonic()
    send_batch(a, "#m", ["l%d" % i for i in range(6)])
    got = [b.recv() for _ in range(6)]
    # 8 lines, at most 4 at once (the bucket holds no more), then 2 a
    # second: at least 2 seconds, however busy the machine.
    assert time.monotonic() - t0 >= 1.5
    assert [m.params[1] for m in got] == ["l%d" % i for i in range(6)]
