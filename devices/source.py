"""Where a running service gets the profiles in force, and notices an upload.

In force: the packaged files, overlaid by the deployment's folder (CITYOPS_PROFILES_DIR),
overlaid by the newest admin upload under each file name. A service asks `current()`
as often as it likes; the store is asked whether anything was uploaded at most every
`recheck_seconds`, and the set is rebuilt only when something was.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

import psycopg2
import psycopg2.extensions

from cityops.settings import Settings
from devices.profile import ProfileSet
from devices.profiles import DEFAULT_FOLDER, ProfileProblems, folder_texts, load_texts
from store import device_profiles

log = logging.getLogger(__name__)


def file_texts(folder: Path | None) -> dict[str, str]:
    texts = folder_texts(DEFAULT_FOLDER)
    if folder is not None and folder.resolve() != DEFAULT_FOLDER:
        texts.update(folder_texts(folder))
    return texts


def with_upload(base: dict[str, str], file_name: str, text: str) -> ProfileSet:
    """The set an upload would make: raises ProfileProblems if any file then fails."""
    return load_texts({**base, file_name: text}, version="candidate")


def for_settings(settings: Settings, connect: Callable[[], psycopg2.extensions.connection]
                 | None = None) -> ProfileSource:
    """The services' source: the settings' folder, and the store's uploads when `connect`."""
    return ProfileSource(settings.profiles_dir, connect)


class ProfileSource:
    def __init__(self, folder: Path | None,
                 connect: Callable[[], psycopg2.extensions.connection] | None = None,
                 recheck_seconds: float = 10.0) -> None:
        self.folder = folder
        self.connect = connect
        self.recheck_seconds = recheck_seconds
        self.files = file_texts(folder)
        self.profiles = load_texts(self.files)
        self.version = 0
        self.checked_at = float("-inf")
        self.conn: psycopg2.extensions.connection | None = None

    def texts(self) -> dict[str, str]:
        """File name -> text of every file in force (files, then uploads)."""
        if self.connect is None:
            return dict(self.files)
        _, uploads = device_profiles.in_force(self._conn())
        return {**self.files, **uploads}

    def current(self) -> ProfileSet:
        if self.connect is None or time.monotonic() - self.checked_at < self.recheck_seconds:
            return self.profiles
        self.checked_at = time.monotonic()
        try:
            newest = device_profiles.version(self._conn())
            if newest != self.version:
                version, uploads = device_profiles.in_force(self._conn())
                self.profiles = load_texts({**self.files, **uploads}, version=f"v{version}")
                self.version = version
                log.info("device profiles reloaded", extra={"version": version,
                                                            "kinds": len(self.profiles.kinds)})
        except (psycopg2.OperationalError, psycopg2.InterfaceError) as exc:
            self.conn = None  # the set in hand stays in force; asked again next time
            log.warning("device profiles not rechecked", extra={"error": str(exc)})
        except ProfileProblems as exc:
            # Uploads are checked before they are kept, but the packaged files may have
            # changed under them since: keep the set in hand and say why, loudly.
            log.error("device profiles in the store do not load; keeping the set in force",
                      extra={"problems": str(exc)[:2000]})
            self.version = newest
        return self.profiles

    def _conn(self) -> psycopg2.extensions.connection:
        if self.conn is None or self.conn.closed:
            self.conn = self.connect()
        return self.conn


_BUILT: dict[tuple[str, int], ProfileSet] = {}


def in_force(conn: psycopg2.extensions.connection, folder: Path | None) -> ProfileSet:
    """The set in force, for a page or a command with a connection in hand: rebuilt only
    when an upload has changed it (one cheap query otherwise)."""
    newest = device_profiles.version(conn)
    key = (str(folder), newest)
    found = _BUILT.get(key)
    if found is None:
        _, uploads = device_profiles.in_force(conn)
        try:
            found = load_texts({**file_texts(folder), **uploads}, version=f"v{newest}")
        except ProfileProblems as exc:
            log.error("device profiles in the store do not load; using the files alone",
                      extra={"problems": str(exc)[:2000]})
            found = load_texts(file_texts(folder))
        _BUILT.clear()  # one deployment, one folder: the newest set is all a process needs
        _BUILT[key] = found
    return found
