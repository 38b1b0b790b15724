"""MODE on channels (+o, +v, +n, +t, +i, +k, +l, +m, +s, +p and the lists
+b, +e, +I), INVITE, and MODE on oneself (+i)."""

import time

import pytest

from conftest import isupport


@pytest.fixture
def room(clients):
    """alice (op, first in), bob and carol in #room; dave outside."""
    a = clients("alice").join("#room")
    b = clients("bob").join("#room")
    c = clients("carol").join("#room")
    d = clients("dave")
    for x in (a, b, c):
        x.sync()
    return a, b, c, d


def names(c, chan):
    c.sync()
    c.send("NAMES " + chan)
    m = c.expect("353")
    c.expect("366")
    return sorted(m.params[3].split())


def chanmode(c, chan):
    c.sync()
    c.send("MODE " + chan)
    m = c.expect("324")
    assert m.params[:2] == [c.nick, chan]
    t = c.expect("329")
    assert t.params[:2] == [c.nick, chan]
    return m.params[2], int(t.params[2])


def test_channel_mode_query(room):
    a, b, c, d = room
    mode, created = chanmode(a, "#room")
    assert mode == "+nt"
    assert abs(created - time.time()) < 30
    # Anyone may ask, member or not.
    assert chanmode(d, "#room") == (mode, created)


def test_op_and_deop(room):
    a, b, c, d = room
    a.send("MODE #room +o bob")
    for x in (a, b, c):
        m = x.expect("MODE")
        assert m.prefix == "alice!~u@127.0.0.1"
        assert m.params == ["#room", "+o", "bob"]
    assert names(c, "#room") == ["@alice", "@bob", "carol"]
    # bob can use it at once.
    b.send("MODE #room -t")
    m = a.expect("MODE")
    assert m.nick == "bob" and m.params == ["#room", "-t"]
    c.expect("MODE", "#room", "-t")
    b.send("MODE #room -o alice")
    m = c.expect("MODE")
    assert m.nick == "bob" and m.params == ["#room", "-o", "alice"]
    assert names(c, "#room") == ["@bob", "alice", "carol"]
    a.send("MODE #room +t")
    m = a.expect("482")
    assert m.params == ["alice", "#room", "You're not channel operator"]
    d.quiet("MODE")


def test_op_twice_is_silent(room):
    a, b, c, d = room
    a.send("MODE #room +o alice")
    a.send("MODE #room +n")
    a.quiet("MODE")
    b.quiet("MODE")


def test_flags_n_and_t(room):
    a, b, c, d = room
    a.send("MODE #room -t")
    assert b.expect("MODE").params == ["#room", "-t"]
    assert chanmode(b, "#room")[0] == "+n"
    a.send("MODE #room -n")
    assert b.expect("MODE").params == ["#room", "-n"]
    assert chanmode(b, "#room")[0] == "+"
    # With -n an outsider can talk to the room; with -t anyone sets topics.
    d.send("PRIVMSG #room :knock knock")
    assert b.expect("PRIVMSG").params == ["#room", "knock knock"]
    c.send("TOPIC #room :carol's")
    assert b.expect("TOPIC").params == ["#room", "carol's"]
    a.send("MODE #room +nt")
    assert b.expect("MODE").params == ["#room", "+nt"]
    assert chanmode(b, "#room")[0] == "+nt"
    d.send("PRIVMSG #room :again")
    assert d.expect("404").params[1] == "#room"
    c.send("TOPIC #room :carol's again")
    assert c.expect("482").params[1] == "#room"


def test_combined_modes_one_line(room):
    a, b, c, d = room
    a.send("MODE #room -nt+oo bob carol")
    m = b.expect("MODE")
    assert m.params == ["#room", "-nt+oo", "bob", "carol"]
    assert b.quiet("MODE") == []
    assert names(d, "#room") == ["@alice", "@bob", "@carol"]


def test_mode_not_op_482(room):
    a, b, c, d = room
    for change in ("-t", "+o bob", "-n"):
        b.send("MODE #room " + change)
        m = b.expect("482")
        assert m.params == ["bob", "#room", "You're not channel operator"]
    a.quiet("MODE")
    assert chanmode(a, "#room")[0] == "+nt"
    assert names(a, "#room") == ["@alice", "bob", "carol"]


def test_mode_not_member_442(room):
    a, b, c, d = room
    d.send("MODE #room -t")
    m = d.expect("442")
    assert m.params == ["dave", "#room", "You're not on that channel"]
    a.quiet("MODE")


def test_mode_op_errors(room):
    a, b, c, d = room
    a.send("MODE #room +o dave")
    m = a.expect("441")
    assert m.params == ["alice", "dave", "#room",
                        "They aren't on that channel"]
    a.send("MODE #room +o ghost")
    m = a.expect("401")
    assert m.params == ["alice", "ghost", "No such nick/channel"]
    a.send("MODE #room +o")
    m = a.expect("461")
    assert m.params == ["alice", "MODE", "Not enough parameters"]
    a.send("MODE #nowhere +t")
    m = a.expect("403")
    assert m.params == ["alice", "#nowhere", "No such channel"]
    b.quiet("MODE")


def test_mode_unknown_472(room):
    a, b, c, d = room
    a.send("MODE #room +x")
    m = a.expect("472")
    assert m.params == ["alice", "x", "is unknown mode char to me"]
    # Known letters in the same string still apply.
    a.send("MODE #room -zt")
    m = a.expect("472")
    assert m.params[1] == "z"
    assert b.expect("MODE").params == ["#room", "-t"]


def test_mode_ban_list_368(room):
    a, b, c, d = room
    for who in (a, b, d):
        who.send("MODE #room b")
        m = who.expect("368")
        assert m.params == [who.nick, "#room", "End of channel ban list"]
    b.send("MODE #room +b")
    assert b.expect("368").params[1] == "#room"
    a.quiet("MODE")


def test_user_mode_invisible(clients):
    a = clients("alice")
    a.send("MODE alice")
    m = a.expect("221")
    assert m.params == ["alice", "+"]
    a.send("MODE alice +i")
    m = a.expect("MODE")
    assert m.prefix == "alice!~u@127.0.0.1"
    assert m.params == ["alice", "+i"]
    a.send("MODE alice")
    m = a.expect("221")
    assert m.params == ["alice", "+i"]
    a.send("MODE alice +i")
    a.quiet("MODE")
    a.send("MODE ALICE -i")
    assert a.expect("MODE").params == ["alice", "-i"]
    a.send("MODE alice")
    assert a.expect("221").params == ["alice", "+"]


def test_user_mode_errors(clients):
    a = clients("alice")
    clients("bob")
    a.send("MODE bob +i")
    m = a.expect("502")
    assert m.params == ["alice", "Can't change mode for other users"]
    a.send("MODE bob")
    assert a.expect("502").params[0] == "alice"
    a.send("MODE ghost +i")
    m = a.expect("401")
    assert m.params == ["alice", "ghost", "No such nick/channel"]
    a.send("MODE alice +z")
    m = a.expect("501")
    assert m.params == ["alice", "Unknown MODE flag"]


def test_mode_with_long_nicks_is_announced(clients):
    """MODES=4 changes of NICKLEN nicks by a NICKLEN nick in a
    CHANNELLEN channel pass 512 bytes: whatever took effect must still
    reach the members (the server may split the MODE line)."""
    chan = "#" + "c" * 49
    a = clients("가" * 30, user="abcdefghijklmno").join(chan)
    others = [clients(ch * 30).join(chan) for ch in "다라마바"]
    b = clients("bob").join(chan)
    a.sync()
    b.sync()
    a.send("MODE %s +oooo %s" % (chan, " ".join(o.nick for o in others)))
    got_a = a.sync()
    got_b = b.sync()
    b.send("NAMES " + chan)
    opped = set()
    while True:
        m = b.recv()
        if m.command == "366":
            break
        opped |= set(n[1:] for n in m.params[3].split()
                     if n.startswith("@"))
    opped.discard(a.nick)
    announced = set()
    for x in got_b:
        if x.command == "MODE":
            assert x.params[0] == chan
            announced |= set(x.params[2:])
    assert announced == opped, (
        "opped %d users, announced %d to bob; the setter got %s"
        % (len(opped), len(announced), [x.raw[:60] for x in got_a]))


def apply_modes(flags, ops, msgs):
    """Apply the MODE lines in msgs to a member's model of the channel:
    flags (a set of letters) and ops (a set of nicks)."""
    for m in msgs:
        if m.command != "MODE":
            continue
        modes, args = m.params[1], list(m.params[2:])
        assert modes and modes[-1] not in "+-", "malformed: %r" % m.raw
        dir = "+"
        for ch in modes:
            if ch in "+-":
                dir = ch
            elif ch == "o":
                assert args, "+o without a nick: %r" % m.raw
                (ops.add if dir == "+" else ops.discard)(args.pop(0))
            else:
                (flags.add if dir == "+" else flags.discard)(ch)
        assert not args, "arguments left over: %r" % m.raw


def test_long_mode_string_is_announced_whole(room):
    """Members must be able to follow the channel's state from the MODE
    lines they get, however many changes one MODE command makes."""
    a, b, c, d = room
    a.send("MODE #room -n+n-n+n-n+n-n+n-t")
    a.sync()            # the MODE is handled before b's PING
    flags = {"n", "t"}
    apply_modes(flags, set(), b.sync())
    mode, _ = chanmode(a, "#room")
    assert "+" + "".join(sorted(flags)) == mode, (
        "bob thinks +%s, the channel is %s" % ("".join(sorted(flags)), mode))


def test_long_mode_string_with_op_is_announced_whole(room):
    a, b, c, d = room
    a.send("MODE #room +t-t+t-t+t-t+t-t+o bob")
    a.sync()            # the MODE is handled before c's PING
    flags, ops = {"n", "t"}, {"alice"}
    apply_modes(flags, ops, c.sync())
    mode, _ = chanmode(a, "#room")
    assert "+" + "".join(sorted(flags)) == mode
    assert sorted("@" + n for n in ops) == [
        n for n in names(c, "#room") if n.startswith("@")]


def test_mode_toggles_are_announced_as_their_net_effect(room):
    """A MODE command full of toggles is one line to the channel, with
    what changed in the end, not a line for every flip."""
    a, b, c, d = room
    a.send("MODE #room " + "-n+n" * 120 + "-t")
    a.sync()
    got = [m for m in b.sync() if m.command == "MODE"]
    assert [m.params for m in got] == [["#room", "-t"]]
    a.send("MODE #room +o-o+o-o bob bob bob bob")
    a.sync()
    assert [m for m in b.sync() if m.command == "MODE"] == []
    a.send("MODE #room +o-o+o bob bob bob")
    a.sync()
    got = [m for m in b.sync() if m.command == "MODE"]
    assert [m.params for m in got] == [["#room", "+o", "bob"]]


# --- +k and +l ------------------------------------------------------------

def test_key(clients):
    a = clients("alice").join("#k")
    b = clients("bob")
    a.send("MODE #k +k sesame")
    m = a.expect("MODE", "#k")
    assert m.params[1:] == ["+k", "sesame"]
    for line in ("JOIN #k", "JOIN #k wrong"):
        b.send(line)
        m = b.expect("475")
        assert m.params[1:] == ["#k", "Cannot join channel (+k)"], line
    # Keys pair with the channels in order.
    b.send("JOIN #free,#k x,sesame")
    b.expect("366", None, "#free")
    b.expect("366", None, "#k")
    # Members see the key; others see that there is one.
    b.send("MODE #k")
    assert b.expect("324").params[2:] == ["+ntk", "sesame"]
    c = clients("carol")
    c.send("MODE #k")
    assert c.expect("324").params[2:] == ["+ntk", "*"]
    b.send("MODE #k -k")
    b.expect("482")
    a.send("MODE #k -k sesame")
    m = b.expect("MODE", "#k")
    assert m.params[1:] == ["-k", "*"]
    c.join("#k")


def test_bad_keys(clients):
    a = clients("alice").join("#k")
    for key in ("a,b", "x" * 24):
        a.send("MODE #k +k " + key)
        assert a.expect("525").params[1] == "#k", key
    a.send("MODE #k +k")
    a.expect("461")
    a.send("MODE #k")
    assert a.expect("324").params[2] == "+nt"


def test_limit(clients):
    a = clients("alice").join("#l")
    a.send("MODE #l +l 2")
    assert a.expect("MODE", "#l").params[1:] == ["+l", "2"]
    clients("bob").join("#l")
    c = clients("carol")
    c.send("JOIN #l")
    assert c.expect("471").params[1:] == ["#l", "Cannot join channel (+l)"]
    for bad in ("0", "-1", "many", "1000001"):
        a.send("MODE #l +l " + bad)
        m = a.expect("696")
        assert m.params[1:4] == ["#l", "l", bad], bad
    a.send("MODE #l")
    assert a.expect("324").params[2:] == ["+ntl", "2"]
    # The same limit again is no change; -l lifts it.
    a.send("MODE #l +l 2")
    a.send("MODE #l -l")
    assert a.expect("MODE", "#l").params[1:] == ["-l"]
    c.join("#l")


def test_chanmodes_isupport(clients):
    a = clients("alice")
    tok = isupport(a)
    assert tok["CHANMODES"] == "beI,k,l,imnpst"
    assert tok["MAXLIST"] == "beI:100"
    assert tok["EXCEPTS"] == "e" and tok["INVEX"] == "I"


# --- +i and INVITE --------------------------------------------------------

def test_invite_only(clients):
    a = clients("alice").join("#i")
    b = clients("bob").join("#i")
    c = clients("carol")
    a.send("MODE #i +i")
    assert b.expect("MODE", "#i").params[1:] == ["+i"]
    c.send("JOIN #i")
    assert c.expect("473").params[1:] == ["#i", "Cannot join channel (+i)"]
    # Only an operator may invite to a +i channel.
    b.send("INVITE carol #i")
    b.expect("482")
    a.send("INVITE carol #i")
    assert a.expect("341").params[1:] == ["carol", "#i"]
    m = c.expect("INVITE")
    assert (m.nick, m.params) == ("alice", ["carol", "#i"])
    c.join("#i")
    # The invitation was used up.
    c.send("PART #i")
    c.expect("PART")
    c.send("JOIN #i")
    c.expect("473")
    a.send("MODE #i")
    assert a.expect("324").params[2] == "+int"


def test_invite_refusals(clients):
    a = clients("alice").join("#i")
    b = clients("bob").join("#i")
    c = clients("carol")
    a.send("INVITE ghost #i")
    a.expect("401")
    a.send("INVITE carol #nothing")
    a.expect("403")
    c.send("INVITE bob #i")
    c.expect("442")
    a.send("INVITE bob #i")
    assert a.expect("443").params[1:] == ["bob", "#i", "is already on channel"]
    a.send("INVITE carol")
    a.expect("461")
    # Without +i any member may invite; carol simply joins.
    b.send("INVITE carol #i")
    b.expect("341")
    c.expect("INVITE")
    c.join("#i")


# --- +v and +m ------------------------------------------------------------

def test_voice_and_moderated(clients):
    a = clients("alice").join("#m")
    b = clients("bob").join("#m")
    c = clients("carol").join("#m")
    a.sync()
    a.send("MODE #m +mv bob")
    assert c.expect("MODE", "#m").params[1:] == ["+mv", "bob"]
    c.send("PRIVMSG #m :may I?")
    m = c.expect("404")
    assert m.params[1] == "#m" and "+m" in m.params[2]
    b.send("PRIVMSG #m :I may")
    assert c.expect("PRIVMSG", "#m").params[1] == "I may"
    a.send("PRIVMSG #m :and I")
    assert c.expect("PRIVMSG", "#m").params[1] == "and I"
    # Voice shows as + in NAMES, WHO and WHOIS; @ wins over +.
    assert names(c, "#m") == ["+bob", "@alice", "carol"]
    c.send("WHO #m")
    flags = {}
    while True:
        m = c.expect_any(("352", "315"))
        if m.command == "315":
            break
        flags[m.params[5]] = m.params[6]
    assert flags == {"alice": "H@", "bob": "H+", "carol": "H"}, flags
    c.send("WHOIS bob")
    assert c.expect("319").params[2] == "+#m"
    a.send("MODE #m +v alice")
    assert c.expect("MODE", "#m").params[1:] == ["+v", "alice"]
    assert names(c, "#m") == ["+bob", "@alice", "carol"]
    a.send("MODE #m -v bob")
    assert c.expect("MODE", "#m").params[1:] == ["-v", "bob"]
    b.send("PRIVMSG #m :still?")
    b.expect("404")
    a.send("MODE #m")
    assert a.expect("324").params[2] == "+mnt"
    # Only operators give voice.
    b.send("MODE #m +v carol")
    b.expect("482")


# --- +b -------------------------------------------------------------------

def banlist(c, chan):
    c.sync()
    c.send("MODE %s b" % chan)
    got = []
    while True:
        m = c.expect_any(("367", "368"))
        if m.command == "368":
            return got
        assert m.params[1] == chan
        got.append((m.params[2], m.params[3]))


def test_bans(clients):
    a = clients("alice").join("#b")
    b = clients("bob").join("#b")
    c = clients("carol")
    a.sync()
    # Short forms become nick!user@host masks.
    a.send("MODE #b +bb carol *@127.0.0.2")
    assert b.expect("MODE", "#b").params[1:] == [
        "+bb", "carol!*@*", "*!*@127.0.0.2"]
    assert banlist(c, "#b") == [("carol!*@*", "alice"),
                                ("*!*@127.0.0.2", "alice")]
    c.send("JOIN #b")
    assert c.expect("474").params[1:] == ["#b", "Cannot join channel (+b)"]
    # Case does not matter, and a ban of a member stops it speaking.
    a.send("MODE #b +b BOB!*@*")
    assert b.expect("MODE", "#b").params[1:] == ["+b", "BOB!*@*"]
    b.send("PRIVMSG #b :can I?")
    assert "banned" in b.expect("404").params[2]
    # A ban set twice is one; -b lifts it, even in another case.
    a.send("MODE #b +b carol")
    a.send("MODE #b -b CAROL!*@*")
    assert b.expect("MODE", "#b").params[1:] == ["-b", "carol!*@*"]
    c.join("#b")
    # Anyone may see the list; only operators change it.
    c.send("MODE #b +b x")
    c.expect("482")
    assert [m for m, _ in banlist(c, "#b")] == ["*!*@127.0.0.2", "BOB!*@*"]


def test_ban_list_full(clients):
    a = clients("alice").join("#full")
    for i in range(0, 100, 4):
        a.send("MODE #full +bbbb " + " ".join("n%d" % (i + j)
                                              for j in range(4)))
    a.sync()
    a.send("MODE #full +b one-too-many")
    m = a.expect("478")
    assert m.params[1:3] == ["#full", "one-too-many!*@*"]
    assert len(banlist(a, "#full")) == 100


def masklist(c, chan, letter, item, end):
    c.sync()
    c.send("MODE %s %s" % (chan, letter))
    got = []
    while True:
        m = c.expect_any((item, end))
        if m.command == end:
            assert m.params[1] == chan
            return got
        assert m.params[1] == chan
        assert m.params[3] == "alice" and int(m.params[4]) > 0
        got.append(m.params[2])


def test_ban_exceptions(clients):
    """+e: a ban does not hold against a mask on the exception list."""
    a = clients("alice").join("#e")
    b = clients("bob").join("#e")
    c = clients("carol")
    a.send("MODE #e +be *!*@127.0.0.1 bob")
    assert b.expect("MODE", "#e").params[1:] == [
        "+be", "*!*@127.0.0.1", "bob!*@*"]
    assert masklist(c, "#e", "e", "348", "349") == ["bob!*@*"]
    c.send("JOIN #e")
    c.expect("474")
    # bob is banned but excepted: he still speaks.
    b.send("PRIVMSG #e :still here")
    assert a.expect("PRIVMSG").params == ["#e", "still here"]
    a.send("MODE #e +e carol")
    a.expect("MODE", "#e")
    c.join("#e")
    a.send("MODE #e -e BOB!*@*")
    assert c.expect("MODE", "#e").params[1:] == ["-e", "bob!*@*"]
    b.send("PRIVMSG #e :and now?")
    assert "banned" in b.expect("404").params[2]
    # Only operators change it.
    c.send("MODE #e +e x")
    c.expect("482")


def test_invite_exceptions(clients):
    """+I: a matching user joins a +i channel without an invitation, as
    often as it likes."""
    a = clients("alice").join("#I")
    c = clients("carol")
    d = clients("dave")
    a.send("MODE #I +iI carol!*@*")
    assert a.expect("MODE", "#I").params[1:] == ["+iI", "carol!*@*"]
    assert masklist(d, "#I", "I", "346", "347") == ["carol!*@*"]
    for _ in range(2):
        c.join("#I")
        c.send("PART #I")
        c.expect("PART")
    d.send("JOIN #I")
    d.expect("473")


def test_mask_lists_share_maxlist(clients):
    a = clients("alice").join("#full")
    for i in range(0, 100, 4):
        a.send("MODE #full +%s %s" % ("beIb"[:4], " ".join(
            "n%d" % (i + j) for j in range(4))))
    a.sync()
    a.send("MODE #full +e one-too-many")
    m = a.expect("478")
    assert m.params[1:4] == ["#full", "one-too-many!*@*",
                             "Channel +e list is full"]


def test_secret_and_private(clients):
    """+s hides a channel from LIST, NAMES and WHOIS of outsiders; +p from
    LIST and WHOIS, and shows as "*" in 353; members see everything."""
    a = clients("alice").join("#s")
    a.join("#p")
    a.join("#open")
    b = clients("bob").join("#s")
    c = clients("carol")
    a.send("MODE #s +s")
    a.expect("MODE", "#s")
    a.send("MODE #p +p")
    a.expect("MODE", "#p")
    assert chanmode(a, "#s")[0] == "+nst"

    def listed(x):
        x.sync()
        x.send("LIST")
        x.expect("321")
        got = []
        while True:
            m = x.expect_any(("322", "323"))
            if m.command == "323":
                return sorted(got)
            got.append(m.params[1])

    assert listed(c) == ["#open"]
    assert listed(b) == ["#open", "#s"]
    c.send("LIST #s,#p")
    c.expect("321")
    assert c.expect("323")
    c.send("WHOIS alice")
    assert c.expect("319").params[2].split() == ["@#open"]
    c.expect("318")
    b.send("WHOIS alice")           # a member of #s, not of #p
    assert sorted(b.expect("319").params[2].split()) == ["@#open", "@#s"]
    b.expect("318")
    a.send("WHOIS alice")
    assert len(a.expect("319").params[2].split()) == 3
    # NAMES: nothing of #s to carol, #p is listed as private.
    c.send("NAMES #s")
    assert c.expect_any(("353", "366")).command == "366"
    c.send("WHO #s")
    assert c.expect_any(("352", "315")).command == "315"
    c.send("NAMES #p")
    assert c.expect("353").params[1:3] == ["*", "#p"]
    b.send("NAMES #s")
    assert b.expect("353").params[1:3] == ["@", "#s"]
    # NAMES without a channel leaves both out for carol.
    c.sync()
    c.send("NAMES")
    chans = []
    while True:
        m = c.expect_any(("353", "366"))
        if m.command == "366":
            break
        chans.append(m.params[2])
    assert chans == ["#open", "*"]


def test_multi_prefix(clients):
    """multi-prefix: NAMES, WHO and WHOIS show every status, "@+"."""
    a = clients("alice", caps=("multi-prefix",)).join("#mp")
    b = clients("bob").join("#mp")
    a.send("MODE #mp +v alice")
    a.expect("MODE", "#mp")
    assert names(a, "#mp") == ["@+alice", "bob"]
    assert names(b, "#mp") == ["@alice", "bob"]
    a.send("WHO #mp")
    flags = {m.params[5]: m.params[6] for m in
             (a.expect("352"), a.expect("352"))}
    assert flags == {"alice": "H@+", "bob": "H"}
    a.send("WHOIS alice")
    assert a.expect("319").params[2] == "@+#mp"


def test_invite_notify(clients):
    """invite-notify: on a +i channel the other operators who asked hear
    of an INVITE; on others every member who asked."""
    a = clients("alice").join("#in")
    b = clients("bob", caps=("invite-notify",)).join("#in")
    c = clients("carol", caps=("invite-notify",)).join("#in")
    d = clients("dave")
    e = clients("erin")
    a.send("MODE #in +o bob")
    a.expect("MODE", "#in")
    a.send("INVITE dave #in")
    a.expect("341")
    assert d.expect("INVITE").params == ["dave", "#in"]
    for x in (b, c):
        m = x.expect("INVITE")
        assert m.prefix.startswith("alice!")
        assert m.params == ["dave", "#in"]
    a.quiet("INVITE")
    a.send("MODE #in +i")
    a.expect("MODE", "#in")
    b.send("INVITE erin #in")
    b.expect("341")
    e.expect("INVITE")
    b.quiet("INVITE")
    c.quiet("INVITE")
    a.quiet("INVITE")       # did not ask for the capability
