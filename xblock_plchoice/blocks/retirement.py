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

from ..core import privacy

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
    """Delete everything PL Choice keeps about ``learner_id`` in every course; return counts.

    The rule (rows first, counters kept true, bytes after commit) lives in the core.
    """
    from .store import DjangoBlobStore, DjangoStore

    return privacy.retire_learner(store or DjangoStore(), blobs or DjangoBlobStore(), learner_id)


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
