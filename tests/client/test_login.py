"""Registration state belongs to one connection: a CAP LS reply cut
short by a lost link must not carry over into the next connection."""

from test_fake_server import Conn, serve


def test_cap_ls_cut_short(tui):
    ls = serve()
    port = ls.getsockname()[1]
    t = tui("-n", "bob", "-r", "7", "-p", str(port))
    sock, _ = ls.accept()
    c = Conn(sock)
    try:
        c.expect("CAP", "LS", "302")
        # The first line of a multi-line LS, then the link goes.
        c.send(":fake CAP * LS * :echo-message server-time")
        c.expect("NICK", "bob")
        c.close()
        sock, _ = ls.accept()
        c = Conn(sock)
        c.expect("CAP", "LS", "302")
        c.expect("NICK", "bob")
        c.expect("USER")                # again, on the new connection
        c.send(":fake CAP * LS :away-notify")
        # Nothing natter uses is offered this time: no REQ, just END.
        m = c.expect("CAP")
        assert m.params[-1] == "END", m.params
        c.send(":fake 001 bob :Welcome bob!b@h")
        c.expect("JOIN", "#7")
        t.wait(r"Welcome bob")
    finally:
        c.close()
        ls.close()
