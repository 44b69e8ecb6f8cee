"""PL Choice as an LTI 1.3 tool: a Flask app on the shared core.

``gunicorn "lti_tool:create_app()"`` runs it; settings come from ``PLCHOICE_*``
environment variables (see :mod:`lti_tool.config`). Blueprints of the
lti-services modules (deep linking, dynamic registration, the Canvas JSON) are
registered when those modules exist, and the AGS outbox delivery thread is
started in each worker process; see README_INTERNAL.md.
"""

from __future__ import annotations

import fcntl
import importlib
import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import Settings, load_settings, secret_key_for

log = logging.getLogger(__name__)

OPTIONAL_BLUEPRINTS = ("lti_tool.lti.deep_linking", "lti_tool.lti.link_setup", "lti_tool.lti.dynamic_registration",
                       "lti_tool.web.canvas", "lti_tool.web.authoring")


def _optional_module(module_name: str) -> Any:
    """The module if it exists (else None); an import error inside it is a bug and propagates."""
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        return None


def _optional_blueprint(module_name: str) -> Any:
    """The module's ``bp`` if the module exists."""
    module = _optional_module(module_name)
    return module.bp if module is not None else None


def _build_services(settings: Settings) -> Any:
    from .blobs import make_blob_store
    from .db import migrate
    from .db.session import make_engine, make_sessionmaker
    from .lti.launch_storage import make_launch_store
    from .lti.platform_keys import PlatformKeyCache
    from .lti.service_tokens import TokenCache
    from .services import ToolServices

    settings.data_path.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.effective_database_url)
    if settings.effective_database_url.startswith("sqlite"):
        # Embedded database: keep it current without a separate step. Workers start together,
        # so a file lock lets exactly one of them migrate while the others wait.
        with open(settings.data_path / ".migrate.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            migrate.upgrade(engine)
    sessions = make_sessionmaker(engine)
    launch_store = make_launch_store(settings.redis_url, sessions)
    return ToolServices(settings=settings, engine=engine, sessions=sessions, launch_store=launch_store,
                        tokens=TokenCache(launch_store, timeout=settings.outbound_timeout),
                        platform_keys=PlatformKeyCache(ttl=settings.jwks_cache_seconds,
                                                       timeout=min(settings.outbound_timeout, 5.0)),
                        blobs=make_blob_store(settings), secret_key=secret_key_for(settings))


def _register_errors(app: Flask) -> None:
    from xblock_plchoice.core.errors import PLChoiceError

    from . import metrics
    from .lti.launch_errors import LtiError
    from .web.i18n import direction, gettext_for, request_language

    def wants_json() -> bool:
        return request.path.startswith("/api/")

    @app.errorhandler(LtiError)
    def lti_error(error: LtiError) -> Any:
        language = request_language()
        gettext = gettext_for(language)
        if request.path.startswith("/lti/"):  # a login or launch refused (not an /api call's launch check)
            metrics.launch_refused(error.code)
        if wants_json():
            return jsonify(error.to_dict(gettext)), error.status
        log.info("LTI request refused (%s): %s", error.code, error)
        html = render_template("error.html", lang=language, dir=direction(language), title=gettext(error.title),
                               message=error.render(gettext), code=error.code, code_label=gettext("Error code"))
        return Response(html, status=error.status, mimetype="text/html")  # headers: web.browser_policy

    @app.errorhandler(PLChoiceError)
    def core_error(error: PLChoiceError) -> Any:
        return jsonify(error.to_dict(gettext_for(request_language()))), error.status

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        """Wrong method, unknown route, too large a body...: JSON under /api, else the tool's own page."""
        if wants_json():
            return jsonify({"error": error.name.lower().replace(" ", "_"), "message": error.description}), error.code
        language = request_language()
        gettext = gettext_for(language)
        title, message = http_error_text(error.code or 500)
        html = render_template("error.html", lang=language, dir=direction(language), title=gettext(title),
                               message=gettext(message), code=f"http_{error.code}", code_label=gettext("Error code"))
        response = Response(html, status=error.code, mimetype="text/html")  # headers: web.browser_policy
        if error.code == 405 and getattr(error, "valid_methods", None):
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response


def http_error_text(status: int) -> tuple[str, str]:
    """Title and message (untranslated msgids) of the page for an HTTP error the tool itself answers."""
    from xblock_plchoice.core.i18n import gettext_noop as _

    if status == 404:
        return _("Page not found"), _("This address is not part of PL Choice. Open the activity again from your "
                                      "course.")
    if status == 405:
        return (_("This page cannot be opened directly"),
                _("This address only takes requests your course sends when you open the activity. Go back to "
                  "your course and open the activity from there."))
    if status == 413:
        return _("That is too large"), _("The request is larger than this tool accepts. Try a smaller file.")
    return (_("This request could not be completed"),
            _("The request could not be handled. Go back to your course and open the activity again."))


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The tool. ``config`` overrides ``PLCHOICE_*`` variables (keys like ``DATA_DIR``)."""
    settings = load_settings(config)
    app = Flask(__name__, template_folder="web/templates", static_folder=None)
    tool = _build_services(settings)
    app.extensions["plchoice"] = tool
    app.config.update(
        SECRET_KEY=tool.secret_key, TESTING=settings.testing, MAX_CONTENT_LENGTH=settings.max_upload_bytes,
        SESSION_COOKIE_NAME="plchoice_session", SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=settings.cookie_secure, SESSION_COOKIE_PARTITIONED=settings.cookie_secure,
        SESSION_COOKIE_SAMESITE="None" if settings.cookie_secure else "Lax",
        PERMANENT_SESSION_LIFETIME=settings.launch_ttl,
    )
    from .logging_setup import init_app as init_logging
    from .web import api, browser_policy, ops, pages

    if settings.proxy_fix:  # behind nginx & co.: the visitor's address and scheme, from one trusted hop
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_port=1)
    init_logging(app, settings.log_format)  # first, so every later hook and log line has the request id
    ops.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    for module_name in OPTIONAL_BLUEPRINTS:
        blueprint = _optional_blueprint(module_name)
        if blueprint is not None:
            app.register_blueprint(blueprint)
    _register_errors(app)
    browser_policy.init_app(app)
    outbox = _optional_module("lti_tool.lti.outbox")
    if outbox is not None:
        # One AGS delivery thread per worker process, so `gunicorn "lti_tool:create_app()"` sends grades.
        # PLCHOICE_OUTBOX_WORKER=0 leaves delivery to `plchoice-lti outbox run`; off in TESTING unless =1.
        outbox.init_app(app)
    return app
