"""Learner commands: choose, propose, upload, draft, self-assess, submit, reflect, profile, log, my data.

Every command acts on the *actor's own* record: there is no learner id in a
learner payload, so a learner cannot name someone else's work.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import IO, Any

from . import feedback, privacy, quota, reflection, views, workflow
from . import payload as read
from .context import Actor, Context
from .errors import FileTooLarge, IllegalTransition, PermissionDenied, UnsupportedFile, ValidationError
from .evidence import classify_upload, human_size, normalize_evidence, public_file, read_limited, safe_filename
from .i18n import gettext_noop as _
from .protocol import command, load_record, mutate_record
from .store import LearnerRecord

BOTH = ("choice", "reflection")
UPLOAD_KINDS = ("file", "audio", "video")
#: Staff recordings for a review (``review.media_file_ids``); the learner reviewed may open them.
FEEDBACK_KINDS = ("feedback_audio", "feedback_video")
SNIFF_BYTES = 4096


def _state(actor: Actor, ctx: Context, record: LearnerRecord | None = None) -> dict[str, Any]:
    return views.state_view(ctx, actor, record or load_record(ctx, actor.user_id))


@command("state", kinds=BOTH, read_only=True)
def state(actor: Actor, payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return _state(actor, ctx)


@command("choose")
def choose(actor: Actor, payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    record, _ = mutate_record(ctx, actor.user_id, lambda r: workflow.choose(
        r, ctx.activity, payload.get("option_id"), ctx.now_iso()), display_name=actor.display_name)
    return _state(actor, ctx, record)


@command("propose")
def propose(actor: Actor, payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    title = read.text(payload, "title", limit=200, required=True)
    plan = read.text(payload, "plan", limit=4000, required=True)
    record, _ = mutate_record(ctx, actor.user_id, lambda r: workflow.propose(
        r, ctx.activity, title, plan, ctx.now_iso()), display_name=actor.display_name)
    return _state(actor, ctx, record)


def _allowed_kinds(ctx: Context, record: LearnerRecord) -> tuple[str, ...]:
    option = workflow.current_option(ctx.activity, record)
    return option.evidence_kinds if option else ()


@command("save_draft")
def save_draft(actor: Actor, payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    def change(record: LearnerRecord) -> None:
        workflow.check("save_draft", record)
        evidence = normalize_evidence(payload, ctx, actor.user_id, _allowed_kinds(ctx, record))
        workflow.save_draft(record, evidence, ctx.now_iso())

    record, _ = mutate_record(ctx, actor.user_id, change)
    return _state(actor, ctx, record)


@command("self_assess")
def self_assess(actor: Actor, payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    ratings = workflow.normalize_ratings(ctx.activity, payload.get("ratings"))
    comment = read.text(payload, "comment", limit=2000)
    record, _ = mutate_record(ctx, actor.user_id, lambda r: workflow.self_assess(
        r, ctx.activity, ratings, comment, ctx.now_iso()))
    return _state(actor, ctx, record)


@command("submit")
def submit(actor: Actor, payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    def change(record: LearnerRecord) -> dict[str, Any]:
        workflow.check("submit", record)
        evidence = normalize_evidence(payload, ctx, actor.user_id, _allowed_kinds(ctx, record))
        return workflow.submit(record, ctx.activity, evidence, ctx.now_iso(), views.past_due(ctx, record))

    record, _ = mutate_record(ctx, actor.user_id, change, display_name=actor.display_name,
                              after_save=lambda rec, attempt: ctx.grades.submitted(rec, attempt))
    return _state(actor, ctx, record)


def store_upload(actor: Actor, ctx: Context, filename: str, content_type: str, stream: IO[bytes],
                 kind: str) -> dict[str, Any]:
    """Check, then stream one file into the blob store; nothing is kept if any check fails."""
    if kind not in UPLOAD_KINDS + FEEDBACK_KINDS:
        raise ValidationError(_("The kind must be file, audio or video."), field="kind")
    if ctx.activity.kind != "choice" or ctx.blobs is None:
        raise IllegalTransition(_("This activity does not take files."))
    purpose = None
    if kind in FEEDBACK_KINDS:
        if not actor.is_staff:
            raise PermissionDenied(_("Only course staff can do that."))
        purpose, kind = feedback.FEEDBACK_PURPOSE, kind.removeprefix("feedback_")
    else:
        record = load_record(ctx, actor.user_id)
        if record.status not in workflow.ALLOWED["save_draft"]:
            raise IllegalTransition(_("Choose how you will show your learning before adding evidence."))
        if kind not in _allowed_kinds(ctx, record):
            raise UnsupportedFile(_("The option you chose does not take %(kind)s evidence."), kind=kind)
    if len(ctx.store.files_for_learner(actor.user_id, ctx.course_key)) >= ctx.limits.files_max * 10:
        raise ValidationError(_("You have uploaded too many files here; delete your drafts to start over."),
                              field="file")
    room = quota.room_left(ctx, actor.user_id)
    head = stream.read(SNIFF_BYTES)
    ext, mime = classify_upload(filename or "", head, kind)
    name = safe_filename(filename)
    limit = ctx.limits.max_bytes_for(kind)
    if len(head) > limit:
        raise FileTooLarge(limit=human_size(limit), kind=kind)
    chunks = itertools.chain([head], read_limited(stream, limit - len(head), kind)) if head else iter(())
    chunks = quota.within(chunks, room, ctx)
    file_id = ctx.new_id()
    size = 0

    def counted() -> Iterator[bytes]:
        nonlocal size
        for chunk in chunks:
            size += len(chunk)
            yield chunk

    # BlobStore.save must leave nothing behind when the iterator raises (FileTooLarge, QuotaExceeded).
    path = ctx.blobs.save(f"{file_id}.{ext}", counted())
    meta = {"file_id": file_id, "activity_key": ctx.activity_key, "course_key": ctx.course_key,
            "learner_id": actor.user_id, "name": name, "size": size, "mime": mime, "kind": kind,
            "path": path, "at": ctx.now_iso()}
    if purpose:
        meta["purpose"] = purpose
    try:
        with ctx.store.atomic():
            quota.confirm(ctx, actor.user_id, size)
            ctx.store.save_file_meta(meta)
    except Exception:
        ctx.blobs.delete(path)
        raise
    return views.file_view(ctx, public_file(meta))


@command("reply")
def reply(actor: Actor, payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """A message in an attempt's thread: a learner on their own attempts only, staff on anyone's."""
    learner_id, attempt, text = feedback.read_reply_payload(actor, payload)
    record, _entry = mutate_record(ctx, learner_id, lambda r: feedback.reply(
        r, ctx.activity, attempt, text, actor, ctx.new_id(), ctx.now_iso()), must_exist=True)
    if actor.is_staff:
        return {"item": views.queue_item(ctx, record, actor)}
    return _state(actor, ctx, record)


@command("reflect", kinds=BOTH)
def reflect(actor: Actor, payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    entry = reflection.reflect(actor, ctx, payload, ctx.store.get_record(ctx.activity_key, actor.user_id))
    with ctx.store.atomic():
        ctx.store.add_reflection(entry)
        ctx.store.bump_counters(ctx.activity_key, privacy.reflection_counters(entry))
    return _state(actor, ctx)


@command("profile", kinds=BOTH)
def profile(actor: Actor, payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    current = ctx.store.get_profile(ctx.course_key, actor.user_id)
    if payload:
        current = reflection.profile_update(ctx, payload, current)
        with ctx.store.atomic():
            ctx.store.save_profile(ctx.course_key, actor.user_id, current)
    return {"profile": reflection.profile_view(current)}


@command("log", kinds=BOTH, read_only=True)
def log(actor: Actor, payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return {"entries": reflection.learning_log(ctx, actor.user_id)}


@command("my_data", kinds=BOTH)
def my_data(actor: Actor, payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    action = read.choice(payload, "action", ("export", "delete"))
    if action == "export":
        return privacy.export_my_data(actor, ctx)
    with ctx.store.atomic():
        return {"deleted": privacy.delete_my_data(actor, ctx)}
