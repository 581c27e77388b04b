#!/usr/bin/env python3
"""Time from exec to the first 2xx answer of a server, for bench/perf.sh.

Usage: startup.py PORT PATH -- COMMAND ARGS...

Starts COMMAND, polls http://127.0.0.1:PORT/PATH every millisecond until it answers
with a 2xx status (at most TIMEOUT_S seconds), prints `STARTUP ms=<n>`, then stops the
server it started by its PID (SIGTERM, SIGKILL after 5 s). Standard library only.
"""

import http.client
import os
import signal
import subprocess
import sys
import time

TIMEOUT_S = 60
POLL_S = 0.001


def first_answer(port: int, path: str) -> bool:
    """One GET; True on a 2xx status."""
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", path)
        status = conn.getresponse().status
        conn.close()
        return 200 <= status < 300
    except OSError:
        return False


def main() -> int:
    if len(sys.argv) < 5 or sys.argv[3] != "--":
        print(__doc__, file=sys.stderr)
        return 2
    port, path, command = int(sys.argv[1]), sys.argv[2], sys.argv[4:]
    log = open(os.environ.get("STARTUP_LOG", os.devnull), "wb")
    started = time.perf_counter()
    server = subprocess.Popen(command, stdout=log, stderr=log)
    try:
        while time.perf_counter() - started < TIMEOUT_S:
            if server.poll() is not None:
                print(f"STARTUP error=exited_{server.returncode}")
                return 1
            if first_answer(port, path):
                elapsed = (time.perf_counter() - started) * 1000
                print(f"STARTUP ms={elapsed:.1f}")
                return 0
            time.sleep(POLL_S)
        print("STARTUP error=timeout")
        return 1
    finally:
        if server.poll() is None:
            os.kill(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.kill(server.pid, signal.SIGKILL)
                server.wait()


if __name__ == "__main__":
    sys.exit(main())
