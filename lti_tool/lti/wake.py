"""The outbox's doorbell: a commit that queued a grade rings it, the delivery thread waits on it.

Its own module so :mod:`.ags` (which rings) and :mod:`.outbox` (which waits) need not import each other.
"""

from __future__ import annotations

import threading

OUTBOX = threading.Event()


def wake_outbox(*_args: object) -> None:
    """Ask this process's delivery threads to look at the outbox now (usable as an ``after_commit`` listener)."""
    OUTBOX.set()
