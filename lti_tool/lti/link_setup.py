"""A resource link that was never configured, set up in place by the instructor who opens it.

Moodle lets a teacher save an "External tool" activity without pressing "Select content"; Canvas
module items and assignments can point at the tool's launch URL with no deep linking at all. Such a
launch names no activity: its link has no mapping and no ``activity_id`` custom parameter.

* An instructor (role from the validated launch's claims) gets the content picker in place: the
  same three ways in as deep linking (:mod:`.activity_sources`: create with the shared editor,
  import OLX, reuse a copy). What they choose is stored as an ``Activity`` owned by this
  registration and bound to the link (``ResourceLinkActivity``), then the activity opens.
* A learner gets a calm "not ready yet" page in their language (200, nothing stored): the
  instructor has not finished, it is not an error of theirs.

Each set-up request carries the launch's CSRF token (header or form field, :func:`require_csrf`), must
come from a staff launch of a resource link that is still unbound, and binds at most once: a second
request (a double click, another tab) finds the link bound and opens what the first one chose.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lti_tool.db.models import Activity, ResourceLinkActivity
from lti_tool.db.session import session_scope
from lti_tool.services import services
from lti_tool.web.page_kit import html_page, launch_page, page_context
from lti_tool.web.security import remember_launch, require_csrf
from xblock_plchoice.core.activity import parse_activity
from xblock_plchoice.core.errors import ValidationError
from xblock_plchoice.core.i18n import gettext_noop as _

from .activity_owner import opens_in
from .activity_sources import (
    definition_from_editor,
    definition_from_olx,
    definition_from_reuse,
    picker_page,
    refusal,
    wants_json,
)
from .launch import ValidatedLaunch
from .launch_context import LaunchContext, activity_key_for
from .launch_errors import LtiError

bp = Blueprint("link_setup", __name__, url_prefix="/lti/link-setup")
RESOURCE_LINK = "LtiResourceLinkRequest"


class SetupNotAllowed(LtiError):
    code = "link_setup_forbidden"
    status = 403
    title = _("This activity could not be set up")
    default_message = _("Only an instructor who opened this link from the course can set up its activity.")


def handle_unconfigured_launch(validated: ValidatedLaunch) -> Response:
    """The launch of a link with no activity: the set-up page for staff, "not ready yet" for learners."""
    if not validated.is_staff:
        language = validated.context.locale or "en"
        return html_page(render_template("not_ready.html", **page_context(language)))
    context = validated.complete(None)  # consumes the nonce: the set-up page is this launch's one answer
    if context.session_bound:
        remember_launch(context.launch_id)
    return _page(context)


def _page(context: LaunchContext, **shown: Any) -> Response:
    return picker_page(
        context, mode="setup", heading=_("Set up this activity"),
        intro=_("This link in your course has no PL Choice activity yet. Create one, import one or reuse one "
                "from this course: learners see it as soon as you save."),
        actions={"create": url_for("link_setup.create"), "import": url_for("link_setup.import_olx"),
                 "reuse": url_for("link_setup.reuse")}, **shown)


def _setup_launch() -> LaunchContext:
    """This request's launch: CSRF-checked, staff, a resource link launch (unbound or bound by set-up)."""
    context = require_csrf()
    if context.role != "staff" or context.message_type != RESOURCE_LINK or not context.resource_link_id:
        raise SetupNotAllowed()
    return context


@bp.post("/create")
def create() -> Response:
    context = _setup_launch()
    try:
        definition, raw = definition_from_editor()
    except ValidationError as exc:
        return refusal(exc, context, lambda **shown: _page(context, **shown))
    return _bind(context, definition, raw)


@bp.post("/import")
def import_olx() -> Response:
    context = _setup_launch()
    try:
        definition = definition_from_olx()
    except ValidationError as exc:
        return refusal(exc, context, lambda **shown: _page(context, **shown))
    return _bind(context, definition)


@bp.post("/reuse")
def reuse() -> Response:
    context = _setup_launch()
    return _bind(context, definition_from_reuse(context))


@bp.post("/open")
def open_activity() -> Response:
    """The activity page of a launch whose link was just set up (the editor's next step after saving)."""
    context = _setup_launch()
    if not _is_bound(context):
        return _page(context)
    return launch_page(context, _title_of(context.activity_id))


def _is_bound(context: LaunchContext) -> bool:
    """True when this launch opens an activity it may open. A custom ``activity_id`` naming no activity
    (deleted, mistyped) leaves the launch unbound: the set-up replaces it rather than trusting it."""
    if not context.activity_id:
        return False
    with session_scope() as session:
        row = session.get(Activity, context.activity_id)
        return row is not None and opens_in(row, context.registration_id, context.course_key)


def _bind(context: LaunchContext, definition: Any, raw_text: str = "") -> Response:
    """Validate, store the activity, map the link to it (once), point this launch at it, open it."""
    if not _is_bound(context):
        try:
            clean = parse_activity(definition).to_dict()
        except ValidationError as exc:
            return refusal(exc, context, lambda **shown: _page(context, **shown), raw_text)
        context = _store_and_map(context, clean)
    if wants_json():
        return jsonify({"activity_id": context.activity_id, "post_to": url_for("link_setup.open_activity"),
                        "fields": {"launch_id": context.launch_id, "csrf_token": context.csrf_token}})
    return launch_page(context, _title_of(context.activity_id))


def _store_and_map(context: LaunchContext, definition: dict[str, Any]) -> LaunchContext:
    tool = services()
    activity_id = uuid.uuid4().hex
    try:
        with session_scope() as session:
            session.add(Activity(id=activity_id, course_key=context.course_key,
                                 registration_id=context.registration_id, definition_json=definition))
            session.flush()
            session.add(ResourceLinkActivity(registration_id=context.registration_id,
                                             deployment_id=context.deployment_id,
                                             resource_link_id=context.resource_link_id, activity_id=activity_id))
    except IntegrityError:  # set up a moment ago (another tab, a colleague): open what was chosen first
        with session_scope() as session:
            activity_id = session.scalar(select(ResourceLinkActivity.activity_id).where(
                ResourceLinkActivity.registration_id == context.registration_id,
                ResourceLinkActivity.deployment_id == context.deployment_id,
                ResourceLinkActivity.resource_link_id == context.resource_link_id))
    bound = LaunchContext.from_dict({
        **context.to_dict(), "activity_id": activity_id,
        "activity_key": activity_key_for(context.issuer, context.deployment_id, context.resource_link_id, activity_id)})
    tool.launch_store.put("launch:" + context.launch_id, bound.to_dict(), tool.settings.launch_ttl)
    return bound


def _title_of(activity_id: str) -> str:
    with session_scope() as session:
        row = session.get(Activity, activity_id)
        return str((row.definition_json or {}).get("title", "")) if row is not None else ""
