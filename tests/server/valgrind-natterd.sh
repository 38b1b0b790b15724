#!/bin/sh
# natterd under valgrind's memcheck, for the "valgrind:" suite of
# tests/run.py: with NATTERD pointing here, the server tests start this
# instead. Any memory error, or a definite or indirect leak at exit,
# makes the exit status 99, which conftest's Server.stop() reports.
# The binary is $NATTER_BUILD/natterd (run.py sets it), else build/.
top=$(cd "$(dirname "$0")/../.." && pwd)
# --vgdb=no: no gdbserver pipes in /tmp, which a natterd that dropped
# root to --user could not remove (and would say so).
exec valgrind -q --vgdb=no --error-exitcode=99 --leak-check=full \
    --errors-for-leak-kinds=definite,indirect \
    "${NATTER_BUILD:-$top/build}/natterd" "$@"
