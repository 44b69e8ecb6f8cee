"""The workbench's ``runtime.publish``, routed the way edx-platform's LMS routes it.

xblock-sdk's ``WorkbenchRuntime.publish`` only logs, so a completion event never
became a completion there. edx-platform's ``EventPublishingService.publish``
(``xmodule/services.py``, installed by ``lms/djangoapps/courseware/block_render.py``)
does this with a block's event:

- ``completion``: when completion tracking is on (the ``completion.enable_completion_tracking``
  waffle switch), ``CompletionService.submit_completion(block.scope_ids.usage_id, event["completion"])``,
  which is ``BlockCompletion.objects.submit_completion(user=<request user>, block_key=..., completion=...)``;
- ``grade``: the ``SCORE_PUBLISHED`` signal (our blocks grade through edx-submissions instead);
- while staff masquerade as a specific learner, no handler runs: the event is only tracked;
- anything else is a tracking event.

:func:`routed_publish` does the same with the workbench's user (a Django user of
the same username) and a course usage key made from the workbench usage id, so
``BlockCompletion`` rows appear exactly when they would in the LMS.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)

#: The course every workbench block is placed in when a platform table needs a course key.
WORKBENCH_COURSE = "course-v1:workbench+plchoice+workbench"


def usage_key_for(block: Any) -> Any:
    """The block's usage id as an opaque-keys ``UsageKey`` (the LMS's ids already are)."""
    from opaque_keys.edx.keys import UsageKey
    from opaque_keys.edx.locator import BlockUsageLocator, CourseLocator

    usage_id = block.scope_ids.usage_id
    if isinstance(usage_id, UsageKey):
        return usage_id
    return BlockUsageLocator(CourseLocator.from_string(WORKBENCH_COURSE), block.scope_ids.block_type,
                             str(usage_id))


def django_user_for(user_id: str) -> Any:
    """The Django user behind a workbench user id (created on first use, as a login would)."""
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username=user_id[:150])
    return user


def completion_tracking_enabled() -> bool:
    from completion.waffle import ENABLE_COMPLETION_TRACKING_SWITCH

    return ENABLE_COMPLETION_TRACKING_SWITCH.is_enabled()


def routed_publish(runtime: Any, block: Any, event_type: str, event_data: dict[str, Any]) -> None:
    """``WorkbenchRuntime.publish`` with the LMS's routing (see the module docstring)."""
    from .services import split_masquerade

    real, learner = split_masquerade(str(getattr(runtime, "user_id", "") or ""))
    if event_type == "completion" and real and learner is None and completion_tracking_enabled():
        from completion.models import BlockCompletion

        BlockCompletion.objects.submit_completion(user=django_user_for(real), block_key=usage_key_for(block),
                                                  completion=event_data["completion"])
        return
    log.info("XBlock event %s for %s (usage_id=%s): %s", event_type, block.scope_ids.block_type,
             block.scope_ids.usage_id, event_data)


def install() -> None:
    """Route the workbench runtime's ``publish``; called once from the workbench app's ``ready``."""
    from workbench.runtime import WorkbenchRuntime

    WorkbenchRuntime.publish = routed_publish
