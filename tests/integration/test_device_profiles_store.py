"""Profile uploads: checked as a whole set, kept as versions (never changed), audited, and
picked up by a running service's ProfileSource at its next recheck."""

import psycopg2
import pytest

from devices.source import ProfileSource
from store import admin_audit, device_profiles
from store import db as store_db
from tests.process import start_cli

pytestmark = pytest.mark.integration

HYDRANT = """\
kind: fire_hydrant
name: {zh: 智能消火栓, en: Fire hydrant}
interval: 30m
offline_after: 2h
symbol: {shape: circle, colour: "#e02020"}
metrics:
  - name: hydrant_pressure_kpa
    unit: kPa
    range: [0, 1600]
    aggregate: mean
    aliases:
      - {name: pressure, unit: MPa, origin: thingsboard}
"""


def run_cli(settings, *args: str) -> tuple[int, str]:
    proc = start_cli(settings, *args)
    out, err = proc.communicate(timeout=60)
    return proc.returncode, out + err


def test_upload_check_version_audit_and_reload(isolated, tmp_path) -> None:
    settings = isolated("profiles")
    conn = store_db.connect(settings.database_url)
    try:
        source = ProfileSource(settings.profiles_dir, lambda: store_db.connect(
            settings.database_url), recheck_seconds=0)
        assert "fire_hydrant" not in source.current().kinds

        broken = tmp_path / "fire_hydrant.yaml"
        broken.write_text(HYDRANT.replace("unit: kPa", "unit: kPaa"), encoding="utf-8")
        code, said = run_cli(settings, "profiles", "check", str(broken))
        assert code == 1 and "fire_hydrant.yaml:8:" in said and "kPaa" in said
        code, said = run_cli(settings, "profiles", "upload", str(broken))
        assert code == 1 and device_profiles.version(conn) == 0  # nothing kept

        good = tmp_path / "fire_hydrant.yaml"
        good.write_text(HYDRANT, encoding="utf-8")
        code, said = run_cli(settings, "profiles", "upload", str(good))
        assert code == 0, said
        version = device_profiles.version(conn)
        assert version > 0

        profiles = source.current()  # the running service's next recheck
        assert "fire_hydrant" in profiles.kinds and profiles.version == f"v{version}"
        assert profiles.resolve("pressure", "MPa", kind="fire_hydrant").convert(0.3) == \
            pytest.approx(300)
        (event,) = admin_audit.events(conn, "profile", "fire_hydrant.yaml")
        assert event.action == "profile.upload" and event.via == "cli"
        assert event.after["version"] == version
        (upload,) = device_profiles.history(conn)
        assert upload.file_name == "fire_hydrant.yaml"

        # Versions are history: the services' role cannot rewrite one.
        with pytest.raises(psycopg2.Error), conn.cursor() as cur:
            cur.execute("UPDATE device_profile_files SET body = ''")
        conn.rollback()
        code, said = run_cli(settings, "profiles", "list")
        assert code == 0 and "fire_hydrant" in said and "hydrant_pressure_kpa" in said
    finally:
        conn.close()

