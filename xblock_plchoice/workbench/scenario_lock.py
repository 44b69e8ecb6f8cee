"""Serialise xblock-sdk's lazy scenario loading, so no request sees a half-loaded scenario list.

The workbench builds its scenarios on the first request, writing every block
to SQLite. ``runserver`` is threaded: a second request that arrives meanwhile
finds the list non-empty and answers with only the scenarios loaded so far
(a 404 for the rest). On a busy machine that is the first page a browser
test or a person opens. A lock around ``get_scenarios`` makes the second
request wait for the first to finish.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


def _locked(get: Callable[[], Any]) -> Callable[[], Any]:
    lock = threading.Lock()

    def get_scenarios() -> Any:
        with lock:
            return get()

    # The original reads and sets ``get_scenarios.initialized`` through its module's global name.
    get_scenarios.initialized = getattr(get, "initialized", False)  # type: ignore[attr-defined]
    get_scenarios.plchoice_locked = True  # type: ignore[attr-defined]
    return get_scenarios


def install() -> None:
    """Replace ``get_scenarios`` where the workbench looks it up (its module and its views); idempotent."""
    from workbench import scenarios, views

    if getattr(scenarios.get_scenarios, "plchoice_locked", False):
        return
    locked = _locked(scenarios.get_scenarios)
    scenarios.get_scenarios = locked
    views.get_scenarios = locked
