#!/usr/bin/python3
"""Run every natter test suite and print one summary line.

Usage: tests/run.py --build DIR [--san-build DIR] [--sanitized]
                    [--only SUITE,...] [--busy N] [--no-valgrind] [-j N]

Each suite prints one line per test (PASS/FAIL name); the last line is
"SUMMARY: N passed, M failed". The exit status is non-zero if anything
failed, was skipped, or if no test ran at all. With --san-build, the unit,
server and client suites run a second time against the ASan+UBSan build.
Then part of the server suite (VALGRIND_TESTS) runs once more with natterd
under valgrind's memcheck, tagged "valgrind:"; --no-valgrind leaves it out.

With -j 2 (the default) the plain build's suites and the sanitizer
build's (then the fuzzers) run at the same time, each in a lane of its
own, with the valgrind files shared out between them (VALGRIND_SAN_LANE);
-j 1 runs the lanes one after the other. Every test has its own
ports, tmux server and directories, so the lanes do not meet.

--sanitized says the --build itself is an ASan+UBSan build (make sanitize):
its tests are tagged "san:" and valgrind is left out. --only runs some of
the suites: unit, server, client, lint, valgrind, fuzz. --busy N keeps N
CPU-bound processes running beside the tests, as on a shared machine: the
suite must pass with both cores busy.
"""

import argparse
import atexit
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
results = []          # (name, ok, detail)
results_lock = threading.Lock()

# The server tests run under valgrind: the ones that go through most of
# natterd's code, errors and closes included, in about a minute and a half.
VALGRIND_TESTS = ["test_smoke.py", "test_registration.py", "test_channels.py",
                  "test_messages.py", "test_users.py", "test_robustness.py",
                  "test_seams.py", "test_options.py", "test_config.py",
                  "test_monitor.py", "test_modes.py", "test_tags.py",
                  "test_history.py", "test_cluster.py"]
# With a sanitizer lane, these (about two fifths of valgrind's time) run
# in it after its own suites and the fuzzers, the rest in the plain lane,
# so that the two lanes end together: valgrind is the longest part.
VALGRIND_SAN_LANE = ["test_history.py", "test_modes.py", "test_config.py",
                     "test_users.py"]


SUITES = ("unit", "server", "client", "lint", "valgrind", "fuzz")


def record(name, ok, detail=""):
    text = "%s %s\n" % ("PASS" if ok else "FAIL", name)
    if not ok and detail:
        for line in detail.rstrip().splitlines()[-40:]:
            text += "    " + line + "\n"
    # One write under the lock: the lanes' lines never interleave.
    with results_lock:
        results.append((name, ok, detail))
        sys.stdout.write(text)
        sys.stdout.flush()


def state_dir():
    """A scratch directory of its own, removed at exit."""
    d = tempfile.mkdtemp(prefix="natter-tests-state-")
    atexit.register(shutil.rmtree, d, True)
    return d


def env_for(build, san):
    env = dict(os.environ)
    env["LC_ALL"] = "C.UTF-8"
    env["LANG"] = "C.UTF-8"
    env["NATTER_BUILD"] = os.path.join(TOP, build)
    env["NATTERD"] = os.path.join(TOP, build, "natterd")
    env["NATTER"] = os.path.join(TOP, build, "natter")
    # A natterd a test starts by hand keeps its history here, never in
    # /var/lib/natterd or ~/.local/state (the harness gives each server
    # of its own a fresh directory); each lane has its own.
    env["STATE_DIRECTORY"] = state_dir()
    if san:
        env["ASAN_OPTIONS"] = "detect_leaks=1:abort_on_error=0:exitcode=86"
        env["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"
        env["NATTER_SANITIZED"] = "1"
    return env


def run_unit(build, tag, env):
    bins = sorted(glob.glob(os.path.join(TOP, build, "tests", "unit",
                                         "test_*")))
    if not bins:
        record("%sunit" % tag, False, "no unit test binaries in " + build)
    for b in bins:
        name = os.path.basename(b)
        e = dict(env, CMOCKA_MESSAGE_OUTPUT="TAP")
        try:
            p = subprocess.run([b], env=e, capture_output=True, text=True,
                               timeout=120, errors="replace")
        except subprocess.TimeoutExpired:
            record("%sunit/%s" % (tag, name), False, "timed out")
            continue
        seen = 0
        for line in p.stdout.splitlines():
            m = re.match(r"^(not ok|ok) \d+ - (.*)$", line)
            if m:
                seen += 1
                record("%sunit/%s/%s" % (tag, name, m.group(2)),
                       m.group(1) == "ok", p.stdout + p.stderr)
        if p.returncode != 0 and all(ok for n, ok, _ in results
                                     if n.startswith("%sunit/%s/" %
                                                     (tag, name))):
            record("%sunit/%s" % (tag, name), False,
                   "exit %d\n%s%s" % (p.returncode, p.stdout, p.stderr))
        elif seen == 0:
            record("%sunit/%s" % (tag, name), False,
                   "no TAP output\n" + p.stdout + p.stderr)


def run_pytest(suite, tag, env, timeout, files=None):
    """Run tests/<suite> (only files, if given) and record each test."""
    d = os.path.join(TOP, "tests", suite)
    if not glob.glob(os.path.join(d, "test_*.py")):
        return
    with tempfile.TemporaryDirectory() as tmp:
        xml = os.path.join(tmp, "junit.xml")
        cmd = ["/usr/bin/python3", "-m", "pytest", "-q", "-p",
               "no:cacheprovider", "--junitxml", xml, "-o",
               "junit_family=xunit1"]
        cmd += [os.path.join(d, f) for f in files] if files else [d]
        t0 = time.monotonic()
        try:
            p = subprocess.run(cmd, env=env, capture_output=True, text=True,
                               timeout=timeout, errors="replace", cwd=TOP)
            out = p.stdout + p.stderr
        except subprocess.TimeoutExpired as e:
            record("%s%s" % (tag, suite), False,
                   "pytest timed out after %ds\n%s" % (timeout, e.stdout))
            return
        if not os.path.exists(xml):
            record("%s%s" % (tag, suite), False, out)
            return
        n = 0
        for tc in ET.parse(xml).getroot().iter("testcase"):
            n += 1
            name = "%s%s/%s::%s" % (tag, suite,
                                    tc.get("classname", "").split(".")[-1],
                                    tc.get("name"))
            bad = [c for c in tc if c.tag in ("failure", "error",
                                              "skipped")]
            detail = ""
            for c in bad:
                detail += "%s: %s\n%s\n" % (c.tag, c.get("message", ""),
                                            c.text or "")
            record(name, not bad, detail)
        if n == 0 or p.returncode not in (0, 1):
            record("%s%s" % (tag, suite), False,
                   "pytest exit %d\n%s" % (p.returncode, out))
        print("(%s%s: %d tests in %.0f s)" % (tag, suite, n,
                                             time.monotonic() - t0),
              flush=True)


def run_valgrind(env, files):
    """VALGRIND_TESTS files with natterd under memcheck: any error or leak
    makes the wrapper exit 99, which fails the test that stopped it."""
    if shutil.which("valgrind") is None:
        record("valgrind:server", False,
               "valgrind is not installed (make deps-check installs it)")
        return
    env = dict(env, NATTER_VALGRIND="1",
               NATTERD=os.path.join(TOP, "tests", "server",
                                    "valgrind-natterd.sh"))
    run_pytest("server", "valgrind:", env, 900, files=files)


def run_cmd(name, cmd, env, must_be_silent=False):
    try:
        p = subprocess.run(cmd, env=env, capture_output=True, text=True,
                           timeout=120, cwd=TOP, errors="replace")
    except subprocess.TimeoutExpired:
        record(name, False, "timed out")
        return
    out = p.stdout + p.stderr
    ok = p.returncode == 0 and not (must_be_silent and out.strip())
    record(name, ok, out)


def run_fuzz(seconds):
    """Run each libFuzzer harness on a scratch copy of its seed corpus."""
    fuzzers = sorted(glob.glob(os.path.join(TOP, "build-fuzz", "*-fuzzer")))
    if not fuzzers:
        record("fuzz", False, "no fuzzers in build-fuzz/ (make fuzz-build)")
    for f in fuzzers:
        name = os.path.basename(f)
        seeds = os.path.join(TOP, "fuzz", "corpus", name[:-len("-fuzzer")])
        with tempfile.TemporaryDirectory() as tmp:
            corpus = os.path.join(tmp, "corpus")
            shutil.copytree(seeds, corpus)
            cmd = [f, "-max_total_time=%d" % seconds, "-timeout=10",
                   "-rss_limit_mb=2048", "-print_final_stats=1",
                   "-artifact_prefix=%s/" % tmp, corpus]
            try:
                p = subprocess.run(cmd, capture_output=True, text=True,
                                   timeout=seconds + 120, errors="replace")
                out = p.stdout + p.stderr
                ok = p.returncode == 0
            except subprocess.TimeoutExpired:
                out, ok = "timed out", False
            runs = re.search(r"stat::number_of_executed_units: (\d+)", out)
            record("fuzz/%s (%s runs in %ds)" % (
                name, runs.group(1) if runs else "?", seconds), ok,
                out[-4000:])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--san-build")
    ap.add_argument("--fuzz-seconds", type=int, default=0)
    ap.add_argument("--fuzz-only", action="store_true")
    ap.add_argument("--no-valgrind", action="store_true",
                    help="leave out the server tests under valgrind")
    ap.add_argument("--sanitized", action="store_true",
                    help="the --build is an ASan+UBSan build")
    ap.add_argument("--only", type=lambda v: set(v.split(",")),
                    help="comma-separated suites: " + ",".join(SUITES))
    ap.add_argument("--busy", type=int, default=0, metavar="N",
                    help="N CPU-bound processes beside the tests")
    ap.add_argument("-j", "--jobs", type=int, default=2, choices=(1, 2),
                    help="2: the plain and sanitizer lanes at once")
    args = ap.parse_args()
    if args.only and not args.only <= set(SUITES):
        ap.error("--only: unknown suite %s" %
                 ",".join(sorted(args.only - set(SUITES))))
    only = args.only or set(SUITES)
    start = time.monotonic()
    if args.fuzz_only:
        run_fuzz(args.fuzz_seconds)
        return summary(start)

    busy = [subprocess.Popen(["/usr/bin/python3", "-c", "while True: pass"])
            for _ in range(args.busy)]
    try:
        run_all(args, only)
    finally:
        for b in busy:
            b.kill()
            b.wait()
    if busy:
        print("(with %d CPU-bound processes running beside the tests)"
              % len(busy))
    return summary(start)


def run_all(args, only):
    """The plain lane here; the sanitizer lane beside it with -j 2."""
    lanes = [threading.Thread(target=run_lane, args=(lane, args, only))
             for lane in (run_plain, run_san)]
    if args.jobs == 1:
        for t in lanes:
            t.start()
            t.join()
        return
    for t in lanes:
        t.start()
    for t in lanes:
        t.join()


def run_lane(lane, args, only):
    """A lane that raises is a failure, not a hang or a lost count."""
    try:
        lane(args, only)
    except Exception as e:      # noqa: BLE001 - recorded, not swallowed
        record("run.py/%s" % lane.__name__, False, repr(e))


def run_plain(args, only):
    tag = "san:" if args.sanitized else ""
    timeout = 1200 if args.sanitized else 900
    env = env_for(args.build, args.sanitized)
    if "unit" in only:
        run_unit(args.build, tag, env)
    if "server" in only:
        run_pytest("server", tag, env, timeout)
    if "client" in only:
        run_pytest("client", tag, env, timeout)
    if "lint" in only:
        mans = sorted(glob.glob(os.path.join(TOP, "man", "*.[1-8]")) +
                      glob.glob(os.path.join(TOP, "man", "*", "*.[1-8]")))
        run_cmd("lint/mandoc", ["mandoc", "-Tlint", "-W", "warning"] + mans,
                env, must_be_silent=True)
        run_cmd("lint/man-commands", ["sh", "scripts/check-man.sh"], env)
        # po/natter.pot up to date, every catalogue complete, none fuzzy.
        run_cmd("lint/po", ["sh", "scripts/check-po.sh"], env)
    # valgrind cannot run an ASan binary.
    if valgrind_on(args, only):
        run_valgrind(env_for(args.build, False),
                     [f for f in VALGRIND_TESTS
                      if not args.san_build or f not in VALGRIND_SAN_LANE])


def valgrind_on(args, only):
    return "valgrind" in only and not args.no_valgrind and not args.sanitized


def run_san(args, only):
    if args.san_build:
        env = env_for(args.san_build, True)
        if "unit" in only:
            run_unit(args.san_build, "san:", env)
        if "server" in only:
            run_pytest("server", "san:", env, 1200)
        if "client" in only:
            run_pytest("client", "san:", env, 1200)
    if "fuzz" in only and args.fuzz_seconds > 0:
        run_fuzz(args.fuzz_seconds)
    if args.san_build and valgrind_on(args, only):
        run_valgrind(env_for(args.build, False), VALGRIND_SAN_LANE)


def summary(start):
    passed = sum(1 for _, ok, _ in results if ok)
    failed = len(results) - passed
    print("SUMMARY: %d passed, %d failed (%.0f s)" %
          (passed, failed, time.monotonic() - start))
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
