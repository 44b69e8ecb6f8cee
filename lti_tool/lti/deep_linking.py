"""Deep Linking 2.0: an instructor picks or makes an activity, we answer with a signed link.

``POST /lti/launch`` (lti-core) hands an ``LtiDeepLinkingRequest`` to
:func:`handle_deep_link_request`, which shows one page with three ways in:

* **create**: the shared editor (``static/js/views/editor.js``, the same one
  Studio uses) posts the definition as JSON; a plain form with a JSON field
  works without JavaScript. Validation is ``core.activity.parse_activity``,
  exactly as in Studio, and its ``problems`` come back next to the fields;
* **import**: a ``plchoice``/``plreflection`` OLX file, read with the safe
  parser (no DTD, no entities, no network; a DOCTYPE is refused with a 400);
* **reuse**: copy an activity already made in this course under this registration
  (:mod:`lti_tool.lti.activity_owner`).

Each path stores one ``Activity`` row and answers with an auto-submitting form
that posts an ``LtiDeepLinkingResponse`` JWT (signed with the tool's current
key) to the platform's ``deep_link_return_url``. The content item is an
``LtiResourceLink`` whose custom parameter ``activity_id`` lets a later
launch find the activity, with a ``lineItem`` (``scoreMaximum``, ``label``)
for graded (choice) activities. A deep-linking launch answers once: a second
submission of the same page is refused, so a double click cannot create two
links.
"""

from __future__ import annotations

import secrets
import time
import uuid
from typing import Any

import jwt
from flask import Blueprint, Response, jsonify, render_template, url_for

from lti_tool.db.models import Activity
from lti_tool.db.session import session_scope
from lti_tool.lti.keys import current_private_key
from lti_tool.lti.launch_errors import LtiError
from lti_tool.services import services
from lti_tool.web.browser_policy import allow_form_target
from lti_tool.web.i18n import direction, gettext_for
from lti_tool.web.security import remember_launch, require_csrf
from xblock_plchoice.core.activity import parse_activity
from xblock_plchoice.core.errors import ValidationError
from xblock_plchoice.core.i18n import gettext_noop as _

from .activity_sources import (
    UnknownActivity,
    definition_from_editor,
    definition_from_olx,
    definition_from_reuse,
    picker_page,
    refusal,
    wants_json,
)

bp = Blueprint("deep_linking", __name__, url_prefix="/lti/deep-link")

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
SETTINGS = DL + "deep_linking_settings"
TAG = "plchoice"


class DeepLinkError(LtiError):
    code = "deep_linking"
    title = _("This activity could not be added")


class NotInstructor(DeepLinkError):
    code = "deep_linking_forbidden"
    status = 403
    default_message = _("Only instructors and course designers can add PL Choice activities.")


class NoReturnUrl(DeepLinkError):
    code = "deep_linking_settings"
    default_message = _("The platform's deep-linking request has no valid deep_link_return_url.")


class LinksNotAccepted(DeepLinkError):
    code = "deep_linking_types"
    default_message = _("This placement does not accept LTI resource links (it accepts: %(types)s).")


class AlreadyAnswered(DeepLinkError):
    code = "deep_linking_used"
    status = 409
    default_message = _("This selection was already sent to your course. Start again from your course to add "
                        "another activity.")


__all__ = ["UnknownActivity", "bp", "content_item", "handle_deep_link_request", "response_jwt"]


# --------------------------------------------------------------------------- the launch hook
def handle_deep_link_request(launch: Any) -> Response:
    """Called by lti-core's launch view for a validated ``LtiDeepLinkingRequest``."""
    settings = _settings_of(launch.claims)
    if not launch.is_staff:
        raise NotInstructor()
    store = services().launch_store
    context = launch.context
    if store.get("launch:" + launch.launch_id) is None:
        context = launch.complete(None)  # consumes the nonce: a replayed request stops here
    if context.session_bound:
        remember_launch(context.launch_id)
    return _page(context, settings)


def _settings_of(claims: dict[str, Any]) -> dict[str, Any]:
    settings = claims.get(SETTINGS)
    if not isinstance(settings, dict):
        raise NoReturnUrl()
    url = settings.get("deep_link_return_url")
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise NoReturnUrl()
    accepted = settings.get("accept_types") or []
    if "ltiResourceLink" not in accepted:
        raise LinksNotAccepted(types=", ".join(map(str, accepted)) or "-")
    return settings


def _page(context: Any, settings: dict[str, Any], **shown: Any) -> Response:
    return picker_page(context, mode="deep_link", heading=_("Add a PL Choice activity"),
                       actions={"create": url_for("deep_linking.create"), "import": url_for("deep_linking.import_olx"),
                                "reuse": url_for("deep_linking.reuse")},
                       form_target=settings["deep_link_return_url"], **shown)


# --------------------------------------------------------------------------- the three ways in
@bp.post("/create")
def create() -> Response:
    """A new activity from the editor (JSON ``{"definition": {...}}``) or the no-JS form."""
    context = require_csrf()
    settings = _settings_of(context.claims)
    try:
        definition, raw = definition_from_editor()
    except ValidationError as exc:
        return _refuse(context, settings, exc)
    return _answer(context, settings, definition, raw_text=raw)


@bp.post("/import")
def import_olx() -> Response:
    """A ``plchoice``/``plreflection`` OLX file, parsed safely."""
    context = require_csrf()
    settings = _settings_of(context.claims)
    try:
        definition = definition_from_olx()
    except ValidationError as exc:
        return _refuse(context, settings, exc)
    return _answer(context, settings, definition)


@bp.post("/reuse")
def reuse() -> Response:
    """A copy of an activity made earlier in this course (copies never change each other)."""
    context = require_csrf()
    settings = _settings_of(context.claims)
    return _answer(context, settings, definition_from_reuse(context))


def _refuse(context: Any, settings: dict[str, Any], error: ValidationError, raw_text: str = "") -> Response:
    return refusal(error, context, lambda **shown: _page(context, settings, **shown), raw_text)


def _json(body: dict[str, Any], status: int) -> Response:
    response = jsonify(body)
    response.status_code = status
    return response


def _answer(context: Any, settings: dict[str, Any], definition: Any, raw_text: str = "") -> Response:
    """Validate, store once, sign the response, hand it to the browser for the platform."""
    try:
        activity = parse_activity(definition)
    except ValidationError as exc:
        return _refuse(context, settings, exc, raw_text)
    clean = activity.to_dict()
    if not services().launch_store.add_once("deep-link-answered:" + context.launch_id, {"at": int(time.time())},
                                            services().settings.launch_ttl):
        raise AlreadyAnswered()
    activity_id = uuid.uuid4().hex
    with session_scope() as session:
        session.add(Activity(id=activity_id, course_key=context.course_key, registration_id=context.registration_id,
                             definition_json=clean))
        session.flush()
        token = response_jwt(session, context, settings, [content_item(activity_id, clean)],
                             gettext_for(context.locale or "en")(_("Added the PL Choice activity.")))
    return_url = settings["deep_link_return_url"]
    if wants_json():
        # post_to + fields: what the page's script posts next (the same shape as a link set up in place).
        return _json({"return_url": return_url, "jwt": token, "activity_id": activity_id,
                      "post_to": return_url, "fields": {"JWT": token}}, 200)
    gettext = gettext_for(context.locale or "en")
    language = context.locale or "en"
    allow_form_target(return_url)
    return Response(render_template("deep_linking/response.html", _=gettext, lang=language,
                                    dir=direction(language), return_url=return_url, jwt=token,
                                    title=clean["title"]), mimetype="text/html")


# --------------------------------------------------------------------------- the signed response
def content_item(activity_id: str, definition: dict[str, Any]) -> dict[str, Any]:
    """An ``LtiResourceLink`` that opens ``activity_id``; graded activities get a line item."""
    launch_url = services().settings.launch_url
    item: dict[str, Any] = {
        "type": "ltiResourceLink", "title": definition["title"],
        "text": definition.get("objective") or "", "url": launch_url,
        "custom": {"activity_id": activity_id},
    }
    if definition.get("kind", "choice") == "choice":
        points = definition.get("policies", {}).get("points", 10)
        item["lineItem"] = {"scoreMaximum": points, "label": definition["title"], "resourceId": activity_id,
                            "tag": TAG, "gradesReleased": True}
    return item


def response_jwt(session: Any, context: Any, settings: dict[str, Any], items: list[dict[str, Any]],
                 message: str = "") -> str:
    """The ``LtiDeepLinkingResponse``: from our client id, to the platform, echoing ``data``."""
    kid, private_pem = current_private_key(session)
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": context.client_id, "aud": context.issuer, "azp": context.client_id,
        "iat": now, "exp": now + 600, "nonce": secrets.token_urlsafe(16),
        CLAIM + "message_type": "LtiDeepLinkingResponse", CLAIM + "version": "1.3.0",
        CLAIM + "deployment_id": context.deployment_id, DL + "content_items": items,
    }
    if "data" in settings:
        claims[DL + "data"] = settings["data"]
    if message:
        claims[DL + "msg"] = message
    return jwt.encode(claims, private_pem, algorithm="RS256", headers={"kid": kid})
