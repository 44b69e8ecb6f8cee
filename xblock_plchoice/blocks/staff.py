"""Who is asking: the learner's anonymous id, display name and whether they are course staff.

edx-platform's user service puts these in ``opt_attrs``; older runtimes exposed
``runtime.user_is_staff`` / ``runtime.anonymous_student_id`` / ``get_user_role()``,
which remain fallbacks for runtimes whose service does not answer. When the
service answers it is the authority: while staff masquerade as a learner the
platform's service reports ``user_is_staff=False`` and the role ``student``
(and, for a specific learner, that learner's anonymous id), and the block must
then be the learner's block, whatever a legacy runtime attribute says. The
anonymous id is per course, so the grade (edx-submissions' ``student_id``) lands
on the right learner and the block never stores a username. docs/OPENEDX.md
lists these contracts and the tests that hold them.
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


STAFF_KEY = "edx-platform.user_is_staff"
ROLE_KEY = "edx-platform.user_role"
AUTHENTICATED_KEY = "edx-platform.is_authenticated"
ANONYMOUS_ID_KEY = "edx-platform.anonymous_user_id"


def service_says_staff(user: Any) -> bool | None:
    """The user service's own answer (``user_is_staff`` or a staff role), or None if it gives none."""
    if user is None:
        return None
    attrs = user.opt_attrs
    if STAFF_KEY not in attrs and ROLE_KEY not in attrs:
        return None
    role = attrs.get(ROLE_KEY)
    return bool(attrs.get(STAFF_KEY)) or (isinstance(role, str) and role.lower() in STAFF_ROLES)


def is_staff(block: Any, user: Any = None) -> bool:
    """Course staff (or global staff) in this course, never a learner (nor staff masquerading as one)."""
    user = user if user is not None else _current_user(block)
    answer = service_says_staff(user)
    if answer is not None:
        return answer
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
    if user is not None and user.opt_attrs.get(AUTHENTICATED_KEY) is False:
        return None  # the platform's service says nobody is signed in (it then sends no anonymous id)
    if user is not None and ANONYMOUS_ID_KEY in user.opt_attrs:
        # The service answered: trust it, including "nobody" (a logged-out visitor).
        value = user.opt_attrs[ANONYMOUS_ID_KEY]
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
