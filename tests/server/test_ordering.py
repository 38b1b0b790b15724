"""Ordering and completeness under load: many senders in one room."""

import select
import time

from conftest import Client, TIMEOUT

NCLIENTS = 20
NMSGS = 200


def test_many_senders_one_room(srv):
    cs = [Client(srv.port, "talker%02d" % i).join("#busy")
          for i in range(NCLIENTS)]
    for c in cs:
        c.sync()
    # Every member receives: sender -> list of sequence numbers.
    got = [dict((o.nick, []) for o in cs if o is not c) for c in cs]
    expected = NMSGS * (NCLIENTS - 1)
    count = [0] * NCLIENTS
    by_sock = dict((c.sock.fileno(), i) for i, c in enumerate(cs))

    def collect(timeout):
        r, _, _ = select.select([c.sock for c in cs], [], [], timeout)
        for s in r:
            i = by_sock[s.fileno()]
            for m in cs[i].drain(0):
                if m.command != "PRIVMSG":
                    continue
                assert m.params[0] == "#busy", m
                sender, seq = m.params[1].split()
                assert m.nick == sender, m
                got[i][sender].append(int(seq))
                count[i] += 1

    # Interleave senders: ten messages from each, round after round,
    # reading as we go.
    for base in range(0, NMSGS, 10):
        for c in cs:
            c.send_raw(b"".join(b"PRIVMSG #busy :%s %d\r\n" % (
                c.nick.encode(), k) for k in range(base, base + 10)))
        collect(0)
    end = time.monotonic() + 6 * TIMEOUT
    while min(count) < expected:
        assert time.monotonic() < end, "received %s of %d" % (count,
                                                              expected)
        collect(0.2)
    for c in cs:
        c.sync()
    collect(0)
    for i, c in enumerate(cs):
        assert c.nick not in got[i], "%s got its own messages" % c.nick
        for sender, seqs in got[i].items():
            assert seqs == list(range(NMSGS)), (c.nick, sender, seqs[:20])
    assert count == [expected] * NCLIENTS
