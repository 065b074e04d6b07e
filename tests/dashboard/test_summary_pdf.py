"""The daily summary's PDF: printed by headless Chromium, its pages render with pdftoppm and
its Chinese text is real text (pdftotext finds it). Page 1 is kept as a screenshot."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from dashboard.summary.data import gather
from dashboard.summary.pdf import export, summary_html
from identity.scope import Scope
from tests.dashboard.summary_world import DAY, EAST, at, fill

pytestmark = pytest.mark.integration

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def summary(db):
    fill(db)
    with db.cursor() as cur:
        # A title that would break the page if it were not escaped.
        cur.execute("UPDATE alerts SET title = %s WHERE category = '路灯不亮' AND "
                    "district_code = %s", ("<script>alert(1)</script>路灯 & 杆", EAST))
        return gather(cur, Scope("district", EAST), DAY, at(DAY + timedelta(days=1), 9))


def test_printable_page_escapes_what_the_database_says(summary) -> None:
    html = summary_html(summary, "zh-CN", today=DAY)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;路灯 &amp; 杆" in html
    assert "昨日新增案件 3 件" in html
    assert html.count("<svg") >= 2  # both charts, drawn offline


def test_pdf_pages_render_with_chinese_text(summary, tmp_path) -> None:
    target = export(summary, "zh-CN", tmp_path / "summary.pdf")
    assert target.read_bytes()[:5] == b"%PDF-"
    text = subprocess.run(["pdftotext", "-layout", str(target), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "城市运行日报" in text
    assert "运行综述" in text and "热点网格" in text
    assert "东区" in text
    done = subprocess.run(["pdftoppm", "-png", "-r", "80", str(target), str(tmp_path / "page")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    pages = sorted(tmp_path.glob("page-*.png"))
    assert pages and all(p.stat().st_size > 10_000 for p in pages)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pages[0], SCREENSHOTS / "summary-pdf-page1.png")
