"""One fault under load, start to finish: services up, load, fault, recovery, checks, row."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from tests.database import query
from tests.reliability.faults import checks
from tests.reliability.faults.load import Load, Plan
from tests.reliability.faults.world import World

# Does the fault; returns the monotonic time the component is back (or the fault over).
Inject = Callable[[World, Load], float]


@dataclass
class Fault:
    name: str
    inject: Inject
    services: tuple[str, ...] = ("ingest", "alerts")
    at: float = 0.4          # share of the load sent before the fault


def kill_9_and_restart(service: str) -> Inject:
    def inject(world: World, _load: Load) -> float:
        world.kill_9(service)
        return world.start(service)
    return inject


def bad_burst(count: int) -> Inject:
    def inject(_world: World, load: Load) -> float:
        return load.send_bad_burst(count)
    return inject


def run(world: World, plan: Plan, fault: Fault, label: str, settle_s: float = 180) -> dict:
    """Run the scenario; its figures (everything checks found, and the timings)."""
    for service in fault.services:
        world.start(service)
    lag = checks.Lag(world.settings)
    load = Load(world, plan, label).begin()
    try:
        holds = _wait_for_fault_point(world, load, fault.at)
        began = time.monotonic()
        back = fault.inject(world, load)
        timing = {"down_s": round(back - began, 1),
                  **_recovery(world, load, lag, back, settle_s)}
        load.join(timeout=plan.seconds + settle_s)
        after = _settle(world, lag, settle_s)
        crashed = [s for s in fault.services if not world.alive(s)]
    finally:
        codes = world.stop_all()
        lag.close()
    figures = {**timing, "holds_at_fault": holds, **after, "crashed": crashed,
               # The consumers must stop cleanly (their last batch and offsets); the
               # dashboard holds nothing and today dies by SIGTERM's default (-15).
               "clean_exits": all(code == 0 for name, code in codes.items()
                                  if name != "dashboard"),
               "send_failures": load.ledger.failed}
    figures["readings"] = checks.readings(world.settings, load)
    figures["incidents"] = checks.incidents(world.settings, load)
    figures.update(checks.cases(world.settings, load))
    if load.ledger.bad:
        figures["dead_letters_expected"] = dict(load.ledger.bad)
        figures["dead_letters"] = dict(checks.dead_letters(world.settings))
    return figures


def _wait_for_fault_point(world: World, load: Load, share: float) -> int:
    """Wait until `share` of the load is sent and the engine has saved a pending hold."""
    deadline = time.monotonic() + load.plan.seconds + 60
    while time.monotonic() < deadline:
        holds = checks.pending_holds(world.settings)
        if load.sent_instants >= share * load.plan.instants and holds > 0:
            return holds
        assert not load.done.is_set(), "the load ended before the fault point"
        time.sleep(0.2)
    raise AssertionError("no hold was pending at the fault point")


def _progress(world: World) -> tuple[int | None, int | None]:
    """Readings stored, and messages the engine has saved its work for."""
    try:
        stored = query(world.settings, "SELECT count(*) FROM readings")[0][0]
        topics = [world.settings.topic("readings"), world.settings.topic("incidents")]
        saved = query(world.settings, "SELECT coalesce(sum(next_offset), 0) "
                                      "FROM alert_engine_partitions WHERE consumer_group = %s "
                                      "AND topic = ANY(%s)",
                      (world.settings.alerts_group, topics))
        return stored, int(saved[0][0])
    except Exception:  # noqa: BLE001 - the database may be the fault
        return None, None


def _recovery(world: World, load: Load, lag: checks.Lag, back: float,
              timeout: float) -> dict:
    """From the component's return: the first new row stored, the engine's first new save,
    and the consumers caught up (lag at most one second of load while it runs, zero once
    it has ended)."""
    per_second = len(world.devices) * load.plan.per_second
    at_back = _progress(world)
    first: list[float | None] = [None, None]
    caught_up = None
    while time.monotonic() < back + timeout and (caught_up is None or None in first):
        now = time.monotonic()
        progress = _progress(world)
        for k in (0, 1):
            if at_back[k] is None:
                at_back = tuple(progress[j] if j == k else at_back[j] for j in (0, 1))
            elif first[k] is None and progress[k] is not None and progress[k] > at_back[k]:
                first[k] = round(now - back, 1)
        # Caught up counts only once both consumers stored something new: right after a
        # broker outage the lag is small only because the producers were held back too.
        behind = lag.total() if caught_up is None and None not in first else None
        if behind is not None and behind <= (0 if load.done.is_set() else per_second):
            caught_up = round(now - back, 1)
        time.sleep(0.5)
    return {"first_row_s": first[0], "engine_resumed_s": first[1], "recover_s": caught_up}


def _settle(world: World, lag: checks.Lag, timeout: float) -> dict:
    """After the load: both groups at zero lag, the engine's saved offsets at the end, and
    ingest's and the engine's own /metrics gauges at zero (they refresh every 5 s)."""
    deadline = time.monotonic() + timeout
    figures: dict = {}
    while time.monotonic() < deadline:
        figures = {"lag_after": lag.total(),
                   "engine_lag_after": _or_none(lambda: checks.engine_state_lag(
                       world.settings, lag)),
                   "ingest_metric_lag": _or_none(lambda: checks.metric_sum(
                       world.port("ingest"), "cityops_ingest_consumer_lag")),
                   "alerts_metric_lag": _or_none(lambda: checks.metric_sum(
                       world.port("alerts"), "cityops_alerts_consumer_lag"))}
        if all(v == 0 for v in figures.values()):
            break
        time.sleep(1)
    figures["lag_per_group"] = _or_none(lag.of_groups)
    return figures


def _or_none(read: Callable[[], object]) -> object:
    try:
        return read()
    except Exception:  # noqa: BLE001 - a figure that cannot be read is reported as None
        return None


def passed(figures: dict) -> list[str]:
    """Every promise the figures break; empty when the scenario passed."""
    broken = []
    for stream in ("readings", "incidents"):
        got = figures[stream]
        if got["lost"] or got["duplicates"] or got["unexpected"] or not got["checksum_ok"] \
                or got["produced"] == 0:
            broken.append(f"{stream} not stored exactly once: {got}")
    for key in ("case_duplicates", "breaches_lost", "breaches_unexpected", "holds_lost",
                "incidents_without_case", "send_failures"):
        if figures[key]:
            broken.append(f"{key}={figures[key]}")
    if not figures["breaches"] or not figures["holds_at_fault"]:
        broken.append("the scenario exercised no case or no pending hold")
    for key in ("lag_after", "engine_lag_after", "ingest_metric_lag", "alerts_metric_lag"):
        if figures[key] != 0:
            broken.append(f"{key}={figures[key]}")
    if figures["recover_s"] is None:
        broken.append("did not recover")
    if figures["crashed"] or not figures["clean_exits"]:
        broken.append(f"services crashed {figures['crashed']} or did not stop cleanly")
    if "dead_letters" in figures and figures["dead_letters"] != figures["dead_letters_expected"]:
        broken.append("dead letters differ from the bad messages produced")
    return broken


def record(results, name: str, figures: dict, broken: list[str]) -> None:
    """The scenario's row in the reliability table (before any assertion)."""
    r, i = figures["readings"], figures["incidents"]
    results.add("fault", name, not broken, down_s=figures["down_s"],
                recover_s=figures["recover_s"], first_row_s=figures["first_row_s"],
                engine_resumed_s=figures["engine_resumed_s"],
                produced=r["produced"] + i["produced"], stored=r["stored"] + i["stored"],
                duplicates=r["duplicates"] + i["duplicates"] + figures["case_duplicates"],
                lost=r["lost"] + i["lost"] + figures["breaches_lost"]
                + figures["incidents_without_case"], cases=figures["cases"],
                holds_at_fault=figures["holds_at_fault"], holds_lost=figures["holds_lost"],
                lag_after=figures["lag_after"],
                **({"dead_letters": sum(figures["dead_letters"].values())}
                   if "dead_letters" in figures else {}))
