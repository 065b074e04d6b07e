"""Importing a roster from the page: the very steps of `cityops workers import`
(alerts/dispatch/commands.py): read_roster, then register_roster in one transaction.

read_roster reads a file by its name's suffix, so the upload is written to a scratch
folder under its own (cleaned) name, and the scratch folder is left out of the messages.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from alerts.dispatch.errors import RosterError
from alerts.dispatch.register import Registered, register_roster
from alerts.dispatch.roster import read_roster
from store.admin_audit import AdminActor

SAFE_NAME = re.compile(r"[^A-Za-z0-9._\-]")
SUFFIXES = (".csv", ".yaml", ".yml")


@dataclass(frozen=True)
class RosterResult:
    done: Registered | None
    problems: tuple[str, ...]   # the roster reader's own lines: file:line: what is wrong
    dry_run: bool


def roster_name(given: str | None) -> str | None:
    """A plain file name with a roster suffix, or None when the suffix is not one."""
    base = SAFE_NAME.sub("_", Path(given or "").name).strip("._")
    return base if base.lower().endswith(SUFFIXES) else None


def problem_lines(message: str, scratch: str) -> tuple[str, ...]:
    """A RosterError's problems, one a line, without its "N problem(s):" heading."""
    lines = [line.strip() for line in message.replace(f"{scratch}/", "").splitlines()]
    return tuple(line for line in lines if line and not line.endswith("problem(s):"))


def import_roster(conn, text: str, given_name: str, *, dry_run: bool = False,
                  actor: AdminActor | None = None) -> RosterResult:
    name = roster_name(given_name)
    if name is None:
        return RosterResult(None, ("a roster is a .yaml, .yml or .csv file",), dry_run)
    with tempfile.TemporaryDirectory(prefix="cityops-roster-") as scratch:
        path = Path(scratch) / name
        path.write_text(text, encoding="utf-8")
        try:
            done = register_roster(conn, read_roster(path), dry_run=dry_run, actor=actor)
        except RosterError as exc:
            return RosterResult(None, problem_lines(str(exc), scratch), dry_run)
    return RosterResult(done, (), dry_run)
