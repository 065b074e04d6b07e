"""Roster files: YAML and CSV read with every problem named, then registered and used."""

from __future__ import annotations

import argparse
import textwrap
import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from alerts.cases.moves import NewCase, open_case
from alerts.dispatch import commands
from alerts.dispatch.chooser import choose
from alerts.dispatch.errors import RosterError
from alerts.dispatch.pools import pools, read_case
from alerts.dispatch.roster import read_roster
from alerts.dispatch.schedule import on_duty
from store import db as store_db

SATURDAY_3AM = datetime(2025, 6, 7, 3, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

ROSTER = """\
units:
  - code: {unit}
    name: 南京东路街道城管中队
    areas: [{street}]
workers:
  - id: {prefix}-wang
    name: 王伟
    phone: "13800000001"
    grid: {grid}
    lon: 121.48
    lat: 31.23
    schedule:
      shifts:
        - {{days: mon-fri, from: "08:00", to: "17:30"}}
      overrides:
        - {{date: 2025-10-01, until: 2025-10-07, day_off: true}}
  - id: {prefix}-zhao
    name: 赵敏
    tier: street
    unit: {unit}
    schedule: ["fri 22:00-06:00"]
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_a_yaml_roster_is_read_with_its_schedules(tmp_path: Path) -> None:
    path = write(tmp_path, "roster.yaml", ROSTER.format(unit="U1", street="S1", prefix="p",
                                                         grid="G1"))
    roster = read_roster(path)
    assert [u.areas for u in roster.units] == [("S1",)]
    wang, zhao = roster.workers
    assert (wang.tier, wang.grid_code, wang.lon, wang.active) == ("grid", "G1", 121.48, True)
    assert (zhao.tier, zhao.unit_code, zhao.where) == ("street", "U1", f"{path}:17")
    assert on_duty(zhao.schedule, SATURDAY_3AM) and not on_duty(wang.schedule, SATURDAY_3AM)


def test_every_problem_is_named_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.yaml", """\
        workers:
          - id: a
            name: A
            grid: G1
            schedule: ["mon-fri 8-17"]
          - id: b
            tier: street
            colour: red
          - id: a
            name: again
            grid: G1
        """)
    with pytest.raises(RosterError) as caught:
        read_roster(path)
    assert str(caught.value).splitlines()[1:] == [
        f"  {path}:2: worker a: hours must look like 08:00-17:30, not '8-17'",
        f"  {path}:6: worker b: unknown key 'colour'",
        f"  {path}:6: worker b: name is required",
        f"  {path}:6: worker b: a street worker needs a unit: the unit's areas are where "
        "they work",
    ]


def test_a_csv_roster_takes_shifts_as_text(tmp_path: Path) -> None:
    path = write(tmp_path, "roster.csv", """\
        worker_id,name,phone,tier,grid_code,unit_code,lon,lat,shifts,active
        w1,王伟,138,grid,G1,,121.48,31.23,mon-fri 08:00-17:30; fri 22:00-06:00,true
        w2,李娜,,grid,G1,,,,,否
        w3,张三,,grid,,,abc,,,
        """)
    with pytest.raises(RosterError, match=r"row 4: worker w3: .*lon and lat are numbers"):
        read_roster(path)
    path.write_text(path.read_text().splitlines(keepends=True)[0]
                    + "".join(path.read_text().splitlines(keepends=True)[1:3]))
    w1, w2 = read_roster(path).workers
    assert w1.schedule == ["mon-fri 08:00-17:30", "fri 22:00-06:00"]
    assert on_duty(w1.schedule, SATURDAY_3AM)
    assert (w2.active, w2.lon, w2.schedule) == (False, None, [])


@pytest.mark.integration
def test_the_import_command_registers_a_roster_that_dispatch_then_uses(
        settings, tmp_path: Path, capsys) -> None:
    conn = store_db.connect(settings.database_url)
    tag = uuid.uuid4().hex[:6]
    street, grid = f"S{tag}", f"G{tag}"
    with conn, conn.cursor() as cur:
        cur.execute("INSERT INTO areas (code, level, name_zh) VALUES (%s, 'street', '街道')",
                    (street,))
        cur.execute("INSERT INTO areas (code, level, parent_code, name_zh, street_code)"
                    " VALUES (%s, 'grid', %s, '网格', %s)", (grid, street, street))
    path = write(tmp_path, "roster.yaml", ROSTER.format(unit=f"U{tag}", street=street,
                                                         prefix=tag, grid=grid))
    assert run_cli(settings, "workers", "import", str(path)) == 0
    assert "registered 1 unit(s) answering for 1 area(s) and 2 worker(s)" in (
        capsys.readouterr().out)
    assert run_cli(settings, "workers", "import", str(path)) == 0  # again: an upsert

    alert_id = open_case(conn, NewCase(fingerprint=uuid.uuid4().hex, kind="patrol",
                                        title="占道经营", grid_code=grid), actor="operator:li")
    with conn, conn.cursor() as cur:
        choice = choose(alert_id, pools(cur, read_case(cur, alert_id)), SATURDAY_3AM, None)
    assert (choice.worker.worker_id, choice.tier) == (f"{tag}-zhao", "street")
    conn.close()


@pytest.mark.integration
def test_an_unknown_area_refuses_the_whole_roster(settings, tmp_path: Path, capsys) -> None:
    path = write(tmp_path, "roster.yaml", ROSTER.format(unit="U-x", street="NOWHERE",
                                                         prefix="x", grid="NOGRID"))
    assert run_cli(settings, "workers", "import", str(path)) == 2
    err = capsys.readouterr().err
    assert "unit U-x: area NOWHERE is not in the areas table" in err
    assert "worker x-wang: grid NOGRID is not in the areas table" in err


def run_cli(settings, *argv: str) -> int:
    parser = argparse.ArgumentParser()
    commands.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args, settings)
