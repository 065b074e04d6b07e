"""The reliability run's results table: each fault, bad-input family, access rule and load
test adds a row (pass/fail and its figures); the table is printed at the end of the run and
written to .state/reliability/results.md (docs/reliability.md records a run of it)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from cityops.settings import REPO_ROOT

RESULTS_DIR = REPO_ROOT / ".state" / "reliability"


@dataclass
class Row:
    family: str          # fault | bad input | access | load | roles
    name: str
    passed: bool
    figures: dict = field(default_factory=dict)


@dataclass
class Results:
    rows: list[Row] = field(default_factory=list)

    def add(self, family: str, name: str, passed: bool, **figures: object) -> None:
        self.rows.append(Row(family, name, passed, figures))

    def table(self) -> str:
        lines = ["| family | check | result | figures |", "|---|---|---|---|"]
        for row in self.rows:
            shown = ", ".join(f"{key}={value}" for key, value in row.figures.items())
            lines.append(f"| {row.family} | {row.name} | "
                         f"{'pass' if row.passed else 'FAIL'} | {shown} |")
        return "\n".join(lines)

    def write(self, folder: Path = RESULTS_DIR) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "results.json").write_text(json.dumps(
            [row.__dict__ for row in self.rows], ensure_ascii=False, indent=2, default=str))
        target = folder / "results.md"
        target.write_text(self.table() + "\n", encoding="utf-8")
        return target
