"""The simulator's sustained produce rate into the local broker (see docs/benchmarks-sim.md).

Measures, on the small demo city (Huangpu and Xuhui) with 20,000 devices:
- generating: messages per second the stream makes (all lanes, as `cityops sim`), nothing sent;
- producing: messages per second each client (kafka-python, librdkafka) takes (send +
  flush) of ready messages; without --quick also the kafka-python configurations tried;
- end to end: for each client, generate and produce in 1 and in 2 processes (each its
  lanes of the stream, exactly as `cityops sim --rate max --processes N`), for a fixed time.
gen_share is generating's share of one process's time per message (1/gen over
1/gen + 1/produce) for the client of the best end-to-end configuration. The last line
printed is one JSON object; msgs_per_s is the best end-to-end configuration, named on stderr.
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

from cityops.settings import Settings  # noqa: E402
from cityops.stream import kafka_client  # noqa: E402
from cityops.topics import delete_topics, ensure_topics, topic_specs  # noqa: E402
from geo.demo import build_demo  # noqa: E402
from sim.kafka_sink import PRODUCER_OPTIONS, KafkaSink, open_sink  # noqa: E402
from sim.placement import Cells, Devices, place  # noqa: E402
from sim.plan import Plan  # noqa: E402
from sim.shard import Shard, lanes_of  # noqa: E402

DEVICES = 20_000
CLIENTS = ("kafka-python", "librdkafka")
CONFIGS = {  # kafka-python producer options tried on top of the simulator's own
    "linger 20 ms, 256 KiB, none": {"linger_ms": 20, "batch_size": 256 * 1024,
                                    "compression_type": None},
    "linger 50 ms, 1 MiB, none": {"linger_ms": 50, "batch_size": 1024 * 1024,
                                  "compression_type": None},
    "linger 50 ms, 1 MiB, gzip (sim default)": {},
}


def city() -> tuple[Cells, Devices]:
    cells = Cells.from_areas(build_demo(seed=1, districts=["310101", "310104"]))
    return cells, place(cells, DEVICES, 1)


def stream(world: tuple[Cells, Devices], process: int = 0, processes: int = 1) -> Shard:
    plan = Plan(devices=DEVICES, rate=100_000.0, seed=1, start=time.time() - 60)
    return Shard(*world, plan, lanes_of(process, processes))


def generating(world: tuple[Cells, Devices], count: int) -> tuple[float, list]:
    source = iter(stream(world))
    began = time.perf_counter()
    messages = [next(source) for _ in range(count)]
    return count / (time.perf_counter() - began), messages


def producing(settings: Settings, messages: list, options: dict | None = None) -> float:
    sink = open_sink(settings) if options is None else KafkaSink(settings, **options)
    sink.send(messages[0])
    sink.flush()  # metadata and connections are not part of the rate
    began = time.perf_counter()
    for m in messages:
        sink.send(m)
    sink.flush()
    elapsed = time.perf_counter() - began
    sink.close()
    if sink.errors:
        raise SystemExit(f"broker refused {sink.errors} messages: {sink.last_error}")
    return len(messages) / elapsed


def _worker(settings: Settings, world, process: int, processes: int, seconds: float,
            ready, go, results) -> None:
    source = iter(stream(world, process, processes))
    sink = open_sink(settings)
    sink.send(next(source))
    sink.flush()
    ready.put(process)
    go.wait()
    began = time.perf_counter()
    sent = 0
    while time.perf_counter() - began < seconds:
        for _ in range(1000):
            sink.send(next(source))
        sent += 1000
    sink.flush()  # the rate counts only what the broker acknowledged
    results.put((sent, time.perf_counter() - began, sink.errors))
    sink.close()


def end_to_end(settings: Settings, world, processes: int, seconds: float) -> float:
    ctx = multiprocessing.get_context("fork")
    ready, results, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    workers = [ctx.Process(target=_worker, args=(settings, world, i, processes, seconds,
                                                   ready, go, results))
               for i in range(processes)]
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


def measure(settings: Settings, quick: bool) -> dict:
    """End to end first: librdkafka is not fork-safe once this process has a producer."""
    count, seconds = (100_000, 8.0) if quick else (300_000, 30.0)
    world = city()
    gen_rate, messages = generating(world, count)
    print(f"generating: {gen_rate:,.0f} msg/s ({count:,} messages, "
          f"{sum(len(m.value) for m in messages) / count:.0f} bytes each)")
    rates = {}
    for client in CLIENTS:
        for processes in (1, 2):
            rates[client, processes] = end_to_end(replace(settings, kafka_client=client),
                                                  world, processes, seconds)
            print(f"end to end, {client}, {processes} process(es): "
                  f"{rates[client, processes]:,.0f} msg/s")
    produce = {}
    for client in CLIENTS:
        produce[client] = producing(replace(settings, kafka_client=client), messages)
        print(f"producing, {client} (sim default): {produce[client]:,.0f} msg/s")
    if not quick:
        for name, options in CONFIGS.items():
            rate = producing(replace(settings, kafka_client="kafka-python"), messages, options)
            print(f"producing, kafka-python ({name}; {PRODUCER_OPTIONS | options}): "
                  f"{rate:,.0f} msg/s")
    return {"gen": gen_rate, "produce": produce, "rates": rates}

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
        found = measure(settings, args.quick)
    finally:
        delete_topics(admin, list(settings.topics.values()))
        admin.close()
    (client, processes), best = max(found["rates"].items(), key=lambda item: item[1])
    gen, produce = found["gen"], found["produce"][client]
    gen_share = (1 / gen) / (1 / gen + 1 / produce)
    print(f"best end to end: {client}, {processes} process(es): {best:,.0f} msg/s",
          file=sys.stderr)
    print(json.dumps({"msgs_per_s": round(best), "gen_share": round(gen_share, 3),
                      "gen_msgs_per_s": round(gen), "produce_msgs_per_s": round(produce),
                      "client": client, "processes": processes}))


if __name__ == "__main__":
    main()
