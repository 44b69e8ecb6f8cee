"""Staff CSV export, streamed, one row per attempt (or per accommodation before any attempt), safe to open
in a spreadsheet.

A learner can type ``=HYPERLINK("http://evil", "click")`` as evidence; opened
in Excel or LibreOffice that cell would run. Every cell that a spreadsheet
would read as a formula is prefixed with an apostrophe (OWASP's advice), and
rows are yielded one at a time so memory stays flat for 100,000 attempts.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from . import accommodations
from .activity import Activity
from .context import Context
from .json_body import repair_text
from .store import LearnerRecord

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralize(value: Any) -> str:
    """A cell a spreadsheet shows as text, never evaluates, and UTF-8 can always encode.

    Bodies are repaired on arrival (:mod:`.json_body`), but a value stored before that (or by
    another tool) may still hold a lone surrogate; it must not stop the stream halfway.
    """
    text = repair_text("" if value is None else str(value))
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def header(activity: Activity) -> list[str]:
    columns = ["learner_id", "display_name", "status", "option_id", "option_title", "attempt",
               "submitted_at", "text", "links", "files"]
    columns += [f"self:{c.id}" for c in activity.criteria] + ["self_comment"]
    columns += [f"staff:{c.id}" for c in activity.criteria]
    columns += [f"comment:{c.id}" for c in activity.criteria]
    columns += ["feedback", "decision", "reviewed_at", "reviewer_id", "feedback_media", "replies",
                "accommodated_due", "extra_revisions"]
    return columns


def attempt_rows(activity: Activity, record: LearnerRecord) -> Iterator[list[str]]:
    granted = accommodations.current(record)
    for attempt in record.attempts:
        mine = attempt.get("self_assessment") or {}
        review = attempt.get("review") or {}
        evidence = attempt["evidence"]
        row = [record.learner_id, record.display_name, record.status, attempt["option_id"] or "",
               attempt["option_title"], attempt["number"], attempt["submitted_at"], evidence.get("text", ""),
               " ".join(evidence.get("links", [])), "; ".join(f["name"] for f in evidence.get("files", []))]
        row += [(mine.get("ratings") or {}).get(c.id, "") for c in activity.criteria] + [mine.get("comment", "")]
        row += [(review.get("ratings") or {}).get(c.id, "") for c in activity.criteria]
        row += [(review.get("comments") or {}).get(c.id, "") for c in activity.criteria]
        row += [review.get("feedback", ""), review.get("decision", ""), review.get("at", ""),
                review.get("reviewer_id", ""), "; ".join(m["name"] for m in review.get("media") or []),
                sum(1 for r in record.replies if r["attempt"] == attempt["number"]),
                (granted or {}).get("due") or "", (granted or {}).get("extra_revisions", "")]
        yield [neutralize(cell) for cell in row]
    if granted and not record.attempts:
        # an accommodation granted before any work is still listed (one row, attempt columns empty)
        row = [record.learner_id, record.display_name, record.status, record.option_id or ""]
        row += [""] * (len(header(activity)) - len(row) - 2) + [granted.get("due") or "",
                                                                granted.get("extra_revisions", "")]
        yield [neutralize(cell) for cell in row]


def csv_chunks(ctx: Context) -> Iterator[str]:
    """The export as text chunks: a UTF-8 BOM (so Excel reads accents right), a header, then rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return text

    writer.writerow([neutralize(c) for c in header(ctx.activity)])
    yield "\ufeff" + flush()
    pending = 0
    for record in ctx.store.iter_records(ctx.activity_key):
        for row in attempt_rows(ctx.activity, record):
            writer.writerow(row)
            pending += 1
        if pending >= 200:
            yield flush()
            pending = 0
    tail = flush()
    if tail:
        yield tail
