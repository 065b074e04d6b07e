"""`results`: where each reliability check records its row; the table ends the run."""

from __future__ import annotations

import pytest

from tests.reliability.results import Results

_RESULTS = Results()


@pytest.fixture(scope="session")
def results() -> Results:
    return _RESULTS


def pytest_terminal_summary(terminalreporter) -> None:
    if not _RESULTS.rows:
        return
    target = _RESULTS.write()
    terminalreporter.write_sep("=", "reliability results")
    terminalreporter.write_line(_RESULTS.table())
    terminalreporter.write_line(f"(written to {target})")
