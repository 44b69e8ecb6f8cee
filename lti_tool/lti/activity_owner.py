"""Which launches may open or reuse an activity: its own registration's, never another platform's.

Activities are made by deep linking under one registration and named by a link's ``activity_id`` custom
parameter. Custom parameters are the platform's to set, so without this rule any registered platform
(or a course designer on one) could open another customer's activity by naming its id, and read its
definition or post work into it.

* an activity with an owner (``registration_id``) opens only in launches of that registration, in any of
  its courses (a course copy keeps its links working);
* an activity made before migration 0004 has no owner: it opens only in its own course (``course_key``),
  the safe reading, since the course key alone cannot tell two registrations of one issuer apart. A
  copied course of such a row needs the activity added again (or a mapped link, made on first launch);
* deep-linking *reuse* offers and copies only activities of the same registration and the same course
  (ownerless ones of the same course included).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, or_

from lti_tool.db.models import Activity

from .registry import KnownActivity


def opens_in(activity: Activity | KnownActivity, registration_id: int, course_key: str) -> bool:
    """True when a launch of ``registration_id`` in ``course_key`` may open ``activity``."""
    if activity.registration_id is not None:
        return activity.registration_id == registration_id
    return activity.course_key == course_key


def reusable_in(activity: Activity, registration_id: int, course_key: str) -> bool:
    """True when a deep-linking launch may copy ``activity`` (same registration and same course)."""
    return activity.course_key == course_key and opens_in(activity, registration_id, course_key)


def reusable_filter(registration_id: int, course_key: str) -> ColumnElement[Any]:
    """:func:`reusable_in` as a SQL condition, for the reuse list."""
    return and_(Activity.course_key == course_key,
                or_(Activity.registration_id == registration_id, Activity.registration_id.is_(None)))
