"""What pages get from the server when they register their callbacks: settings-derived
values and shared services, built once per app (never read from the environment)."""

from __future__ import annotations

from dataclasses import dataclass

from alerts.api.dispatching import Dispatcher
from cityops.settings import Settings


@dataclass(frozen=True)
class PageContext:
    settings: Settings
    # Makes the 派遣 move (alerts/api/dispatching.py); None: dispatch is refused with a reason.
    dispatcher: Dispatcher | None = None
    # Wall screen refresh period; the tests shorten it.
    refresh_ms: int = 5000
