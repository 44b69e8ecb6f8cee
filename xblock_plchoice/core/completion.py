"""When a learner has completed an activity, so each home can tell its platform.

Open edX marks a block complete *on view* unless it declares custom
completion; a reflection then counted as done when a learner merely scrolled
past it. Both blocks therefore declare custom completion and report it
themselves, by these rules:

- a choice activity is complete with the learner's first submission (review
  and revision come after; the grade carries the outcome);
- a reflection activity is complete once the learner has answered every phase
  the activity asks for (``before`` and/or ``after``, whichever have prompts).
"""

from __future__ import annotations

from typing import Any

from .activity import PHASES, Activity


def required_phases(activity: Activity) -> tuple[str, ...]:
    """The phases this activity has prompts for, in cycle order."""
    return tuple(phase for phase in PHASES if activity.prompts_for(phase))


def reflection_complete(activity: Activity, latest: dict[str, Any]) -> bool:
    """True once every required phase has an answer (``latest`` is ``me.reflections`` of the state view)."""
    phases = required_phases(activity)
    return bool(phases) and all(latest.get(phase) for phase in phases)
