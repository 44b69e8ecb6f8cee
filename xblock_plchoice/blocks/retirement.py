"""User retirement: when Open edX retires an account, delete that learner's work here.

edx-platform sends ``USER_RETIRE_LMS_CRITICAL`` (with ``user=``) during the
LMS retirement step. Our records are keyed by the learner's per-course
anonymous ids, so the receiver first resolves every anonymous id the user ever
had, then deletes reflections, profiles, evidence files (bytes and metadata)
and learner records for each. Outside the platform (workbench, tests, a plain
``pip install``) the import falls back to a local signal of the same shape.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.dispatch import Signal
from django.utils.module_loading import import_string

try:  # edx-platform
    from openedx.core.djangoapps.user_api.accounts.signals import USER_RETIRE_LMS_CRITICAL
except ImportError:  # anywhere else: same name, same keyword argument (``user``)
    USER_RETIRE_LMS_CRITICAL = Signal()

log = logging.getLogger(__name__)
DISPATCH_UID = "xblock_plchoice.retirement"


def _platform_anonymous_ids(user: Any) -> list[str]:
    try:
        from common.djangoapps.student.models import AnonymousUserId
    except ImportError:
        return []
    return list(AnonymousUserId.objects.filter(user=user).values_list("anonymous_user_id", flat=True))


def anonymous_ids_for_user(user: Any) -> list[str]:
    """Every id this user's work may be stored under.

    ``settings.PLCHOICE_ANONYMOUS_IDS_FOR_USER`` (a dotted path) overrides the
    platform lookup; the workbench settings use it.
    """
    resolver: Callable[[Any], Iterable[str]] = _platform_anonymous_ids
    path = getattr(settings, "PLCHOICE_ANONYMOUS_IDS_FOR_USER", None)
    if path:
        resolver = import_string(path)
    return sorted(set(resolver(user)))


def retire_learner(learner_id: str, store: Any = None, blobs: Any = None) -> dict[str, int]:
    """Delete everything PL Choice keeps about ``learner_id`` in every course; return counts."""
    from .store import DjangoBlobStore, DjangoStore

    store = store or DjangoStore()
    blobs = blobs or DjangoBlobStore()
    counts = {"reflections": 0, "profiles": 0, "files": 0, "records": 0}
    with store.atomic():
        counts["reflections"] = store.delete_reflections(None, learner_id)
        counts["profiles"] = store.delete_profile(None, learner_id)
        paths = []
        for meta in store.files_for_learner(learner_id, None):
            store.delete_file_meta(meta["file_id"])
            if meta.get("path"):
                paths.append(meta["path"])
            counts["files"] += 1
        for record in store.records_for_learner(learner_id, None):
            store.delete_record(record.activity_key, learner_id)
            counts["records"] += 1
    # Bytes go after the rows commit: a failed transaction must not leave rows pointing at nothing.
    for path in paths:
        try:
            blobs.delete(path)
        except OSError:
            log.warning("PL Choice retirement could not delete a stored file; delete it by hand: %s", path)
    return counts


def on_user_retire(sender: Any, user: Any = None, **kwargs: Any) -> None:
    """Receiver for ``USER_RETIRE_LMS_CRITICAL``."""
    if user is None:
        return
    for learner_id in anonymous_ids_for_user(user):
        counts = retire_learner(learner_id)
        log.info("PL Choice retired learner data: %s", counts)


def connect() -> None:
    """Called from ``PLChoiceConfig.ready``; safe to call twice."""
    USER_RETIRE_LMS_CRITICAL.connect(on_user_retire, dispatch_uid=DISPATCH_UID)
