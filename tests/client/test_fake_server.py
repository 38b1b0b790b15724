"""natter against a scripted server, for what natterd never sends: a
multi-line CAP LS, server-time with a known time, a 001 without the
prefix (so the split must assume the longest one), a five-level PREFIX,
invalid UTF-8, a line without an end, PING."""

import os
import shutil
import socket

from conftest import SANITIZED, TIMEOUT, Client, joined, sidebar


class Conn(Client):
    """The server's end of one connection, with Client's line helpers."""

    def __init__(self, sock):
        sock.setblocking(False)
        self.sock = sock
        self.buf = b""
        self.lines = []
        self.pending = []
        self.closed = False
        self.nick = "server"
        self.autopong = False   # this is the server's end


def serve():
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    ls.settimeout(TIMEOUT)
    return ls


def connect(tui, *args, **kw):
    """natter -n bob -r 7 against a scripted server "fake.example", which
    registers it and puts it in #7 with alice: (tui, conn, listener)."""
    ls = serve()
    port = ls.getsockname()[1]
    t = tui("-n", "bob", "-r", "7", "-p", str(port), *args, **kw)
    sock, _ = ls.accept()
    c = Conn(sock)
    c.expect("CAP", "LS", "302")
    c.send(":fake.example CAP * LS :")
    c.expect("CAP", "END")
    c.send(":fake.example 001 bob :Welcome bob!b@h")
    c.send(":fake.example 422 bob :No MOTD")
    c.expect("JOIN", "#7")
    c.send(":bob!b@h JOIN #7")
    c.send(":fake.example 353 bob = #7 :bob @alice")
    c.send(":fake.example 366 bob #7 :End")
    joined(t, "#7", 2)
    return t, c, ls


def memcheck(tmp_path):
    """A wrapper running natter under valgrind's memcheck, or nothing for
    the sanitizer build (valgrind cannot run it; ASan and UBSan watch)."""
    if SANITIZED:
        return ()
    assert shutil.which("valgrind"), "valgrind is not installed " \
        "(make deps-check installs it)"
    return ("valgrind", "-q", "--error-exitcode=99",
            "--log-file=" + os.path.join(str(tmp_path), "valgrind.log"))


def quit_clean(t, c, tmp_path):
    """/quit, and natter exits 0: under valgrind, no memory error."""
    t.enter("/quit")
    c.expect("QUIT")
    c.close()
    status = t.wait_dead(timeout=TIMEOUT * 2)
    log = os.path.join(str(tmp_path), "valgrind.log")
    report = open(log).read() if os.path.exists(log) else ""
    assert status == 0 and report == "", "exit %s\n%s" % (status, report)


def test_no_prefix_is_the_server(tui, tmp_path):
    """Lines without a prefix come from the server: they are shown as
    from its name, never from whatever was in memory."""
    t, c, ls = connect(tui, wrap=memcheck(tmp_path))
    try:
        c.send("MODE #7 +v alice")
        t.wait(r"-!- fake\.example sets mode \+v alice")
        c.send("TOPIC #7 :the topic")
        t.wait(r"-!- fake\.example changed the topic to: the topic")
        c.send("KICK #7 alice :x")
        t.wait(r"-!- fake\.example removed alice from #7 \(x\)")
        c.send("PRIVMSG bob :\x01VERSION\x01")
        c.send("NOTICE bob :from the server")
        c.send("PRIVMSG #7 :also from the server")
        t.keys("M-1")
        t.wait(r"-!- fake\.example sent a CTCP VERSION request")
        t.wait(r"-fake\.example- from the server")
        t.wait(r"-fake\.example- also from the server")
        quit_clean(t, c, tmp_path)
    finally:
        c.close()
        ls.close()


def test_scripted_server(tui):
    ls = serve()
    port = ls.getsockname()[1]
    # TZ=UTC: the time shown is the server's, converted to local time.
    t = tui("-n", "bob", "-r", "7", "-p", str(port), env={"TZ": "UTC"})
    sock, _ = ls.accept()
    c = Conn(sock)
    try:
        c.expect("CAP", "LS", "302")
        c.expect("NICK", "bob")
        c.expect("USER")
        c.send(":fake CAP * LS * :multi-prefix sasl=PLAIN")
        c.send(":fake CAP * LS :server-time away-notify")
        m = c.expect("CAP", "REQ")
        assert m.params[-1] == "server-time"
        c.send(":fake CAP bob ACK :server-time")
        c.expect("CAP", "END")
        c.send(":fake 001 bob :Welcome to the fake network")
        c.send(":fake 005 bob PREFIX=(qaohv)~&@%+ CHANTYPES=# :are "
               "supported")
        c.send(":fake 422 bob :No MOTD")
        c.expect("JOIN", "#7")
        c.send(":bob JOIN #7")
        c.send(":fake 353 bob = #7 :@+alice &carol bob ~dave %eve +frank")
        c.send(":fake 366 bob #7 :End")
        joined(t, "#7", 6)
        assert sidebar(t) == ["~dave", "&carol", "@alice", "%eve",
                              "+frank", "bob"]
        c.send(":fake MODE #7 +o-v bob frank")
        t.wait(r"fake sets mode \+o-v bob frank")
        assert sidebar(t) == ["~dave", "&carol", "@alice", "@bob", "%eve",
                              "frank"]

        c.send("@time=2001-02-03T04:05:06.000Z :alice!a@h PRIVMSG #7 "
               ":old news")
        t.wait(r"^04:05 <alice> old news")

        c.send_raw(b":alice!a@h PRIVMSG #7 :bad \xff\xfe \xea\xb0 end\r\n")
        t.wait("<alice> bad \ufffd\ufffd \ufffd\ufffd end")
        # A server that never ends its line: dropped, memory bounded.
        c.send_raw(b":alice!a@h PRIVMSG #7 :" + b"z" * 20000)
        c.send_raw(b"\r\n:alice!a@h PRIVMSG #7 :still alive\r\n")
        t.wait(r"<alice> still alive")

        c.send("PING :tok123")
        assert c.expect("PONG").params[-1] == "tok123"

        # No prefix in 001 and none in our JOIN: the split must fit
        # whatever user@host the server will put in front (up to 80).
        text = "한" * 300
        t.type(text)
        t.keys("Enter")
        got = ""
        while got != text:
            m = c.expect("PRIVMSG", "#7")
            part = m.params[1]
            relayed = ":bob!%s@%s PRIVMSG #7 :%s\r\n" % ("~" + "u" * 15,
                                                         "h" * 63, part)
            assert len(relayed.encode()) <= 512
            got += part
        # Without echo-message, natter shows what it sent itself.
        t.wait(r"<bob> 한한한")

        # A nick in use after registration is reported, not asked again.
        t.enter("/nick alice")
        c.expect("NICK", "alice")
        c.send(":fake 433 bob alice :Nickname is already in use")
        t.wait(r"alice is already in use")
        c.send(":fake 482 bob #7 :You're not channel operator")
        t.wait(r"you are not an operator of #7")

        c.send("ERROR :Closing link (test over)")
        c.sock.close()
        t.wait(r"disconnected: connection closed")
    finally:
        c.close()
        ls.close()


def test_registration_questions_on_one_connection(tui):
    """The tutorial flow against a strict server: one connection, NICK
    again after 433, registration only completes with a free nick."""
    ls = serve()
    port = ls.getsockname()[1]
    t = tui("-r", "7", "-p", str(port))
    # The nick is asked before natter connects.
    t.wait(r"^nick: tester$")
    t.keys("Enter")
    sock, _ = ls.accept()
    c = Conn(sock)
    try:
        c.expect("CAP", "LS")
        c.expect("NICK", "tester")
        c.expect("USER")
        c.send(":fake CAP * LS :")
        c.expect("CAP", "END")
        c.send(":fake 433 * tester :Nickname is already in use")
        t.wait(r"the nickname tester is already in use")
        t.wait(r"^nick: tester$")
        t.type("2")
        t.keys("Enter")
        c.expect("NICK", "tester2")
        c.send(":fake 001 tester2 :Welcome tester2!~t@host")
        c.expect("JOIN", "#7")
        # Still the first connection.
        ls.settimeout(0.2)
        try:
            ls.accept()
            raise AssertionError("natter connected twice")
        except socket.timeout:
            pass
    finally:
        c.close()
        ls.close()


def test_hostile_prefix_symbols_ignored(tui):
    """ISUPPORT PREFIX with a symbol that is not printable ASCII (a byte
    that would sign-extend, a control character that draws as two cells)
    is ignored: the member prefixes stay as they were."""
    t, c, ls = connect(tui)
    try:
        for bad in (b"(o)\x07", b"(ov)@\x7f", b"(\x01)!", b"(o)\xff"):
            c.send_raw(b":fake.example 005 bob PREFIX=" + bad +
                       b" :are supported\r\n")
        c.send_raw(b":fake.example 353 bob = #7 :bob @alice +dave "
                   b"\xffcarol \x07erin\r\n")
        c.send(":fake.example 366 bob #7 :End")
        joined(t, "#7", 5)
        t.wait("\ufffdcarol")
        assert sidebar(t) == ["@alice", "+dave", "^Gerin", "bob",
                              "\ufffdcarol"]
        t.enter("/quit")
        c.expect("QUIT")
    finally:
        c.close()
        ls.close()


def test_topic_time_out_of_range(tui, tmp_path):
    """A 333 whose time no struct tm can hold: no date is made up from
    uninitialised memory (memcheck watches), the setter is still shown."""
    t, c, ls = connect(tui, wrap=memcheck(tmp_path))
    try:
        c.send(":fake.example 332 bob #7 :a topic")
        c.send(":fake.example 333 bob #7 alice 99999999999999999999")
        t.wait(r"-!- topic set by alice +\u2502")
        c.send(":fake.example 333 bob #7 alice -99999999999999999999")
        c.send(":fake.example 333 bob #7 carol 0")
        t.wait(r"-!- topic set by carol on 19\d\d-")
        assert len([l for l in t.lines() if "topic set by alice" in l]) == 2
        quit_clean(t, c, tmp_path)
    finally:
        c.close()
        ls.close()


def rss_kb(t):
    """natter's resident memory (its pid is in its log's name)."""
    pid = [n[7:-4] for n in os.listdir(t.dir) if n.startswith("natter-")
           and n.endswith(".log")][0]
    with open("/proc/%s/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS for natter")


def test_whispers_from_many_nicks(tui):
    """Whispers from ever new nicks open at most 50 windows; the rest
    land in the server window, marked, after one notice. Memory stays
    small however many there are."""
    t, c, ls = connect(tui)
    try:
        for i in range(60):
            c.send(":n%04d!u@h PRIVMSG bob :hi %d" % (i, i))
        c.send(":alice!a@h PRIVMSG #7 :sixty")
        t.wait(r"<alice> sixty")
        t.keys("M-1")
        t.wait(r"-!- 50 whisper windows are open: whispers from anyone")
        t.wait(r"\*n0059\* hi 59")
        scr = t.screen()
        assert "*n0050* hi 50" in scr and "n0049" not in scr
        assert scr.count("whisper windows are open") == 1
        # The last window is the 50th whisper window.
        t.keys("C-p")
        t.wait(r"^ n0049 \| whispers")
        t.wait(r"<n0049> hi 49")

        # Someone with a window still gets it; closing one makes room.
        c.send(":n0003!u@h PRIVMSG bob :again")
        t.enter("/close")
        t.wait(r"^ n0048 \| whispers")
        c.send(":n0100!u@h PRIVMSG bob :room now")
        t.wait(r"\*n0100\* room now")
        t.keys("M-1")
        t.keys("C-p")
        t.wait(r"^ n0100 \| whispers")
        t.wait(r"<n0100> room now")
        t.keys("M-6")
        t.wait(r"^ n0003 \| whispers")
        t.wait(r"<n0003> again")

        # Thousands more: windows and memory stay bounded.
        before = rss_kb(t)
        for i in range(1000, 4000):
            c.send(":n%04d!u@h PRIVMSG bob :hello %d" % (i, i))
        c.send(":alice!a@h PRIVMSG #7 :done")
        t.keys("M-2")
        t.wait(r"<alice> done", timeout=TIMEOUT * 4)
        t.keys("M-1")
        t.keys("C-p")
        t.wait(r"^ n0100 \| whispers")
        if not SANITIZED:
            assert rss_kb(t) - before < 20000
        t.enter("/quit")
        c.expect("QUIT")
    finally:
        c.close()
        ls.close()


def test_link_lost_mid_paste(tui):
    """A paced paste and a server that goes away after five lines: only
    the lines written are shown as said (no echo-message here), and the
    rest are reported as not sent, not silently dropped."""
    t, c, ls = connect(tui)
    try:
        lines = ["paste line %02d" % i for i in range(14)]
        t.paste("\n".join(lines))
        t.wait(r"^send 14 lines\? \(y/n\)$")
        t.type("y")
        got = [c.expect("PRIVMSG", "#7").params[1] for _ in range(5)]
        c.sock.close()
        assert got == lines[:5]
        t.wait(r"-!- 9 queued lines were not sent")
        scr = t.screen()
        for line in lines[:5]:
            assert "<bob> " + line in scr
        for line in lines[5:]:
            assert line not in scr
        # They were shown as they went out, before the link went.
        assert scr.index("<bob> paste line 04") < \
            scr.index("disconnected: connection closed")
    finally:
        c.close()
        ls.close()
