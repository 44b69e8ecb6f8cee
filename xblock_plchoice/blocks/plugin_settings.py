"""Defaults the Open edX plugin machinery applies to LMS and Studio settings.

Operators override any of these in ``XBLOCK_SETTINGS["PLChoiceBlock"]`` (limits)
or by defining ``STORAGES["plchoice"]`` (where evidence files go).
"""

from __future__ import annotations

from typing import Any

DEFAULT_LIMITS = {
    "file_max_bytes": 20 * 1024 * 1024,
    "audio_max_bytes": 50 * 1024 * 1024,
    "video_max_bytes": 200 * 1024 * 1024,
    "quota_bytes": 500 * 1024 * 1024,  # one learner's files in one activity, all together
}


def plugin_settings(settings: Any) -> None:
    """Give both blocks the default evidence limits unless the operator set their own."""
    xblock_settings = getattr(settings, "XBLOCK_SETTINGS", None)
    if xblock_settings is None:
        xblock_settings = {}
        settings.XBLOCK_SETTINGS = xblock_settings
    for bucket in ("PLChoiceBlock", "PLReflectionBlock"):
        merged = dict(DEFAULT_LIMITS)
        merged.update(xblock_settings.get(bucket, {}))
        xblock_settings[bucket] = merged
    _allow_xapi_events(settings)


def _allow_xapi_events(settings: Any) -> None:
    """Let edx-event-routing-backends route ``edx.plchoice.*`` to xAPI, whichever plugin's settings ran first.

    Its own ``plugin_settings`` copies the allowed names into the outer whitelist of
    ``EVENT_TRACKING_BACKENDS["event_transformer"]``, so a name added after it ran goes there too.
    """
    from .tracking import event_names

    allowed = getattr(settings, "EVENT_TRACKING_BACKENDS_ALLOWED_XAPI_EVENTS", None)
    if allowed is None:
        allowed = []
        settings.EVENT_TRACKING_BACKENDS_ALLOWED_XAPI_EVENTS = allowed
    allowed.extend(name for name in event_names() if name not in allowed)
    backends = getattr(settings, "EVENT_TRACKING_BACKENDS", None) or {}
    whitelist = (backends.get("event_transformer", {}).get("OPTIONS", {}).get("processors") or [{}])[0] \
        .get("OPTIONS", {}).get("whitelist")
    if isinstance(whitelist, set):
        whitelist.update(event_names())
