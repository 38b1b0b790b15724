"""natterd's command line, from the options table in server/config.c:
--help lists every option with its default, a bad value is a usage error
(exit 64) that names the option, and the defaults are what a server
started without options uses."""

import re
import subprocess

from conftest import NATTERD, TIMEOUT, Client

# Option, a value below its range, one above it, the last one allowed.
RANGES = [
    ("--flood-burst", "0", "100001", "100000"),
    ("--history-max-days", "-1", "36501", "36500"),
    ("--history-max-lines", "-1", "1000000001", "0"),
    ("--history-replay", "-1", "1001", "1000"),
    ("--max-channels", "0", "10001", "10000"),
    ("--max-clients", "0", "1000001", "1000000"),
    ("--max-per-ip", "-1", "1000001", "0"),
    ("--multiline-max-bytes", "0", "65537", "65536"),
    ("--multiline-max-lines", "0", "1001", "1000"),
    ("--ping-interval", "0", "86401", "86400"),
    ("--ping-timeout", "0", "86401", "1"),
    ("--recvq", "9726", "1073741825", "9727"),
    ("--reg-timeout", "0", "86401", "86400"),
    ("--sendq", "4095", "1073741825", "4096"),
]


def run(*args):
    return subprocess.run([NATTERD] + list(args), capture_output=True,
                          text=True, timeout=TIMEOUT,
                          stdin=subprocess.DEVNULL)


def help_options():
    """{option: default or None} from natterd --help."""
    p = run("--help")
    assert p.returncode == 0 and p.stderr == ""
    text = re.sub(r"\n {24}", " ", p.stdout)
    opts = {}
    for line in text.splitlines():
        m = re.match(r"^  (?:-\w, )?--([a-z-]+)", line)
        if m:
            d = re.search(r"[(;] ?default ([^)]*)\)", line)
            opts[m.group(1)] = d.group(1) if d else None
    return opts


def test_help_lists_every_option_with_its_default():
    opts = help_options()
    assert opts == {
        "check-config": None, "cluster": None, "cluster-lease": "10",
        "cluster-prefix": "natter", "config": None, "flood-burst": "20",
        "flood-rate": "4", "hash-password": None,
        "help": None, "history-db": None, "history-max-days": "30",
        "history-max-lines": "10000", "history-replay": "0",
        "listen": "127.0.0.1:6667", "log-level": "info",
        "max-channels": "20", "max-clients": "1024", "max-per-ip": "16",
        "motd": None, "multiline-max-bytes": "4096",
        "multiline-max-lines": "100", "name": "natterd", "network": "natter",
        "no-history": None, "node": None,
        "password": None, "ping-interval": "120", "ping-timeout": "60",
        "recvq": "16384", "reg-timeout": "60", "sendq": "1048576",
        "state-dir": None,
        "tls-cert": None, "tls-key": None, "tls-listen": None, "user": None,
        "version": None}, opts
    assert run("-h").stdout == run("--help").stdout


def test_version():
    p = run("-V")
    assert p.returncode == 0 and re.match(r"^natterd \d+\.\d+", p.stdout)


def test_numbers_out_of_range_name_the_option():
    for opt, low, high, ok in RANGES:
        for bad in (low, high, "", "12x", "0x10", "5 "):
            p = run(opt, bad, "--listen", "127.0.0.1:0", "-V")
            assert p.returncode == 64, (opt, bad, p.stderr)
            assert p.stderr.startswith("natterd: %s: " % opt), p.stderr
        # In range, the option is taken (and -V then exits 0).
        p = run(opt + "=" + ok, "-V")
        assert p.returncode == 0, (opt, ok, p.stderr)


def test_other_bad_values_are_usage_errors():
    for args, what in (
            (["--flood-rate", "-1"], "--flood-rate"),
            (["--flood-rate", "fast"], "--flood-rate"),
            (["--log-level", "loud"], "--log-level"),
            (["--name", "a b"], "--name"),
            (["--name", "x!y"], "--name"),
            (["--name", ""], "--name"),
            (["--name", "n" * 64], "--name"),
            (["--network", "a b"], "--network"),
            (["--network", b"\xff"], "--network"),
            (["--listen", "6667"], "--listen"),
            (["--listen", "[::1]6667"], "--listen"),
            (["--listen", "127.0.0.1:65536"], "--listen"),
            (["--listen", "127.0.0.1:http"], "--listen"),
            (["--tls-listen", "127.0.0.1"], "--tls-listen")):
        p = run(*(args + ["-V"]))
        assert p.returncode == 64, (args, p.stderr)
        assert p.stderr.startswith("natterd: %s: " % what), (args, p.stderr)
    p = run("--no-such-option")
    assert p.returncode == 64 and "usage: natterd" in p.stderr
    p = run("stray")
    assert p.returncode == 64 and "usage: natterd" in p.stderr


def test_too_many_listeners():
    args = []
    for _ in range(17):
        args += ["--listen", "127.0.0.1:0"]
    p = run(*args)
    assert p.returncode == 64 and "more than 16" in p.stderr, p.stderr


def test_defaults_are_in_effect(natterd):
    s = natterd()
    c = Client(s.port, "deflt")
    c.send("VERSION")
    toks = []
    for m in c.sync():
        if m.command == "005":
            toks += m.params[1:-1]
    assert "CHANLIMIT=#:20" in toks and "NETWORK=natter" in toks, toks
    c.send("PING x")
    assert c.expect("PONG").prefix == "natterd"
