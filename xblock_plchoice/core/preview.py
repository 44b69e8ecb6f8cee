""""View as a learner": staff try the learner view of their activity, and nothing is stored.

A preview must behave like the real thing (choose, write, self-assess, submit, reflect) without
leaving a record, a reflection, a counter, a grade or a file anywhere. So it holds no state at all
between requests: the front end keeps the list of steps the staff member took in this preview,
and every request replays them from the start against a throwaway :class:`MemoryStore` seeded with
nothing, then runs the new step. The real store, blob store and grade sink are never handed to a
learner command (they are replaced in a copy of the context), so "stores nothing" holds by
construction, in both homes, whatever the learner commands do.

Replaying is cheap: a preview has at most :data:`MAX_STEPS` steps, each a pure in-memory command.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from .context import Actor, Context, NullGradeSink
from .errors import MalformedPayload
from .i18n import gettext_noop as _
from .protocol import COMMANDS, command, dispatch
from .store import MemoryBlobStore, MemoryStore

MAX_STEPS = 40
PREVIEW_LEARNER = "preview-learner"


def throwaway_context(ctx: Context) -> Context:
    """``ctx`` with every place that could keep something replaced by an empty in-memory one.

    Besides the store and the blob store, every sink field of :class:`Context` whose default is a
    ``Null...`` sink (grades today; any sink added later, such as tracking events) gets that null
    default, so a new sink cannot leak preview actions without this module being changed.
    """
    sinks = {f.name: f.default_factory() for f in dataclasses.fields(ctx)
             if f.default_factory is not dataclasses.MISSING
             and getattr(f.default_factory, "__name__", "").startswith("Null")}
    sinks.setdefault("grades", NullGradeSink())
    return dataclasses.replace(ctx, store=MemoryStore(), blobs=MemoryBlobStore(), **sinks,
                               activity_key="preview:" + ctx.activity_key, course_key="preview:" + ctx.course_key)


def _steps(payload: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    raw = payload.get("steps", [])
    if not isinstance(raw, list):
        raise MalformedPayload(_("steps must be a list."), field="steps")
    if len(raw) > MAX_STEPS:
        raise MalformedPayload(_("A preview keeps at most %(max)d steps: start the preview again."),
                               field="steps", max=MAX_STEPS)
    steps = []
    for index, step in enumerate(raw):
        name = step.get("command") if isinstance(step, dict) else None
        body = step.get("payload", {}) if isinstance(step, dict) else None
        spec = COMMANDS.get(name) if isinstance(name, str) else None
        if spec is None or spec.staff_only or not isinstance(body, dict):
            raise MalformedPayload(_("Step %(number)d of the preview is not a learner action."),
                                   field=f"steps[{index}]", number=index + 1)
        steps.append((name, body))
    return steps


@command("view_as_learner", staff_only=True, kinds=("choice", "reflection"), read_only=True)
def view_as_learner(actor: Actor, payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """Replay ``steps`` (``[{"command", "payload"}]``, the last one is the new action) as a new learner
    in a throwaway store; answer the last step's view, marked ``preview``. An empty list gives the
    learner view of someone who has not started."""
    steps = _steps(payload) or [("state", {})]
    learner = Actor(user_id=PREVIEW_LEARNER, role="learner", display_name=actor.display_name)
    scratch = throwaway_context(ctx)
    view: dict[str, Any] = {}
    for name, body in steps:
        view = dispatch(name, learner, body, scratch)
    return {**view, "preview": True}
