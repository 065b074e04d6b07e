"""The runner serves on the port it is given and stops cleanly on SIGTERM."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import free_port

pytestmark = pytest.mark.integration

RUN = "import sys; from alerts.api.serve import run; from cityops.settings import Settings; " \
      "sys.exit(run(Settings.from_env().replace(database_url=sys.argv[1]), '127.0.0.1', " \
      "int(sys.argv[2])))"


def test_serves_then_stops_on_sigterm(settings):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", RUN, settings.database_url, str(port)])
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert json.load(r) == {"ok": True}
                    break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline
                time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
