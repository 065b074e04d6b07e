"""A rule reloaded under the same id but of another kind starts from empty state.

Before the fix, `Evaluator.use` kept the old kind's state for the id, and the next tick
of the new kind raised KeyError outside the engine's per-record guard: the engine exited.
"""

from __future__ import annotations

from pathlib import Path

from alerts.rules import load_folder
from alerts.rules.evaluate import Areas, Evaluator, ReadingEvent

T0 = 1_790_000_000.0
GRID = Areas("g1", "c1", "s1", "d1")

AS_THRESHOLD = """\
rules:
  - id: pressure-watch
    kind: threshold
    name: {zh: 压力过低, en: Pressure low}
    category: 供水管网异常
    severity: major
    match: {device_kind: water_main, metric: pressure_kpa}
    params: {op: "<=", value: 150, for: 2m, clear: 200}
    auto_resolve: true
"""
AS_ABSENCE = """\
rules:
  - id: pressure-watch
    kind: absence
    name: {zh: 离线, en: Offline}
    category: 设备离线
    severity: minor
    match: {device_kind: water_main}
    params: {after: 10m}
    auto_resolve: true
"""


def rules(folder: Path, text: str):
    folder.mkdir(exist_ok=True)
    (folder / "rules.yaml").write_text(text, encoding="utf-8")
    return load_folder(folder)


def test_a_rule_that_changes_kind_under_its_id_starts_afresh(tmp_path: Path) -> None:
    evaluator = Evaluator(rules(tmp_path / "v1", AS_THRESHOLD))
    evaluator.reading(ReadingEvent(T0, "wm-1", "pressure_kpa", 120.0, "water_main", GRID))
    assert evaluator.state["pressure-watch"]  # the threshold's hold is running

    evaluator.use(rules(tmp_path / "v2", AS_ABSENCE))

    assert evaluator.tick(T0 + 60) == []  # no KeyError from the threshold's old state
    evaluator.reading(ReadingEvent(T0 + 61, "wm-1", "pressure_kpa", 180.0, "water_main",
                                   GRID))
    [offline] = evaluator.tick(T0 + 61 + 11 * 60)
    assert (offline.rule.id, offline.action) == ("pressure-watch", "fire")


def test_a_rule_that_keeps_its_kind_keeps_its_state(tmp_path: Path) -> None:
    evaluator = Evaluator(rules(tmp_path / "v1", AS_THRESHOLD))
    evaluator.reading(ReadingEvent(T0, "wm-1", "pressure_kpa", 120.0, "water_main", GRID))
    held = dict(evaluator.state["pressure-watch"])

    evaluator.use(rules(tmp_path / "v2", AS_THRESHOLD.replace("value: 150", "value: 140")))

    assert evaluator.state["pressure-watch"] == held
