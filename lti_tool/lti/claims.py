"""The id_token claims the tool reads, with the JSON type each must have, checked once per launch.

pylti1p3 2.0.0's message validators (and our own readers) call ``.get`` on whatever a claim holds, so a
claim of the wrong type used to crash a launch with ``AttributeError``: a 500 for a platform's mistake.
:func:`validate_claims` runs right after the signature verifies and before anything else reads the
claims; it refuses the launch with :class:`InvalidClaim` (400) naming the claim path and the type it
needs, or :class:`~.launch_errors.MissingClaim` when a claim the tool cannot work without is absent.

Null versus missing (LTI 1.3 core, section 5): a claim is either present with a value or absent.

* objects and arrays (``resource_link``, ``context``, ``custom``, ``roles``, the service claims...) may be
  absent when optional, but never ``null``: a null object is a broken platform, not "no context";
* optional *strings* inside those objects (``title``, ``locale``, ``email``...) may be ``null``, which
  reads as absent: platforms in the wild send ``"title": null`` and it harms nothing;
* ``resource_link`` (with its ``id``) is required for an ``LtiResourceLinkRequest`` and
  ``deep_linking_settings`` (with ``deep_link_return_url`` and ``accept_types``) for an
  ``LtiDeepLinkingRequest``; ``message_type`` and ``deployment_id`` always.

The presence of ``sub``, ``version`` and ``roles`` stays with pylti1p3's validator, which runs after
this and can no longer crash on their types.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from xblock_plchoice.core.i18n import gettext_noop as _

from .launch_errors import InvalidClaim, MissingClaim

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
DL_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"
ALWAYS = "always"


@dataclass(frozen=True)
class JsonType:
    """A JSON type: how to test a value, and how the error page names it (translated)."""

    name: str
    test: Callable[[Any], bool]


STRING = JsonType(_("a string"), lambda v: isinstance(v, str))
OBJECT = JsonType(_("a JSON object"), lambda v: isinstance(v, dict))
STRINGS = JsonType(_("an array of strings"), lambda v: isinstance(v, list) and all(isinstance(i, str) for i in v))
FLAG = JsonType(_("a boolean or a string"), lambda v: isinstance(v, bool | str))


@dataclass(frozen=True)
class Claim:
    """One claim path: its type, when it is required, and whether ``null`` reads as absent."""

    path: tuple[str, ...]
    type: JsonType
    required: str | None = None  # ALWAYS, a message type, or None (optional)
    nullable: bool = False

    @property
    def name(self) -> str:
        return ".".join(self.path)


def _optional_text(*path: str) -> Claim:
    return Claim(path, STRING, nullable=True)


# Parents come before their children; a child is checked only when its parent is a present object.
CLAIMS: tuple[Claim, ...] = (
    Claim((LTI + "message_type",), STRING, ALWAYS),
    Claim((LTI + "version",), STRING),
    Claim((LTI + "deployment_id",), STRING, ALWAYS),
    Claim(("sub",), STRING),
    _optional_text("name"), _optional_text("given_name"), _optional_text("family_name"), _optional_text("email"),
    Claim((LTI + "roles",), STRINGS),
    Claim((LTI + "resource_link",), OBJECT, RESOURCE_LINK_REQUEST),
    Claim((LTI + "resource_link", "id"), STRING, RESOURCE_LINK_REQUEST),
    _optional_text(LTI + "resource_link", "title"), _optional_text(LTI + "resource_link", "description"),
    Claim((LTI + "context",), OBJECT),
    Claim((LTI + "context", "id"), STRING, ALWAYS),  # required whenever the context claim is present
    _optional_text(LTI + "context", "title"), _optional_text(LTI + "context", "label"),
    Claim((LTI + "context", "type"), STRINGS),
    Claim((LTI + "custom",), OBJECT),
    Claim((LTI + "custom", "activity_id"), STRING),
    Claim((LTI + "launch_presentation",), OBJECT),
    _optional_text(LTI + "launch_presentation", "locale"),
    _optional_text(LTI + "launch_presentation", "return_url"),
    _optional_text(LTI + "launch_presentation", "document_target"),
    Claim((AGS,), OBJECT),
    Claim((AGS, "scope"), STRINGS),
    Claim((AGS, "lineitem"), STRING),
    Claim((AGS, "lineitems"), STRING),
    Claim((NRPS,), OBJECT),
    Claim((NRPS, "context_memberships_url"), STRING),
    Claim((NRPS, "service_versions"), STRINGS),
    Claim((DL_SETTINGS,), OBJECT, DEEP_LINKING_REQUEST),
    Claim((DL_SETTINGS, "deep_link_return_url"), STRING, DEEP_LINKING_REQUEST),
    Claim((DL_SETTINGS, "accept_types"), STRINGS, DEEP_LINKING_REQUEST),
    Claim((DL_SETTINGS, "accept_presentation_document_targets"), STRINGS),
    Claim((DL_SETTINGS, "accept_multiple"), FLAG),
    Claim((DL_SETTINGS, "auto_create"), FLAG),
    _optional_text(DL_SETTINGS, "title"), _optional_text(DL_SETTINGS, "text"),
    # ``data`` is opaque: any JSON, echoed back unchanged.
)


def validate_claims(claims: Mapping[str, Any]) -> None:
    """Raise :class:`InvalidClaim` / :class:`MissingClaim` for the first claim that breaks :data:`CLAIMS`."""
    message_type = claims.get(LTI + "message_type")
    for claim in CLAIMS:
        parent = _parent_of(claims, claim.path)
        if parent is None:
            continue  # the enclosing object is optional and absent
        value = parent.get(claim.path[-1])
        if value is None:
            if claim.path[-1] in parent and not claim.nullable:
                raise InvalidClaim(claim=claim.name, expected=claim.type.name)
            if claim.required in (ALWAYS, message_type):
                raise MissingClaim(claim=claim.name)
        elif not claim.type.test(value):
            raise InvalidClaim(claim=claim.name, expected=claim.type.name)


def _parent_of(claims: Mapping[str, Any], path: tuple[str, ...]) -> Mapping[str, Any] | None:
    """The object holding ``path``'s last key; None when an enclosing claim is absent (already type-checked)."""
    parent: Any = claims
    for key in path[:-1]:
        parent = parent.get(key)
        if not isinstance(parent, dict):
            return None
    return parent
