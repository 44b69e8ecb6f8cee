"""A workbench user service that behaves like edx-platform's for our blocks.

edx-platform's user service fills ``opt_attrs`` with the anonymous user id, the
username and whether the user is course staff. The stock workbench service does
not, so staff could never be tried out there. Here any workbench user id that
starts with ``staff`` (``?student=staff``, ``?student=staff2``) is staff.
"""

from __future__ import annotations

import hashlib
from typing import Any

from xblock.reference.user_service import UserService, XBlockUser

STAFF_PREFIX = "staff"


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
        uid = str(user_id) if user_id is not None else ""
        user = XBlockUser(is_current_user=True, emails=[f"{uid or 'anonymous'}@example.com"],
                          full_name=f"Workbench user {uid}".strip())
        user.opt_attrs.update({
            "xblock-workbench.user_id": uid,
            "edx-platform.user_id": uid,
            "edx-platform.username": uid,
            "edx-platform.anonymous_user_id": anonymous_id_for(uid) if uid else None,
            "edx-platform.user_is_staff": uid.startswith(STAFF_PREFIX),
            "edx-platform.user_role": "staff" if uid.startswith(STAFF_PREFIX) else "student",
        })
        return user
