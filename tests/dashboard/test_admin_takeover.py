"""An area-scoped admin cannot take over another area's device by its id (issue 13).

The upsert by device_id moved or retyped a device of another district whenever the
incoming row stood inside the admin's own area: only the row's position was checked.
In a world of its own, so that the device list's counts in test_admin_store stay theirs.
"""

import pytest

from dashboard.admin.device_import import import_devices
from tests.dashboard.test_admin_store import CITY, HUANGPU, _csv
from tests.dashboard.test_admin_store import world as world  # noqa: F401 - the fixture

pytestmark = pytest.mark.integration


def test_an_area_admin_cannot_take_over_another_areas_device(world) -> None:
    conn, points, _ = world
    hp, ja = points["310101"][2], points["310106"][2]
    assert import_devices(conn, _csv(points, f"adm-ja-3,gauge,,{ja.x},{ja.y},"), CITY).added == 1
    done = import_devices(conn, _csv(points, f"adm-ja-3,manhole,,{hp.x},{hp.y},"), HUANGPU)
    assert done.written == 0
    assert [(n.device_id, n.reason.key) for n in done.rejected] == [
        ("adm-ja-3", "admin.devices.reason.other_area")]
    with conn.cursor() as cur:
        cur.execute("SELECT kind, district_code FROM devices WHERE device_id = 'adm-ja-3'")
        assert cur.fetchone() == ("gauge", "310106")
    conn.rollback()
