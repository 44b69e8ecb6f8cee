"""A learner's own data: export it, delete what is theirs to delete, and retirement.

What a learner may delete themselves: reflections, profile and drafts (with
draft-only files). Submitted attempts stay, because staff decisions and grades
rest on them; platform retirement (a deleted account) removes those too.
"""

from __future__ import annotations

import logging
from typing import Any

from . import analytics
from .context import Actor, Context
from .store import BlobStore, LearnerRecord, Store

log = logging.getLogger(__name__)


def referenced_file_ids(record: LearnerRecord) -> set[str]:
    """Files the record's draft, attempts or reviews (feedback recordings) use: deleting any would break it."""
    ids = {f["file_id"] for a in record.attempts for f in a["evidence"].get("files", [])}
    ids |= {f["file_id"] for a in record.attempts for f in (a.get("review") or {}).get("media") or []}
    if record.draft:
        ids |= {f["file_id"] for f in record.draft.get("files", [])}
    return ids


def _public_record(record: LearnerRecord) -> dict[str, Any]:
    data = record.to_dict()
    for attempt in data["attempts"]:
        if attempt.get("review"):
            attempt["review"] = {k: v for k, v in attempt["review"].items() if k != "reviewer_id"}
    for proposal in data["proposals"]:
        proposal.pop("decided_by", None)
    # staff ids are not the learner's data (issue 9): replies keep the author's role and name, not the id;
    # who holds the item in the grading queue and who granted an accommodation stay with staff
    data["replies"] = [{k: v for k, v in r.items() if k != "author_id"} for r in data["replies"]]
    data["accommodations"] = [{k: v for k, v in a.items() if k != "by"} for a in data["accommodations"]]
    data["events"] = [e for e in data["events"] if e["type"] not in ("claimed", "released")]
    data.pop("claim", None)
    return data


def export_my_data(actor: Actor, ctx: Context) -> dict[str, Any]:
    store = ctx.store
    return {
        "format": "plchoice-learner-export/1",
        "exported_at": ctx.now_iso(),
        "learner_id": actor.user_id,
        "course_key": ctx.course_key,
        "records": [_public_record(r) for r in store.records_for_learner(actor.user_id, ctx.course_key)],
        "reflections": store.list_reflections(ctx.course_key, actor.user_id),
        "profile": store.get_profile(ctx.course_key, actor.user_id),
        "files": [{k: m[k] for k in ("file_id", "name", "size", "mime", "kind", "activity_key", "at")}
                  for m in store.files_for_learner(actor.user_id, ctx.course_key)],
    }


def _delete_files(store: Store, blobs: BlobStore | None, metas: list[dict[str, Any]]) -> int:
    for meta in metas:
        if blobs is not None:
            blobs.delete(meta["path"])
        store.delete_file_meta(meta["file_id"])
    return len(metas)


def reflection_counters(entry: dict[str, Any], sign: int = 1) -> dict[str, float]:
    """The counters one reflection entry adds to its activity (see :mod:`analytics`)."""
    deltas = {f"reflections:{entry['phase']}": sign}
    if entry.get("share_with_staff"):
        deltas["reflections:shared"] = sign
    return deltas


def _delete_reflections(store: Store, course_key: str | None, learner_id: str) -> int:
    for entry in store.list_reflections(course_key, learner_id):
        store.bump_counters(entry["activity_key"], reflection_counters(entry, -1))
    return store.delete_reflections(course_key, learner_id)


def delete_my_data(actor: Actor, ctx: Context) -> dict[str, int]:
    """Delete the learner's reflections, profile and drafts in this course (not submitted work)."""
    store = ctx.store
    drafts = 0
    keep: set[str] = set()
    for record in store.records_for_learner(actor.user_id, ctx.course_key):
        if record.draft is not None:
            expected = record.version
            record.draft = None
            record.version = expected + 1
            record.updated_at = ctx.now_iso()
            store.save_record(record, expected)
            drafts += 1
        keep |= referenced_file_ids(record)
    # a grader's feedback recordings live in other learners' reviews: never theirs to erase from here
    orphans = [m for m in store.files_for_learner(actor.user_id, ctx.course_key)
               if m["file_id"] not in keep and m.get("purpose") != "feedback"]
    return {
        "reflections": _delete_reflections(store, ctx.course_key, actor.user_id),
        "profile": store.delete_profile(ctx.course_key, actor.user_id),
        "drafts": drafts,
        "files": _delete_files(store, ctx.blobs, orphans),
    }


def retire_learner(store: Store, blobs: BlobStore | None, learner_id: str) -> dict[str, int]:
    """Remove everything stored about a learner, everywhere (account deletion).

    Counters are decremented by each record's contribution, so analytics stay
    equal to a recount of the records that remain. File bytes are deleted only
    after the rows are gone: a failed transaction must not leave rows pointing
    at nothing, and a leftover blob is logged for an operator to remove.
    """
    with store.atomic():
        records = store.records_for_learner(learner_id, None)
        for record in records:
            store.bump_counters(record.activity_key, analytics.delta(record, None))
            store.delete_record(record.activity_key, learner_id)
        metas = store.files_for_learner(learner_id, None)
        _delete_files(store, None, metas)
        counts = {
            "records": len(records),
            "files": len(metas),
            "reflections": _delete_reflections(store, None, learner_id),
            "profile": store.delete_profile(None, learner_id),
        }
    for meta in metas:
        if blobs is None:
            break
        try:
            blobs.delete(meta["path"])
        except OSError:
            log.warning("PL Choice retirement could not delete a stored file; delete it by hand: %s", meta["path"])
    return counts
