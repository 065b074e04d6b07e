"""A streaming replica of the local PostgreSQL, for the screens' reads (issue #18).

`pg_basebackup -R` copies the primary and writes the standby's connection to it; the
replica then replays the primary's WAL as it is streamed, read-only (hot standby). The
primary needs nothing more than initdb's defaults: wal_level replica, ten WAL senders,
and replication from loopback in pg_hba.conf.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2

from cityops.settings import Settings
from ops.postgres import PG_BIN, LocalPostgres
from ops.system import StackError


class LocalReplica(LocalPostgres):
    def __init__(self, settings: Settings, home: Path | None = None) -> None:
        super().__init__(settings)
        self.primary_port = self.port
        self.port = settings.replica_port
        self.home = home or settings.state_dir / "postgres-replica"
        self.database_url = settings.database_url

    @property
    def read_url(self) -> str:
        """DATABASE_URL's database and role, on the replica: DATABASE_READ_URL."""
        return self.url_of(self.database_url)

    def url_of(self, database_url: str) -> str:
        """Any database of the primary, on the replica (a test's own database)."""
        parts = urlsplit(database_url)
        user = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
        return urlunsplit(parts._replace(netloc=f"{user}127.0.0.1:{self.port}"))

    def init(self) -> None:
        """Copy the primary (once): its data, its roles, and where to stream from."""
        self._prepare_home()
        if self.initialised():
            return
        done = subprocess.run(self._cmd(
            str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.primary_port),
            "-U", "postgres", "-D", str(self.data), "-R", "-X", "stream", "-c", "fast"),
            capture_output=True, text=True)
        if done.returncode != 0:
            raise StackError(f"pg_basebackup failed: {done.stderr.strip()[-300:]}")

    def start(self) -> bool:
        """Start the replica unless it runs; True if this call started it."""
        self.init()
        if self.running():
            return False
        # Feedback: the primary keeps rows a long screen query still reads.
        self._launch("-c hot_standby_feedback=on")
        self.wait_in_recovery()
        return True

    def wait_in_recovery(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                conn = self._connect("postgres")
                try:
                    with conn.cursor() as cur:
                        cur.execute("SELECT pg_is_in_recovery()")
                        if cur.fetchone()[0]:
                            return
                finally:
                    conn.close()
            except psycopg2.OperationalError:
                pass
            if time.monotonic() > deadline:
                raise StackError(f"the replica on port {self.port} is not a standby")
            time.sleep(0.2)  # poll interval while it starts, bounded by the deadline

    def remove(self) -> None:
        """Stop it and delete its copy (tests)."""
        self.stop()
        shutil.rmtree(self.home.resolve(), ignore_errors=True)
        if self.home.is_symlink():
            self.home.unlink()
