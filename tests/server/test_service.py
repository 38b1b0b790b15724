"""Running natterd as a service: --user drops root after the listeners
are open, and contrib/natterd.service passes systemd-analyze verify."""

import os
import re
import shutil
import subprocess
import tempfile

from conftest import NATTERD, TIMEOUT, TOP, Client


def test_user_drops_root(natterd):
    if os.geteuid() != 0:
        s = natterd("--user", "nobody")
        s.wait_log(r"--user nobody: not started as root")
        return
    # The state directory belongs to the service user, as systemd's
    # StateDirectory= makes it.
    state = tempfile.mkdtemp(prefix="natterd-nobody-")
    nobody_uid = int(subprocess.run(["id", "-u", "nobody"],
                                    capture_output=True, text=True).stdout)
    os.chown(state, nobody_uid, -1)
    try:
        s = natterd("--user", "nobody", state=state)
        user_dropped(s)
    finally:
        shutil.rmtree(state, ignore_errors=True)


def user_dropped(s):
    s.wait_log(r"running as nobody \(uid \d+")
    with open("/proc/%d/status" % s.pid) as f:
        uids = re.search(r"^Uid:\s+(.*)$", f.read(), re.M).group(1).split()
    nobody = subprocess.run(["id", "-u", "nobody"], capture_output=True,
                            text=True).stdout.strip()
    assert uids == [nobody] * 4, uids
    Client(s.port, "alice").join("#1")


def test_user_unknown():
    p = subprocess.run([NATTERD, "--listen", "127.0.0.1:0", "--user",
                        "no-such-user-here"], capture_output=True,
                       text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    assert p.returncode != 0
    assert "--user no-such-user-here: no such user" in p.stderr


def test_systemd_unit_verifies(tmp_path):
    if shutil.which("systemd-analyze") is None:
        print("systemd-analyze is not installed: the unit is not checked")
        return
    with open(os.path.join(TOP, "contrib", "natterd.service")) as f:
        unit = f.read()
    assert re.search(r"^ProtectSystem=strict$", unit, re.M)
    assert re.search(r"^NoNewPrivileges=yes$", unit, re.M)
    assert re.search(r"^ExecReload=/bin/kill -HUP \$MAINPID$", unit, re.M)
    assert re.search(r"^Type=(exec|notify)$", unit, re.M)
    # The installed path is not there yet: point at the build.
    path = tmp_path / "natterd.service"
    path.write_text(unit.replace("/usr/local/sbin/natterd",
                                 os.path.abspath(NATTERD)))
    p = subprocess.run(["systemd-analyze", "verify", "--man=no", str(path)],
                       capture_output=True, text=True, timeout=60)
    # It warns and exits 0 on a bad line: nothing may be said at all.
    assert p.returncode == 0 and p.stdout + p.stderr == "", \
        p.stdout + p.stderr
