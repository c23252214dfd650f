"""What every CRT service shares: the database alias, the system actor, the actor snapshot."""

from __future__ import annotations

DB = "crt"
# The actor name of scheduled jobs (register sync, retention, key rotation) in the CRT trail.
SYSTEM_USERNAME = "systeem (CRT)"


def actor_fields(actor) -> tuple[int | None, str]:
    """A CRT row stores the user as an id plus a username snapshot (no foreign key to accounts)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, ""
    return actor.pk, actor.get_username()
