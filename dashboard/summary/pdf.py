"""The daily summary as a PDF: the printable page, charts as SVG, printed by Debian's
headless Chromium (fonts-noto-cjk gives it the Chinese glyphs).

Everything stays on this machine: kaleido draws the charts offline, and Chromium prints a
local file with networking switched off.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path

import plotly.io

from dashboard.i18n import day, translate
from dashboard.summary import charts
from dashboard.summary.data import DailySummary, yesterday
from dashboard.summary.paragraph import what_changed
from dashboard.summary.printable import render
from dashboard.summary.tables import day_label

CHROMIUM = "/usr/bin/chromium"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--no-pdf-header-footer")
PRINT_SECONDS = 90


class PdfFailed(RuntimeError):
    """Chromium did not produce the PDF; the message says what it reported."""


def _svg(figure) -> str:
    # Drawn near the size it prints at (half an A4 page), so the labels stay readable.
    figure.update_layout(width=400, font_size=13)
    return plotly.io.to_image(figure, format="svg").decode("utf-8")


def summary_html(summary: DailySummary, lang: str, today: date | None = None) -> str:
    """The printable page of a summary, charts included."""
    reference = today or yesterday(summary.generated_at)
    label = day_label(lang, summary.day, reference)
    paragraph = what_changed(lang, label, summary.kpis, summary.categories, summary.districts,
                             summary.hot_cells)
    drawn = [(translate(lang, "summary.section.categories"),
              _svg(charts.categories_figure(summary, lang, "print"))),
             (translate(lang, "summary.section.districts"),
              _svg(charts.districts_figure(summary, lang, "print")))]
    return render(summary, lang, day(lang, summary.day), paragraph, drawn)


def print_pdf(html: str, target: Path) -> Path:
    """Print `html` to `target` with headless Chromium; raises PdfFailed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cityops-summary-") as work:
        page = Path(work) / "summary.html"
        page.write_text(html, encoding="utf-8")
        partial = Path(work) / "summary.pdf"
        try:
            done = subprocess.run(
                [CHROMIUM, *FLAGS, f"--user-data-dir={Path(work) / 'profile'}",
                 f"--print-to-pdf={partial}", page.as_uri()],
                capture_output=True, text=True, timeout=PRINT_SECONDS, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PdfFailed(f"{CHROMIUM}: {exc}") from exc
        if not partial.exists() or partial.stat().st_size == 0:
            raise PdfFailed(f"{CHROMIUM} exited {done.returncode}: {done.stderr[-500:]}")
        # Written whole or not at all: a scheduled file is never half a PDF.
        staging = target.with_name(target.name + ".part")
        shutil.copyfile(partial, staging)
        os.replace(staging, target)
    return target


def export(summary: DailySummary, lang: str, target: Path) -> Path:
    return print_pdf(summary_html(summary, lang), target)


def file_name(day: date, area_code: str) -> str:
    return f"cityops-summary-{day.isoformat()}-{area_code}.pdf"
