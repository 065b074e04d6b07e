"""The tree's layer rules, read from the code itself: who may import whom, and who writes
the `alerts` table (the cases module, through the move table: one door for case changes).

Imports are read with `ast`, so an import inside a function counts as much as one at the
top of a file; a rule broken anywhere names the file and line.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# package: the packages above it, which it must never import.
FORBIDDEN: dict[str, set[str]] = {
    # store/commands.py runs ops' backup for `cityops db backup`: ops is tooling, not a layer.
    "store": {"alerts", "dashboard", "layers", "sim", "ingest", "screens"},
    "identity": {"alerts", "dashboard", "layers", "sim", "ingest", "ops", "screens"},
    "geo": {"alerts", "dashboard", "layers", "sim", "ingest", "ops", "screens"},
    # Device profiles sit under ingest, the engine, the simulator and the pages; they keep
    # their uploads in store/ and read their folder from the settings.
    "devices": {"alerts", "dashboard", "layers", "sim", "ingest", "ops", "screens",
                "identity", "geo"},
    "ingest": {"alerts", "dashboard", "layers", "sim", "screens"},
    # The engine reads with ingest's own decoders: one decoding of a message, not two.
    "alerts": {"dashboard", "layers", "sim", "screens"},
    "screens": {"dashboard", "layers", "sim"},
    "layers": {"dashboard", "sim"},
    # The assessment reads the case history; pages, exports and the bulletin's files are
    # the dashboard's.
    "assessment": {"dashboard", "layers", "sim", "ingest", "screens", "sharing"},
    # The sharing API's datasets: the daily KPIs are the summary's own query (screens/), so
    # a key and a leader read the same definition.
    "sharing": {"dashboard", "layers", "sim", "ingest", "assessment"},
    # The product never depends on the simulator (the demo's ops/demo.py may).
    "dashboard": {"sim"},
}

# The cases module: the only code that writes `alerts` (test worlds and benches build
# their own rows, and migrations own the schema).
CASES = ("alerts/cases/",)
WRITES_ALERTS = re.compile(
    r"\b(UPDATE\s+(ONLY\s+)?alerts|INSERT\s+INTO\s+alerts|DELETE\s+FROM\s+alerts|"
    r"TRUNCATE\s+(TABLE\s+)?(ONLY\s+)?alerts|COPY\s+alerts)\b", re.IGNORECASE)
NOT_PRODUCT = ("tests/", "bench/", "store/migrations/", ".venv/", ".state/")


def product_files() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py")
                  if not str(p.relative_to(ROOT)).startswith(NOT_PRODUCT))


def imported_packages(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module.split(".")[0]))
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_package_imports_a_layer_above_it(package: str) -> None:
    broken = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for line, imported in imported_packages(path):
            if imported in FORBIDDEN[package]:
                broken.append(f"{path.relative_to(ROOT)}:{line} imports {imported}")
    assert not broken, "\n".join(broken)


def test_only_the_cases_module_writes_the_alerts_table() -> None:
    broken = []
    for path in product_files():
        name = str(path.relative_to(ROOT))
        if name.startswith(CASES):
            continue
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if WRITES_ALERTS.search(text):
                broken.append(f"{name}:{number}: {text.strip()}")
    assert not broken, "\n".join(broken)


def test_the_rule_sees_a_write_when_there_is_one() -> None:
    assert WRITES_ALERTS.search('cur.execute("UPDATE alerts SET state = %s")')
    assert WRITES_ALERTS.search("insert into alerts (id) values (1)")
    assert not WRITES_ALERTS.search("UPDATE alert_events SET note = %s")
    assert not WRITES_ALERTS.search("SELECT id FROM alerts")
