"""Several graders, one queue: claims, sorts, filters and unread replies, at a flat cost.

``claim`` marks an item as taken by one grader; another grader's ``review`` of
it is a 409 that names the holder and hands the refused review back
(:class:`GradingConflict`), so no one's work is lost and no one grades over
someone else. A claim is not a lock on the learner: they keep working, and a
claim's taking and release are kept in the record's events.

The queue's sorts and filters are store queries on indexed columns
(``submitted_at``, ``sort_name``, ``claimed_by``, ``has_unread``), and its
totals come from counters (:mod:`.analytics`), so a page costs the same at 100
or 100,000 learners. The one combination no counter covers (an option filter
with a claim or unread filter) reports ``total_exact: false`` and a lower bound.
"""

from __future__ import annotations

from math import ceil
from typing import Any

from . import payload as read
from . import views, workflow
from .activity import PROPOSAL_OPTION_ID
from .analytics import claimer_counter
from .context import Actor, Context
from .errors import GradingConflict
from .feedback import mark_read
from .i18n import gettext_noop as _
from .protocol import command, mutate_record
from .store import LearnerRecord

DEFAULT_PAGE_SIZE = 20
SORTS = ("oldest", "newest", "name")
CLAIM_FILTERS = ("mine", "unclaimed")
#: Events staff keep about an item that are not the learner's story (kept out of the learning log).
STAFF_EVENTS = frozenset({"claimed", "released"})


def check_claim(record: LearnerRecord, actor: Actor, kept: dict[str, Any] | None = None) -> None:
    """Refuse when another grader holds this item."""
    holder = record.claim
    if holder and holder["user_id"] != actor.user_id:
        by = holder.get("display_name", "")
        message = (_("%(by)s has claimed this learner's work; ask them, or pick another item.") if by
                   else _("Another grader has claimed this learner's work; pick another item."))
        raise GradingConflict(message, reason="claimed", by=by, kept=kept)


def claim(record: LearnerRecord, actor: Actor, release: bool, now: str) -> None:
    """Take or release an item; taking one another grader holds, or releasing theirs, is refused."""
    check_claim(record, actor)
    if release == (record.claim is None):
        return
    record.claim = None if release else {"user_id": actor.user_id, "display_name": actor.display_name, "at": now}
    record.events.append({"type": "released" if release else "claimed", "at": now, "by": actor.user_id,
                          "activity_key": record.activity_key})


def _status_total(counters: dict[str, float], status: str | None, option_id: str | None) -> int:
    """Totals come from counters, not COUNT(*): the cost of a page stays flat as the course grows."""
    if status and option_id:
        return int(counters.get(f"status:{status}:option:{option_id}", 0))
    if status:
        return int(counters.get(f"status:{status}", 0))
    if option_id:
        return int(sum(counters.get(f"status:{s}:option:{option_id}", 0) for s in workflow.STATUSES))
    return int(counters.get("total", 0))


def _counter(counters: dict[str, float], name: str, status: str | None) -> int:
    return int(counters.get(f"{name}:status:{status}" if status else name, 0))


def queue_total(counters: dict[str, float], actor: Actor, status: str | None, option_id: str | None,
                claimed: str | None, unread: bool) -> int | None:
    """The filtered total from counters, or None when no counter covers the combination."""
    if not claimed and not unread:
        return _status_total(counters, status, option_id)
    if option_id or (claimed and unread):
        return None
    if unread:
        return _counter(counters, "unread", status)
    if claimed == "mine":
        return _counter(counters, claimer_counter(actor.user_id), status)
    return _status_total(counters, status, None) - _counter(counters, "claimed", status)


@command("queue", staff_only=True, read_only=True)
def queue(actor: Actor, payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    page = read.integer(payload, "page", default=1, low=1)
    page_size = read.integer(payload, "page_size", default=DEFAULT_PAGE_SIZE, low=1, high=ctx.limits.page_size_max)
    status = read.choice(payload, "status", workflow.STATUSES, optional=True)
    option_ids = [o.id for o in ctx.activity.options] + [PROPOSAL_OPTION_ID]
    option_id = read.choice(payload, "option_id", option_ids, optional=True)
    sort = read.choice(payload, "sort", SORTS, optional=True) or "oldest"
    claimed = read.choice(payload, "claimed", CLAIM_FILTERS, optional=True)
    unread = read.flag(payload, "unread")
    offset = (page - 1) * page_size
    records = ctx.store.query_records(
        ctx.activity_key, status=status, option_id=option_id, offset=offset, limit=page_size + 1, sort=sort,
        claimed=None if claimed is None else ("" if claimed == "unclaimed" else actor.user_id), unread=unread)
    more = len(records) > page_size
    records = records[:page_size]
    total = queue_total(ctx.store.get_counters(ctx.activity_key), actor, status, option_id, claimed, unread)
    exact = total is not None
    if total is None:
        total = offset + len(records) + (1 if more else 0)
    return {
        "items": [views.queue_item(ctx, record, actor) for record in records],
        "page": page, "page_size": page_size, "total": total, "total_exact": exact,
        "pages": max(ceil(total / page_size), 1),
        "filters": {"status": status, "option_id": option_id, "sort": sort, "claimed": claimed, "unread": unread},
    }


@command("claim", staff_only=True)
def claim_command(actor: Actor, payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    learner_id = read.identifier(payload, "learner_id")
    release = read.flag(payload, "release")
    record, _none = mutate_record(ctx, learner_id, lambda r: claim(r, actor, release, ctx.now_iso()), must_exist=True)
    return {"item": views.queue_item(ctx, record, actor)}


@command("open_item", staff_only=True)
def open_item(actor: Actor, payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """Staff opened this learner's work: their replies count as read from now on."""
    learner_id = read.identifier(payload, "learner_id")
    record, _none = mutate_record(ctx, learner_id, mark_read, must_exist=True)
    return {"item": views.queue_item(ctx, record, actor)}
