"""Who may change things here, and the record of what they changed.

The guard already refuses admin callbacks to other roles by their `admin-` ids; every
function that writes checks again (a second lock costs nothing and survives a mistake in
the first). Each change is logged as one structured line on `cityops.audit`: who, what,
to which thing, with counts; never a password.
"""

from __future__ import annotations

import logging

from dashboard.session import viewer
from identity.viewer import Viewer
from store.admin_audit import AdminActor

log = logging.getLogger("cityops.audit")

ADMIN_ROLE = "admin"


class NotAdmin(PermissionError):
    """A change was asked for by someone who is not an admin."""


def acting_admin() -> Viewer:
    """The logged-in admin making a change; NotAdmin for anyone else."""
    person = viewer()
    if person.role != ADMIN_ROLE:
        log.warning("admin change refused", extra={"actor": person.user.username,
                                                   "role": person.role})
        raise NotAdmin(f"{person.user.username} is not an admin")
    return person


def recorded_as(person: Viewer) -> AdminActor:
    """How an admin's change from this page is recorded in the admin audit table."""
    return AdminActor(f"{person.role}:{person.user.username}", "dashboard")


def audit(actor: Viewer, action: str, **details: object) -> None:
    """One line per change, e.g. action=user.deactivate target=li.si tokens_revoked=2."""
    log.info("admin change", extra={"actor": actor.user.username,
                                    "actor_id": actor.user.id, "action": action, **details})
