"""A local PostgreSQL 15 + PostGIS cluster from Debian's packages, with data in the state folder."""

from __future__ import annotations

import hashlib
import logging
import os
import pwd
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2
import psycopg2.extensions
from psycopg2 import sql

from cityops.settings import OWNER_ROLE, ConfigError, Settings
from ops.kafka import port_open
from ops.system import StackError, ensure_packages
from store.roles import SERVICE_GROUP

log = logging.getLogger(__name__)

PG_BIN = Path("/usr/lib/postgresql/15/bin")
PACKAGES = {
    str(PG_BIN / "postgres"): "postgresql-15",
    "/usr/share/postgresql/15/extension/postgis.control": "postgresql-15-postgis-3",
}
TIMESCALE_LIB = Path("/usr/lib/postgresql/15/lib/timescaledb.so")


class LocalPostgres:
    def __init__(self, settings: Settings) -> None:
        url = urlsplit(settings.database_url)
        self.role = url.username or "cityops"
        self.owner = urlsplit(settings.owner_url).username or OWNER_ROLE
        if self.owner == self.role:
            raise ConfigError("CITYOPS_OWNER_DATABASE_URL", "the schema owner must be another "
                              f"role than the services' ({self.role}, from DATABASE_URL)")
        self.database = (url.path or "/cityops").lstrip("/") or "cityops"
        if url.hostname not in ("127.0.0.1", "localhost"):
            raise ConfigError("DATABASE_URL", "a local cluster runs on 127.0.0.1; "
                              f"{url.hostname} is not local (unset CITYOPS_MANAGE_STACK=yes?)")
        self.port = url.port or 5432
        self.home = settings.state_dir / "postgres"
        # The server refuses to run as root, so as root it runs as the `postgres` user.
        self.run_as = "postgres" if os.geteuid() == 0 else None

    def install(self) -> list[str]:
        return ensure_packages(PACKAGES)

    @property
    def data(self) -> Path:
        # Resolved: the server's user may be unable to walk through the link's folder.
        return self.home.resolve() / "data"

    def _cmd(self, *args: str) -> list[str]:
        return ["runuser", "-u", self.run_as, "--", *args] if self.run_as else list(args)

    def _prepare_home(self) -> None:
        """Make the state folder usable by the server's user.

        A checkout under a private folder (mode 700, as mktemp makes) cannot be entered
        by `postgres`; then the cluster lives under /var/lib/cityops and the state folder
        holds a link to it, so there is still one place to look.
        """
        if self.home.exists() or self.home.is_symlink():
            return
        self.home.parent.mkdir(parents=True, exist_ok=True)
        if self.run_as and not self._reachable_by_server(self.home.parent):
            key = hashlib.sha256(str(self.home).encode()).hexdigest()[:12]
            target = Path("/var/lib/cityops") / key
            target.mkdir(parents=True, exist_ok=True)
            self.home.symlink_to(target)
            log.info("postgres data outside the checkout", extra={"path": str(target)})
        else:
            self.home.mkdir()
        if self.run_as:
            entry = pwd.getpwnam(self.run_as)
            os.chown(self.home.resolve(), entry.pw_uid, entry.pw_gid)
            os.chmod(self.home.resolve(), 0o700)

    def _reachable_by_server(self, folder: Path) -> bool:
        done = subprocess.run(["runuser", "-u", self.run_as, "--", "test", "-w", str(folder)],
                              capture_output=True)
        if done.returncode == 0:
            return True
        done = subprocess.run(["runuser", "-u", self.run_as, "--", "test", "-x", str(folder)],
                              capture_output=True)
        return done.returncode == 0

    def initialised(self) -> bool:
        return (self.data / "PG_VERSION").exists()

    def init(self) -> None:
        self._prepare_home()
        if self.initialised():
            return
        # Trust on loopback only: the server listens on 127.0.0.1 and a Unix socket in
        # the state folder, so no password needs to live anywhere for local use.
        done = subprocess.run(self._cmd(str(PG_BIN / "initdb"), "-D", str(self.data), "-U",
                                        "postgres", "--auth=trust", "-E", "UTF8",
                                        "--locale=C.UTF-8"), capture_output=True, text=True)
        if done.returncode != 0:
            raise StackError(f"initdb failed: {done.stderr.strip()[-300:]}")

    def running(self) -> bool:
        if not self.initialised():
            return False
        done = subprocess.run(self._cmd(str(PG_BIN / "pg_ctl"), "status", "-D", str(self.data)),
                              capture_output=True)
        return done.returncode == 0

    def start(self) -> bool:
        """Start the cluster unless it runs; True if this call started it."""
        self.init()
        if self.running():
            self._create_role_and_database()
            return False
        if port_open("127.0.0.1", self.port):
            raise ConfigError("DATABASE_URL",
                              f"port 127.0.0.1:{self.port} is already in use by another process")
        self._launch()
        self._create_role_and_database()
        return True

    def _launch(self, *extra: str) -> None:
        """pg_ctl start on this cluster's port and folder, waiting until it answers."""
        options = [f"-p {self.port}", "-c listen_addresses=127.0.0.1",
                   f"-k {self.home.resolve()}", "-c max_connections=200", *extra]
        if TIMESCALE_LIB.exists():
            options.append("-c shared_preload_libraries=timescaledb")
        log_file = self.home.resolve() / "server.log"
        done = subprocess.run(self._cmd(str(PG_BIN / "pg_ctl"), "start", "-w", "-t", "60",
                                        "-D", str(self.data), "-l", str(log_file),
                                        "-o", " ".join(options)), capture_output=True, text=True)
        if done.returncode != 0:
            raise StackError(f"PostgreSQL did not start on port {self.port}; see {log_file}")

    def _create_role_and_database(self) -> None:
        """The owner, the services' login and group, and the database; idempotent.

        The owner is a superuser here, as before: migrations create extensions (PostGIS is
        not a trusted one) and tests create databases. The services' login is not, and
        only its group's grants (store/roles.py) let it work. A cluster made before the
        roles were separate has the services' login as superuser and owner of everything:
        that is undone here, once.
        """
        conn = self._connect("postgres")
        with conn.cursor() as cur:
            self._ensure_role(cur, self.owner, "LOGIN SUPERUSER")
            self._ensure_role(cur, SERVICE_GROUP, "NOLOGIN")
            self._ensure_role(cur, self.role, "LOGIN")
            cur.execute(sql.SQL("ALTER ROLE {} NOSUPERUSER NOCREATEDB NOCREATEROLE "
                                "NOBYPASSRLS").format(sql.Identifier(self.role)))
            cur.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(SERVICE_GROUP),
                                                          sql.Identifier(self.role)))
            cur.execute("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s",
                        (self.database,))
            row = cur.fetchone()
            if row is None:
                cur.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(
                    sql.Identifier(self.database), sql.Identifier(self.owner)))
        conn.close()
        if row is not None and row[0] == self.role:
            self._hand_over_to_owner()

    def _connect(self, database: str) -> psycopg2.extensions.connection:
        conn = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres",
                                dbname=database, connect_timeout=5)
        conn.autocommit = True
        return conn

    @staticmethod
    def _ensure_role(cur, name: str, options: str) -> None:
        cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,))
        if cur.fetchone() is None:
            cur.execute(sql.SQL("CREATE ROLE {} " + options).format(sql.Identifier(name)))

    def _hand_over_to_owner(self) -> None:
        """A database of the old shape: what the services' login owns goes to the owner
        (the next `cityops migrate` grants the services their rights back)."""
        conn = self._connect(self.database)
        with conn.cursor() as cur:
            cur.execute(sql.SQL("REASSIGN OWNED BY {} TO {}").format(
                sql.Identifier(self.role), sql.Identifier(self.owner)))
        conn.close()
        log.info("database handed over to the owner role",
                 extra={"database": self.database, "owner": self.owner})

    def stop(self) -> bool:
        if not self.running():
            return False
        done = subprocess.run(self._cmd(str(PG_BIN / "pg_ctl"), "stop", "-w", "-m", "fast",
                                        "-D", str(self.data)), capture_output=True, text=True)
        if done.returncode != 0:
            raise StackError(f"PostgreSQL did not stop: {done.stderr.strip()[-200:]}")
        return True
