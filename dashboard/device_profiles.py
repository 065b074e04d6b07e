"""The device profiles in force, for any page: kinds' names, metrics' rollup semantics.

Built from the deployment's folder and the store's uploads (devices/source.py), asked of
the store once per request."""

from __future__ import annotations

from pathlib import Path

import flask

from devices.profile import ProfileSet
from devices.source import in_force
from identity.pool import connection

# Where pages find the deployment's profile folder: set from the settings at start.
FOLDER_KEY = "CITYOPS_PROFILES_DIR"


def install(app: flask.Flask, folder: Path) -> None:
    app.config[FOLDER_KEY] = str(folder)


def current() -> ProfileSet:
    if "device_profiles" not in flask.g:
        folder = flask.current_app.config.get(FOLDER_KEY)
        flask.g.device_profiles = in_force(connection(), Path(folder) if folder else None)
    return flask.g.device_profiles


def kind_name(lang: str, kind: str) -> str | None:
    """A kind's name from its profile, in the page's language (None: no such profile)."""
    profile = current().profile(kind)
    if profile is None:
        return None
    return profile.name_en if lang == "en" else profile.name_zh


def aggregates() -> dict[str, str]:
    """metric -> mean | sum | last: how a chart reads the metric's minute rollups."""
    return {name: spec.aggregate for name, spec in current().metrics.items()}
