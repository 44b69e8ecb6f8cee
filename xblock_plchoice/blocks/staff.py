"""Who is asking: the learner's anonymous id, display name and whether they are course staff.

edx-platform's user service puts these in ``opt_attrs``; older runtimes exposed
``runtime.user_is_staff`` / ``runtime.anonymous_student_id`` / ``get_user_role()``,
which remain fallbacks. The anonymous id is per course, so the grade
(edx-submissions' ``student_id``) lands on the right learner and the block never
stores a username.
"""

from __future__ import annotations

from typing import Any

from ..core.context import Actor

STAFF_ROLES = frozenset({"staff", "instructor", "administrator"})


def _current_user(block: Any) -> Any:
    try:
        service = block.runtime.service(block, "user")
    except Exception:  # NoSuchServiceError, or a runtime without the service  # noqa: BLE001
        return None
    return service.get_current_user() if service is not None else None


def is_staff(block: Any, user: Any = None) -> bool:
    """Course staff (or global staff) in this course, never a learner."""
    user = user if user is not None else _current_user(block)
    if user is not None and user.opt_attrs.get("edx-platform.user_is_staff"):
        return True
    if getattr(block.runtime, "user_is_staff", False) is True:
        return True
    get_role = getattr(block.runtime, "get_user_role", None)
    if callable(get_role):
        try:
            role = get_role()
        except Exception:  # a runtime that cannot tell: not staff  # noqa: BLE001
            role = None
        if isinstance(role, str) and role.lower() in STAFF_ROLES:
            return True
    return False


def anonymous_id(block: Any, user: Any = None) -> str | None:
    """The per-course anonymous id of the current user, or ``None`` for an anonymous visitor."""
    user = user if user is not None else _current_user(block)
    if user is not None and "edx-platform.anonymous_user_id" in user.opt_attrs:
        # The service answered: trust it, including "nobody" (a logged-out visitor).
        value = user.opt_attrs["edx-platform.anonymous_user_id"]
        return str(value) if value else None
    value = getattr(block.runtime, "anonymous_student_id", None)
    if value:
        return str(value)
    user_id = block.scope_ids.user_id
    return str(user_id) if user_id is not None else None


def current_actor(block: Any) -> Actor | None:
    """The :class:`Actor` for this request, or ``None`` when nobody is signed in."""
    user = _current_user(block)
    user_id = anonymous_id(block, user)
    if not user_id:
        return None
    name = ""
    if user is not None:
        name = user.full_name or user.opt_attrs.get("edx-platform.username") or ""
    return Actor(user_id=user_id, role="staff" if is_staff(block, user) else "learner", display_name=name)
