"""Staff commands: the review queue, reviews, proposal decisions and analytics.

Registered ``staff_only``: :func:`protocol.dispatch` refuses a learner with a
403 before any of this runs.
"""

from __future__ import annotations

from math import ceil
from typing import Any

from . import payload as read
from . import views, workflow
from .activity import PROPOSAL_OPTION_ID
from .analytics import analytics_view
from .context import Actor, Context
from .errors import ValidationError
from .i18n import gettext_noop as _
from .protocol import command, mutate_record

DEFAULT_PAGE_SIZE = 20


def _queue_total(counters: dict[str, float], status: str | None, option_id: str | None) -> int:
    """Totals come from counters, not COUNT(*): the cost of a page stays flat as the course grows."""
    if status and option_id:
        return int(counters.get(f"status:{status}:option:{option_id}", 0))
    if status:
        return int(counters.get(f"status:{status}", 0))
    if option_id:
        return int(sum(counters.get(f"status:{s}:option:{option_id}", 0) for s in workflow.STATUSES))
    return int(counters.get("total", 0))


@command("queue", staff_only=True, read_only=True)
def queue(actor: Actor, payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    page = read.integer(payload, "page", default=1, low=1)
    page_size = read.integer(payload, "page_size", default=DEFAULT_PAGE_SIZE, low=1, high=ctx.limits.page_size_max)
    status = read.choice(payload, "status", workflow.STATUSES, optional=True)
    option_ids = [o.id for o in ctx.activity.options] + [PROPOSAL_OPTION_ID]
    option_id = read.choice(payload, "option_id", option_ids, optional=True)
    records = ctx.store.query_records(ctx.activity_key, status=status,
                                      option_id=option_id,
                                      offset=(page - 1) * page_size, limit=page_size)
    total = _queue_total(ctx.store.get_counters(ctx.activity_key), status, option_id)
    return {
        "items": [views.queue_item(ctx, record) for record in records],
        "page": page, "page_size": page_size, "total": total, "pages": max(ceil(total / page_size), 1),
        "filters": {"status": status, "option_id": option_id},
    }


@command("review", staff_only=True)
def review(actor: Actor, payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    learner_id = read.identifier(payload, "learner_id")
    attempt = read.integer(payload, "attempt", low=1, high=1000)
    ratings = workflow.normalize_ratings(ctx.activity, payload.get("ratings"))
    feedback = read.text(payload, "feedback", limit=10_000)
    decision = read.choice(payload, "decision", workflow.DECISIONS)

    def grade(record: Any, reviewed: dict[str, Any]) -> None:
        score = workflow.score_for(ctx.activity, decision)
        ctx.grades.scored(record, reviewed, score, ctx.activity.policies.points)

    record, _ = mutate_record(
        ctx, learner_id,
        lambda r: workflow.review(r, ctx.activity, attempt, ratings, feedback, decision, actor.user_id,
                                  ctx.now_iso()),
        must_exist=True, after_save=grade)
    return {"item": views.queue_item(ctx, record)}


@command("decide_proposal", staff_only=True)
def decide_proposal(actor: Actor, payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    learner_id = read.identifier(payload, "learner_id")
    decision = read.choice(payload, "decision", ("approve", "redirect"))
    note = read.text(payload, "note", limit=4000)
    suggested = _suggested_option(ctx, payload, decision)

    def decide(record: Any) -> None:
        workflow.decide_proposal(record, ctx.activity, decision, note, actor.user_id, ctx.now_iso())
        if suggested:
            record.proposals[-1] = {**record.proposals[-1], "suggested_option_id": suggested}

    record, _ = mutate_record(ctx, learner_id, decide, must_exist=True)
    return {"item": views.queue_item(ctx, record)}


def _suggested_option(ctx: Context, payload: dict[str, Any], decision: str) -> str | None:
    """A redirect may name the offered way staff suggest, so the learner knows where to go next."""
    value = payload.get("suggested_option_id")
    if value in (None, ""):
        return None
    if decision != "redirect":
        raise ValidationError(_("Suggest a way only when you redirect."), field="suggested_option_id")
    return read.choice(payload, "suggested_option_id", [o.id for o in ctx.activity.options])


@command("analytics", staff_only=True, kinds=("choice", "reflection"), read_only=True)
def analytics(actor: Actor, payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return analytics_view(ctx.activity, ctx.store.get_counters(ctx.activity_key))
