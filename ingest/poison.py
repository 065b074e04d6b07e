"""Finding the messages in a batch that the database refuses for what they contain.

A batch is one transaction, so one bad row refuses all of it. Retrying the batch would
loop for ever and crashing would replay it for ever, so the batch is written again in
halves, and halves of those, until each refused message stands alone: it goes to the
dead-letter topic and every other row is stored. Good batches pay nothing for this.

Which errors are about content is decided by SQLSTATE class, not by psycopg2's exception
classes (a "program limit exceeded", e.g. an index row too large, is an OperationalError
there, the same class as a lost connection).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg2

# 22 data exception, 23 integrity constraint violation, 54 program limit exceeded.
CONTENT_CLASSES = frozenset({"22", "23", "54"})


def refused_for_content(exc: BaseException) -> bool:
    """Whether writing the same rows again would fail the same way."""
    if isinstance(exc, psycopg2.Error):
        return (exc.pgcode or "")[:2] in CONTENT_CLASSES
    # psycopg2 refuses some values before they are sent (a NUL in a string).
    return isinstance(exc, ValueError)


@dataclass(frozen=True)
class Refused:
    message: Any  # the Kafka record the rows came from
    detail: str


def isolate(write: Callable[[list], int], rows: Sequence,
            parts: Sequence[tuple[Any, int, int]]) -> tuple[int, list[Refused]]:
    """Write `rows` part by part in halving groups; returns (rows stored, refused messages).

    `parts` are (message, first row, end row) in row order. Errors other than content
    errors propagate: the caller retries the whole batch, which is idempotent.
    """
    stored, refused = 0, []
    groups = [list(parts)]
    while groups:
        group = groups.pop()
        try:
            stored += write([row for _, first, end in group for row in rows[first:end]])
        except Exception as exc:  # noqa: BLE001 - classified just below
            if not refused_for_content(exc):
                raise
            if len(group) == 1:
                refused.append(Refused(group[0][0], first_line(exc)))
                continue
            half = len(group) // 2
            groups += [group[half:], group[:half]]  # the first half is written first
    return stored, refused


def first_line(exc: BaseException) -> str:
    text = (getattr(exc, "pgerror", None) or str(exc) or type(exc).__name__).strip()
    return text.splitlines()[0] if text else type(exc).__name__
