"""A single-node Apache Kafka broker (KRaft) for the local stack, resolved from Maven Central."""

from __future__ import annotations

import base64
import hashlib
import logging
import shutil
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from cityops.settings import REPO_ROOT, ConfigError, Settings
from ops import pidfile
from ops.system import StackError, ensure_packages

log = logging.getLogger(__name__)

POM = REPO_ROOT / "ops" / "kafka" / "pom.xml"
LOG4J = REPO_ROOT / "ops" / "kafka" / "log4j2.properties"

SERVER_PROPERTIES = """\
# Written by ops/kafka.py from the settings; edits are overwritten on `stack up`.
process.roles=broker,controller
node.id={node_id}
controller.quorum.voters={voters}
listeners=PLAINTEXT://{host}:{port},CONTROLLER://{host}:{controller_port}
advertised.listeners=PLAINTEXT://{host}:{port}
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs={data}
num.partitions=1
default.replication.factor={replicas}
min.insync.replicas={min_isr}
offsets.topic.replication.factor={replicas}
transaction.state.log.replication.factor={replicas}
transaction.state.log.min.isr={min_isr}
share.coordinator.state.topic.replication.factor={replicas}
share.coordinator.state.topic.min.isr={min_isr}
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
log.retention.hours=168
message.max.bytes=2097152
"""


def split_bootstrap(bootstrap: str) -> tuple[str, int]:
    first = bootstrap.split(",")[0].strip()
    host, _, port = first.rpartition(":")
    try:
        return host or "127.0.0.1", int(port)
    except ValueError:
        raise ConfigError("CITYOPS_KAFKA_BOOTSTRAP", f"expected host:port, got {bootstrap!r}") \
            from None


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


@dataclass(frozen=True)
class Node:
    """One KRaft node (broker and controller) of a local cluster."""

    node_id: int
    port: int
    controller_port: int
    home: Path


class LocalKafka:
    def __init__(self, settings: Settings, node: Node | None = None,
                 voters: list[Node] | None = None, cluster_id: str | None = None) -> None:
        self.host, self.port = split_bootstrap(settings.kafka_bootstrap)
        self.controller_port = settings.kafka_controller_port
        self.heap = settings.kafka_heap
        self.home = settings.state_dir / "kafka"
        self.lib = self.home / "lib"   # one copy of the jars, whichever node runs them
        self.node_id, self.cluster_id = 1, cluster_id
        if node is not None:   # a node of ops/kafka_cluster.py
            self.node_id, self.port = node.node_id, node.port
            self.controller_port, self.home = node.controller_port, node.home
            self.heap = settings.kafka_cluster_heap
        self.voters = voters or [Node(self.node_id, self.port, self.controller_port,
                                      self.home)]
        self.data = self.home / "data"
        self.pid_file = self.home / "kafka.pid"

    # -- installation ---------------------------------------------------------------
    def install(self) -> bool:
        """Resolve the broker's jars with Maven once per pom version; True if it ran."""
        ensure_packages({"java": "openjdk-17-jre-headless", "mvn": "maven"})
        stamp = self.lib / ".pom.sha256"
        digest = hashlib.sha256(POM.read_bytes()).hexdigest()
        if stamp.exists() and stamp.read_text() == digest:
            return False
        staging = self.home / "lib.partial"
        shutil.rmtree(staging, ignore_errors=True)
        cmd = ["mvn", "-q", "-B", "-f", str(POM), "dependency:copy-dependencies",
               f"-DoutputDirectory={staging}"]
        log.info("resolving Kafka from Maven Central", extra={"pom": str(POM)})
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            lines = (done.stdout + done.stderr).strip().splitlines()
            raise StackError(f"Maven could not resolve Kafka: {lines[-1] if lines else '?'}")
        shutil.rmtree(self.lib, ignore_errors=True)
        staging.rename(self.lib)
        stamp.write_text(digest)
        return True

    def version(self) -> str:
        jars = sorted(self.lib.glob("kafka-clients-*.jar"))
        return jars[0].stem.removeprefix("kafka-clients-") if jars else "not installed"

    # -- process --------------------------------------------------------------------
    def pid(self) -> int | None:
        return pidfile.running(self.pid_file, b"kafka.Kafka")

    def _write_config(self) -> Path:
        config = self.home / "server.properties"
        replicas = min(3, len(self.voters))
        config.write_text(SERVER_PROPERTIES.format(
            host=self.host, port=self.port, controller_port=self.controller_port,
            data=self.data, node_id=self.node_id, replicas=replicas,
            min_isr=max(1, replicas - 1),
            voters=",".join(f"{v.node_id}@{self.host}:{v.controller_port}"
                            for v in self.voters)))
        return config

    def _format_storage(self, config: Path) -> None:
        if (self.data / "meta.properties").exists():
            return
        # A cluster's nodes share one id; a lone broker makes its own.
        cluster_id = self.cluster_id or \
            base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        done = subprocess.run(["java", "-cp", f"{self.lib}/*", "kafka.tools.StorageTool",
                               "format", f"--cluster-id={cluster_id}", "-c", str(config)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise StackError(f"formatting Kafka storage failed: {done.stderr.strip()[-300:]}")

    def start(self, timeout: float = 90) -> bool:
        """Start the broker unless it runs; True if this call started it."""
        proc = self.launch()
        if proc is None:
            return False
        self.wait(proc, timeout)
        return True

    def launch(self) -> subprocess.Popen | None:
        """Start the broker's process without waiting for it; None if it runs."""
        if self.pid():
            return None
        names = ("CITYOPS_KAFKA_BOOTSTRAP", "CITYOPS_KAFKA_CONTROLLER_PORT") \
            if len(self.voters) == 1 else ("CITYOPS_KAFKA_CLUSTER_PORT",) * 2
        for port, env in zip((self.port, self.controller_port), names, strict=True):
            if port_open(self.host, port):
                raise ConfigError(env, f"port {self.host}:{port} is already in use "
                                       "by a process that is not the local broker")
        self.home.mkdir(parents=True, exist_ok=True)
        config = self._write_config()
        self._format_storage(config)
        logs = self.home / "logs"
        logs.mkdir(exist_ok=True)
        cmd = ["java", f"-Xmx{self.heap}", "-Xms256m", "-XX:+UseG1GC",
               f"-Dlog4j2.configurationFile={LOG4J}", f"-Dkafka.logs.dir={logs}",
               "-cp", f"{self.lib}/*", "kafka.Kafka", str(config)]
        with open(logs / "stdout.log", "ab") as out:
            proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        self.pid_file.write_text(str(proc.pid))
        return proc

    def wait(self, proc: subprocess.Popen, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise StackError(f"Kafka exited at start (code {proc.returncode}); "
                                 f"see {self.home / 'logs' / 'server.log'}")
            if port_open(self.host, self.port) and self._answers():
                return
            time.sleep(0.5)  # poll interval while the broker starts, bounded by the deadline
        raise StackError(f"Kafka did not answer on {self.host}:{self.port} within {timeout}s")

    def _answers(self) -> bool:
        from kafka import KafkaAdminClient
        try:
            admin = KafkaAdminClient(bootstrap_servers=f"{self.host}:{self.port}",
                                     request_timeout_ms=3000)
        except Exception:  # noqa: BLE001 - not ready yet is the expected answer here
            return False
        try:
            admin.list_topics()
            return True
        except Exception:  # noqa: BLE001
            return False
        finally:
            admin.close()

    def stop(self, timeout: float = 30) -> bool:
        return pidfile.stop(self.pid_file, b"kafka.Kafka", "Kafka", timeout)
