"""`cityops sim` end to end: the city from the database, devices registered, the stream
sent on time to Kafka (and to a recording), /healthz and /metrics served, a clean stop
on SIGTERM or when the duration is up."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd

from cityops.service import OpsEndpoint, StopSignal
from cityops.settings import Settings
from devices.profile import ProfileSet
from devices.source import for_settings
from sim import recording, registry
from sim.kafka_sink import open_sink
from sim.kinds import types_for
from sim.message import Message
from sim.pacing import Pacer
from sim.placement import Cells, place
from sim.plan import Plan
from sim.progress import Progress
from sim.shard import Shard, lanes_of
from sim.tally import Tally
from store import device_file

log = logging.getLogger("cityops.sim")
NO_CITY = "the database has no city yet: run `cityops geo build-demo` first"


class NoCity(Exception):
    """The areas table is empty, so there is nowhere to put devices."""


@dataclass(frozen=True)
class Outputs:
    kafka: bool = True
    record: Path | None = None
    truth: Path | None = None
    registry: Path | None = None
    speed: float | None = 1.0       # None: as fast as the sinks take them
    duration: float | None = None   # wall-clock seconds; None: until stopped or exhausted


def load_areas(settings: Settings) -> gpd.GeoDataFrame:
    from geo.store import read_areas
    from store import db
    conn = db.connect(settings.database_url, application_name="cityops-sim")
    try:
        areas = read_areas(conn)
    finally:
        conn.close()
    if not (areas["level"] == "grid").any():
        raise NoCity(NO_CITY)
    return areas


def profiles_in_force(settings: Settings) -> ProfileSet:
    """The deployment's profiles with the admin's uploads: a kind added as a profile file
    is simulated like the packaged ones."""
    from store import db
    source = for_settings(settings, lambda: db.connect(settings.database_url,
                                                       application_name="cityops-sim"))
    try:
        return source.current()
    finally:
        if source.conn is not None:
            source.conn.close()


def register(settings: Settings, rows: list[dict]) -> None:
    from store import db
    conn = db.connect(settings.database_url, application_name="cityops-sim")
    try:
        device_file.upsert(conn, [{**r, "placed": True} for r in rows])
    finally:
        conn.close()


def simulate(settings: Settings, plan: Plan, outputs: Outputs, processes: int = 1) -> int:
    """Place and register the devices, then stream them from `processes` processes."""
    lanes_of(0, processes)  # refuse a count the lanes cannot serve before any work
    cells = Cells.from_areas(load_areas(settings))
    devices = place(cells, plan.devices, plan.seed, types_for(profiles_in_force(settings)))
    rows = registry.rows(cells, devices)
    if outputs.registry is not None:
        device_file.write(outputs.registry, rows)
    register(settings, rows)
    log.info("simulator ready", extra={"devices": plan.devices, "rate": plan.rate,
                                       "seed": plan.seed, "registry": str(outputs.registry),
                                       "processes": processes})
    if processes > 1:
        from sim.fanout import fan_out
        return fan_out(settings, cells, devices, plan, outputs, processes)
    return pump(settings, Shard(cells, devices, plan, lanes_of(0, 1)), outputs)


def replay(settings: Settings, path: Path, outputs: Outputs) -> int:
    return pump(settings, recording.replay(path), outputs)


def serve(settings: Settings, tally: Tally, ok) -> OpsEndpoint:
    """/healthz and /metrics; `ok()` says whether nothing has been refused."""
    return OpsEndpoint(settings.metrics_host, settings.sim_metrics_port,
                       "CITYOPS_SIM_METRICS_PORT", tally.registry,
                       lambda: {"ok": ok(), "sent": tally.total}).start()


def pump(settings: Settings, messages: Iterable[Message], outputs: Outputs,
         tally: Tally | None = None, child: bool = False) -> int:
    """Send every message on time until the stream ends, time is up or a stop is asked.

    A child of a multi-process run leaves the endpoint and the progress bar to its parent.
    """
    stop = StopSignal()
    tally = tally or Tally()
    sink = open_sink(settings) if outputs.kafka else None
    recorder = recording.Recorder(outputs.record, outputs.truth)
    progress = Progress(tally, outputs.duration, enabled=not child)
    endpoint = None if child else serve(settings, tally,
                                        lambda: sink is None or sink.errors == 0)
    pacer = Pacer(outputs.speed, stop)
    deadline = None if outputs.duration is None else time.monotonic() + outputs.duration
    lag, n = 0.0, 0
    try:
        for m in messages:
            lag = pacer.wait(m.t)
            if stop.requested:
                break
            if sink is not None:
                sink.send(m)
            recorder.write(m)
            tally.count(m)
            n += 1
            if n % 500 == 0 or outputs.speed is not None:
                tally.flush(lag, sink.errors if sink else 0)
                progress.show()
                if deadline is not None and time.monotonic() >= deadline:
                    break
    finally:
        if sink is not None:
            sink.close()
        recorder.close()
        tally.flush(lag, sink.errors if sink else 0)
        progress.close()
        if endpoint is not None:
            endpoint.close()
    log.info("simulator stopped", extra={"sent": tally.total, **tally.by_topic,
                                         "malformed": tally.malformed,
                                         "errors": sink.errors if sink else 0})
    if sink is not None and sink.errors:
        log.error("broker refused messages", extra={"errors": sink.errors,
                                                    "last": sink.last_error})
        return 1
    return 0
