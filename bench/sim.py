"""The simulator's sustained produce rate into the local broker (see docs/benchmarks-sim.md).

Measures, on the small demo city (Huangpu and Xuhui) with 20,000 devices:
- generating: messages per second the stream makes, nothing sent;
- producing: messages per second kafka-python takes (send + flush) of ready messages,
  for each producer configuration tried;
- end to end: generate and produce in 1 and in 2 processes (one stream shard each,
  as `cityops sim` would run per core), for a fixed time.
gen_share is generating's share of one process's time per message (1/gen over
1/gen + 1/produce). The last line printed is one JSON object.
Brings the local stack up itself when it is not running.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cityops import kafka_client  # noqa: E402
from cityops.settings import Settings  # noqa: E402
from cityops.topics import delete_topics, ensure_topics, topic_specs  # noqa: E402
from geo.demo import build_demo  # noqa: E402
from sim.kafka_sink import PRODUCER_OPTIONS, KafkaSink  # noqa: E402
from sim.placement import Cells, place  # noqa: E402
from sim.plan import Plan  # noqa: E402
from sim.stream import Stream  # noqa: E402

DEVICES = 20_000
CONFIGS = {  # producer options tried on top of the simulator's own
    "linger 20 ms, 256 KiB, none": {"linger_ms": 20, "batch_size": 256 * 1024,
                                    "compression_type": None},
    "linger 50 ms, 1 MiB, none": {"linger_ms": 50, "batch_size": 1024 * 1024,
                                  "compression_type": None},
    "linger 50 ms, 1 MiB, gzip (sim default)": {},
}


def city() -> Cells:
    return Cells.from_areas(build_demo(seed=1, districts=["310101", "310104"]))


def stream(cells: Cells, seed: int) -> Stream:
    plan = Plan(devices=DEVICES, rate=100_000.0, seed=seed, start=time.time() - 60)
    return Stream(cells, place(cells, DEVICES, seed), plan)


def generating(cells: Cells, count: int) -> tuple[float, list]:
    source = iter(stream(cells, 1))
    began = time.perf_counter()
    messages = [next(source) for _ in range(count)]
    return count / (time.perf_counter() - began), messages


def producing(settings: Settings, messages: list, options: dict) -> float:
    sink = KafkaSink(settings, **options)
    sink.send(messages[0])
    sink.producer.flush()  # metadata and connections are not part of the rate
    began = time.perf_counter()
    for m in messages:
        sink.send(m)
    sink.producer.flush()
    elapsed = time.perf_counter() - began
    sink.close()
    if sink.errors:
        raise SystemExit(f"broker refused {sink.errors} messages: {sink.last_error}")
    return len(messages) / elapsed


def _worker(settings: Settings, seed: int, seconds: float, ready, go, results) -> None:
    cells = city()
    source = iter(stream(cells, seed))
    sink = KafkaSink(settings)
    sink.send(next(source))
    sink.producer.flush()
    ready.put(seed)
    go.wait()
    began = time.perf_counter()
    sent = 0
    while time.perf_counter() - began < seconds:
        for _ in range(1000):
            sink.send(next(source))
        sent += 1000
    sink.producer.flush()
    results.put((sent, time.perf_counter() - began, sink.errors))
    sink.close()


def end_to_end(settings: Settings, processes: int, seconds: float) -> float:
    ctx = multiprocessing.get_context("fork")
    ready, results, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    workers = [ctx.Process(target=_worker, args=(settings, 10 + i, seconds, ready, go,
                                                   results)) for i in range(processes)]
    for w in workers:
        w.start()
    for _ in workers:
        ready.get(timeout=120)
    go.set()
    done = [results.get(timeout=seconds + 120) for _ in workers]
    for w in workers:
        w.join()
    if any(errors for _, _, errors in done):
        raise SystemExit("the broker refused messages")
    return sum(sent for sent, _, _ in done) / max(elapsed for _, elapsed, _ in done)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="about a minute")
    args = parser.parse_args()
    from ops import stack
    base = Settings.from_env()
    stack.up(base)
    settings = replace(base, topic_prefix="bench.sim.")
    admin = kafka_client.admin_client(settings)
    ensure_topics(admin, topic_specs(settings))
    try:
        count, seconds = (100_000, 12.0) if args.quick else (300_000, 30.0)
        cells = city()
        gen_rate, messages = generating(cells, count)
        print(f"generating: {gen_rate:,.0f} msg/s ({count:,} messages, "
              f"{sum(len(m.value) for m in messages) / count:.0f} bytes each)")
        configs = {"sim default": {}} if args.quick else CONFIGS
        produce = {}
        for name, options in configs.items():
            produce[name] = producing(settings, messages, options)
            print(f"producing ({name}; {PRODUCER_OPTIONS | options}): "
                  f"{produce[name]:,.0f} msg/s")
        produce_rate = produce[next(iter(configs))] if args.quick else produce[
            "linger 50 ms, 1 MiB, gzip (sim default)"]
        gen_share = (1 / gen_rate) / (1 / gen_rate + 1 / produce_rate)
        rates = {}
        for processes in (1, 2):
            rates[processes] = end_to_end(settings, processes, seconds)
            print(f"end to end, {processes} process(es): {rates[processes]:,.0f} msg/s")
        best = max(rates.values())
    finally:
        delete_topics(admin, list(settings.topics.values()))
        admin.close()
    print(json.dumps({"msgs_per_s": round(best), "gen_share": round(gen_share, 3),
                      "gen_msgs_per_s": round(gen_rate), "produce_msgs_per_s":
                      round(produce_rate), "processes": max(rates, key=rates.get)}))


if __name__ == "__main__":
    main()
