"""MONITOR (IRCv3): 730 when a watched nickname comes online, 731 when it
goes; L lists, S tells every state, C clears; 734 past MONITOR=100."""

from conftest import isupport


def test_monitor_add_and_status(clients):
    a = clients("alice")
    assert isupport(a)["MONITOR"] == "100"
    clients("bob", user="bobby")
    a.send("MONITOR + Bob,carol,bad!nick")
    assert a.expect("730").params == ["alice", "bob!~bobby@127.0.0.1"]
    assert a.expect("731").params == ["alice", "carol"]
    a.quiet("730", "731")
    # Adding again says nothing new.
    a.send("MONITOR + bob")
    a.quiet("730", "731")
    a.send("MONITOR L")
    assert a.expect("732").params == ["alice", "Bob,carol"]
    assert a.expect("733").params == ["alice", "End of MONITOR list"]
    a.send("MONITOR S")
    assert a.expect("730").params[1] == "bob!~bobby@127.0.0.1"
    assert a.expect("731").params[1] == "carol"


def test_monitor_notifications(clients):
    a = clients("alice")
    w = clients("walter")
    a.send("MONITOR + carol,dave")
    assert a.expect("731").params[1] == "carol,dave"
    w.send("MONITOR + carol")
    w.expect("731")
    c = clients("carol")
    assert a.expect("730").params[1] == "carol!~u@127.0.0.1"
    assert w.expect("730").params[1] == "carol!~u@127.0.0.1"
    # A rename is the old nickname going and the new one coming.
    c.send("NICK dave")
    assert a.expect("731").params[1] == "carol"
    assert a.expect("730").params[1] == "dave!~u@127.0.0.1"
    assert w.expect("731").params[1] == "carol"
    w.quiet("730")
    c.send("QUIT :bye")
    c.wait_closed()
    assert a.expect("731").params[1] == "dave"
    # - and C stop it.
    a.send("MONITOR - DAVE")
    w.send("MONITOR C")
    w.send("MONITOR L")
    assert w.expect_any(("732", "733")).command == "733"
    clients("dave")
    c2 = clients("carol")
    assert a.expect("730").params[1] == "carol!~u@127.0.0.1"  # not dave
    a.quiet("730")
    w.quiet("730")
    # A watcher who leaves is forgotten.
    w.send("QUIT")
    w.wait_closed()
    c2.send("NICK carol2")
    c2.expect("NICK")
    a.send("MONITOR L")
    assert a.expect("732").params[1] == "carol"


def test_monitor_limit_734(clients):
    a = clients("alice")
    a.send("MONITOR + " + ",".join("n%d" % i for i in range(60)))
    a.send("MONITOR + " + ",".join("m%d" % i for i in range(50)))
    m = a.expect("734")
    assert m.params == ["alice", "100", "m40,m41,m42,m43,m44,m45,m46,m47,"
                        "m48,m49", "Monitor list is full"]
    a.sync()
    a.send("MONITOR L")
    listed = []
    while True:
        m = a.expect_any(("732", "733"))
        if m.command == "733":
            break
        listed += m.params[1].split(",")
    assert len(listed) == 100 and "m39" in listed and "m40" not in listed


def test_monitor_errors(clients):
    a = clients("alice")
    a.send("MONITOR")
    assert a.expect("461").params[1] == "MONITOR"
    a.send("MONITOR +")
    assert a.expect("461").params[1] == "MONITOR"
    a.send("MONITOR X")
    m = a.expect("FAIL")
    assert m.params[:2] == ["MONITOR", "INVALID_PARAMS"]
