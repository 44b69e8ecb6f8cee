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

import json
import secrets
import time
import uuid
from typing import Any

import jwt
from flask import Blueprint, Response, jsonify, render_template, request, url_for
from sqlalchemy import select

from lti_tool.db.models import Activity
from lti_tool.db.session import session_scope
from lti_tool.lti.activity_owner import reusable_filter, reusable_in
from lti_tool.lti.keys import current_private_key
from lti_tool.lti.launch_errors import LtiError
from lti_tool.services import services
from lti_tool.web.browser_policy import allow_form_target
from lti_tool.web.i18n import catalog_messages, direction, gettext_for
from lti_tool.web.json_request import json_object
from lti_tool.web.security import remember_launch, require_csrf
from xblock_plchoice.core.activity import default_choice_definition, default_reflection_definition, parse_activity
from xblock_plchoice.core.errors import ValidationError
from xblock_plchoice.core.i18n import gettext_noop as _
from xblock_plchoice.core.olx import MAX_OLX_BYTES, parse_definition_xml

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


class UnknownActivity(DeepLinkError):
    code = "deep_linking_unknown_activity"
    status = 404
    default_message = _("That activity is not part of this course.")


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


def _page(context: Any, settings: dict[str, Any], *, problems: list[dict[str, str]] | None = None,
          message: str = "", status: int = 200, definition_json: str = "") -> Response:
    language = context.locale or "en"
    gettext = gettext_for(language)
    with session_scope() as session:
        reusable = [{"id": a.id, "title": (a.definition_json or {}).get("title", ""),
                     "kind": (a.definition_json or {}).get("kind", "choice")}
                    for a in session.scalars(select(Activity)
                                             .where(reusable_filter(context.registration_id, context.course_key))
                                             .order_by(Activity.created_at.desc()).limit(200))]
    body = render_template(
        "deep_linking/select.html", _=gettext, lang=language, dir=direction(language), launch=context,
        title=settings.get("title") or "", reusable=reusable, problems=problems or [], message=message,
        definition_json=definition_json, static=_static_url,
        defaults=json.dumps({"choice": default_choice_definition(),
                             "reflection": default_reflection_definition()}).replace("<", "\\u003c"),
        editor_options=json.dumps({"lang": language, "dir": direction(language),
                                   "i18n": catalog_messages(language),
                                   "createUrl": url_for("deep_linking.create"),
                                   "launchId": context.launch_id, "csrf": context.csrf_token}),
    )
    allow_form_target(settings["deep_link_return_url"])  # the editor posts the signed answer back to the LMS
    return Response(body, status=status, mimetype="text/html")


def _static_url(path: str) -> str:
    """The shared front end's files, where lti-core serves them (``/static/plchoice/...``)."""
    from lti_tool.web.pages import page_context

    return page_context("en")["static"] + "/" + path


# --------------------------------------------------------------------------- the three ways in
def _wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


@bp.post("/create")
def create() -> Response:
    """A new activity from the editor (JSON ``{"definition": {...}}``) or the no-JS form."""
    context = require_csrf()
    settings = _settings_of(context.claims)
    if request.is_json:
        try:
            definition = json_object().get("definition")
        except ValidationError as exc:
            return _refuse(context, settings, exc)
    else:
        raw = request.form.get("definition_json", "")
        try:
            definition = json.loads(raw)
        except ValueError:
            return _refuse(context, settings, ValidationError(_("The definition is not valid JSON.")), raw)
    return _answer(context, settings, definition, raw_text=request.form.get("definition_json", ""))


@bp.post("/import")
def import_olx() -> Response:
    """A ``plchoice``/``plreflection`` OLX file, parsed safely."""
    context = require_csrf()
    settings = _settings_of(context.claims)
    upload = request.files.get("olx")
    if upload is None or not upload.filename:
        return _refuse(context, settings, ValidationError(_("Choose an OLX file to import."), field="olx"))
    raw = upload.stream.read(MAX_OLX_BYTES + 1)
    try:
        definition = parse_definition_xml(raw)
    except ValidationError as exc:
        return _refuse(context, settings, exc)
    return _answer(context, settings, definition)


@bp.post("/reuse")
def reuse() -> Response:
    """A copy of an activity made earlier in this course (copies never change each other)."""
    context = require_csrf()
    settings = _settings_of(context.claims)
    activity_id = request.form.get("activity_id") or (json_object() if request.is_json else {}).get("activity_id")
    with session_scope() as session:
        source = session.get(Activity, str(activity_id or ""))
        if source is None or not reusable_in(source, context.registration_id, context.course_key):
            raise UnknownActivity()
        definition = dict(source.definition_json)
    return _answer(context, settings, definition)


def _refuse(context: Any, settings: dict[str, Any], error: ValidationError, raw_text: str = "") -> Response:
    gettext = gettext_for(context.locale or "en")
    body = error.to_dict(gettext)
    if _wants_json():
        return _json(body, 400)
    return _page(context, settings, problems=body.get("problems", []), message=body["message"], status=400,
                 definition_json=raw_text)


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
    if _wants_json():
        return _json({"return_url": return_url, "jwt": token, "activity_id": activity_id}, 200)
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
