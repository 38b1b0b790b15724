"""The commands a channel operator needs: /op, /deop, /voice, /devoice,
/kick, /ban, /unban, /mode, /invite, /join with a key, and the server's
refusals said in plain words in the room's window."""

from conftest import joined, sidebar


def test_operator_commands(srv, peer, tui):
    t = tui("-n", "alice", "-r", "7", "-p", str(srv.port))
    joined(t, "#7", 1)
    bob = peer("bob").join("#7")
    carol = peer("carol").join("#7")
    joined(t, "#7", 3)
    t.enter("/op bob carol")
    m = bob.expect("MODE")
    assert m.params == ["#7", "+oo", "bob", "carol"]
    t.wait(r"@bob")
    t.enter("/deop carol")
    assert bob.expect("MODE").params == ["#7", "-o", "carol"]
    t.enter("/voice carol")
    assert bob.expect("MODE").params == ["#7", "+v", "carol"]
    t.enter("/devoice carol")
    assert bob.expect("MODE").params == ["#7", "-v", "carol"]
    t.enter("/mode +k sesame")
    assert bob.expect("MODE").params == ["#7", "+k", "sesame"]
    t.enter("/mode")
    t.wait(r"#7 modes: \+ntk sesame")
    t.enter("/ban dave")
    assert bob.expect("MODE").params == ["#7", "+b", "dave!*@*"]
    t.enter("/mode b")
    t.wait(r"#7 bans dave!\*@\* \(set by alice\)")
    t.enter("/unban dave!*@*")
    assert bob.expect("MODE").params == ["#7", "-b", "dave!*@*"]
    t.enter("/kick carol not today")
    m = carol.expect("KICK")
    assert m.params == ["#7", "carol", "not today"]
    t.wait(r"alice removed carol from #7 \(not today\)")
    t.enter("/invite carol")
    assert carol.expect("INVITE").params == ["carol", "#7"]
    t.wait(r"carol is invited to #7")
    t.enter("/invite bob")
    t.wait(r"bob is already in #7")
    t.enter("/kick nobody")
    t.wait(r"nobody is not in #7|No such nick")
    assert sidebar(t)[0] == "@alice"


def test_refusals_in_plain_words(srv, peer, tui):
    owner = peer("owner").join("#k")
    owner.send("MODE #k +k sesame")
    owner.expect("MODE")
    owner.join("#i")
    owner.send("MODE #i +i")
    owner.expect("MODE")
    owner.join("#full")
    owner.send("MODE #full +l 1")
    owner.expect("MODE")
    owner.join("#b")
    owner.send("MODE #b +b alice")
    owner.expect("MODE")
    t = tui("-n", "alice", "-r", "7", "-p", str(srv.port))
    joined(t, "#7", 1)
    t.enter("/join k")
    t.wait(r"cannot join #k: it needs a key \(\+k\): /join #k key")
    t.enter("/join i")
    t.wait(r"cannot join #i: it is invite only \(\+i\)")
    t.enter("/join full")
    t.wait(r"cannot join #full: it is full \(\+l\)")
    t.enter("/join b")
    t.wait(r"cannot join #b: you are banned from it \(\+b\)")
    t.enter("/join k sesame")
    joined(t, "#k", 2)
    t.enter("/op alice")
    t.wait(r"you are not an operator of #k")
    # An invitation says how to take it up.
    owner.send("INVITE alice #i")
    t.wait(r"owner invites you to #i: /join #i")
    t.enter("/join i")
    joined(t, "#i", 2)
