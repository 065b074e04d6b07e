"""Devices that speak MQTT: messages published to a real Mosquitto with `mosquitto_pub`
reach the readings table through `cityops bridge mqtt`, and a bridge killed with SIGKILL in
mid-stream loses nothing (the count and the sum of the values match what was published)."""

import json
import signal
import subprocess
import threading
import urllib.request
from datetime import UTC, datetime

import pytest
from psycopg2.extras import Json

from store import db as store_db
from store import devices as store_devices
from tests.integration.ingest_run import count, start_ingest, stop, wait_for
from tests.process import start_cli, wait_http

pytestmark = pytest.mark.integration


def connected(settings) -> bool:
    url = f"http://{settings.metrics_host}:{settings.bridge_metrics_port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return json.loads(response.read()).get("connected") is True
    except OSError:
        return False


def start_bridge(settings, env: dict):
    proc = start_cli(settings, "bridge", "mqtt", **env)
    wait_http(f"http://{settings.metrics_host}:{settings.bridge_metrics_port}/healthz",
              proc=proc)
    wait_for(lambda: connected(settings), timeout=30, every=0.1)
    return proc


def line(device: str, i: int) -> str:
    ts = datetime.now(UTC).isoformat()
    return json.dumps({"device": device, "ts": ts, "values": {"level_m": i / 100}})


@pytest.fixture
def world(isolated, tmp_path):
    settings = isolated("mqtt")
    prefix = f"test/{settings.topic_prefix.strip('.').replace('.', '-')}"
    env = {"CITYOPS_MQTT_TOPICS": f"{prefix}/+device/native=native",
           "CITYOPS_MQTT_CLIENT_ID": f"bridge-{prefix.replace('/', '-')}"}
    conn = store_db.connect(settings.database_url)
    store_devices.upsert(conn, [{"device_id": f"mq-{k}", "kind": "gauge", "placed": False,
                                 "meta": Json({})} for k in range(3)])
    ingest = start_ingest(settings)
    yield settings, conn, env, prefix
    stop(ingest)
    conn.close()


def publish(settings, topic: str, lines: list[str], pause: threading.Event | None = None) \
        -> None:
    """One mosquitto_pub, a QoS 1 message per line of its standard input; with `pause`, a
    line every few milliseconds (a device's stream, not one burst)."""
    proc = subprocess.Popen(["mosquitto_pub", "-h", settings.mqtt_host,
                             "-p", str(settings.mqtt_port), "-q", "1", "-t", topic, "-l"],
                            stdin=subprocess.PIPE, text=True)
    for text in lines:
        proc.stdin.write(text + "\n")
        proc.stdin.flush()
        if pause is not None:
            pause.wait(0.01)  # pacing only: nothing waits on it
    proc.stdin.close()
    assert proc.wait(60) == 0


def test_mosquitto_pub_reaches_the_readings_table(world) -> None:
    settings, conn, env, prefix = world
    bridge = start_bridge(settings, env)
    try:
        publish(settings, f"{prefix}/mq-0/native", [line("mq-0", i) for i in range(20)])
        wait_for(lambda: count(conn, "SELECT count(*) FROM readings WHERE device_id = 'mq-0'")
                 == 20, timeout=60, every=0.2)
    finally:
        stop(bridge)


def test_a_killed_bridge_loses_nothing(world) -> None:
    settings, conn, env, prefix = world
    per_device, devices = 150, ("mq-1", "mq-2")
    bridge = start_bridge(settings, env)
    never = threading.Event()
    publishers = [threading.Thread(target=publish, args=(
        settings, f"{prefix}/{d}/native", [line(d, i) for i in range(per_device)], never))
        for d in devices]
    for publisher in publishers:
        publisher.start()
    stored = "SELECT count(*) FROM readings WHERE device_id IN ('mq-1', 'mq-2')"
    try:
        wait_for(lambda: count(conn, stored) >= 20, timeout=60, every=0.05)
        bridge.send_signal(signal.SIGKILL)  # mid-stream: acked, produced, in flight
        bridge.wait(10)
        assert count(conn, stored) < per_device * len(devices)  # it was mid-stream
        for publisher in publishers:
            publisher.join(60)  # the rest waits in the bridge's MQTT session meanwhile
        bridge = start_bridge(settings, env)
        wait_for(lambda: count(conn, stored) == per_device * len(devices), timeout=90,
                 every=0.2)
        with conn.cursor() as cur:
            cur.execute("SELECT device_id, count(*), round(sum(value)::numeric, 2) FROM readings"
                        " WHERE device_id IN ('mq-1', 'mq-2') GROUP BY 1 ORDER BY 1")
            got = cur.fetchall()
        conn.rollback()
        expected = round(sum(i / 100 for i in range(per_device)), 2)
        assert [(d, n, float(total)) for d, n, total in got] == [
            (d, per_device, expected) for d in devices]
    finally:
        if bridge.poll() is None:
            stop(bridge)
