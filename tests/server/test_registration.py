"""Registration: PASS, NICK, USER, CAP negotiation, the welcome burst
(001-005, LUSERS, MOTD) and the errors around it (451, 461, 462, 464)."""

import re
import subprocess

from conftest import NATTERD, Client, check_lusers, unique_nick

ISUPPORT_REQUIRED = ("NETWORK", "CASEMAPPING", "CHANTYPES", "NICKLEN",
                     "CHANNELLEN", "TOPICLEN", "CHANLIMIT", "PREFIX",
                     "UTF8ONLY")


def isupport(msgs):
    """The tokens of every 005 in msgs, as a dict (None for no value)."""
    tokens = {}
    for m in msgs:
        if m.command != "005":
            continue
        assert m.params[-1] == "are supported by this server"
        for t in m.params[1:-1]:
            k, eq, v = t.partition("=")
            tokens[k] = v if eq else None
    return tokens


# --- PASS -----------------------------------------------------------------

def test_password_right(natterd):
    s = natterd("--password", "s3cret", "--flood-rate", "0")
    c = Client(s.port, "alice", password="s3cret")
    c.send("PRIVMSG alice :hi me")
    m = c.expect("PRIVMSG", "alice")
    assert m.params[1] == "hi me"


def test_password_wrong(natterd):
    s = natterd("--password", "s3cret", "--flood-rate", "0")
    c = Client(s.port)
    c.send("PASS :s3cres")
    c.send("NICK alice")
    c.send("USER alice 0 * :Alice")
    got = c.wait_closed()
    assert [m.command for m in got] == ["464", "ERROR"], got
    assert got[0].params == ["alice", "Password incorrect"]
    assert got[1].params == [
        "Closing link: (~alice@127.0.0.1) [Bad password]"]
    # The nick is free again.
    Client(s.port, "alice", password="s3cret")


def test_password_missing(natterd):
    s = natterd("--password", "s3cret", "--flood-rate", "0")
    c = Client(s.port)
    c.send("NICK alice")
    c.send("USER alice 0 * :Alice")
    got = c.wait_closed()
    assert [m.command for m in got] == ["464", "ERROR"], got
    assert got[0].params == ["alice", "Password incorrect"]
    assert got[1].params[0].endswith("[Bad password]")


def test_password_prefix_is_not_enough(natterd):
    s = natterd("--password", "s3cret", "--flood-rate", "0")
    for wrong in ("s3c", "s3cret2", ""):
        c = Client(s.port)
        c.send("PASS :" + wrong)
        c.send("NICK alice")
        c.send("USER alice 0 * :Alice")
        got = c.wait_closed()
        assert [m.command for m in got] == ["464", "ERROR"], (wrong, got)


def test_pass_after_registration_462(clients):
    a = clients("alice")
    a.send("PASS :whatever")
    m = a.expect("462")
    assert m.params == ["alice", "You may not reregister"]


def test_user_after_registration_462(clients):
    a = clients("alice")
    a.send("USER again 0 * :Again")
    m = a.expect("462")
    assert m.params == ["alice", "You may not reregister"]
    a.send("WHOIS alice")
    m = a.expect("311")
    assert m.params[2] == "~u"          # the first USER still counts


# --- NICK and USER --------------------------------------------------------

def test_user_then_nick(srv):
    c = Client(srv.port)
    c.send("USER bob 0 * :Bob Bobson")
    assert c.sync() == []
    c.send("NICK bob")
    m = c.expect("001")
    assert m.params == ["bob", "Welcome to the natter IRC Network "
                        "bob!~bob@127.0.0.1"]


def test_nick_change_before_user(srv):
    c = Client(srv.port)
    c.send("NICK first")
    c.send("NICK second")
    c.send("USER x 0 * :X")
    m = c.expect("001")
    assert m.params[0] == "second"
    # "first" was released and can be taken.
    Client(srv.port, "first")


def test_unregistered_nick_is_held(srv):
    a = Client(srv.port)
    a.send("NICK carol")
    a.sync()
    b = Client(srv.port)
    b.send("NICK carol")
    m = b.expect("433")
    assert m.params == ["*", "carol", "Nickname is already in use"]


def test_user_name_is_cleaned(srv):
    c = Client(srv.port)
    c.send("NICK dave")
    c.send("USER d@v!e* 0 * :Dave")
    m = c.expect("001")
    assert m.params[1].endswith(" dave!~dve@127.0.0.1")


def test_commands_before_registration_451(srv):
    c = Client(srv.port)
    for line in ("JOIN #a", "PRIVMSG x :y", "WHOIS x", "MODE x", "FOO"):
        c.send(line)
        m = c.expect_any(("451", "421"))
        assert m.command == "451", (line, m)
        assert m.params == ["*", "You have not registered"]
    # PING works before registration (it is how clients check the link).
    c.send("PING :early")
    m = c.expect("PONG")
    assert m.params == ["natterd", "early"]


def test_needmoreparams_461(srv):
    c = Client(srv.port)
    c.send("USER only three :params")
    m = c.expect("461")
    assert m.params == ["*", "USER", "Not enough parameters"]
    # An empty real name or user name is missing too.
    for line in ("USER erin 0 * :", "USER  0 * :Erin"):
        c.send(line)
        assert c.expect("461").params[1] == "USER", line
    c.send("NICK erin")
    c.send("USER erin 0 * :Erin")
    c.expect("001")
    c.expect("422")
    for line, cmd in (("JOIN", "JOIN"), ("PART", "PART"), ("KICK #a", "KICK"),
                      ("TOPIC", "TOPIC"), ("MODE", "MODE"),
                      ("WHOIS", "WHOIS"), ("ISON", "ISON"),
                      ("USERHOST", "USERHOST"), ("WHOWAS", "WHOWAS"),
                      ("CAP", "CAP"), ("CAP REQ", "CAP")):
        c.send(line)
        m = c.expect("461")
        assert m.params == ["erin", cmd, "Not enough parameters"], line


def test_unknown_command_421(clients):
    a = clients("alice")
    a.send("FROBNICATE now")
    m = a.expect("421")
    assert m.params == ["alice", "FROBNICATE", "Unknown command"]
    a.send("frob")
    m = a.expect("421")
    assert m.params == ["alice", "FROB", "Unknown command"]


# --- CAP ------------------------------------------------------------------

def test_cap_ls(srv):
    c = Client(srv.port)
    c.send("CAP LS")
    m = c.expect("CAP")
    assert m.prefix == "natterd"
    assert m.params[:2] == ["*", "LS"]
    caps = set(m.params[2].split())
    assert {"echo-message", "server-time"} <= caps
    c.send("CAP LS 302")
    m = c.expect("CAP")
    assert m.params[:2] == ["*", "LS"]
    assert {"echo-message", "server-time"} <= set(m.params[2].split())


def test_cap_holds_registration_until_end(srv):
    c = Client(srv.port)
    c.send("CAP LS 302")
    c.send("NICK frank")
    c.send("USER frank 0 * :Frank")
    got = c.sync()
    assert [m.command for m in got] == ["CAP"], got
    c.send("CAP REQ :echo-message")
    m = c.expect("CAP")
    assert m.params == ["frank", "ACK", "echo-message"]
    assert c.sync() == []
    c.send("CAP END")
    m = c.expect("001")
    assert m.params[0] == "frank"


def test_cap_req_alone_holds_registration(srv):
    c = Client(srv.port)
    c.send("CAP REQ :server-time")
    c.send("NICK gina")
    c.send("USER gina 0 * :Gina")
    got = c.sync()
    assert [m.command for m in got] == ["CAP"], got
    assert got[0].params == ["*", "ACK", "server-time"]
    c.send("CAP END")
    c.expect("001")


def test_no_cap_registers_normally(srv):
    c = Client(srv.port)
    c.send("NICK hank")
    c.send("USER hank 0 * :Hank")
    m = c.expect("001")
    assert m.params[0] == "hank"


def test_cap_req_ack_list_and_removal(srv):
    c = Client(srv.port)
    c.send("CAP LS 302")
    c.expect("CAP", None, "LS")
    c.send("CAP LIST")
    m = c.expect("CAP")
    assert m.params == ["*", "LIST", ""]
    c.send("CAP REQ :echo-message server-time")
    m = c.expect("CAP")
    assert m.params == ["*", "ACK", "echo-message server-time"]
    c.send("CAP LIST")
    m = c.expect("CAP")
    assert m.params[:2] == ["*", "LIST"]
    assert sorted(m.params[2].split()) == ["echo-message", "server-time"]
    c.send("CAP REQ :-echo-message")
    m = c.expect("CAP")
    assert m.params == ["*", "ACK", "-echo-message"]
    c.send("CAP LIST")
    m = c.expect("CAP")
    assert m.params == ["*", "LIST", "server-time"]
    c.send("NICK ivan")
    c.send("USER ivan 0 * :Ivan")
    c.send("CAP END")
    c.expect("001")
    # After registration the reply is addressed to the nick.
    c.send("CAP LIST")
    m = c.expect("CAP")
    assert m.params == ["ivan", "LIST", "server-time"]


def test_cap_nak_all_or_nothing(srv):
    c = Client(srv.port)
    c.send("CAP LS 302")
    c.expect("CAP", None, "LS")
    c.send("CAP REQ :echo-message no-such-cap")
    m = c.expect("CAP")
    assert m.params == ["*", "NAK", "echo-message no-such-cap"]
    c.send("CAP LIST")
    m = c.expect("CAP")
    assert m.params == ["*", "LIST", ""]
    c.send("CAP REQ :server-time")
    c.expect("CAP", None, "ACK")
    c.send("CAP REQ :-server-time bogus")
    m = c.expect("CAP")
    assert m.params == ["*", "NAK", "-server-time bogus"]
    c.send("CAP LIST")
    m = c.expect("CAP")
    assert m.params == ["*", "LIST", "server-time"]
    c.send("CAP FLY")
    m = c.expect("410")
    assert m.params == ["*", "FLY", "Invalid CAP command"]


# --- The welcome burst ----------------------------------------------------

def test_welcome_burst(srv):
    c = Client(srv.port)
    c.send("NICK judy")
    c.send("USER judy 0 * :Judy")
    got = []
    while not got or got[-1].command != "422":
        got.append(c.recv())
    cmds = [m.command for m in got]
    assert cmds[:4] == ["001", "002", "003", "004"], cmds
    assert all(m.prefix == "natterd" for m in got)
    assert all(m.params[0] == "judy" for m in got)
    assert got[0].params[1] == ("Welcome to the natter IRC Network "
                                "judy!~judy@127.0.0.1")
    assert got[1].params[1] == ("Your host is natterd, running version "
                                "natterd-0.1.0")
    assert re.fullmatch(r"This server was created "
                        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC",
                        got[2].params[1]), got[2]
    assert got[3].params == ["judy", "natterd", "natterd-0.1.0", "Biow",
                             "beIiklmnopstv", "beIklov"]
    n005 = cmds.count("005")
    assert n005 >= 1 and cmds[4:4 + n005] == ["005"] * n005
    check_lusers(cmds[4 + n005:-1])
    assert cmds[-1] == "422"
    assert got[-1].params == ["judy", "MOTD File is missing"]


def test_isupport_tokens(srv):
    c = Client(srv.port)
    c.send("NICK kate")
    c.send("USER kate 0 * :Kate")
    got = []
    while not got or got[-1].command != "422":
        got.append(c.recv())
    tok = isupport(got)
    for k in ISUPPORT_REQUIRED:
        assert k in tok, (k, tok)
    assert tok["NETWORK"] == "natter"
    assert tok["CASEMAPPING"] == "ascii"
    assert tok["CHANTYPES"] == "#"
    assert tok["NICKLEN"] == "30"
    assert tok["CHANNELLEN"] == "50"
    assert tok["TOPICLEN"] == "390"
    assert tok["CHANLIMIT"] == "#:20"
    assert tok["PREFIX"] == "(ov)@+"
    assert tok["UTF8ONLY"] is None
    for m in got:
        if m.command == "005":
            # At most 13 tokens per line (Modern IRC), within 512 bytes.
            assert len(m.params) - 2 <= 13
            assert len(m.raw.encode()) + 2 <= 512


def test_isupport_follows_options(natterd):
    s = natterd("--network", "TestNet", "--name", "irc.example",
                "--max-channels", "7", "--flood-rate", "0")
    c = Client(s.port)
    c.send("NICK leo")
    c.send("USER leo 0 * :Leo")
    got = []
    while not got or got[-1].command != "422":
        got.append(c.recv())
    assert got[0].params[1] == ("Welcome to the TestNet IRC Network "
                                "leo!~leo@127.0.0.1")
    assert all(m.prefix == "irc.example" for m in got)
    tok = isupport(got)
    assert tok["NETWORK"] == "TestNet"
    assert tok["CHANLIMIT"] == "#:7"
    c.send("PING :x")
    m = c.expect("PONG")
    assert m.prefix == "irc.example" and m.params == ["irc.example", "x"]


def test_lusers_in_burst_counts(srv):
    a = Client(srv.port, "alice").join("#one")
    Client(srv.port, "bob").join("#two")
    lurker = Client(srv.port)           # connected, never registers
    lurker.send("NICK lurker")
    lurker.sync()
    c = Client(srv.port)
    c.send("NICK carol")
    c.send("USER carol 0 * :Carol")
    got = {}
    while "422" not in got:
        m = c.recv()
        got[m.command] = m
    assert got["251"].params == ["carol", "There are 3 users and 0 "
                                 "invisible on 1 servers"]
    # The lurker and nobody else is still unregistered.
    assert got["253"].params == ["carol", "1", "unknown connection(s)"]
    assert got["254"].params == ["carol", "2", "channels formed"]
    assert got["255"].params == ["carol", "I have 3 clients and 0 servers"]
    assert got["265"].params == ["carol", "3", "3",
                                 "Current local users 3, max 3"]
    assert got["266"].params == ["carol", "3", "3",
                                 "Current global users 3, max 3"]
    a.close()


def test_motd_from_file(natterd, tmp_path):
    motd = tmp_path / "motd.txt"
    motd.write_text("Welcome to natter!\n안녕하세요, 여러분\n\nbe nice\n",
                    encoding="utf-8")
    s = natterd("--motd", str(motd), "--flood-rate", "0")
    c = Client(s.port)
    c.send("NICK mia")
    c.send("USER mia 0 * :Mia")
    c.expect("001")
    m = c.expect("375")
    assert m.params == ["mia", "- natterd Message of the day - "]
    lines = []
    while True:
        m = c.recv()
        if m.command != "372":
            break
        lines.append(m.params[1])
    assert m.command == "376"
    assert m.params == ["mia", "End of /MOTD command."]
    assert lines == ["- Welcome to natter!", "- 안녕하세요, 여러분", "- ",
                     "- be nice"]
    # The MOTD command sends the same thing again.
    c.send("MOTD")
    c.expect("375")
    again = []
    while True:
        m = c.recv()
        if m.command != "372":
            break
        again.append(m.params[1])
    assert again == lines and m.command == "376"


def test_motd_control_chars_filtered(natterd, tmp_path):
    motd = tmp_path / "motd.txt"
    motd.write_bytes(b"bell\x07 and \x1b[31mred\r\nbad \xff byte\n")
    s = natterd("--motd", str(motd), "--flood-rate", "0")
    c = Client(s.port, "nina")
    c.send("MOTD")
    c.expect("375")
    m1 = c.expect("372")
    m2 = c.expect("372")
    assert m1.params[1] == "- bell and [31mred"
    assert m2.params[1] == "- bad \ufffd byte"
    c.expect("376")


def test_no_motd_422(clients):
    a = clients("olga")
    a.send("MOTD")
    m = a.expect("422")
    assert m.params == ["olga", "MOTD File is missing"]


def test_missing_motd_file_is_fatal(tmp_path):
    """natterd refuses to start with a --motd file that does not exist."""
    p = subprocess.run([NATTERD, "--listen", "127.0.0.1:0", "--motd",
                        str(tmp_path / "nope")], capture_output=True,
                       timeout=20, stdin=subprocess.DEVNULL)
    assert p.returncode != 0
    assert b"nope" in p.stderr


def test_registered_nick_visible_to_others(clients):
    n = unique_nick("p")
    clients("quinn")
    b = clients(n)
    b.send("ISON quinn " + n)
    m = b.expect("303")
    assert sorted(m.params[1].split()) == sorted(["quinn", n])


def test_last_pass_counts(natterd):
    s = natterd("--password", "s3cret", "--flood-rate", "0")
    c = Client(s.port)
    c.send("PASS :wrong")
    c.send("PASS :s3cret")
    c.send("NICK rita")
    c.send("USER rita 0 * :Rita")
    assert c.expect("001").params[0] == "rita"
    c = Client(s.port)
    c.send("PASS :s3cret")
    c.send("PASS :wrong")
    c.send("NICK sam")
    c.send("USER sam 0 * :Sam")
    got = c.wait_closed()
    assert [m.command for m in got] == ["464", "ERROR"]


def test_password_with_cap(natterd):
    s = natterd("--password", "s3cret", "--flood-rate", "0")
    c = Client(s.port, "tina", caps=("server-time",), password="s3cret")
    c.send("CAP LIST")
    assert c.expect("CAP").params == ["tina", "LIST", "server-time"]
