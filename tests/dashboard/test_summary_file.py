"""The summary as a file: `cityops summary export` writes a day's PDF for an area, and the
schedule's clock picks the next run in city time."""

from __future__ import annotations

import argparse
import subprocess
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from dashboard import commands
from dashboard.summary.schedule import next_run
from store import db as store_db
from tests.dashboard.summary_world import DAY, EAST, fill

CITY_ZONE = ZoneInfo("Asia/Shanghai")  # the test city's clock (settings default)


def test_next_run_is_the_next_time_the_city_clock_shows_it() -> None:
    # 05:30 in Shanghai is 21:30 UTC the day before.
    now = datetime(2025, 5, 10, 21, 30, tzinfo=UTC)
    assert next_run(now, time(6, 0)) == datetime(2025, 5, 11, 6, 0, tzinfo=CITY_ZONE)
    assert next_run(now, time(5, 0)) == datetime(2025, 5, 12, 5, 0, tzinfo=CITY_ZONE)
    exactly = datetime(2025, 5, 11, 6, 0, tzinfo=CITY_ZONE)
    assert next_run(exactly, time(6, 0)) == datetime(2025, 5, 12, 6, 0, tzinfo=CITY_ZONE)


def _cli(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="cityops")
    commands.register(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(list(argv))


@pytest.mark.integration
def test_export_writes_the_days_pdf_for_a_district(isolated, tmp_path, capsys) -> None:
    settings = isolated("summaryfile").replace(summary_dir=tmp_path / "summaries")
    conn = store_db.connect(settings.database_url)
    with conn:
        fill(conn)
    conn.close()
    args = _cli("summary", "export", "--date", DAY.isoformat(), "--area", EAST)
    assert args.func(args, settings) == 0
    target = settings.summary_dir / f"cityops-summary-{DAY.isoformat()}-{EAST}.pdf"
    assert capsys.readouterr().out.strip() == str(target)
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "城市运行日报" in text and "东区" in text and "西区" not in text


@pytest.mark.integration
def test_an_unknown_area_is_one_clear_line(isolated, tmp_path, capsys) -> None:
    settings = isolated("summaryarea").replace(summary_dir=tmp_path)
    args = _cli("summary", "export", "--area", "nowhere")
    assert args.func(args, settings) == 1
    assert "area 'nowhere' is not in the areas table" in capsys.readouterr().err
