"""Staff's list of the reflections learners chose to share on one activity.

Without it staff of a reflection block saw only a count ("shared with staff: 1"). The list is
newest first and paged, each entry with the learner, the prompts in the order they were
authored, and the answers. Only entries saved with "share with staff" ticked are ever read
(the store filters on its ``shared`` column); what a learner kept private stays private.
"""

from __future__ import annotations

from math import ceil
from typing import Any

from . import payload as read
from .context import Actor, Context
from .protocol import command
from .reflection import ordered_answers

DEFAULT_PAGE_SIZE = 20


@command("shared_reflections", staff_only=True, kinds=("choice", "reflection"), read_only=True)
def shared_reflections(actor: Actor, payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    page = read.integer(payload, "page", default=1, low=1)
    page_size = read.integer(payload, "page_size", default=DEFAULT_PAGE_SIZE, low=1, high=ctx.limits.page_size_max)
    entries, total = ctx.store.list_shared_reflections(ctx.activity_key, offset=(page - 1) * page_size,
                                                       limit=page_size)
    return {"items": [shared_entry_view(ctx, e) for e in entries], "page": page, "page_size": page_size,
            "total": total, "pages": max(ceil(total / page_size), 1)}


def shared_entry_view(ctx: Context, entry: dict[str, Any]) -> dict[str, Any]:
    return {"learner_id": entry["learner_id"], "display_name": entry.get("display_name") or "",
            "phase": entry["phase"], "at": entry["at"], "answers": ordered_answers(ctx, entry)}
