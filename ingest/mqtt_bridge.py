"""`cityops bridge mqtt`: devices' MQTT messages into the Kafka topics, none lost.

Each message of a subscribed topic (ingest/mqtt_topics.py) is produced to the readings
topic, keyed by its device (the topic's `+device` level, else the topic), with the headers
ingest decodes by: `format`, `device`, and `mqtt_topic`. Ingest then treats it like any
other record: decoding, validation, dead letters.

Delivery: the bridge subscribes with QoS 1 under a fixed client id and a persistent
session, and acknowledges a message to the MQTT broker only once Kafka has acknowledged
it (acks=all), in the order the messages arrived (ingest/mqtt_acks.py). Producing happens
on the bridge's own thread, never in paho's network thread, so a slow or absent Kafka
cannot stop the MQTT keepalives. A bridge killed at any point leaves its unacknowledged
messages with the broker, which sends them again when the bridge is back; messages
published meanwhile wait in the session. So nothing is lost; some may reach Kafka twice,
which the readings table's key makes harmless.
"""

from __future__ import annotations

import logging
import queue
import threading
import time

import paho.mqtt.client as mqtt
from kafka.errors import KafkaError
from prometheus_client import CollectorRegistry, Counter, Gauge

from cityops.service import OpsEndpoint, StopSignal, check_port_free
from cityops.settings import ConfigError, Settings
from cityops.stream import kafka_client
from ingest import mqtt_topics
from ingest.formats import READING_FORMATS
from ingest.mqtt_acks import AckLedger

log = logging.getLogger("cityops.bridge")
PORT_OPTION = "CITYOPS_BRIDGE_METRICS_PORT"
MAX_BYTES = 256 * 1024  # ingest refuses larger bodies anyway


class BridgeMetrics:
    def __init__(self) -> None:
        self.registry = r = CollectorRegistry()
        self.bridged = Counter("cityops_bridge_messages_total",
                               "MQTT messages produced to Kafka and acknowledged", ["format"],
                               registry=r)
        self.dropped = Counter("cityops_bridge_dropped_total",
                               "MQTT messages acknowledged without producing: no route, "
                               "oversized", ["reason"], registry=r)
        self.in_flight = Gauge("cityops_bridge_in_flight",
                               "messages produced but not yet acknowledged by Kafka", registry=r)
        self.connected = Gauge("cityops_bridge_connected", "1 while connected to MQTT",
                               registry=r)


class Bridge:
    def __init__(self, settings: Settings, metrics: BridgeMetrics) -> None:
        self.settings = settings
        self.metrics = metrics
        self.routes = mqtt_topics.parse(settings.mqtt_topics, set(READING_FORMATS))
        self.topic = settings.topic("readings")
        self.producer = kafka_client.producer(settings, client_id="cityops-bridge",
                                              linger_ms=5)
        self.inbox: queue.Queue = queue.Queue(maxsize=10_000)
        self.ledger = AckLedger()
        self.generation = 0
        self.failed = threading.Event()
        self.connected = False
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2,
                                  client_id=settings.mqtt_client_id, clean_session=False,
                                  protocol=mqtt.MQTTv311, manual_ack=True)
        self.client.on_connect = self._connected
        self.client.on_disconnect = self._disconnected
        self.client.on_message = self._message
        self.client.reconnect_delay_set(min_delay=1, max_delay=10)

    def _connected(self, client, _userdata, _flags, reason, _properties) -> None:
        if reason.is_failure:
            log.warning("MQTT connection refused", extra={"reason": str(reason)})
            return
        self.metrics.connected.set(1)
        self.connected = True
        self.generation = self.ledger.connected()
        client.subscribe([(r.subscription, 1) for r in self.routes])
        log.info("connected to MQTT", extra={"topics": [r.subscription for r in self.routes]})

    def _disconnected(self, _client, _userdata, _flags, reason, _properties) -> None:
        self.metrics.connected.set(0)
        self.connected = False
        log.warning("disconnected from MQTT; reconnecting", extra={"reason": str(reason)})

    def _message(self, _client, _userdata, message: mqtt.MQTTMessage) -> None:
        # paho's network thread: only note the message; the bridge's thread produces it.
        generation = self.generation
        if message.qos > 0:  # QoS 0 is never acknowledged
            self.ledger.received(generation, message.mid)
        self.inbox.put((generation, message))

    def _produce(self, generation: int, message: mqtt.MQTTMessage) -> None:
        mid = message.mid
        found = mqtt_topics.route(self.routes, message.topic)
        if found is None or len(message.payload) > MAX_BYTES:
            reason = "no_route" if found is None else "oversized"
            self.metrics.dropped.labels(reason).inc()
            log.warning("MQTT message not bridged", extra={"topic": message.topic[:200],
                                                           "reason": reason})
            self.ledger.confirmed(generation, mid)
            return
        fmt, device = found
        headers = [("format", fmt.encode()), ("mqtt_topic", message.topic.encode())]
        if device:
            headers.append(("device", device.encode()))
        self.metrics.in_flight.inc()
        future = self.producer.send(self.topic, key=(device or message.topic).encode(),
                                    value=message.payload, headers=headers)

        def done(_meta) -> None:
            self.metrics.in_flight.dec()
            self.metrics.bridged.labels(fmt).inc()
            self.ledger.confirmed(generation, mid)

        future.add_callback(done)
        future.add_errback(self._lost)

    def _lost(self, exc: BaseException) -> None:
        # Not acknowledged: the broker keeps the message. Stop, so that a restart (the
        # service manager's) resends it to a healthy producer.
        log.error("Kafka refused a bridged message; stopping", extra={"error": str(exc)})
        self.failed.set()

    def drain(self) -> None:
        """Produce what arrived; acknowledge to MQTT, in arrival order, what Kafka has."""
        while True:
            try:
                generation, message = self.inbox.get_nowait()
            except queue.Empty:
                break
            self._produce(generation, message)
        generation = self.generation
        for mid in self.ledger.releasable(generation):
            self.client.ack(mid, 1)

    def run(self, stop: threading.Event) -> int:
        self.client.connect_async(self.settings.mqtt_host, self.settings.mqtt_port,
                                  keepalive=30)
        self.client.loop_start()
        try:
            while not stop.is_set() and not self.failed.is_set():
                self.drain()
                stop.wait(0.01)
            self.producer.flush(timeout=30)
            self.drain()
        except KafkaError as exc:
            log.error("Kafka flush failed at stop", extra={"error": str(exc)})
            return 1
        finally:
            self.client.disconnect()
            self.client.loop_stop()
            self.producer.close(timeout=10)
        return 1 if self.failed.is_set() else 0


def run(settings: Settings, stop: threading.Event | None = None) -> int:
    if settings.bridge_metrics_port:
        check_port_free(settings.metrics_host, settings.bridge_metrics_port, PORT_OPTION)
    try:
        metrics = BridgeMetrics()
        bridge = Bridge(settings, metrics)
    except ValueError as exc:
        raise ConfigError("CITYOPS_MQTT_TOPICS", str(exc)) from None
    started = time.monotonic()

    def health() -> dict:
        return {"ok": not bridge.failed.is_set(), "service": "bridge",
                "connected": bridge.connected,
                "up_s": round(time.monotonic() - started)}

    endpoint = (OpsEndpoint(settings.metrics_host, settings.bridge_metrics_port, PORT_OPTION,
                            metrics.registry, health).start()
                if settings.bridge_metrics_port else None)
    log.info("MQTT bridge started", extra={"mqtt": f"{settings.mqtt_host}:{settings.mqtt_port}",
                                           "client_id": settings.mqtt_client_id})
    try:
        return bridge.run(stop or StopSignal().event)
    finally:
        if endpoint is not None:
            endpoint.close()
        log.info("MQTT bridge stopped")
