"""Running a target over many inputs: outcomes, crashes, hangs, the slowest input, speed.

An input is a crash when anything but the documented outcome comes out (another exception,
an undocumented reason, an invalid record). It is a hang when it takes longer than the
budget in CPU time of this process (the machine is shared: wall time measures the
neighbours too), timed again twice to rule out a one-off such as a garbage collection; a
hard wall-clock timer stops one that never returns. Inputs come from `Random(seed)`
chunk by chunk, so a run repeats; chunks spread over processes (spawned: a clean
interpreter each) for the long runs.
"""

from __future__ import annotations

import multiprocessing
import signal
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from random import Random

from tests.fuzz.targets import TARGETS

CHUNK = 2000
HARD_LIMIT_S = 20.0
SHOWN = 5


class Hang(BaseException):
    """Raised by the hard timer; a BaseException so no `except Exception` swallows it."""


@dataclass
class Tally:
    target: str
    inputs: int = 0
    outcomes: Counter = field(default_factory=Counter)  # accepted / reason / error -> count
    crashes: int = 0
    hangs: int = 0
    slowest_ms: float = 0.0
    slowest: str = ""                       # the slowest input, abbreviated
    failures: list[str] = field(default_factory=list)  # the first crashes and hangs
    seconds: float = 0.0

    def merge(self, other: Tally) -> None:
        self.inputs += other.inputs
        self.outcomes.update(other.outcomes)
        self.crashes += other.crashes
        self.hangs += other.hangs
        if other.slowest_ms > self.slowest_ms:
            self.slowest_ms, self.slowest = other.slowest_ms, other.slowest
        self.failures = (self.failures + other.failures)[:SHOWN]

    @property
    def inputs_per_s(self) -> int:
        return round(self.inputs / self.seconds) if self.seconds else 0

    def figures(self) -> dict:
        return {"inputs": self.inputs, "crashes": self.crashes, "hangs": self.hangs,
                "slowest_ms": round(self.slowest_ms, 1), "inputs_per_s": self.inputs_per_s,
                "accepted": self.outcomes["accepted"],
                "refused": self.inputs - self.outcomes["accepted"] - self.crashes}


def _on_timer(signum, frame) -> None:
    raise Hang()


def _timed(run, record) -> tuple[float, str]:
    """(CPU milliseconds, outcome); the hard timer works in a process's main thread only."""
    timer = threading.current_thread() is threading.main_thread()
    if timer:
        signal.setitimer(signal.ITIMER_REAL, HARD_LIMIT_S)
    start = time.process_time()
    try:
        outcome = run(record)
    finally:
        elapsed = (time.process_time() - start) * 1000
        if timer:
            signal.setitimer(signal.ITIMER_REAL, 0)
    return elapsed, outcome


def _show(record) -> str:
    headers, value = record
    shown = repr(value[:160]) + (f"... ({len(value)} bytes)" if len(value) > 160 else "") \
        if value is not None else "None"
    return f"headers={headers!r} value={shown}"


def run_chunk(job: tuple[str, int, int]) -> Tally:
    """`count` inputs of one target from Random(seed), each held to the target's budget."""
    name, seed, count = job
    target = TARGETS[name]()
    tally = Tally(target.name)
    rng = Random(seed)
    previous = signal.signal(signal.SIGALRM, _on_timer) \
        if threading.current_thread() is threading.main_thread() else None
    try:
        for _ in range(count):
            record = target.make(rng)
            _one(target, record, target.budget_ms(record), tally)
    finally:
        target.close()
        if previous is not None:
            signal.signal(signal.SIGALRM, previous)
    return tally


def _one(target, record, budget_ms: float, tally: Tally) -> None:
    tally.inputs += 1
    try:
        ms, outcome = _timed(target.run, record)
        if ms > budget_ms:  # the machine is shared: the best of three says what it costs
            ms = min(ms, *(_timed(target.run, record)[0] for _ in range(2)))
    except Hang:
        tally.hangs += 1
        tally.failures.append(f"hang (> {HARD_LIMIT_S} s): {_show(record)}")
        return
    except Exception as exc:  # noqa: BLE001 - every escape is a finding, counted and shown
        tally.crashes += 1
        if len(tally.failures) < SHOWN:
            where = traceback.extract_tb(exc.__traceback__)[-1]
            tally.failures.append(f"{type(exc).__name__}: {str(exc)[:200]} at "
                                  f"{where.filename}:{where.lineno} <- {_show(record)}")
        return
    tally.outcomes[outcome] += 1
    if ms > budget_ms:
        tally.hangs += 1
        if len(tally.failures) < SHOWN:
            tally.failures.append(f"slow ({ms:.0f} ms > {budget_ms:.0f} ms): {_show(record)}")
    if ms > tally.slowest_ms:
        tally.slowest_ms, tally.slowest = ms, _show(record)


def fuzz(name: str, total: int, seed: int, processes: int = 1,
         chunk_timeout_s: float = 900) -> Tally:
    """Run `total` inputs of target `name`, in this process or spread over `processes`."""
    sizes = [CHUNK] * (total // CHUNK) + ([total % CHUNK] if total % CHUNK else [])
    jobs = [(name, seed * 1_000_003 + i, size) for i, size in enumerate(sizes)]
    probe = TARGETS[name]()
    probe.close()
    tally = Tally(probe.name)
    start = time.perf_counter()
    if processes <= 1:
        for job in jobs:
            tally.merge(run_chunk(job))
    else:
        with multiprocessing.get_context("spawn").Pool(processes) as pool:
            results = pool.imap_unordered(run_chunk, jobs)
            for _ in jobs:
                tally.merge(results.next(timeout=chunk_timeout_s))  # a stuck worker: fails
    tally.seconds = time.perf_counter() - start
    return tally
