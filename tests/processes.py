"""Servers under test start as a shell would start them.

A child inherits its parent's blocked signals and ignored ones. A test worker that has run
many modules may carry such state from a library, and a server started from it would then
not stop on Ctrl-C or SIGTERM, which is what some tests assert. `as_from_a_shell` wraps a
command so that it starts with no signal blocked and SIGINT and SIGTERM at their defaults,
the state a terminal gives a command (the reset runs in a fresh single-threaded Python,
then execs the command).
"""

import sys

RESET = (
    "import os, signal, sys\n"
    "signal.pthread_sigmask(signal.SIG_SETMASK, set())\n"
    "for number in (signal.SIGINT, signal.SIGTERM):\n"
    "    signal.signal(number, signal.SIG_DFL)\n"
    "os.execvp(sys.argv[1], sys.argv[1:])\n"
)


def as_from_a_shell(argv: list[str]) -> list[str]:
    return [sys.executable, "-c", RESET, *argv]
