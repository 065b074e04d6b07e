"""How a KPI's value and its change are written, in the reader's language."""

from __future__ import annotations

from dashboard.i18n import duration, number, percent, translate
from dashboard.summary.kpis import FLAT, Kpi


def value_text(lang: str, unit: str, value: float | None) -> str:
    """132 / 91.2% / 3小时12分; a mean of counts keeps one decimal when it is small."""
    if value is None:
        return "–"
    if unit == "ratio":
        return percent(lang, value)
    if unit == "seconds":
        return duration(lang, value)
    digits = 1 if value != int(value) and abs(value) < 100 else 0
    return number(lang, value, digits)


def change_text(lang: str, kpi: Kpi, against: str = "previous") -> str:
    """"+12%" / "−2.1 pts" / "±0": the change from the previous day or the 7-day mean."""
    change = kpi.change() if against == "previous" else kpi.change_vs_week()
    if change is None:
        return "–"
    if abs(change) < FLAT:
        return "±0"
    sign = "+" if change > 0 else "−"
    if kpi.unit == "ratio":
        return sign + translate(lang, "summary.points", points=f"{abs(change) * 100:.1f}")
    return sign + percent(lang, abs(change), 0 if abs(change) >= 0.1 else 1)
