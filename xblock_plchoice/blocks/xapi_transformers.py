"""xAPI transformers for ``edx.plchoice.*`` events, registered with edx-event-routing-backends.

An Open edX site that routes events to an LRS (or to Aspects) picks PL Choice's
events up through ``XApiTransformersRegistry``; :meth:`PLChoiceConfig.ready`
imports this module when the package is installed, and :mod:`.plugin_settings`
adds the event names to ``EVENT_TRACKING_BACKENDS_ALLOWED_XAPI_EVENTS``.

The statement is not re-derived here: the event's fields become the core's
:class:`~xblock_plchoice.core.events.Event` again and :func:`core.xapi.statement`
maps it, so both homes send one and the same statement. Actors are the
anonymous ids the block already uses (no user lookup, no email), under the
LMS root URL as ``homePage``.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from event_routing_backends.processors.xapi.registry import XApiTransformersRegistry
from event_routing_backends.processors.xapi.transformer import XApiTransformer
from tincan import Statement

from ..core import xapi
from ..core.events import Event
from .tracking import event_names, openedx_home


class PLChoiceTransformer(XApiTransformer):
    """One transformer for every PL Choice event: the core's mapping does the work."""

    def plchoice_event(self) -> Event:
        data = self.get_data("data") or self.get_data("event") or {}
        if isinstance(data, str):  # some tracking backends serialise ``event`` as a JSON string
            data = json.loads(data)
        return Event.from_fields(data)

    def statement_dict(self) -> dict[str, Any]:
        """The statement as plain JSON (what Ralph's models and the tests check)."""
        return xapi.statement(self.plchoice_event(), openedx_home(settings.LMS_ROOT_URL))

    def transform(self) -> Statement:
        return Statement(self.statement_dict())


for _name in event_names():
    XApiTransformersRegistry.register(_name)(PLChoiceTransformer)
