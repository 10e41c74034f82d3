"""Write audit events: who changed what, never the sensitive values themselves."""
from __future__ import annotations

from flask_login import current_user

from guidematch.extensions import db
from guidematch.models import AuditEvent, Branch


def record(action: str, obj=None, *, branch_id: int | None = None, actor: str = "",
           **details) -> AuditEvent:
    """Add an audit event for `obj` to the session (the caller's transaction commits it)."""
    user_id = None
    try:
        if current_user and current_user.is_authenticated:
            user_id = current_user.id
    except RuntimeError:  # outside a request (CLI)
        pass
    if branch_id is None:  # an event about a branch belongs to that branch's log
        branch_id = obj.id if isinstance(obj, Branch) else getattr(obj, "branch_id", None)
    event = AuditEvent(
        branch_id=branch_id,
        user_id=user_id,
        actor=actor or ("coordinator" if user_id else "system"),
        action=action,
        object_type=type(obj).__name__.lower() if obj is not None else "",
        object_id=getattr(obj, "id", None),
        details=details,
    )
    db.session.add(event)
    return event
