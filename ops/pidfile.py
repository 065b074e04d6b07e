"""A local server started by the stack and known by its pid file: is it running, stop it."""

from __future__ import annotations

import logging
import os
import signal
import time
from pathlib import Path

log = logging.getLogger(__name__)


def running(pid_file: Path, marker: bytes) -> int | None:
    """The pid in `pid_file` if that process is alive and its command line has `marker`
    (a reused pid of some other program is not ours)."""
    try:
        pid = int(pid_file.read_text())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        return None
    return pid if marker in cmdline else None


def stop(pid_file: Path, marker: bytes, name: str, timeout: float) -> bool:
    """SIGTERM, then SIGKILL after `timeout`; True if there was a process to stop."""
    pid = running(pid_file, marker)
    if not pid:
        pid_file.unlink(missing_ok=True)
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and running(pid_file, marker):
        time.sleep(0.1)
    if running(pid_file, marker):
        log.warning("%s did not stop in time; killing it", name, extra={"pid": pid})
        os.kill(pid, signal.SIGKILL)
    pid_file.unlink(missing_ok=True)
    return True
