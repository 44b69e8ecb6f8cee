"""The platform's due date for a block: inherited ``due`` plus ``graceperiod``, as Open edX applies them.

edx-platform mixes ``InheritanceMixin`` into every block, so ``due`` and
``graceperiod`` are fields of our blocks there, filled from the subsection
(and per learner by edx-when, which is where Instructor Dashboard extensions
land). Runtimes without that inheritance (the workbench) keep the dates on the
parent, so the lookup walks up the parents until a block carries the field,
the way the platform's inheriting field data does. ORA2 and edx-sga read the
same two fields.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

#: A course is never this deep; the bound stops a cyclic parent chain in a broken runtime.
MAX_DEPTH = 16


def inherited(block: Any, name: str) -> Any:
    """The nearest value of field ``name`` on the block or its ancestors, or None."""
    node, depth = block, 0
    while node is not None and depth < MAX_DEPTH:
        field = node.fields.get(name)
        if field is not None:
            value = field.read_from(node)
            if value is not None:
                return value
        try:
            node = node.get_parent()
        except Exception:  # noqa: BLE001  (a runtime that cannot load the parent: stop there)
            node = None
        depth += 1
    return None


def platform_due(block: Any) -> datetime | None:
    """``due + graceperiod`` (UTC), or None when no block above sets a due date."""
    due = inherited(block, "due")
    if not isinstance(due, datetime):
        return None
    if due.tzinfo is None:
        due = due.replace(tzinfo=UTC)
    grace = inherited(block, "graceperiod")
    return due + grace if isinstance(grace, timedelta) else due
