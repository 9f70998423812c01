"""`greenblue-dbt`: runs dbt as a child that dies with the greenblue run that started it.

Linux's parent-death signal (prctl PR_SET_PDEATHSIG) survives exec: when the run ends, even
by SIGKILL, the kernel kills dbt too, so no orphan keeps writing to (and locking) the working
database. GREENBLUE_RUN_PID is the run that must be alive; the real dbt sits beside this
script.
"""

import contextlib
import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def main() -> None:
    # Not on Linux: no such call, and the run's own clean-up still applies.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    expected = os.environ.get("GREENBLUE_RUN_PID")
    if expected and os.getppid() != int(expected):
        sys.exit("greenblue-dbt: the run that started dbt has ended; dbt not started")
    dbt = os.path.join(os.path.dirname(sys.argv[0]), "dbt")
    os.execv(dbt, [dbt, *sys.argv[1:]])


if __name__ == "__main__":
    main()
