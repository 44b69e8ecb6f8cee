"""The three ways an instructor brings an activity into a course: create, import OLX, reuse.

Deep linking (:mod:`.deep_linking`) and the in-place set-up of an unconfigured resource link
(:mod:`.link_setup`) offer the same three ways on the same page, and differ only in what they do
with the definition: one signs a content item for the platform, the other binds the link. What
they share lives here: reading the definition from the request, the reuse list and the page.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response, render_template, request
from sqlalchemy import select

from lti_tool.db.models import Activity
from lti_tool.db.session import session_scope
from lti_tool.web.browser_policy import allow_form_target
from lti_tool.web.i18n import catalog_messages, direction, gettext_for
from lti_tool.web.json_request import json_object
from lti_tool.web.page_kit import static_url
from xblock_plchoice.core.activity import default_choice_definition, default_reflection_definition
from xblock_plchoice.core.errors import ValidationError
from xblock_plchoice.core.i18n import gettext_noop as _
from xblock_plchoice.core.olx import MAX_OLX_BYTES, parse_definition_xml

from .activity_owner import reusable_filter, reusable_in
from .launch_context import LaunchContext
from .launch_errors import LtiError


class UnknownActivity(LtiError):
    code = "deep_linking_unknown_activity"
    status = 404
    title = _("This activity could not be added")
    default_message = _("That activity is not part of this course.")


def wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


def definition_from_editor() -> tuple[Any, str]:
    """The editor's ``{"definition": {...}}`` (JSON) or the no-JS form's ``definition_json`` field.

    Returns the definition and the raw text (to show again in the form after a refusal).
    """
    if request.is_json:
        return json_object().get("definition"), ""
    raw = request.form.get("definition_json", "")
    try:
        return json.loads(raw), raw
    except ValueError as exc:
        raise ValidationError(_("The definition is not valid JSON.")) from exc


def definition_from_olx() -> Any:
    """A ``plchoice``/``plreflection`` OLX file, parsed safely (no DTD, no entities, no network)."""
    upload = request.files.get("olx")
    if upload is None or not upload.filename:
        raise ValidationError(_("Choose an OLX file to import."), field="olx")
    return parse_definition_xml(upload.stream.read(MAX_OLX_BYTES + 1))


def definition_from_reuse(context: LaunchContext) -> dict[str, Any]:
    """A copy of an activity made earlier in this course under this registration (copies never change each other)."""
    activity_id = request.form.get("activity_id") or (json_object() if request.is_json else {}).get("activity_id")
    with session_scope() as session:
        source = session.get(Activity, str(activity_id or ""))
        if source is None or not reusable_in(source, context.registration_id, context.course_key):
            raise UnknownActivity()
        return dict(source.definition_json)


def reusable_activities(context: LaunchContext) -> list[dict[str, str]]:
    with session_scope() as session:
        return [{"id": a.id, "title": (a.definition_json or {}).get("title", ""),
                 "kind": (a.definition_json or {}).get("kind", "choice")}
                for a in session.scalars(select(Activity)
                                         .where(reusable_filter(context.registration_id, context.course_key))
                                         .order_by(Activity.created_at.desc()).limit(200))]


def picker_page(context: LaunchContext, *, mode: str, actions: dict[str, str], heading: str, intro: str = "",
                problems: list[dict[str, str]] | None = None, message: str = "", status: int = 200,
                definition_json: str = "", form_target: str = "") -> Response:
    """The page with the three ways in. ``mode`` is ``deep_link`` or ``setup``; ``actions`` maps
    ``create``/``import``/``reuse`` to their URLs. The editor starts blank; the examples are offered."""
    language = context.locale or "en"
    gettext = gettext_for(language)
    body = render_template(
        "deep_linking/select.html", _=gettext, lang=language, dir=direction(language), launch=context,
        heading=gettext(heading), intro=gettext(intro) if intro else "", mode=mode, actions=actions,
        reusable=reusable_activities(context), problems=problems or [], message=message,
        definition_json=definition_json, static=static_url,
        examples=json.dumps({"choice": default_choice_definition(),
                             "reflection": default_reflection_definition()}).replace("<", "\\u003c"),
        editor_options=json.dumps({"lang": language, "dir": direction(language),
                                   "i18n": catalog_messages(language), "createUrl": actions["create"],
                                   "launchId": context.launch_id, "csrf": context.csrf_token}),
    )
    if form_target:
        allow_form_target(form_target)  # deep linking: the editor posts the signed answer back to the LMS
    return Response(body, status=status, mimetype="text/html")


def refusal(error: ValidationError, context: LaunchContext, show_page: Any, raw_text: str = "") -> Response:
    """A refused definition: JSON problems for the editor, or the page again with them listed."""
    body = error.to_dict(gettext_for(context.locale or "en"))
    if wants_json():
        response = Response(json.dumps(body), status=400, mimetype="application/json")
        return response
    return show_page(problems=body.get("problems", []), message=body["message"], status=400,
                     definition_json=raw_text)
