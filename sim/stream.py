"""The simulated city as one time-ordered stream of messages, the same for the same plan.

Time advances in ticks. In each tick: anomalies may begin, every device whose report
falls due sends one (unless its link drops it), calls and patrols come in at the hour's
rhythm, and scheduled messages (the calls of a complaint cluster, a caller's rating,
a ground-truth label) go out when their time comes. A given share of messages is
accompanied by a broken sibling for the dead-letter path.

At a given rate every device reports proportionally more often than a real one: the
city's shape (rhythms, weather, shares of kinds and formats) stays, only denser.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from operator import attrgetter

import numpy as np

from sim import formats, rhythms
from sim.anomalies import Injector
from sim.incidents import FOLLOW_UP_SHARE, Reports
from sim.kinds import TYPES, DeviceType, natural_rate
from sim.lane import WHOLE, Lane
from sim.malformed import broken
from sim.message import Message
from sim.mix import Fraction, Mix
from sim.placement import Cells, Devices
from sim.plan import Plan
from sim.readings import Behaviour

FOLLOW_UPS_PER_REPORT = 0.62 * FOLLOW_UP_SHARE  # hotline share of reports x rated share


def reading_rate(plan: Plan, devices: int, types: tuple[DeviceType, ...] = TYPES) -> float:
    """Readings per second of the whole city, so that all messages come to the plan's rate."""
    if plan.rate is None:
        return natural_rate(devices, types)
    extra = 1 + plan.incident_share * (1 + FOLLOW_UPS_PER_REPORT)
    return plan.rate * (1 - plan.malformed) / extra / (1 - plan.dropout)


def ticks(plan: Plan, step: float) -> Iterator[tuple[float, float]]:
    """Simulated [t0, t1) intervals of one step from the start, cut at the plan's end."""
    tick = 0
    while True:
        t0 = plan.start + tick * step
        t1 = t0 + step
        if plan.duration is not None:
            if t0 >= plan.start + plan.duration:
                return
            t1 = min(t1, plan.start + plan.duration)
        yield t0, t1
        tick += 1


class Stream:
    """The stream of one lane (by default the only one: the whole city)."""

    def __init__(self, cells: Cells, devices: Devices, plan: Plan, lane: Lane = WHOLE) -> None:
        self.plan = plan
        self.lane = lane
        self.rng = np.random.default_rng(lane.entropy(plan.seed, 404))
        # Intervals come from the whole city, so a device reports alike in any lane.
        city_rate = reading_rate(plan, len(devices.ids), devices.types)
        real = np.array([t.interval_s for t in devices.types])[devices.type_index]
        rows = lane.rows(len(devices.ids))
        self.intervals = (real * natural_rate(len(devices.ids), devices.types)
                          / city_rate)[rows]
        self.devices = devices = lane.take(devices)
        self.reading_rate = city_rate / lane.count
        self.next_due = plan.start + self.rng.uniform(0, 1, len(devices.ids)) * self.intervals
        self.step = float(np.clip(2000 / self.reading_rate, 0.02, 10.0))
        self.behaviour = Behaviour(devices, plan.seed, plan.start, lane)
        self.reports = Reports(cells, plan.seed, lane)
        self.injector = Injector(devices, self.reports, self.intervals, plan.seed, lane)
        seed = lane.mix_seed(plan.seed)
        self.reading_mix = Mix(plan.reading_formats, seed)
        self.incident_mix = Mix(plan.incident_formats, seed + 1, alpha=np.sqrt(3) - 1)
        # A broken sibling per p good messages makes p/(1+p) of all broken: solve for p.
        self.broken = Fraction(plan.malformed / (1 - plan.malformed), seed)
        self.timestamps = formats.Timestamps()
        self.keys = [d.encode() for d in devices.ids]
        self.last_ref: dict[int, str] = {}
        self.scheduled: list[tuple[float, int, str, object]] = []
        self.sequence = 0
        self.malformed_count = 0

    def schedule(self, t: float, what: str, item: object) -> None:
        self.sequence += 1
        heapq.heappush(self.scheduled, (t, self.sequence, what, item))

    def __iter__(self) -> Iterator[Message]:
        for t0, t1 in ticks(self.plan, self.step):
            yield from self.tick(t0, t1)

    def tick(self, t0: float, t1: float) -> list[Message]:
        """Every message of simulated [t0, t1), in time order, broken siblings included."""
        for _ in range(self.rng.poisson(self.reading_rate / self.plan.anomaly_every
                                        * (t1 - t0))):
            self.injector.start(self.rng, float(self.rng.uniform(t0, t1)), self.schedule,
                                self.last_ref)
        out: list[Message] = []
        while True:  # a device reporting faster than a tick is due more than once
            due = np.flatnonzero(self.next_due < t1)
            if not len(due):
                break
            times = self.next_due[due]
            self.next_due[due] += self.intervals[due]
            kept = self.rng.random(len(due)) >= self.plan.dropout
            self._readings(due, times, kept, out)
        self._incidents(t0, t1, out)
        self._scheduled(t1, out)
        out.sort(key=attrgetter("t"))
        return self._with_broken(out)

    def _readings(self, due: np.ndarray, times: np.ndarray, kept: np.ndarray,
                  out: list[Message]) -> None:
        types = self.devices.type_index[due]
        active = self.injector.active
        for k, kind in enumerate(self.devices.types):
            rows = np.flatnonzero(types == k)
            if not len(rows):
                continue
            idx, t = due[rows], times[rows]
            values = self.behaviour.values(k, idx, t, self.rng)
            keep = kept[rows]
            hit = [r for r, d in enumerate(idx.tolist()) if d in active] if active else []
            for r in hit:
                anomaly = active[int(idx[r])]
                keep[r] = not (anomaly.kind == "device_offline"
                               and anomaly.start <= t[r] <= anomaly.end)
                if anomaly.metric in values:
                    column = values[anomaly.metric]
                    column[r] = anomaly.override(t[r:r + 1], column[r:r + 1])[0]
            self._encode(kind.metrics, idx, t, keep, values, set(hit), out)

    def _encode(self, metrics: tuple[str, ...], idx: np.ndarray, t: np.ndarray,
                keep: np.ndarray, values: dict, hit: set[int], out: list[Message]) -> None:
        columns = [values[m].tolist() for m in metrics]
        ids, keys, iso = self.devices.ids, self.keys, self.timestamps.iso
        active, last_ref, mix = self.injector.active, self.last_ref, self.reading_mix
        for r, (device, when, send) in enumerate(zip(idx.tolist(), t.tolist(), keep.tolist(),
                                                     strict=True)):
            if not send:
                continue
            ts = iso(when)
            m = formats.reading(mix.next(), ids[device], keys[device], when, ts, metrics,
                                [c[r] for c in columns])
            out.append(m)
            last_ref[device] = m.ref
            if r in hit:
                active[device].saw(m.ref, when)

    def _incidents(self, t0: float, t1: float, out: list[Message]) -> None:
        mean = self.reading_rate * self.plan.incident_share
        expected = mean * float(rhythms.calls(t0)[()]) / rhythms.CALLS_MEAN * (t1 - t0)
        for _ in range(self.rng.poisson(expected)):
            when = float(self.rng.uniform(t0, t1))
            cell = self.reports.where(self.rng, when)
            doc = self.reports.report(self.rng, when, self.reports.source(self.rng),
                                      self.reports.category(self.rng, cell), cell)
            self._incident(when, doc, out)

    def _incident(self, when: float, doc: dict, out: list[Message]) -> None:
        if "satisfaction" in doc:  # only the native format can carry a rating
            out.append(formats.incident("native", when, doc))
            return
        out.append(formats.incident(self.incident_mix.next(), when, doc))
        if doc["source"] == "hotline" and self.rng.random() < FOLLOW_UP_SHARE:
            closed = when + float(self.rng.uniform(10, 180)) * 60
            self.schedule(closed, "incident", self.reports.follow_up(self.rng, doc, closed))

    def _scheduled(self, t1: float, out: list[Message]) -> None:
        while self.scheduled and self.scheduled[0][0] < t1:
            when, _, what, item = heapq.heappop(self.scheduled)
            if what == "incident":
                self._incident(when, item, out)
            else:
                out.append(formats.label(when, self.injector.finish(item)))

    def _with_broken(self, out: list[Message]) -> list[Message]:
        if not self.plan.malformed:
            return out
        mixed = []
        for m in out:
            if m.topic != "truth" and self.broken.next():
                self.malformed_count += 1
                mixed.append(broken(m, self.rng, self.lane.number(self.malformed_count)))
            mixed.append(m)
        return mixed
