"""Room history (issue 10): on joining, natter asks for what it missed
(or the latest page of a room never seen) and shows it before live lines,
dimmed, under a divider, never twice; PageUp past the top fetches older
pages down to "start of history"; /search asks the server or searches the
scrollback; the last message seen is kept in $XDG_STATE_HOME/natter/seen.

Against a scripted server first (exact replies, and hostile ones natterd
never sends), then against the real natterd, and against servers without
history (natterd --no-history, ngircd) where nothing changes."""

import os
import re
import socket
import threading

import pytest

from conftest import TIMEOUT, Client, joined
from test_link import ngircd  # noqa: F401 (a fixture)
from test_fake_server import Conn, memcheck, quit_clean, serve

DIVIDER = "\u2014 new since you left \u2014"
CAPS = "batch message-tags server-time draft/chathistory soju.im/search " \
    "echo-message"


def stamp(i):
    """A server-time, one second apart from the one before."""
    return "2026-12-03T10:%02d:%02d.000Z" % (i // 60, i % 60)


def hist_connect(tui, tmp_path, caps=CAPS, isupport="CHATHISTORY=50 "
                 "MSGREFTYPES=msgid,timestamp", rows=30, env=None, wrap=()):
    """natter -n bob -r 7 against a scripted server that offers caps,
    with XDG_STATE_HOME in tmp_path; up to the JOIN of #7 and its names:
    (tui, conn, listener, the CAP REQ natter sent)."""
    ls = serve()
    port = ls.getsockname()[1]
    state = tmp_path / "state"
    state.mkdir(exist_ok=True)
    e = {"XDG_STATE_HOME": str(state), "TZ": "UTC"}
    e.update(env or {})
    t = tui("-n", "bob", "-r", "7", "-p", str(port), env=e, rows=rows,
            wrap=wrap)
    sock, _ = ls.accept()
    c = Conn(sock)
    c.expect("CAP", "LS", "302")
    c.send(":fake CAP * LS :" + caps)
    req = c.expect("CAP", "REQ")
    c.send(":fake CAP bob ACK :" + req.params[-1])
    c.expect("CAP", "END")
    c.send(":fake 001 bob :Welcome bob!b@h")
    c.send(":fake 005 bob %s :are supported" % isupport)
    c.send(":fake 422 bob :No MOTD")
    c.expect("JOIN", "#7")
    c.send(":bob!b@h JOIN #7")
    c.send(":fake 353 bob = #7 :bob @alice")
    c.send(":fake 366 bob #7 :End")
    joined(t, "#7", 2)
    return t, c, ls, req.params[-1].split()


def history(c, ref, room, msgs, kind="chathistory"):
    """Send a batch of (msgid, time, nick, text) as the server would."""
    c.send(":fake BATCH +%s %s %s" % (ref, kind, room))
    for mid, when, nick, text in msgs:
        c.send("@batch=%s;time=%s;msgid=%s :%s!u@h PRIVMSG %s :%s"
               % (ref, when, mid, nick, room, text))
    c.send(":fake BATCH -%s" % ref)


def dim_at(row, text):
    """Is text in a captured row (capture-pane -e) drawn dim?"""
    dim = False
    for m in re.finditer(r"\x1b\[([0-9;]*)m", row[:row.index(text)]):
        for p in (m.group(1) or "0").split(";"):
            if p in ("0", "22"):
                dim = False
            elif p == "2":
                dim = True
    return dim


def page_up_until(t, pattern, tries=10):
    """PageUp until pattern is on the screen (a page may still be on its
    way while the first presses are read)."""
    for _ in range(tries):
        t.keys("PageUp")
        try:
            return t.wait(pattern, timeout=1)
        except AssertionError:
            pass
    return t.wait(pattern, timeout=1)


def rows_of(t, pattern):
    """Screen rows (top to bottom) that match pattern."""
    rx = re.compile(pattern)
    return [i for i, l in enumerate(t.lines()) if rx.search(l)]


def test_first_join_latest_page_marked(tui, tmp_path):
    """A room never seen: LATEST * with the server's page size; the page
    goes under the divider, dimmed, before a live line that came first."""
    t, c, ls, req = hist_connect(tui, tmp_path)
    try:
        for cap in ("batch", "message-tags", "server-time",
                    "draft/chathistory", "soju.im/search"):
            assert cap in req
        m = c.expect("CHATHISTORY")
        assert m.params == ["LATEST", "#7", "*", "50"]
        # Said while the history was on its way: it stays below it.
        c.send("@time=%s;msgid=live1 :alice!u@h PRIVMSG #7 :live one"
               % stamp(30))
        t.wait(r"<alice> live one")
        history(c, "h1", "#7", [("m%d" % i, stamp(i), "alice",
                                 "old %d" % i) for i in range(3)])
        t.wait(r"<alice> old 2")
        div = rows_of(t, DIVIDER)
        old = rows_of(t, r"<alice> old \d")
        live = rows_of(t, r"<alice> live one")
        assert len(div) == 1 and len(old) == 3 and len(live) == 1
        assert div[0] < old[0] < old[1] < old[2] < live[0]
        assert rows_of(t, r"start of history")
        # The history is dimmed (SGR 2) as a whole line, the live one not.
        scr = t.screen(color=True).split("\n")
        assert dim_at([l for l in scr if "old 1" in l][0], "old 1")
        assert not dim_at([l for l in scr if "live one" in l][0],
                          "live one")
    finally:
        c.close()
        ls.close()


def test_reconnect_catch_up_no_duplicates(tui, tmp_path):
    """After the link drops, AFTER msgid=<last seen>; lines the server
    sends twice (in the page and live) show once; a full page asks for
    the next one."""
    t, c, ls, _ = hist_connect(tui, tmp_path, isupport="CHATHISTORY=3")
    try:
        m = c.expect("CHATHISTORY")
        assert m.params == ["LATEST", "#7", "*", "3"]
        history(c, "h1", "#7", [])
        c.send("@time=%s;msgid=a1 :alice!u@h PRIVMSG #7 :before the cut"
               % stamp(1))
        t.wait(r"<alice> before the cut")
        c.close()
        t.wait(r"disconnected")
        sock, _ = ls.accept()
        c = Conn(sock)
        c.expect("CAP", "LS", "302")
        c.send(":fake CAP * LS :" + CAPS)
        req = c.expect("CAP", "REQ")
        c.send(":fake CAP bob ACK :" + req.params[-1])
        c.expect("CAP", "END")
        c.send(":fake 001 bob :Welcome bob!b@h")
        c.send(":fake 005 bob CHATHISTORY=3 :are supported")
        c.send(":fake 422 bob :No MOTD")
        c.expect("JOIN", "#7")
        c.send(":bob!b@h JOIN #7")
        m = c.expect("CHATHISTORY")
        assert m.params == ["AFTER", "#7", "msgid=a1", "3"]
        # m4 arrives live first, then again in the second page.
        c.send("@time=%s;msgid=m4 :alice!u@h PRIVMSG #7 :missed 4"
               % stamp(5))
        history(c, "h2", "#7", [("m%d" % i, stamp(1 + i), "alice",
                                 "missed %d" % i) for i in (1, 2, 3)])
        m = c.expect("CHATHISTORY")
        assert m.params == ["AFTER", "#7", "msgid=m3", "3"]
        history(c, "h3", "#7", [("m4", stamp(5), "alice", "missed 4"),
                                ("m3", stamp(4), "alice", "missed 3")])
        c.send("@time=%s;msgid=m5 :alice!u@h PRIVMSG #7 :live 5"
               % stamp(6))
        t.wait(r"<alice> live 5")
        scr = t.screen()
        for i in (1, 2, 3, 4):
            assert scr.count("missed %d" % i) == 1, scr
        assert scr.count("before the cut") == 1
        rows = [rows_of(t, "missed %d" % i)[0] for i in (1, 2, 3, 4)]
        assert rows == sorted(rows)
        assert rows_of(t, DIVIDER)[0] < rows[0]
        assert rows_of(t, "before the cut")[0] < rows_of(t, DIVIDER)[0]
    finally:
        c.close()
        ls.close()


def test_scroll_up_fetches_older_until_start(tui, tmp_path):
    t, c, ls, _ = hist_connect(tui, tmp_path, isupport="CHATHISTORY=5",
                               rows=12)
    try:
        c.expect("CHATHISTORY")
        history(c, "h1", "#7", [("m%d" % i, stamp(i), "alice",
                                 "line %d" % i) for i in range(20, 25)])
        t.wait(r"<alice> line 24")
        t.keys("PageUp")
        t.keys("PageUp")
        m = c.expect("CHATHISTORY")
        assert m.params == ["BEFORE", "#7", "msgid=m20", "5"]
        t.wait(r"loading\u2026")
        history(c, "h2", "#7", [("m%d" % i, stamp(i), "alice",
                                 "line %d" % i) for i in range(15, 20)])
        t.wait(r"<alice> line 19")
        t.wait_not(r"loading\u2026")
        t.keys("PageUp")
        t.keys("PageUp")
        m = c.expect("CHATHISTORY")
        assert m.params == ["BEFORE", "#7", "msgid=m15", "5"]
        # A short page: the start of the room's history.
        history(c, "h3", "#7", [("m%d" % i, stamp(i), "alice",
                                 "line %d" % i) for i in range(13, 15)])
        page_up_until(t, r"start of history")
        t.wait(r"<alice> line 13")
        rows = rows_of(t, r"start of history|line 13|line 14")
        assert len(rows) == 3 and rows == sorted(rows)
        # No more requests once the start is in.
        t.keys("PageUp")
        c.send("PING :x")
        c.expect("PONG")
        assert len([l for l in c.lines if l.startswith("CHATHISTORY")]) == 3
    finally:
        c.close()
        ls.close()


def test_server_search(tui, tmp_path):
    t, c, ls, _ = hist_connect(tui, tmp_path)
    try:
        c.expect("CHATHISTORY")
        history(c, "h1", "#7", [])
        t.enter("/search red; apples")
        m = c.expect("SEARCH")
        assert m.params == ["in=#7;text=red\\:\\sapples;limit=100"]
        c.send(":fake BATCH +s2 soju.im/search")
        c.send("@batch=s2;time=2026-11-30T08:15:00.000Z;msgid=x1 "
               ":carol!u@h PRIVMSG #7 :red; apples are best")
        c.send(":fake BATCH -s2")
        t.wait(r"search for \"red; apples\" in #7")
        t.wait(r"2026-11-30 <carol> red; apples are best")
        t.wait(r"^08:15 2026-11-30")
        t.wait(r"1 result")
        t.enter("/search nothing")
        c.expect("SEARCH")
        c.send("FAIL SEARCH INVALID_PARAMS :nope")
        t.wait(r"search failed \(INVALID_PARAMS\): nope")
    finally:
        c.close()
        ls.close()


def test_hostile_batches(tui, tmp_path):
    """A batch that never ends, BATCH - for an unknown ref, history for a
    room not joined, bad time tags, a page longer than asked, escapes in
    msgids: natter stays up, shows what it asked for only, and goes on."""
    t, c, ls, _ = hist_connect(tui, tmp_path, isupport="CHATHISTORY=4",
                               wrap=memcheck(tmp_path))
    try:
        c.expect("CHATHISTORY", timeout=TIMEOUT * 2)
        c.send(":fake BATCH -nosuch")
        c.send(":fake BATCH +forever chathistory #7")
        for i in range(3):
            c.send("@batch=forever;msgid=f%d :eve!u@h PRIVMSG #7 :never "
                   "ends %d" % (i, i))
        # Unasked: a batch for another room, lines of it, its end.
        history(c, "o1", "#other", [("o%d" % i, stamp(i), "eve",
                                     "other room") for i in range(3)])
        # More batches than natter keeps open at once.
        for i in range(20):
            c.send(":fake BATCH +open%d chathistory #7" % i)
        c.send("@batch=open19;time=garbage;msgid=bad\\sid\\: :eve!u@h "
               "PRIVMSG #7 :bad time")
        c.send("@batch=open19;time=99999-99-99T99:99:99Z;msgid=z :eve!u@h "
               "PRIVMSG #7 :bad year")
        c.send("@batch=open19;msgid=z2 :eve!u@h JOIN #7")
        c.send("@batch=open19;msgid=z3 :eve!u@h PRIVMSG #other :elsewhere")
        # The server's own: a NOTICE is shown, a PRIVMSG or CTCP not.
        c.send("@batch=open19;msgid=z5 :fake PRIVMSG #7 :server privmsg")
        c.send("@batch=open19;msgid=z6 :fake NOTICE #7 :\x01VERSION\x01")
        c.send("@batch=open19;msgid=z7 :fake NOTICE #7 :History is missing")
        # A batch inside it (natter asked for no event-playback).
        c.send("@batch=open19 :fake BATCH +n1 netsplit a b")
        c.send("@batch=n1;msgid=z4 :eve!u@h PRIVMSG #7 :nested")
        c.send("@batch=open19 :fake BATCH -n1")
        for i in range(10):
            c.send("@batch=open19;time=%s;msgid=p%d :eve!u@h PRIVMSG #7 "
                   ":page %d" % (stamp(i), i, i))
        c.send(":fake BATCH -open19")
        t.wait(r"<eve> page 0")
        t.wait(r"-fake- History is missing")
        scr = t.screen()
        assert "never ends" not in scr and "other room" not in scr
        assert "elsewhere" not in scr and "has joined" not in scr
        assert "nested" not in scr and "server privmsg" not in scr
        assert "VERSION" not in scr
        # Asked for 4: no more than that many lines were kept.
        assert len(rows_of(t, r"<eve> (bad time|bad year|page \d)|"
                              r"-fake- History")) == 4
        c.send(":alice!u@h PRIVMSG #7 :still alive")
        t.wait(r"<alice> still alive")
        assert t.dead() is None
        quit_clean(t, c, tmp_path)
    finally:
        c.close()
        ls.close()


def test_no_history_caps_nothing_changes(tui, tmp_path):
    """A server without chathistory: no request, no divider, PageUp does
    nothing new, /search looks in the scrollback."""
    t, c, ls, req = hist_connect(tui, tmp_path, caps="server-time",
                                 isupport="PREFIX=(ov)@+")
    try:
        assert req == ["server-time"]
        c.send(":alice!u@h PRIVMSG #7 :hello apples")
        c.send(":alice!u@h PRIVMSG #7 :hello pears")
        t.wait(r"<alice> hello pears")
        t.keys("PageUp")
        t.enter("/search APPLES")
        t.wait(r"search for \"APPLES\" in #7 \(this window's scrollback\)")
        t.wait(r"<alice> hello apples")
        t.wait(r"1 result")
        assert "hello pears" not in t.screen()
        c.send("PING :x")
        c.expect("PONG")
        assert not [l for l in c.lines if l.startswith("CHATHISTORY") or
                    l.startswith("SEARCH")]
        assert DIVIDER not in "\n".join(t.seen)
    finally:
        c.close()
        ls.close()


def test_seen_file_written_atomically(tui, tmp_path):
    t, c, ls, _ = hist_connect(tui, tmp_path)
    try:
        c.expect("CHATHISTORY")
        history(c, "h1", "#7", [("m1", stamp(1), "alice", "one")])
        c.send("@time=%s;msgid=live\\s2 :alice!u@h PRIVMSG #7 :bad id"
               % stamp(2))
        c.send("@time=%s;msgid=L3 :alice!u@h PRIVMSG #7 :three" % stamp(3))
        t.wait(r"<alice> three")
        t.enter("/quit")
        c.expect("QUIT")
        c.close()
        assert t.wait_dead() == 0
        path = tmp_path / "state" / "natter" / "seen"
        lines = path.read_text().splitlines()
        assert lines == ["127.0.0.1/%d\t#7\tL3\t%s" % (ls.getsockname()[1],
                                                      stamp(3))]
        assert (path.stat().st_mode & 0o777) == 0o600
        assert os.listdir(path.parent) == ["seen"]
    finally:
        c.close()
        ls.close()


def natter_log(t):
    """natter's -v log so far."""
    out = ""
    for name in os.listdir(t.dir):
        if name.startswith("natter-") and name.endswith(".log"):
            with open(os.path.join(t.dir, name), errors="replace") as f:
                out += f.read()
    return out


def test_ngircd_nothing_changes(ngircd, tui, tmp_path):
    """Debian's ngircd keeps no history: natter asks for none, shows no
    divider, PageUp only scrolls, /search looks in the scrollback."""
    alice = Client(ngircd, "alice").join("#7")
    try:
        t = tui("-n", "bob", "-r", "7", "-p", str(ngircd),
                env={"XDG_STATE_HOME": str(tmp_path / "state")})
        joined(t, "#7", 2)
        alice.expect("JOIN", "#7", timeout=TIMEOUT * 2)
        alice.send("PRIVMSG #7 :plain old irc")
        alice.send("PRIVMSG #7 :nothing else")
        t.wait(r"<alice> nothing else")
        t.keys("PageUp")
        t.enter("/search OLD irc")
        t.wait(r"search for \"OLD irc\" in #7 \(this window's scrollback\)")
        t.wait(r"<alice> plain old irc")
        t.wait(r"1 result")
        t.enter("/quit")
        assert t.wait_dead() == 0
        log = natter_log(t)
        assert ">> CHATHISTORY" not in log and ">> SEARCH" not in log
        assert DIVIDER not in "\n".join(t.seen)
        assert "loading" not in "\n".join(t.seen)
        # Nothing with a msgid was seen: nothing to remember.
        assert not (tmp_path / "state" / "natter" / "seen").exists()
    finally:
        alice.close()


# --- Against the real natterd ----------------------------------------------

class Proxy:
    """A TCP relay in front of natterd, to cut natter's link without
    stopping the server (which keeps the history). While held, a new
    connection waits before it is relayed."""

    def __init__(self, port):
        self.port_to = port
        self.ls = socket.socket()
        self.ls.bind(("127.0.0.1", 0))
        self.ls.listen(4)
        self.port = self.ls.getsockname()[1]
        self.socks = []
        self.lock = threading.Lock()
        self.go = threading.Event()
        self.go.set()
        self.accepts = 0
        self.done = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.done:
            try:
                a, _ = self.ls.accept()
            except OSError:
                return
            with self.lock:
                self.accepts += 1
            if not self.go.wait(TIMEOUT * 2) or self.done:
                a.close()
                continue
            b = socket.create_connection(("127.0.0.1", self.port_to))
            with self.lock:
                self.socks += [a, b]
            threading.Thread(target=self._pump, args=(a, b),
                             daemon=True).start()
            threading.Thread(target=self._pump, args=(b, a),
                             daemon=True).start()

    @staticmethod
    def _pump(src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self):
        """Drop every relayed connection; hold new ones until release()."""
        self.go.clear()
        with self.lock:
            socks, self.socks = self.socks, []
        for s in socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def release(self):
        self.go.set()

    def close(self):
        self.done = True
        self.go.set()
        self.ls.close()
        self.cut()


@pytest.fixture
def proxy():
    made = []

    def make(port):
        p = Proxy(port)
        made.append(p)
        return p

    yield make
    for p in made:
        p.close()


def natter_on(tui, port, tmp_path, **kw):
    return tui("-n", "bob", "-r", "7", "-p", str(port),
               env={"XDG_STATE_HOME": str(tmp_path / "state"), "TZ": "UTC"},
               **kw)


def count_on_screen(t, text):
    return sum(1 for l in t.lines() if text in l)


def test_natterd_away_for_n_messages_reconnect(srv, peer, proxy, tui,
                                               tmp_path):
    """A client away for N messages gets exactly those N on reconnect:
    the link is cut (the server keeps running), alice says N things, and
    natter, back, shows each once, in order, under the divider, before
    what is said live after."""
    n = 7
    alice = peer("alice").join("#7")
    p = proxy(srv.port)
    t = natter_on(tui, p.port, tmp_path)
    joined(t, "#7", 2)
    alice.expect("JOIN", "#7")
    alice.send("PRIVMSG #7 :seen before")
    t.wait(r"<alice> seen before")
    p.cut()
    t.wait(r"disconnected")
    alice.expect("QUIT")
    for i in range(1, n + 1):
        alice.send("PRIVMSG #7 :away %d of %d" % (i, n))
    alice.sync()
    p.release()
    alice.expect("JOIN", "#7", timeout=TIMEOUT * 2)
    t.wait(r"<alice> away %d of %d" % (n, n))
    alice.send("PRIVMSG #7 :live again")
    t.wait(r"<alice> live again")
    t.settle()
    for i in range(1, n + 1):
        assert count_on_screen(t, "away %d of %d" % (i, n)) == 1, t.screen()
    assert count_on_screen(t, "seen before") == 1
    assert count_on_screen(t, DIVIDER) == 1
    rows = [rows_of(t, "away %d of" % i)[0] for i in range(1, n + 1)]
    assert rows == sorted(rows)
    assert rows_of(t, "seen before")[0] < rows_of(t, DIVIDER)[0] < rows[0]
    assert rows[-1] < rows_of(t, "live again")[0]
    # Exactly N came in the history batch.
    log = natter_log(t)
    assert len(re.findall(r"<< @batch=\S+ :alice!\S+ PRIVMSG #7 :away",
                          log)) == n
    assert not re.findall(r"<< @batch=\S+ :alice!\S+ PRIVMSG #7 :seen",
                          log)


def test_natterd_away_for_n_messages_restart(srv, peer, tui, tmp_path):
    """The same across runs of natter: the seen file says where it was."""
    n = 5
    alice = peer("alice").join("#7")
    t = natter_on(tui, srv.port, tmp_path)
    joined(t, "#7", 2)
    alice.send("PRIVMSG #7 :first run")
    t.wait(r"<alice> first run")
    t.enter("/quit")
    assert t.wait_dead() == 0
    alice.expect("QUIT")
    for i in range(1, n + 1):
        alice.send("PRIVMSG #7 :while gone %d" % i)
    alice.sync()
    t2 = natter_on(tui, srv.port, tmp_path)
    t2.wait(r"<alice> while gone %d" % n)
    t2.settle()
    for i in range(1, n + 1):
        assert count_on_screen(t2, "while gone %d" % i) == 1
    assert count_on_screen(t2, "first run") == 0
    assert count_on_screen(t2, DIVIDER) == 1


def test_natterd_first_join_and_older_pages(srv, peer, tui, tmp_path):
    """A room never seen: the latest 100, under the divider, dimmed; PageUp
    past the top fetches the 30 before, then "start of history"."""
    alice = peer("alice").join("#7")
    for i in range(130):
        alice.send("PRIVMSG #7 :said %03d" % i)
    alice.sync()
    t = natter_on(tui, srv.port, tmp_path)
    joined(t, "#7", 2)
    t.wait(r"<alice> said 129")
    scr = t.screen(color=True).split("\n")
    assert dim_at([l for l in scr if "said 129" in l][0], "said 129")
    log = natter_log(t)
    assert ">> CHATHISTORY LATEST #7 * 100" in log
    page_up_until(t, r"<alice> said 029|loading", tries=30)
    page_up_until(t, r"start of history", tries=30)
    t.wait(r"<alice> said 000")
    assert ">> CHATHISTORY BEFORE #7 msgid=" in natter_log(t)
    rows = rows_of(t, r"start of history|said 000|said 001")
    assert len(rows) == 3 and rows == sorted(rows)


def test_natterd_search(srv, peer, tui, tmp_path):
    alice = peer("alice").join("#7")
    alice.send("PRIVMSG #7 :the quick brown fox")
    alice.send("PRIVMSG #7 :a slow brown dog")
    alice.sync()
    t = natter_on(tui, srv.port, tmp_path)
    joined(t, "#7", 2)
    t.wait(r"<alice> a slow brown dog")
    t.enter("/search quick fox")
    t.wait(r"search for \"quick fox\" in #7:")
    t.wait(r"\d{4}-\d\d-\d\d <alice> the quick brown fox")
    t.wait(r"1 result")
    assert "slow brown dog" not in t.screen()
    # The log escapes the backslash of \s.
    assert re.search(r">> SEARCH in=#7;text=quick\\+sfox;limit=100$",
                     natter_log(t), re.M)


def test_natterd_no_history_nothing_changes(natterd, peer, tui, tmp_path):
    srv = natterd(args=("--flood-rate", "0", "--max-per-ip", "0",
                        "--no-history"))
    alice = Client(srv.port, "alice").join("#7")
    try:
        alice.send("PRIVMSG #7 :before natter came")
        alice.sync()
        t = natter_on(tui, srv.port, tmp_path)
        joined(t, "#7", 2)
        alice.send("PRIVMSG #7 :hello there")
        t.wait(r"<alice> hello there")
        assert "before natter came" not in t.screen()
        t.keys("PageUp")
        t.enter("/search HELLO")
        t.wait(r"\(this window's scrollback\)")
        t.wait(r"1 result")
        log = natter_log(t)
        assert ">> CHATHISTORY" not in log and ">> SEARCH" not in log
        assert DIVIDER not in "\n".join(t.seen)
    finally:
        alice.close()
