"""Staff commands: reviews, proposal decisions, accommodations, rubric impact, grade resends and analytics.

The queue and claims live in :mod:`.grading_queue`, the comment bank in :mod:`.comment_bank`.

Registered ``staff_only``: :func:`protocol.dispatch` refuses a learner with a
403 before any of this runs.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from . import accommodations, feedback, grade_delivery, grading_queue, views, workflow
from . import payload as read
from .analytics import analytics_view
from .analytics import rubric_impact as impact_of
from .context import Actor, Context
from .errors import Conflict, GradingConflict, NotFound, ValidationError
from .i18n import gettext_noop as _
from .protocol import command, mutate_record
from .store import LearnerRecord


def _kept(payload: dict[str, Any], feedback: str, decision: str | None) -> dict[str, Any]:
    """The review as sent (text fields only), handed back with a 409 so the reviewer loses nothing."""
    def texts(value: Any) -> dict[str, str]:
        return ({str(k)[:40]: v for k, v in value.items() if isinstance(v, str)} if isinstance(value, dict)
                else {})
    media = payload.get("media_file_ids")
    return {"ratings": texts(payload.get("ratings")), "comments": texts(payload.get("comments")),
            "feedback": feedback, "decision": decision,
            "media_file_ids": [m for m in media if isinstance(m, str)] if isinstance(media, list) else []}


@command("review", staff_only=True)
def review(actor: Actor, payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    learner_id = read.identifier(payload, "learner_id")
    attempt = read.integer(payload, "attempt", low=1, high=1000)
    feedback_text = read.text(payload, "feedback", limit=10_000)
    decision = read.choice(payload, "decision", workflow.DECISIONS)
    media = feedback.resolve_media(ctx, payload.get("media_file_ids"))
    kept = _kept(payload, feedback_text, decision)

    def change(record: LearnerRecord) -> dict[str, Any]:
        grading_queue.check_claim(record, actor, kept)
        latest = record.latest_attempt
        seen = next((a for a in record.attempts if a["number"] == attempt), None)
        if seen is not None and seen["review"] is not None:  # reviewed meanwhile (maybe resubmitted since)
            by = seen["review"].get("reviewer_name", "")
            message = (_("%(by)s reviewed attempt %(number)d meanwhile; read their review first.") if by
                       else _("Another grader reviewed attempt %(number)d meanwhile; read their review first."))
            raise GradingConflict(message, reason="reviewed", by=by, kept=kept, number=attempt)
        criteria = feedback.attempt_criteria(ctx.activity, latest)
        ratings = workflow.normalize_ratings(replace(ctx.activity, criteria=criteria), payload.get("ratings"))
        extra = {"comments": feedback.normalize_comments(criteria, payload.get("comments")), "media": media,
                 "reviewer_name": actor.display_name}
        reviewed = workflow.review(record, ctx.activity, attempt, ratings, feedback_text, decision,
                                   actor.user_id, ctx.now_iso(), extra)
        feedback.mark_read(record)
        return reviewed

    def grade(record: LearnerRecord, reviewed: dict[str, Any]) -> None:
        feedback.share_media(ctx, media, record.learner_id)
        score = workflow.score_for(ctx.activity, decision)
        ctx.grades.scored(record, reviewed, score, ctx.activity.policies.points)

    try:
        record, _reviewed = mutate_record(ctx, learner_id, change, must_exist=True, after_save=grade)
    except GradingConflict:
        raise
    except Conflict as error:  # a reply or a second tab saved first: still hand the review back
        raise GradingConflict(_("This learner's work changed while you were reviewing. Reload it; your review "
                                "is kept."), reason="changed", kept=kept) from error
    return {"item": views.queue_item(ctx, record, actor)}


@command("accommodate", staff_only=True)
def accommodate(actor: Actor, payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """An individual due date and extra revisions; a learner without a record yet gets one (not started)."""
    learner_id = read.identifier(payload, "learner_id")
    due = accommodations.read_due(payload)
    extra = read.integer(payload, "extra_revisions", default=0, low=0, high=accommodations.MAX_EXTRA_REVISIONS)
    record, _none = mutate_record(ctx, learner_id, lambda r: accommodations.accommodate(
        r, ctx.activity, due, extra, actor.user_id, ctx.now_iso()))
    return {"item": views.queue_item(ctx, record, actor)}


@command("rubric_impact", staff_only=True, read_only=True)
def rubric_impact(actor: Actor, payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """How many learners already submitted: editors warn before criteria change (snapshots keep the past)."""
    return impact_of(ctx.store.get_counters(ctx.activity_key))


@command("resend_grade", staff_only=True)
def resend_grade(actor: Actor, payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    learner_id = read.identifier(payload, "learner_id")
    record = ctx.store.get_record(ctx.activity_key, learner_id)
    if record is None:
        raise NotFound(_("No work from this learner yet."))
    with ctx.store.atomic():
        grade_delivery.resend(ctx, record)
    return {"item": views.queue_item(ctx, record, actor)}


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

    record, _none = mutate_record(ctx, learner_id, decide, must_exist=True)
    return {"item": views.queue_item(ctx, record, actor)}


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
