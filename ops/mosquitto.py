"""A local Eclipse Mosquitto from Debian's package, for the MQTT bridge and its tests.

It runs from its own config in the state directory (not the system service), listens on
loopback only, and keeps persistent sessions and queued QoS 1 messages on disk, so a
restarted broker still holds what a disconnected bridge has not yet taken.
"""

from __future__ import annotations

import logging
import subprocess
import time

from cityops.settings import ConfigError, Settings
from ops import pidfile
from ops.kafka import port_open
from ops.system import StackError, ensure_packages

log = logging.getLogger(__name__)

PACKAGES = {"/usr/sbin/mosquitto": "mosquitto", "mosquitto_pub": "mosquitto-clients"}
BINARY = "/usr/sbin/mosquitto"

CONFIG = """\
# Written by cityops (ops/mosquitto.py); changes are overwritten at start.
listener {port} {host}
allow_anonymous true
persistence true
persistence_location {data}/
autosave_interval 1
max_queued_messages 1000000
# The bridge acknowledges a message once Kafka has it: let many be on their way at once.
max_inflight_messages 1000
log_dest file {log}
"""


class LocalMosquitto:
    def __init__(self, settings: Settings) -> None:
        self.host, self.port = settings.mqtt_host, settings.mqtt_port
        self.home = settings.state_dir / "mosquitto"
        self.pid_file = self.home / "mosquitto.pid"

    def install(self) -> None:
        ensure_packages(PACKAGES)

    def pid(self) -> int | None:
        return pidfile.running(self.pid_file, b"mosquitto")

    def start(self, timeout: float = 20) -> bool:
        """Start the broker unless it runs; True if this call started it."""
        if self.pid():
            return False
        if port_open(self.host, self.port):
            raise ConfigError("CITYOPS_MQTT_PORT", f"port {self.host}:{self.port} is already "
                                                   "in use by a process that is not the local "
                                                   "Mosquitto")
        (self.home / "data").mkdir(parents=True, exist_ok=True)
        config = self.home / "mosquitto.conf"
        config.write_text(CONFIG.format(port=self.port, host=self.host, data=self.home / "data",
                                        log=self.home / "mosquitto.log"))
        with open(self.home / "stdout.log", "ab") as out:
            proc = subprocess.Popen([BINARY, "-c", str(config)], stdout=out,
                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    start_new_session=True)
        self.pid_file.write_text(str(proc.pid))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise StackError(f"Mosquitto exited at start (code {proc.returncode}); see "
                                 f"{self.home / 'mosquitto.log'}")
            if port_open(self.host, self.port):
                return True
            time.sleep(0.1)
        raise StackError(f"Mosquitto did not listen on {self.host}:{self.port} in {timeout}s")

    def stop(self, timeout: float = 10) -> bool:
        # Mosquitto saves its persistence file on SIGTERM.
        return pidfile.stop(self.pid_file, b"mosquitto", "Mosquitto", timeout)
