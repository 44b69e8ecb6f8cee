"""The comment bank: comments staff save once and insert per criterion, shared by a whole course.

The bank belongs to the course (``ctx.course_key``: an Open edX course id, or
an LTI platform's (issuer, context)), not to one activity, so every activity in
the course offers the same saved comments. Entries are added and removed, never
edited. Staff move a bank between courses as CSV: the export neutralises
formulas like the staff export (:func:`exports.neutralize`), and an import
refuses anything a spreadsheet could run or that does not look like our file,
naming the row, rather than guessing.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from . import payload as read
from .context import Actor, Context
from .errors import NotFound, ValidationError
from .exports import FORMULA_START, neutralize
from .i18n import gettext_noop as _
from .protocol import command

TEXT_MAX_CHARS = 4000
BANK_MAX = 500
CSV_MAX_CHARS = 1_000_000
CSV_HEADER = ["criterion_id", "text"]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # no text file of ours has these
_CRITERION = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
ACTIONS = ("list", "add", "remove", "export", "import")


def entry_view(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: entry[k] for k in ("id", "criterion_id", "text", "at")}


def read_criterion(payload: dict[str, Any]) -> str:
    """A criterion id, or "" for a comment that fits any criterion (ids differ between activities)."""
    value = payload.get("criterion_id") or ""
    if not isinstance(value, str) or (value and not _CRITERION.match(value)):
        raise ValidationError(_("Give a criterion id (lower-case letters, digits, - or _), or leave it empty."),
                              field="criterion_id")
    return value


def to_csv(entries: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for entry in entries:
        writer.writerow([neutralize(entry["criterion_id"]), neutralize(entry["text"])])
    return buffer.getvalue()


def _unescape(cell: str) -> str:
    """Undo :func:`exports.neutralize` (an apostrophe before a formula character), so a round trip is exact.

    Only that escaped form is read back; a cell that *starts* with a formula character is refused."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_START) else cell


def parse_csv(text: str) -> list[tuple[str, str]]:
    """(criterion id, text) rows of a bank CSV, or a ValidationError naming the first bad row."""
    if len(text) > CSV_MAX_CHARS:
        raise ValidationError(_("The file is too large for a comment bank (at most %(max)d characters)."),
                              field="csv", max=CSV_MAX_CHARS)
    if _CONTROL.search(text):
        raise ValidationError(_("This is not a comment bank CSV (it contains binary data)."), field="csv")
    try:
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    except csv.Error as error:
        raise ValidationError(_("This CSV cannot be read: %(reason)s."), field="csv", reason=str(error)[:120]) \
            from error
    if not rows or [c.strip().lower() for c in rows[0]] != CSV_HEADER:
        raise ValidationError(_("The first row must be the header: criterion_id,text."), field="csv")
    out: list[tuple[str, str]] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 2:
            raise ValidationError(_("Row %(row)d must have exactly two cells: criterion_id,text."), field="csv",
                                  row=number)
        if any(cell.lstrip(" ").startswith(FORMULA_START) for cell in row):
            raise ValidationError(_("Row %(row)d starts like a spreadsheet formula; it was refused for safety."),
                                  field="csv", row=number)
        criterion, body = (_unescape(cell.strip()) for cell in row)
        if criterion and not _CRITERION.match(criterion):
            raise ValidationError(_("Row %(row)d: the criterion id is not valid."), field="csv", row=number)
        if not body or len(body) > TEXT_MAX_CHARS:
            raise ValidationError(_("Row %(row)d: the comment must be 1 to %(max)d characters."), field="csv",
                                  row=number, max=TEXT_MAX_CHARS)
        out.append((criterion, body))
    return out


def _add(ctx: Context, actor: Actor, existing: list[dict[str, Any]], criterion: str, text: str) -> bool:
    if any(e["criterion_id"] == criterion and e["text"] == text for e in existing):
        return False
    if len(existing) >= BANK_MAX:
        raise ValidationError(_("The comment bank is full (%(max)d comments); remove some first."),
                              field="text", max=BANK_MAX)
    entry = {"id": ctx.new_id(), "course_key": ctx.course_key, "criterion_id": criterion, "text": text,
             "by": actor.user_id, "at": ctx.now_iso()}
    ctx.store.add_bank_comment(entry)
    existing.append(entry)
    return True


@command("comment_bank", staff_only=True)
def comment_bank(actor: Actor, payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    action = read.choice(payload, "action", ACTIONS)
    extra: dict[str, Any] = {}
    if action == "add":
        criterion = read_criterion(payload)
        text = read.text(payload, "text", limit=TEXT_MAX_CHARS, required=True)
        with ctx.store.atomic():
            _add(ctx, actor, ctx.store.list_bank_comments(ctx.course_key), criterion, text)
    elif action == "remove":
        entry_id = read.identifier(payload, "id")
        with ctx.store.atomic():
            if not ctx.store.delete_bank_comment(ctx.course_key, entry_id):
                raise NotFound(_("That saved comment does not exist (it may have been removed already)."))
    elif action == "import":
        rows = parse_csv(read.text(payload, "csv", limit=CSV_MAX_CHARS, required=True, strip=False))
        with ctx.store.atomic():
            existing = ctx.store.list_bank_comments(ctx.course_key)
            extra["imported"] = sum(_add(ctx, actor, existing, criterion, text) for criterion, text in rows)
    entries = ctx.store.list_bank_comments(ctx.course_key)
    if action == "export":
        extra["csv"] = to_csv(entries)
    return {"comments": [entry_view(e) for e in entries], **extra}
