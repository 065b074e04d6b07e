"""`cityops sim --processes N` and the librdkafka producer, against the real stack."""

import base64
import json
import signal
import subprocess
from collections import Counter

import pytest

from cityops.stream import kafka_client
from geo.store import write_areas
from store import db as store_db
from tests.process import run_cli, start_cli, wait_http

pytestmark = pytest.mark.integration
START = "2026-11-20T08:00:00+08:00"


@pytest.fixture(scope="module")
def city(isolated, small_areas):
    """Settings with a database holding the small city, and topics of their own."""
    mine = isolated("simproc")
    conn = store_db.connect(mine.database_url)
    write_areas(conn, small_areas)
    conn.close()
    return mine


def recorded(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def as_set(lines: list[dict]) -> Counter:
    return Counter(json.dumps(line, sort_keys=True, ensure_ascii=False) for line in lines)


def test_two_processes_record_the_same_stream_as_one(city, tmp_path) -> None:
    runs = {}
    for n in (1, 2):
        done = run_cli(city, "sim", "--no-kafka", "--devices", "200", "--rate", "100",
                       "--duration", "500", "--seed", "3", "--start", START, "--processes",
                       str(n), "--record", str(tmp_path / f"{n}.jsonl"), "--truth",
                       str(tmp_path / f"{n}.truth"), timeout=90)
        assert done.returncode == 0, done.stderr[-2000:]
        runs[n] = recorded(tmp_path / f"{n}.jsonl")
    assert len(runs[1]) > 40_000
    assert as_set(runs[2]) == as_set(runs[1])
    assert [line["t"] for line in runs[2]] == sorted(line["t"] for line in runs[2])
    assert as_set(recorded(tmp_path / "2.truth")) == as_set(recorded(tmp_path / "1.truth"))
    assert not list(tmp_path.glob("*.part*"))


def read_back(settings, group: str) -> Counter:
    consumer = kafka_client.consumer(settings, group, [], consumer_timeout_ms=4000)
    consumer.subscribe([settings.topic(t) for t in ("readings", "incidents", "truth")])
    seen = Counter((r.topic, r.key, r.value, tuple(r.headers)) for r in consumer)
    consumer.close()
    return seen


def test_librdkafka_in_two_processes_delivers_exactly_the_recording(city, tmp_path) -> None:
    librdkafka = city.replace(kafka_client="librdkafka")
    done = run_cli(librdkafka, "sim", "--devices", "150", "--rate", "2000", "--duration", "4",
                   "--processes", "2", "--record", str(tmp_path / "run.jsonl"), timeout=90)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = recorded(tmp_path / "run.jsonl")
    assert 5000 < len(lines) < 10_000  # 2,000 msg/s for 4 s
    expected = Counter((city.topic(line["topic"]), line["key"].encode(),
                        line["value"].encode() if "value" in line
                        else base64.b64decode(line["value_b64"]),
                        tuple((k, v.encode()) for k, v in line["headers"])) for line in lines)
    assert read_back(city, "simproc-check") == expected


def test_sigterm_stops_every_process(city) -> None:
    proc = start_cli(city, "sim", "--devices", "100", "--rate", "200", "--processes", "2",
                     CITYOPS_KAFKA_CLIENT="librdkafka")
    try:
        port = city.sim_metrics_port
        wait_http(f"http://127.0.0.1:{port}/healthz", proc=proc)
        children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True,
                                  text=True).stdout.split()
        assert len(children) == 2
        wait_http(f"http://127.0.0.1:{port}/metrics")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True).returncode == 1
