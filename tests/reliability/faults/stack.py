"""A private Kafka broker and PostgreSQL cluster that fault scenarios may stop at will.

The shared local stack (127.0.0.1:9092 and :55432) serves everybody's tests; stopping it
would break their runs. So the broker and database faults run against a stack of their
own at other ports and in another state folder, started and stopped with the project's
own functions (ops/stack.py, ops/kafka.py, ops/postgres.py), and removed at the end.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from cityops.settings import REPO_ROOT, Settings
from ops import stack
from ops.kafka import LocalKafka
from ops.postgres import LocalPostgres
from tests.conftest import free_port


def private_settings(base: Settings) -> Settings:
    """Settings of a private stack: CITYOPS_MANAGE_STACK=yes at free ports, in a fresh
    folder, so two reliability runs at once (`cityops reliability` collects this module
    in every run) never stop each other's broker or database."""
    state_dir = Path(tempfile.mkdtemp(prefix="cityops-faultstack-"))
    kafka, controller, postgres, mqtt = free_port(), free_port(), free_port(), free_port()
    return base.replace(
        kafka_bootstrap=f"127.0.0.1:{kafka}", kafka_controller_port=controller,
        database_url=f"postgresql://cityops@127.0.0.1:{postgres}/cityops", mqtt_port=mqtt,
        manage_stack="yes", state_dir=state_dir, kafka_heap="512m",
        database_url_given=True, kafka_bootstrap_given=True, mqtt_host_given=True)


def _share_kafka_jars(settings: Settings) -> None:
    """Link the broker's jars from the main state folder when it has them.

    The jars are the same files; resolving them again with Maven would cost minutes.
    LocalKafka.install() sees their stamp and leaves them alone.
    """
    ours = settings.state_dir / "kafka" / "lib"
    main = REPO_ROOT / ".state" / "kafka" / "lib"
    if ours.exists() or not (main / ".pom.sha256").exists():
        return
    ours.parent.mkdir(parents=True, exist_ok=True)
    ours.symlink_to(main)


def up(settings: Settings) -> stack.StackReport:
    _share_kafka_jars(settings)
    return stack.up(settings)


def down(settings: Settings, wipe: bool = True) -> None:
    stack.down(settings)
    if wipe:
        # The cluster's files may live behind a link (ops/postgres.py): remove both.
        home = settings.state_dir / "postgres"
        if home.is_symlink():
            shutil.rmtree(home.resolve(), ignore_errors=True)
        shutil.rmtree(settings.state_dir, ignore_errors=True)


def stop_kafka_for(settings: Settings, seconds: float) -> float:
    """Stop the broker, wait, start it again; returns the monotonic time it answered."""
    assert stack.down(settings, only=["kafka"]) == ["kafka"], "the private broker was not up"
    # The outage itself: its length is the fault being injected, not a wait for anything.
    time.sleep(seconds)
    LocalKafka(settings).start()
    return time.monotonic()


def restart_postgres(settings: Settings) -> float:
    """Stop the cluster (fast: open sessions are cut) and start it; returns when it is back."""
    assert stack.down(settings, only=["postgresql"]) == ["postgresql"], \
        "the private cluster was not up"
    LocalPostgres(settings).start()
    return time.monotonic()
