"""Debian packages the local stack needs, installed on first use (apt-get, as root)."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from pathlib import Path

log = logging.getLogger(__name__)


class StackError(Exception):
    """The local stack cannot be brought up; the message says what to do."""


def missing(requirements: dict[str, str]) -> list[str]:
    """Packages whose marker file (or command) is absent; `requirements` maps marker -> package."""
    absent = []
    for marker, package in requirements.items():
        present = Path(marker).exists() if marker.startswith("/") else shutil.which(marker)
        if not present and package not in absent:
            absent.append(package)
    return absent


def ensure_packages(requirements: dict[str, str]) -> list[str]:
    """Install what is missing with apt-get; returns the packages installed."""
    packages = missing(requirements)
    if not packages:
        return []
    if os.geteuid() != 0:
        raise StackError(f"missing Debian packages; install them with: "
                         f"sudo apt-get install {' '.join(packages)}")
    log.info("installing Debian packages", extra={"packages": packages})
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for cmd in (["apt-get", "update", "-qq"],
                ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages]):
        done = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            raise StackError(f"{' '.join(cmd[:3])} failed: {tail[0]}")
    return packages
