"""`cityops sim` against the real stack: devices registered, messages in Kafka, clean stop."""

import json
import signal

import pytest

from cityops.stream import kafka_client
from cityops.topics import delete_topics, ensure_topics, topic_specs
from geo.store import write_areas
from store import db as store_db
from store.migrate import migrate
from tests.process import run_cli, start_cli, wait_http

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def city_settings(settings, databases, small_areas):
    """A database of its own with the small city, and topics no other test consumes."""
    url = databases.create("sim")
    conn = store_db.connect(url)
    migrate(conn, settings.timescale)
    write_areas(conn, small_areas)
    conn.close()
    mine = databases.world(settings, url, topic_prefix=settings.topic_prefix + "sim.")
    admin = kafka_client.admin_client(mine)
    ensure_topics(admin, topic_specs(mine))
    yield mine
    delete_topics(admin, list(mine.topics.values()))
    admin.close()


def count_messages(settings, topic: str) -> int:
    consumer = kafka_client.consumer(settings, "sim-test", [], consumer_timeout_ms=3000)
    consumer.subscribe([settings.topic(topic)])
    seen = sum(1 for _ in consumer)
    consumer.close()
    return seen


def test_without_a_city_it_says_to_build_one(settings, databases) -> None:
    # A database of its own: other tests may load a city into the shared one.
    url = databases.create("sim_empty")
    conn = store_db.connect(url)
    migrate(conn, settings.timescale)
    conn.close()
    done = run_cli(databases.world(settings, url), "sim", "--duration", "2")
    assert done.returncode == 2
    assert "cityops geo build-demo" in done.stderr and len(done.stderr.splitlines()) == 1


def test_it_registers_devices_and_streams_into_kafka(city_settings, tmp_path) -> None:
    done = run_cli(city_settings, "sim", "--devices", "120", "--rate", "300", "--duration",
                   "4", "--registry", str(tmp_path / "devices.csv"), "--record",
                   str(tmp_path / "run.jsonl"), timeout=90)
    assert done.returncode == 0, done.stderr[-2000:]
    recorded = (tmp_path / "run.jsonl").read_text(encoding="utf-8").splitlines()
    assert 800 < len(recorded) < 1500  # 300 msg/s for 4 s
    conn = store_db.connect(city_settings.database_url)
    with conn.cursor() as cur:
        cur.execute("SELECT count(*), count(grid_code) FROM devices WHERE meta->>'simulated' "
                    "= 'true'")
        assert cur.fetchone() == (120, 120)
    conn.close()
    topics = [json.loads(line)["topic"] for line in recorded]
    assert count_messages(city_settings, "readings") == topics.count("readings")


def test_devices_import_registers_a_file(city_settings, tmp_path) -> None:
    path = tmp_path / "mine.jsonl"
    path.write_text(json.dumps({"device_id": "bridge-imported-1", "kind": "bridge",
                                "lon": 121.4737, "lat": 31.2304}) + "\n", encoding="utf-8")
    done = run_cli(city_settings, "devices", "import", str(path))
    assert done.returncode == 0, done.stderr
    conn = store_db.connect(city_settings.database_url)
    with conn.cursor() as cur:
        cur.execute("SELECT placed, district_code FROM devices WHERE device_id = %s",
                    ("bridge-imported-1",))
        assert cur.fetchone() == (True, "310101")
    conn.close()


def test_it_serves_health_and_stops_on_sigterm(city_settings) -> None:
    proc = start_cli(city_settings, "sim", "--devices", "50", "--rate", "50")
    try:
        port = city_settings.sim_metrics_port
        health = json.loads(wait_http(f"http://127.0.0.1:{port}/healthz", proc=proc))
        assert health["ok"]
        metrics = wait_http(f"http://127.0.0.1:{port}/metrics").decode()
        assert "cityops_sim_messages_total" in metrics
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    assert proc.returncode == 0
