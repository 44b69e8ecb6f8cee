"""``plreflection``: prompts before and after a task; answers feed the learner's learning log.

Not graded. Completion is published when the learner has answered every
phase the activity asks for (``core.completion.reflection_complete``), never
on view: the block declares custom completion.
"""

from __future__ import annotations

from typing import Any

from xblock.fields import Scope, String

from ..core.activity import default_reflection_definition
from ..core.completion import reflection_complete
from ..core.context import Actor
from ..core.i18n import gettext_noop as _
from .base import PLBlockBase
from .scenarios import reflection_scenarios


class PLReflectionBlock(PLBlockBase):
    """Learner reflection with a learner-controlled "share with staff" flag."""

    KIND = "reflection"
    has_score = False
    icon_class = "other"

    display_name = String(display_name=_("Display name"), scope=Scope.settings, default=_("Reflect on your learning"),
                          help=_("The name learners see in the course navigation."))

    @classmethod
    def default_definition(cls) -> dict[str, Any]:
        return default_reflection_definition()

    def after_command(self, name: str, actor: Actor, result: dict[str, Any]) -> None:
        if name != "reflect" or actor.is_staff:
            return
        if reflection_complete(self.activity(), (result.get("me") or {}).get("reflections") or {}):
            self.publish_completion()

    @staticmethod
    def workbench_scenarios() -> list[tuple[str, str]]:
        return reflection_scenarios()
