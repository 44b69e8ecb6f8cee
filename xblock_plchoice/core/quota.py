"""How many bytes one learner may keep in one activity, so nobody can fill the disk.

The per-file limits stop one huge file; the quota stops many files. It counts
every stored file of the learner in the activity, attached or not: a file
nobody uses still takes space until the housekeeping sweep removes it
(:mod:`.housekeeping`, after a day), which also gives the space back.

The upload is checked three times: before reading (no room at all), while
streaming (the stream stops as soon as it passes what is left, and the blob
store removes the partial file), and once more in the transaction that saves
the file's metadata (two uploads racing for the same space).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .context import Context
from .errors import PLChoiceError
from .evidence import human_size
from .i18n import gettext_noop as _
from .store import Store


class QuotaExceeded(PLChoiceError):
    """The file does not fit in what is left of the learner's space in this activity."""

    code = "quota_exceeded"
    status = 413
    default_message = _("This file does not fit in your space for this activity: you have used %(used)s of "
                        "the %(allowed)s allowed. Remove files you no longer need from your draft; "
                        "files no longer attached are deleted after a day.")

    def __init__(self, used: int, allowed: int) -> None:
        super().__init__(used=human_size(used), allowed=human_size(allowed))
        self.used_bytes, self.quota_bytes = used, allowed

    def to_dict(self, gettext: Callable[[str], str] = lambda s: s) -> dict[str, Any]:
        return {**super().to_dict(gettext), "used_bytes": self.used_bytes, "quota_bytes": self.quota_bytes}


def used_bytes(store: Store, activity_key: str, course_key: str, learner_id: str) -> int:
    """Bytes of every file the learner keeps in this activity."""
    return sum(int(meta.get("size") or 0) for meta in store.files_for_learner(learner_id, course_key)
               if meta["activity_key"] == activity_key)


def room_left(ctx: Context, learner_id: str) -> int:
    """Bytes the learner may still upload here; raises :class:`QuotaExceeded` when there are none."""
    used = used_bytes(ctx.store, ctx.activity_key, ctx.course_key, learner_id)
    if used >= ctx.limits.quota_bytes:
        raise QuotaExceeded(used, ctx.limits.quota_bytes)
    return ctx.limits.quota_bytes - used


def within(chunks: Iterable[bytes], room: int, ctx: Context) -> Iterator[bytes]:
    """Pass ``chunks`` through; raise :class:`QuotaExceeded` as soon as they pass ``room`` bytes."""
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > room:
            raise QuotaExceeded(ctx.limits.quota_bytes - room, ctx.limits.quota_bytes)
        yield chunk


def confirm(ctx: Context, learner_id: str, size: int) -> None:
    """Inside the saving transaction: refuse if another upload took the space meanwhile."""
    used = used_bytes(ctx.store, ctx.activity_key, ctx.course_key, learner_id)
    if used + size > ctx.limits.quota_bytes:
        raise QuotaExceeded(used, ctx.limits.quota_bytes)


def usage_view(ctx: Context, learner_id: str) -> dict[str, int]:
    """The quota and what the learner has used, for the state view's ``limits``."""
    return {"quota_bytes": ctx.limits.quota_bytes,
            "quota_used_bytes": used_bytes(ctx.store, ctx.activity_key, ctx.course_key, learner_id)}
