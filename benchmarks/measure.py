"""Run one command pinned to some cores; print its wall time, exit code and peak memory as JSON.

    python benchmarks/measure.py CORES LOG COMMAND...

``CORES`` is a comma-separated list of CPU numbers (``1``, ``0,1``); the
command's standard output and error go to the file ``LOG``.  This process
pins itself, then starts the command, which inherits the pinning.  Peak
memory is the command's own maximum resident set size
(``getrusage(RUSAGE_CHILDREN)`` of this small process, which waits for that
one child only): a process forked from the benchmark itself would count the
benchmark's memory too, since Linux keeps the largest resident size a
process had before it ran ``exec``.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time


def main() -> None:
    """Pin, run, measure and print one line of JSON: ``seconds``, ``exit_code``, ``peak_mb``."""
    cores, log, command = sys.argv[1], sys.argv[2], sys.argv[3:]
    os.sched_setaffinity(0, {int(core) for core in cores.split(",")})
    with open(log, "wb") as output:
        start = time.perf_counter()
        exit_code = subprocess.call(command, stdout=output, stderr=subprocess.STDOUT)
        seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # kilobytes on Linux
    print(json.dumps({"seconds": seconds, "exit_code": exit_code, "peak_mb": peak_kb / 1024}))


if __name__ == "__main__":
    main()
