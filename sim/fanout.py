"""`cityops sim --processes N`: N children, each streaming its own lanes of the city.

One Python process generates ~90,000 msg/s at most, so past that the stream is split by
lanes (sim/shard.py) over processes; the union is the one-process stream. Children count
into shared memory; the parent sums them for the progress bar and /metrics, forwards
SIGTERM, and joins the children's recordings into the files asked for.
"""

from __future__ import annotations

import heapq
import json
import multiprocessing
import os
import signal
from dataclasses import replace
from pathlib import Path

from cityops.service import StopSignal
from cityops.settings import Settings
from sim.placement import Cells, Devices
from sim.plan import Plan
from sim.progress import Progress
from sim.run import Outputs, pump, serve
from sim.shard import Shard, lanes_of
from sim.tally import Tally

FIELDS = ("readings", "incidents", "truth", "malformed", "lag", "errors")


class SharedTally(Tally):
    """A child's tally that also publishes its totals in its row of a shared array."""

    def __init__(self, slots, row: int) -> None:
        super().__init__()
        self.slots, self.base = slots, row * len(FIELDS)

    def flush(self, lag: float = 0.0, errors: int = 0) -> None:
        super().flush(lag, errors)
        row = (*(self.by_topic[t] for t in FIELDS[:3]), self.malformed, lag, errors)
        self.slots[self.base:self.base + len(FIELDS)] = row


def part(path: Path | None, i: int) -> Path | None:
    return None if path is None else path.with_name(f"{path.name}.part{i}")


def _child(settings: Settings, cells: Cells, devices: Devices, plan: Plan, outputs: Outputs,
           i: int, processes: int, slots) -> None:
    shard = Shard(cells, devices, plan, lanes_of(i, processes))
    raise SystemExit(pump(settings, shard, outputs, SharedTally(slots, i), child=True))


def gather(tally: Tally, slots, processes: int) -> int:
    """Adds what the children sent since the last call; returns their refused messages."""
    rows = [slots[i * len(FIELDS):(i + 1) * len(FIELDS)] for i in range(processes)]
    sums = [sum(row[k] for row in rows) for k in range(len(FIELDS))]
    for k, topic in enumerate(FIELDS[:3]):
        tally.add(topic, int(sums[k]) - tally.by_topic[topic])
    tally.add("truth", 0, int(sums[3]) - tally.malformed)
    errors = int(sums[5])
    tally.flush(max(row[4] for row in rows), errors)
    return errors


def fan_out(settings: Settings, cells: Cells, devices: Devices, plan: Plan, outputs: Outputs,
            processes: int) -> int:
    ctx = multiprocessing.get_context("fork")  # the city is inherited, not pickled
    slots = ctx.Array("d", processes * len(FIELDS), lock=False)  # one writer per row
    children = [ctx.Process(target=_child, name=f"cityops-sim-{i}", args=(
        settings, cells, devices, plan,
        replace(outputs, record=part(outputs.record, i), truth=part(outputs.truth, i)),
        i, processes, slots)) for i in range(processes)]
    for c in children:
        c.start()
    stop, tally = StopSignal(), Tally()
    progress = Progress(tally, outputs.duration)
    refused = [0]  # read by /healthz on the endpoint's thread
    endpoint = serve(settings, tally, lambda: refused[0] == 0)
    forwarded = False
    try:
        while any(c.is_alive() for c in children):
            if stop.wait(0.25) and not forwarded:
                forwarded = _forward(children)
            refused[0] = gather(tally, slots, processes)
            progress.show()
    finally:
        for c in children:
            c.join()
        errors = gather(tally, slots, processes)
        progress.close()
        endpoint.close()
    _join_parts(outputs, processes)
    codes = [c.exitcode for c in children]
    return 0 if all(code == 0 for code in codes) and not errors else 1


def _forward(children: list) -> bool:
    for c in children:
        if c.is_alive():
            os.kill(c.pid, signal.SIGTERM)
    return True


def _join_parts(outputs: Outputs, processes: int) -> None:
    """One recording in time order, one truth file in label order, as one process writes."""
    if outputs.record is not None:
        parts = [part(outputs.record, i) for i in range(processes)]
        handles = [p.open(encoding="utf-8") for p in parts]
        with outputs.record.open("w", encoding="utf-8") as out:
            out.writelines(heapq.merge(*handles, key=lambda line: json.loads(line)["t"]))
        for h, p in zip(handles, parts, strict=True):
            h.close()
            p.unlink()
    if outputs.truth is not None:
        parts = [part(outputs.truth, i) for i in range(processes)]
        lines = [line for p in parts for line in p.read_text(encoding="utf-8").splitlines()]
        labels = sorted(lines, key=lambda line: (json.loads(line)["end"], line))
        outputs.truth.write_text("".join(line + "\n" for line in labels), encoding="utf-8")
        for p in parts:
            p.unlink()
