"""A workbench user service that behaves like edx-platform's for our blocks.

edx-platform's user service fills ``opt_attrs`` with the anonymous user id, the
username and whether the user is course staff. The stock workbench service does
not, so staff could never be tried out there. Here any workbench user id that
starts with ``staff`` (``?student=staff``, ``?student=staff2``) is staff.

Masquerade, as the LMS does it: ``?student=staff-as-alice`` is a staff member
viewing the course as the learner ``alice``. edx-platform's ``setup_masquerade``
then binds the block to alice's user, so the service reports alice's anonymous
id, ``user_is_staff=False`` and the masquerade role ``student``
(``get_user_role`` returns the masquerade role first); see docs/OPENEDX.md.
"""

from __future__ import annotations

import hashlib
from typing import Any

from xblock.reference.user_service import UserService, XBlockUser

STAFF_PREFIX = "staff"
#: ``<staff id>-as-<learner id>``: staff masquerading as one specific learner.
MASQUERADE_SEPARATOR = "-as-"


def split_masquerade(user_id: str) -> tuple[str, str | None]:
    """``(real user id, learner id or None)`` for a workbench user id."""
    real, sep, learner = user_id.partition(MASQUERADE_SEPARATOR)
    if sep and real.startswith(STAFF_PREFIX) and learner:
        return real, learner
    return user_id, None


def anonymous_id_for(user_id: str) -> str:
    """A stable opaque id, so records never show the raw workbench user name."""
    return "anon-" + hashlib.sha256(f"plchoice-workbench:{user_id}".encode()).hexdigest()[:24]


def anonymous_ids_for_user(user: Any) -> list[str]:
    """Retirement resolver for the workbench (edx-platform uses its AnonymousUserId table)."""
    username = getattr(user, "username", None) or str(user)
    return [anonymous_id_for(username)]


class WorkbenchUserService(UserService):
    """Created by the workbench runtime with no arguments; it then sets ``self.runtime``."""

    runtime: Any = None

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)

    def get_current_user(self) -> XBlockUser:
        user_id = getattr(self.runtime, "user_id", None)
        real, learner = split_masquerade(str(user_id) if user_id is not None else "")
        # Masquerading as a specific learner: the platform binds the block to that learner.
        uid = learner or real
        staff = learner is None and uid.startswith(STAFF_PREFIX)
        user = XBlockUser(is_current_user=True, emails=[f"{uid or 'anonymous'}@example.com"],
                          full_name=f"Workbench user {uid}".strip())
        user.opt_attrs.update({
            "xblock-workbench.user_id": uid,
            "edx-platform.user_id": uid,
            "edx-platform.username": uid,
            "edx-platform.is_authenticated": bool(uid),
            "edx-platform.anonymous_user_id": anonymous_id_for(uid) if uid else None,
            "edx-platform.user_is_staff": staff,
            "edx-platform.user_role": "staff" if staff else "student",
        })
        return user
