"""Pages: OIDC login, the launch, the tool's JWKS, the favicon and the shared front end's static files."""

from __future__ import annotations

import importlib
from typing import Any

from flask import Blueprint, jsonify, redirect, render_template, request, send_from_directory
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from lti_tool import metrics
from lti_tool.db.models import ResourceLinkActivity
from lti_tool.db.session import reader
from lti_tool.lti import keys
from lti_tool.lti.activity_owner import opens_in
from lti_tool.lti.launch import PlatformStorageLookup, ToolMessageLaunch, ToolOIDCLogin, ValidatedLaunch
from lti_tool.lti.launch_errors import ActivityNotConfigured, ActivityOfAnotherRegistration, DeepLinkingUnavailable
from lti_tool.lti.platform_storage import get_data_keys, origin_of, put_data_items
from lti_tool.services import services

from .i18n import request_language
from .page_kit import STATIC_ROOT, html_page, launch_page, page_context
from .security import remember_launch

bp = Blueprint("plchoice_pages", __name__, template_folder="templates")
_page = html_page

@bp.get("/lti/jwks")
def jwks() -> Any:
    with reader(services().sessions)() as session:
        response = jsonify(keys.jwks(session))
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route("/lti/login", methods=["GET", "POST"])
def login() -> Any:
    tool = services()
    with reader(tool.sessions)() as session:  # reads only; the state is stored by the launch store's own session
        oidc = ToolOIDCLogin(tool, session)
        target = oidc.prepare()
    if target.storage_target is None:
        return oidc.apply_cookies(redirect(target.url, code=302))
    language = request_language()
    html = render_template("login_storage.html", **page_context(language), config={
        "target": target.storage_target, "origin": origin_of(target.registration.auth_login_url),
        "items": put_data_items(target.state, target.nonce), "redirect": target.url})
    return oidc.apply_cookies(_page(html))


def resolve_activity(session: Session, launch: ValidatedLaunch) -> tuple[str, bool]:
    """The activity a resource link opens: its mapping, else the ``activity_id`` custom parameter.

    Either way it must be an activity this registration may open (:func:`~lti_tool.lti.activity_owner.opens_in`).
    """
    context = launch.context
    registry = services().registry
    mapped = registry.linked_activity(session, launch.registration.id, context.deployment_id,
                                      context.resource_link_id)
    custom_id = str(context.custom.get("activity_id", ""))
    for activity_id, needs_mapping in ((mapped, False), (custom_id, True)):
        activity = registry.activity(session, activity_id) if activity_id else None
        if activity is None:
            continue
        if not opens_in(activity, launch.registration.id, context.course_key):
            raise ActivityOfAnotherRegistration()
        return activity.id, needs_mapping
    raise ActivityNotConfigured()


def _map_link(sessions: sessionmaker[Session], launch: ValidatedLaunch, activity_id: str) -> None:
    """Remember which activity this resource link opens, in its own write-first transaction."""
    try:
        with sessions.begin() as session:
            session.add(ResourceLinkActivity(registration_id=launch.registration.id,
                                             deployment_id=launch.context.deployment_id,
                                             resource_link_id=launch.context.resource_link_id,
                                             activity_id=activity_id))
    except IntegrityError:  # another worker mapped the same link first: same activity either way
        pass


def _optional_module(name: str, missing: type[Exception]) -> Any:
    """An lti-services module, or ``missing`` raised when it is not installed (an import error inside it propagates)."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        raise missing() from exc


def _deep_link(launch: ValidatedLaunch) -> Any:
    """Hand a deep-linking request to lti-services; it checks the role and settings, then stores the launch.

    Nothing is stored here: a learner (or a request the platform got wrong) is refused before
    the nonce is consumed or a launch context is saved.
    """
    module = _optional_module("lti_tool.lti.deep_linking", DeepLinkingUnavailable)
    if not launch.is_staff:
        raise module.NotInstructor()
    return module.handle_deep_link_request(launch)


@bp.post("/lti/launch")
def launch() -> Any:
    tool = services()
    # Validation only reads (and may fetch the platform's keys): a deferred transaction holds no lock.
    with reader(tool.sessions)() as session:
        message = ToolMessageLaunch(tool, session)
        try:
            validated = message.validate().validated()
        except PlatformStorageLookup as lookup:
            return _storage_lookup_page(lookup)
        if validated.is_deep_link:
            answer = _deep_link(validated)
            metrics.launch_succeeded(validated.message_type)
            return answer
        try:
            activity_id, needs_mapping = resolve_activity(session, validated)
        except ActivityNotConfigured:
            return _unconfigured_link(validated)
    context = validated.complete(activity_id)
    if needs_mapping:
        _map_link(tool.sessions, validated, activity_id)
    if validated.binding == "cookie":
        remember_launch(context.launch_id)
    title = validated.claims.get("https://purl.imsglobal.org/spec/lti/claim/resource_link", {}).get("title")
    metrics.launch_succeeded(validated.message_type)
    return launch_page(context, title or "PL Choice")


def _unconfigured_link(validated: ValidatedLaunch) -> Any:
    """A resource link with no activity yet (a Moodle activity saved without "Select content", a Canvas
    module item): instructors set it up in place (:mod:`lti_tool.lti.link_setup`); learners are told it is
    not ready yet. Without the link-setup module the launch is refused as before."""
    setup = _optional_module("lti_tool.lti.link_setup", ActivityNotConfigured)
    answer = setup.handle_unconfigured_launch(validated)
    metrics.launch_succeeded(validated.message_type)
    return answer


def _storage_lookup_page(lookup: PlatformStorageLookup) -> Any:
    """Cookies did not come back: read state and nonce from platform storage, then post the launch again."""
    fields = {name: request.form.get(name, "") for name in ("id_token", "state", "lti_storage_target")}
    html = render_template("launch_storage.html", **page_context(request_language()), config={
        "target": lookup.target, "origin": origin_of(lookup.registration.auth_login_url),
        "keys": get_data_keys(lookup.state, lookup.nonce)}, fields=fields)
    return _page(html)


@bp.get("/favicon.ico")
def favicon() -> Any:
    """The tool's icon, so a browser tab (and its console) never shows a 404 for it."""
    return send_from_directory(STATIC_ROOT / "img", "favicon.ico", mimetype="image/x-icon", max_age=86400)


@bp.get("/static/plchoice/<path:filename>")
def static_files(filename: str) -> Any:
    response = send_from_directory(STATIC_ROOT, filename, max_age=300)
    if filename.endswith(".js"):
        response.headers["Content-Type"] = "text/javascript; charset=utf-8"
    return response
