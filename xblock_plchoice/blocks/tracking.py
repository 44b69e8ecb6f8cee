"""The XBlock's event sink: the core's events become Open edX tracking events ``edx.plchoice.*``.

A command's events are kept in a per-request buffer while the command runs in
its transaction, and published with ``runtime.publish`` only after it has
succeeded: a refused or rolled-back change publishes nothing. The fields are
:meth:`Event.fields`, the same data the xAPI statement is made from, so the
``edx-event-routing-backends`` transformers (:mod:`.xapi_transformers`) build the
very statement the LTI tool sends (:mod:`xblock_plchoice.core.xapi`).
"""

from __future__ import annotations

from typing import Any

from ..core.events import KINDS, ListEventSink
from ..core.xapi import Home


def publish_all(block: Any, sink: ListEventSink) -> None:
    """Publish every buffered event through the block's runtime, in order, then forget them."""
    for event in sink.events:
        block.runtime.publish(block, event.name, event.fields())
    sink.events.clear()


def event_names() -> list[str]:
    """Every tracking event name PL Choice publishes (an event-routing whitelist needs them)."""
    return list(KINDS.values())


def openedx_home(lms_root_url: str) -> Home:
    """IRIs the way edx-event-routing-backends makes them (``{LMS}/xblock/<usage>``, ``{LMS}/course/<id>``),
    so PL Choice statements join the rest of a site's statements in its LRS and in Aspects."""
    root = lms_root_url.rstrip("/")
    return Home(home_page=root, activity_iri=lambda key: f"{root}/xblock/{key}",
                course_iri=lambda key: f"{root}/course/{key}")
