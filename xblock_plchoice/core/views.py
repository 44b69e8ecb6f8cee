"""The JSON views both homes return: one shape, described in docs/ARCHITECTURE.md.

Views carry raw text. Escaping is the renderer's job (the front end uses
``textContent`` only; CSV export neutralises formulas), so the same string is
never escaped twice or, worse, unescaped once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from . import accommodations, calibration, feedback, grade_delivery, quota, workflow
from .activity import LEVELS, PHASES, Activity, parse_datetime
from .analytics import status_counts
from .context import Actor, Context
from .reflection import latest_by_phase, shared_with_staff
from .store import LearnerRecord


def activity_view(activity: Activity) -> dict[str, Any]:
    data = activity.to_dict()
    data["levels"] = list(LEVELS)
    data["prompts"] = {phase: [{"id": p.id, "text": p.text} for p in activity.prompts_for(phase)]
                       for phase in PHASES}
    return data


def file_view(ctx: Context, item: dict[str, Any]) -> dict[str, Any]:
    return {**item, "url": ctx.file_url(item["file_id"])}


def _evidence_view(ctx: Context, evidence: dict[str, Any]) -> dict[str, Any]:
    return {"text": evidence.get("text", ""), "links": list(evidence.get("links", [])),
            "files": [file_view(ctx, f) for f in evidence.get("files", [])]}


def attempt_view(ctx: Context, attempt: dict[str, Any], *, for_staff: bool,
                 record: LearnerRecord | None = None) -> dict[str, Any]:
    """One attempt as it was given: its rubric snapshot, its review, and its thread."""
    review = attempt.get("review")
    review_view = None
    if review:
        review_view = {**{k: review[k] for k in ("ratings", "feedback", "decision", "at")},
                       **feedback.review_view_extras(ctx, review)}
        if for_staff:
            review_view["reviewer_id"] = review.get("reviewer_id")
    return {
        "number": attempt["number"], "option_id": attempt["option_id"], "option_title": attempt["option_title"],
        "submitted_at": attempt["submitted_at"], "evidence": _evidence_view(ctx, attempt["evidence"]),
        "self_assessment": attempt.get("self_assessment"),
        "criteria": feedback.criteria_view(ctx.activity, attempt), "review": review_view,
        "thread": feedback.thread(record, attempt["number"]) if record is not None else [],
    }


def _option_view(option: Any) -> dict[str, Any] | None:
    if option is None:
        return None
    return {"id": option.id, "title": option.title, "guidance": option.guidance,
            "evidence_kinds": list(option.evidence_kinds), "exemplar": option.exemplar,
            "time_estimate": option.time_estimate}


def past_due(ctx: Context, record: LearnerRecord | None) -> bool:
    """Past this learner's due date (their accommodation's, else the activity's)."""
    return accommodations.is_past_due(ctx, record)


def due_view(ctx: Context, record: LearnerRecord | None) -> dict[str, Any]:
    return accommodations.due_view(ctx.activity, record, ctx)


def _proposal_view(activity: Activity, record: LearnerRecord) -> dict[str, Any] | None:
    proposal = record.proposal
    if not proposal:
        return None
    view = {k: proposal.get(k) for k in ("title", "plan", "status", "note", "at", "decided_at")}
    # A redirect may name an offered way; its title is looked up now, so a renamed way reads right.
    suggested = activity.option(proposal.get("suggested_option_id") or "")
    view["suggested_option"] = {"id": suggested.id, "title": suggested.title} if suggested else None
    return view


def me_view(ctx: Context, actor: Actor, record: LearnerRecord) -> dict[str, Any]:
    activity = ctx.activity
    status = record.status
    draft = record.draft
    latest_review = (record.latest_attempt or {}).get("review")
    before_submit = not workflow.attempts_since_reset(record)
    can_change = before_submit and (status == "not_started" or activity.policies.allow_change_until_submit)
    reflections = latest_by_phase(ctx.store.list_reflections(ctx.course_key, actor.user_id), ctx.activity_key)
    return {
        "status": status,
        "option_id": record.option_id,
        "option": _option_view(workflow.current_option(activity, record)),
        "proposal": _proposal_view(ctx.activity, record),
        "draft": None if draft is None else {
            **_evidence_view(ctx, draft), "self_assessment": draft.get("self_assessment"),
            "saved_at": draft.get("saved_at")},
        "attempts": [attempt_view(ctx, a, for_staff=False, record=record) for a in record.attempts],
        "revisions_left": workflow.revisions_left(activity, record),
        "past_due": past_due(ctx, record),
        "due": due_view(ctx, record),
        "accommodation": accommodations.view(record),
        "can": {
            "choose": activity.kind == "choice" and can_change and status in workflow.ALLOWED["choose"],
            # Once a proposal is approved it is the learner's way; offering to propose again only confuses.
            "propose": (activity.allow_proposals and can_change and status in workflow.ALLOWED["propose"]
                        and (record.proposal or {}).get("status") != "approved"),
            "edit": status in workflow.ALLOWED["save_draft"],
            "self_assess": status in workflow.ALLOWED["self_assess"],
            "submit": (status in workflow.ALLOWED["submit"] and not past_due(ctx, record)
                       and (status != "revise" or workflow.revisions_left(activity, record) > 0)),
            "reflect_after": activity.kind == "reflection" or bool(latest_review),
        },
        "reflections": reflections,
        # A score only after a mastery decision: while revising, "0 of 10" reads as a failing grade.
        "score": ({"earned": workflow.score_for(activity, latest_review["decision"]),
                   "possible": activity.policies.points}
                  if latest_review and latest_review["decision"] == "mastered" else None),
    }


def staff_summary(ctx: Context) -> dict[str, Any]:
    counters = ctx.store.get_counters(ctx.activity_key)
    summary = {"counts": status_counts(counters), "pending_proposals": int(counters.get("status:proposal_pending", 0)),
               "total": int(counters.get("total", 0))}
    if ctx.export_url is not None:
        summary["export_url"] = ctx.export_url()
    return summary


def state_view(ctx: Context, actor: Actor, record: LearnerRecord) -> dict[str, Any]:
    return {
        "activity": activity_view(ctx.activity),
        "role": actor.role,
        "me": me_view(ctx, actor, record),
        "staff": staff_summary(ctx) if actor.is_staff else None,
        "limits": {**limits_view(ctx), **quota.usage_view(ctx, actor.user_id)},
    }


def limits_view(ctx: Context) -> dict[str, int]:
    """What the front end needs to warn before the server refuses (character counter, file sizes)."""
    limits = ctx.limits
    return {"text_max_chars": limits.text_max_chars, "links_max": limits.links_max,
            "files_max": limits.files_max, "reflection_max_chars": limits.reflection_max_chars,
            "file_max_bytes": limits.file_max_bytes, "audio_max_bytes": limits.audio_max_bytes,
            "video_max_bytes": limits.video_max_bytes}


def queue_item(ctx: Context, record: LearnerRecord, actor: Actor | None = None) -> dict[str, Any]:
    """One learner's item in the staff queue (``actor``: the grader looking, for ``claimed_by_me``)."""
    reflections, profile = shared_with_staff(ctx, record.learner_id)
    option = workflow.current_option(ctx.activity, record)
    return {
        "learner_id": record.learner_id,
        "display_name": record.display_name,
        "status": record.status,
        "option_id": record.option_id,
        "option_title": option.title if option else "",
        "proposal": _proposal_view(ctx.activity, record),
        "attempts": [attempt_view(ctx, a, for_staff=True, record=record) for a in record.attempts],
        "submitted_at": record.submitted_at,
        "waiting_seconds": _waiting_seconds(ctx, record),
        "version": record.version,
        "claimed_by": (record.claim.get("display_name") or record.claim["user_id"]) if record.claim else None,
        "claimed_by_me": bool(record.claim and actor is not None and record.claimed_by == actor.user_id),
        "unread_replies": record.unread_replies,
        "accommodation": accommodations.view(record),
        "due": due_view(ctx, record),
        "grade_delivery": grade_delivery.delivery_view(ctx, record),
        "revisions_left": workflow.revisions_left(ctx.activity, record),
        "shared_reflections": reflections,
        "shared_profile": profile,
        "calibration": calibration.record_calibration(record, ctx.activity),
    }


def _waiting_seconds(ctx: Context, record: LearnerRecord) -> int | None:
    """How long the item has waited for review (only while it waits): the queue shows it."""
    if record.status != "submitted" or not record.submitted_at:
        return None
    return max(int((ctx.now() - parse_datetime(record.submitted_at)).total_seconds()), 0)


def iso(value: datetime) -> str:
    return value.isoformat()
