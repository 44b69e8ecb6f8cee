"""Pages: OIDC login, the launch, the tool's JWKS, and the shared front end's static files."""

from __future__ import annotations

import functools
import importlib
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, jsonify, make_response, redirect, render_template, request, send_from_directory
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

import xblock_plchoice
from lti_tool import metrics
from lti_tool.db.models import ResourceLinkActivity
from lti_tool.db.session import reader
from lti_tool.lti import keys
from lti_tool.lti.activity_owner import opens_in
from lti_tool.lti.launch import PlatformStorageLookup, ToolMessageLaunch, ToolOIDCLogin, ValidatedLaunch
from lti_tool.lti.launch_errors import ActivityNotConfigured, ActivityOfAnotherRegistration, DeepLinkingUnavailable
from lti_tool.lti.platform_storage import get_data_keys, origin_of, put_data_items
from lti_tool.services import services

from .api import export_url_for
from .i18n import catalog_messages, direction, gettext_for, request_language
from .security import CSRF_HEADER, LAUNCH_HEADER, remember_launch

bp = Blueprint("plchoice_pages", __name__, template_folder="templates")
STATIC_ROOT = Path(xblock_plchoice.__file__).resolve().parent / "static"


def _page(html: str, status: int = 200) -> Response:
    """An HTML page; its CSP, nosniff and no-store come from :mod:`.browser_policy` (every page alike)."""
    return make_response(html, status)


def page_context(language: str) -> dict[str, Any]:
    return {"lang": language, "dir": direction(language), "static": "/static/plchoice", "_": gettext_for(language)}


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


def _deep_link(launch: ValidatedLaunch) -> Any:
    """Hand a deep-linking request to lti-services; it checks the role and settings, then stores the launch.

    Nothing is stored here: a learner (or a request the platform got wrong) is refused before
    the nonce is consumed or a launch context is saved.
    """
    try:
        module = importlib.import_module("lti_tool.lti.deep_linking")
    except ModuleNotFoundError as exc:
        if exc.name != "lti_tool.lti.deep_linking":
            raise
        raise DeepLinkingUnavailable() from exc
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
        activity_id, needs_mapping = resolve_activity(session, validated)
    context = validated.complete(activity_id)
    if needs_mapping:
        _map_link(tool.sessions, validated, activity_id)
    if validated.binding == "cookie":
        remember_launch(context.launch_id)
    language = request_language(context.locale)
    base = tool.settings.base_url.rstrip("/")
    config = {
        "lang": language, "dir": direction(language), "view": "staff" if context.role == "staff" else "learner",
        "i18n": catalog_messages(language),
        "transport": {"apiBase": base + "/api", "launchId": context.launch_id, "csrfToken": context.csrf_token,
                      "launchHeader": LAUNCH_HEADER, "csrfHeader": CSRF_HEADER,
                      "exportUrl": export_url_for(context.launch_id)},
    }
    html = render_template("launch.html", **page_context(language), config=config, css=_stylesheets(),
                           title=validated.claims.get("https://purl.imsglobal.org/spec/lti/claim/resource_link",
                                                    {}).get("title") or "PL Choice")
    metrics.launch_succeeded(validated.message_type)
    return _page(html)


@functools.cache
def _stylesheets() -> list[str]:
    """The front end's CSS files (they ship with the package: read the folder once per process)."""
    folder = STATIC_ROOT / "css"
    return sorted(p.name for p in folder.glob("*.css")) if folder.is_dir() else []


def _storage_lookup_page(lookup: PlatformStorageLookup) -> Any:
    """Cookies did not come back: read state and nonce from platform storage, then post the launch again."""
    fields = {name: request.form.get(name, "") for name in ("id_token", "state", "lti_storage_target")}
    html = render_template("launch_storage.html", **page_context(request_language()), config={
        "target": lookup.target, "origin": origin_of(lookup.registration.auth_login_url),
        "keys": get_data_keys(lookup.state, lookup.nonce)}, fields=fields)
    return _page(html)


@bp.get("/static/plchoice/<path:filename>")
def static_files(filename: str) -> Any:
    response = send_from_directory(STATIC_ROOT, filename, max_age=300)
    if filename.endswith(".js"):
        response.headers["Content-Type"] = "text/javascript; charset=utf-8"
    return response
