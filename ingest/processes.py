"""`cityops ingest` with several consumer processes: one group, one process per core.

Decoding Kafka records and JSON is Python work that holds the GIL, so one process uses one
core however many threads it has. N processes in the same consumer group split the
partitions between them (Kafka's own rebalancing) and each commits its own offsets after
its own database commits, so the exactly-once-in-effect argument of one process holds for
each. This parent only starts them, restarts one that dies (with backoff, so a broken
configuration is not a crash loop: a child that exits with the configuration error code
stops the whole service) and passes SIGTERM on.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field

from cityops.service import StopSignal, check_port_free
from cityops.settings import REPO_ROOT, Settings

log = logging.getLogger("cityops.ingest")

CONFIG_ERROR_EXIT = 2  # cityops.cli's exit code for a ConfigError
MAX_BACKOFF_S = 30.0


@dataclass
class Child:
    number: int
    port: int
    proc: subprocess.Popen | None = None
    failures: int = 0
    retry_at: float = 0.0
    started_at: float = field(default=0.0)


def _spawn(settings: Settings, child: Child, streams: tuple[str, ...]) -> None:
    own = settings.replace(ingest_processes=1, ingest_metrics_port=child.port)
    args = [sys.executable, "-m", "cityops", "ingest"]
    for stream in streams:
        args += ["--stream", stream]
    # The child gets this process's environment with its own settings on top.
    child.proc = subprocess.Popen(args, cwd=REPO_ROOT, env=os.environ | own.to_env())
    child.started_at = time.monotonic()
    log.info("ingest process started", extra={"consumer": child.number, "pid": child.proc.pid,
                                               "metrics_port": child.port})


def _check(settings: Settings, child: Child, streams: tuple[str, ...]) -> int | None:
    """Restart a dead child when its backoff has passed; the exit code to stop with, if any."""
    now = time.monotonic()
    if child.proc is not None:
        code = child.proc.poll()
        if code is None:
            if now - child.started_at > 60:
                child.failures = 0  # a minute of health forgives the past
            return None
        if code == CONFIG_ERROR_EXIT:
            log.error("ingest process has a configuration error; stopping",
                      extra={"consumer": child.number})
            return code
        child.failures += 1
        child.retry_at = now + min(MAX_BACKOFF_S, 2.0 ** child.failures)
        log.error("ingest process exited; restarting after backoff",
                  extra={"consumer": child.number, "code": code,
                         "retry_in_s": round(child.retry_at - now, 1)})
        child.proc = None
    if now >= child.retry_at:
        _spawn(settings, child, streams)
    return None


def _stop(children: list[Child]) -> None:
    for child in children:
        if child.proc is not None and child.proc.poll() is None:
            child.proc.send_signal(signal.SIGTERM)
    for child in children:
        if child.proc is None:
            continue
        try:
            child.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            log.error("ingest process did not stop in time", extra={"consumer": child.number})
            child.proc.kill()


def run_processes(settings: Settings, streams: tuple[str, ...]) -> int:
    ports = [settings.ingest_metrics_port + n for n in range(settings.ingest_processes)]
    for port in ports:
        check_port_free(settings.metrics_host, port, "CITYOPS_INGEST_METRICS_PORT")
    children = [Child(n, port) for n, port in enumerate(ports)]
    stop = StopSignal()
    code = 0
    try:
        while not stop.requested:
            for child in children:
                code = _check(settings, child, streams) or code
            if code:
                break
            stop.wait(0.5)
    finally:
        _stop(children)
    return code
