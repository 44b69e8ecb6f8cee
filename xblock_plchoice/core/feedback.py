"""Feedback as a dialogue: comments per criterion, recorded media, and a reply thread per attempt.

A review is still written once and never rewritten (:func:`workflow.review`);
what this module adds travels *with* it: a comment beside each criterion's
rating (a single-point rubric is its comments) and audio or video that staff
recorded or uploaded (``upload`` with kind ``feedback_audio``/``feedback_video``).

The thread is the conversation after that: learner and staff replies are
appended to ``record.replies`` with the author's role and time, and never
edited or removed. A reply changes no status: a learner cannot argue a
``revise`` into ``mastered``, only talk about it. ``record.replies_read`` is
how many replies staff have seen, so the queue can show and filter on
``unread_replies`` without reading threads.
"""

from __future__ import annotations

from typing import Any

from . import payload as read
from .activity import Activity, Criterion
from .context import Actor, Context
from .errors import NotFound, PermissionDenied, ValidationError
from .evidence import public_file
from .i18n import gettext_noop as _
from .store import LearnerRecord

COMMENT_MAX_CHARS = 4000
REPLY_MAX_CHARS = 4000
REPLIES_MAX = 500  # per record: a thread, not a chat log
MEDIA_MAX = 5
MEDIA_KINDS = ("audio", "video")
FEEDBACK_PURPOSE = "feedback"


def attempt_criteria(activity: Activity, attempt: dict[str, Any] | None) -> tuple[Criterion, ...]:
    """The criteria an attempt was submitted under (its snapshot), or today's for older attempts."""
    snapshot = (attempt or {}).get("criteria")
    if snapshot is None:
        return activity.criteria
    return tuple(Criterion(id=c["id"], title=c["title"], description=c.get("description", "")) for c in snapshot)


def criteria_view(activity: Activity, attempt: dict[str, Any]) -> list[dict[str, str]]:
    return [{"id": c.id, "title": c.title, "description": c.description}
            for c in attempt_criteria(activity, attempt)]


def normalize_comments(criteria: tuple[Criterion, ...], raw: Any) -> dict[str, str]:
    """``{criterion_id: text}`` for criteria of the attempt; empty comments are dropped."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ValidationError(_("Comments must be an object of criterion id to text."), field="comments")
    known = {c.id for c in criteria}
    comments: dict[str, str] = {}
    for key, value in raw.items():
        if key not in known:
            raise ValidationError(_("Unknown criterion: %(id)s."), field="comments", id=str(key)[:40])
        field = f"comments.{str(key)[:40]}"
        text = read.text({field: value}, field, limit=COMMENT_MAX_CHARS)
        if text:
            comments[key] = text
    return {c.id: comments[c.id] for c in criteria if c.id in comments}


def resolve_media(ctx: Context, raw: Any) -> list[dict[str, Any]]:
    """Feedback files staff uploaded in this activity, as public file records, or refuse."""
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise ValidationError(_("media_file_ids must be a list of file ids."), field="media_file_ids")
    ids = list(dict.fromkeys(raw))
    if len(ids) > MEDIA_MAX:
        raise ValidationError(_("Attach at most %(max)d recordings."), field="media_file_ids", max=MEDIA_MAX)
    files = []
    for file_id in ids:
        meta = ctx.store.get_file_meta(file_id)
        if (not meta or meta["activity_key"] != ctx.activity_key or meta.get("purpose") != FEEDBACK_PURPOSE):
            raise ValidationError(_("One of the recordings no longer exists. Record or upload it again."),
                                  field="media_file_ids")
        files.append(public_file(meta))
    return files


def share_media(ctx: Context, files: list[dict[str, Any]], learner_id: str) -> None:
    """Let the reviewed learner open the recordings (:func:`protocol.readable_file_meta` checks this)."""
    for item in files:
        meta = ctx.store.get_file_meta(item["file_id"])
        if meta is not None and meta.get("feedback_for") != learner_id:
            ctx.store.save_file_meta({**meta, "feedback_for": learner_id})


def find_attempt(record: LearnerRecord, number: int) -> dict[str, Any]:
    attempt = next((a for a in record.attempts if a["number"] == number), None)
    if attempt is None:
        raise NotFound(_("There is no attempt %(number)d to reply to."), number=number)
    return attempt


def reply(record: LearnerRecord, activity: Activity, attempt_number: int, text: str, actor: Actor,
          new_id: str, now: str) -> dict[str, Any]:
    """Append one reply to an attempt's thread; a staff reply also marks the thread read."""
    find_attempt(record, attempt_number)
    if len(record.replies) >= REPLIES_MAX:
        raise ValidationError(_("This conversation has reached %(max)d messages."), field="text", max=REPLIES_MAX)
    entry = {"id": new_id, "attempt": attempt_number, "author_role": "staff" if actor.is_staff else "learner",
             "author_id": actor.user_id, "author_name": actor.display_name, "text": text, "at": now}
    record.replies.append(entry)
    if actor.is_staff:
        mark_read(record)
    return entry


def mark_read(record: LearnerRecord) -> None:
    record.replies_read = len(record.replies)


def reply_view(entry: dict[str, Any]) -> dict[str, Any]:
    """A reply as views show it: never the author's user id (staff ids are not the learner's business)."""
    return {k: entry[k] for k in ("id", "attempt", "author_role", "author_name", "text", "at")}


def thread(record: LearnerRecord, attempt_number: int) -> list[dict[str, Any]]:
    return [reply_view(r) for r in record.replies if r["attempt"] == attempt_number]


def review_view_extras(ctx: Context, review: dict[str, Any]) -> dict[str, Any]:
    """The parts of a review view this module adds (comments, playable media)."""
    return {"comments": dict(review.get("comments") or {}),
            "media": [{**item, "url": ctx.file_url(item["file_id"])} for item in review.get("media") or []],
            "reviewer_name": review.get("reviewer_name", "")}


def log_entries(record: LearnerRecord, activity_title: str) -> list[dict[str, Any]]:
    """The thread as learning-log entries (the learner's own record only)."""
    return [{"kind": "reply", "type": "reply", "at": r["at"], "activity_key": record.activity_key,
             "activity_title": activity_title, **reply_view(r)} for r in record.replies]


def read_reply_payload(actor: Actor, payload: dict[str, Any]) -> tuple[str, int, str]:
    """(learner id, attempt, text) of a ``reply``; a learner naming anyone else is refused."""
    if actor.is_staff:
        learner_id = read.identifier(payload, "learner_id")
    else:
        named = payload.get("learner_id")
        if named not in (None, "", actor.user_id):
            raise PermissionDenied(_("You can only reply about your own work."))
        learner_id = actor.user_id
    attempt = read.integer(payload, "attempt", low=1, high=1000)
    text = read.text(payload, "text", limit=REPLY_MAX_CHARS, required=True)
    return learner_id, attempt, text
