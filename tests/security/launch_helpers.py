"""Shared pieces of the launch security tests: claim names, a deep-linking token, refusal checks."""

from __future__ import annotations

from typing import Any

from tests.lti.conftest import launch_rows
from tests.lti.helpers.tokens import INSTRUCTOR, REMOVE

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
DL_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"


def deep_link_overrides(**extra: Any) -> dict[str, Any]:
    """Claims that turn the test platform's resource link launch into an instructor's deep-linking request."""
    return {"roles": [INSTRUCTOR], "sub": "teacher-1", CLAIM + "message_type": "LtiDeepLinkingRequest",
            CLAIM + "resource_link": REMOVE,
            DL_SETTINGS: {"deep_link_return_url": "https://platform.example/dl-return",
                          "accept_types": ["ltiResourceLink"], "accept_presentation_document_targets": ["iframe"],
                          "data": "opaque"},
            **extra}


def error_code(response) -> str | None:
    html = response.get_data(as_text=True)
    marker = 'data-error-code="'
    start = html.find(marker)
    return html[start + len(marker):html.index('"', start + len(marker))] if start >= 0 else None


def assert_refused_and_nothing_stored(app, response, before: dict, *, codes: tuple[str, ...],
                                      words: str = "") -> None:
    html = response.get_data(as_text=True)
    assert 400 <= response.status_code < 500, (response.status_code, html[:800])
    assert error_code(response) in codes, html[:800]
    assert words in html, html[:800]
    after = launch_rows(app)
    assert {k: after[k] for k in ("used_nonces", "launches", "links", "records")} == \
        {k: before[k] for k in ("used_nonces", "launches", "links", "records")}
