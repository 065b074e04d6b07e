"""Three KRaft brokers on loopback: the shape of a production cluster on one machine.

Each node is broker and controller, the three form the controller quorum, and topics get
three replicas with min.insync.replicas 2, so one broker may die (kill -9) and every
acknowledged write survives while the others go on. Used by `cityops stack up --cluster`
and the cluster tests (tests/cluster); the jars are the single broker's (ops/kafka.py).
"""

from __future__ import annotations

import base64
import logging
import os
import signal
import time
import uuid
from pathlib import Path

from cityops.settings import Settings
from ops.kafka import LocalKafka, Node
from ops.system import StackError

log = logging.getLogger(__name__)
NODES = 3
HOST = "127.0.0.1"


class LocalKafkaCluster:
    def __init__(self, settings: Settings, home: Path | None = None) -> None:
        self.settings = settings
        # Tests give a folder of their own: a quorum's stored metadata names its voters'
        # ports, so a cluster on other ports starts from an empty folder.
        self.home = home or settings.state_dir / "kafka-cluster"
        base = settings.kafka_cluster_port
        self.nodes = [Node(i + 1, base + 2 * i, base + 2 * i + 1, self.home / f"node{i + 1}")
                      for i in range(NODES)]

    @property
    def bootstrap(self) -> str:
        return ",".join(f"{HOST}:{n.port}" for n in self.nodes)

    def settings_for(self) -> Settings:
        """The settings of a run on this cluster: its brokers, three replicas of each."""
        return self.settings.replace(kafka_bootstrap=self.bootstrap, topic_replication=NODES,
                                     kafka_bootstrap_given=True)

    def _cluster_id(self) -> str:
        stamp = self.home / "cluster.id"
        if not stamp.exists():
            self.home.mkdir(parents=True, exist_ok=True)
            stamp.write_text(base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("="))
        return stamp.read_text().strip()

    def broker(self, node: Node) -> LocalKafka:
        return LocalKafka(self.settings.replace(kafka_bootstrap=f"{HOST}:{node.port}"), node,
                          self.nodes, self._cluster_id())

    def install(self) -> bool:
        return LocalKafka(self.settings).install()

    def start(self, timeout: float = 120) -> list[int]:
        """Start the nodes that are not running, all at once; returns their ids."""
        self.install()
        launched = {n.node_id: proc for n in self.nodes
                    if (proc := self.broker(n).launch()) is not None}
        for node in self.nodes:
            if node.node_id in launched:
                self.broker(node).wait(launched[node.node_id], timeout)
        self.wait_for_brokers(NODES, timeout)
        return sorted(launched)

    def wait_for_brokers(self, count: int, timeout: float = 60) -> None:
        """Until the cluster's metadata lists `count` brokers (a broker answers before the
        quorum has registered the others)."""
        from kafka import KafkaAdminClient
        deadline = time.monotonic() + timeout
        seen = 0
        while time.monotonic() < deadline:
            try:
                admin = KafkaAdminClient(bootstrap_servers=self.bootstrap,
                                         request_timeout_ms=3000)
                try:
                    seen = len(admin.describe_cluster()["brokers"])
                finally:
                    admin.close()
            except Exception:  # noqa: BLE001 - not ready yet is the expected answer here
                seen = 0
            if seen >= count:
                return
            time.sleep(0.5)  # poll interval while the quorum forms, bounded by the deadline
        raise StackError(f"the local cluster has {seen} of {count} brokers after {timeout}s")

    def pids(self) -> dict[int, int | None]:
        return {n.node_id: self.broker(n).pid() for n in self.nodes}

    def kill(self, node_id: int) -> None:
        """SIGKILL one broker: no shutdown, no handing over of its partitions."""
        pid = self.pids()[node_id]
        if pid is None:
            raise StackError(f"broker {node_id} is not running")
        os.kill(pid, signal.SIGKILL)
        broker = self.broker(self.nodes[node_id - 1])
        deadline = time.monotonic() + 10
        while broker.pid() is not None and time.monotonic() < deadline:
            time.sleep(0.05)  # until the kernel has taken it away (a zombie has no cmdline)

    def stop(self) -> list[int]:
        return [n.node_id for n in self.nodes if self.broker(n).stop()]

    def running(self) -> bool:
        return all(self.pids().values())
