"""What every tool page shares: its language context, the front end's static URLs and the launch page.

A small module of its own because three callers render pages: ``web.pages`` (login and launch),
``lti.deep_linking`` (the content picker) and ``lti.link_setup`` (a resource link that was never
configured). When each imported the others to reach these helpers, the modules formed an import
cycle; now they all import this one and none of them imports another.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from flask import Response, make_response, render_template

import xblock_plchoice
from lti_tool.lti.launch_context import LaunchContext
from lti_tool.services import services

from .i18n import catalog_messages, direction, gettext_for, request_language
from .security import CSRF_HEADER, LAUNCH_HEADER

STATIC_ROOT = Path(xblock_plchoice.__file__).resolve().parent / "static"
STATIC_PREFIX = "/static/plchoice"


def html_page(html: str, status: int = 200) -> Response:
    """An HTML page; its CSP, nosniff and no-store come from :mod:`.browser_policy` (every page alike)."""
    return make_response(html, status)


def page_context(language: str) -> dict[str, Any]:
    """What base.html and every page template read: language, direction, static prefix and ``_``."""
    return {"lang": language, "dir": direction(language), "static": STATIC_PREFIX, "_": gettext_for(language)}


def static_url(path: str) -> str:
    """The shared front end's file ``path``, where the tool serves it."""
    return f"{STATIC_PREFIX}/{path}"


@functools.cache
def stylesheets() -> tuple[str, ...]:
    """The front end's CSS files (they ship with the package: read the folder once per process)."""
    folder = STATIC_ROOT / "css"
    return tuple(sorted(p.name for p in folder.glob("*.css"))) if folder.is_dir() else ()


def launch_config(context: LaunchContext) -> dict[str, Any]:
    """The JSON the launch page embeds: language, view, messages and the /api transport of this launch."""
    from .api import export_url_for

    language = request_language(context.locale)
    base = services().settings.base_url.rstrip("/")
    return {
        "lang": language, "dir": direction(language), "view": "staff" if context.role == "staff" else "learner",
        "i18n": catalog_messages(language), "canEdit": context.role == "staff",
        "transport": {"apiBase": base + "/api", "launchId": context.launch_id, "csrfToken": context.csrf_token,
                      "launchHeader": LAUNCH_HEADER, "csrfHeader": CSRF_HEADER,
                      "exportUrl": export_url_for(context.launch_id)},
    }


def launch_page(context: LaunchContext, title: str) -> Response:
    """The activity page of a launch bound to an activity (learner or staff view)."""
    config = launch_config(context)
    html = render_template("launch.html", **page_context(config["lang"]), config=config, css=stylesheets(),
                           title=title or "PL Choice")
    return html_page(html)
