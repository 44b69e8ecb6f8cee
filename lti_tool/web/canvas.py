"""``/lti/canvas.json``: the developer-key configuration a Canvas admin pastes (or points to by URL).

Deep linking from the two placements where instructors add graded work
(``assignment_selection``) and links in modules and pages (``link_selection``);
the AGS scopes to create line items and post scores; the NRPS scope for the
"not started" list; ``privacy_level: public`` so the staff queue can show
names (Canvas sends no name or email at lower levels).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, jsonify

from lti_tool.lti.service_tokens import LINEITEM_READ_SCOPE, LINEITEM_SCOPE, NRPS_SCOPE, RESULT_READ_SCOPE, SCORE_SCOPE
from lti_tool.services import services

bp = Blueprint("canvas", __name__)

SCOPES = [LINEITEM_SCOPE, LINEITEM_READ_SCOPE, RESULT_READ_SCOPE, SCORE_SCOPE, NRPS_SCOPE]
TITLE = "PL Choice"
DESCRIPTION = ("Learners choose how to show what they know: options tied to shared success criteria, "
               "reflection before and after, and mastery review with feedback.")


def canvas_configuration(base_url: str, launch_url: str, login_url: str, jwks_url: str) -> dict:
    """The Canvas LTI 1.3 developer-key JSON for a tool served at ``base_url``."""
    domain = urlsplit(base_url).netloc

    def placement(name: str) -> dict:
        return {"placement": name, "message_type": "LtiDeepLinkingRequest", "target_link_uri": launch_url,
                "text": TITLE, "selection_width": 1000, "selection_height": 800, "enabled": True}

    return {
        "title": TITLE,
        "description": DESCRIPTION,
        "oidc_initiation_url": login_url,
        "target_link_uri": launch_url,
        "public_jwk_url": jwks_url,
        "scopes": SCOPES,
        "custom_fields": {"canvas_course_id": "$Canvas.course.id", "canvas_user_id": "$Canvas.user.id"},
        "extensions": [{
            "platform": "canvas.instructure.com",
            "domain": domain,
            "tool_id": "plchoice",
            "privacy_level": "public",
            "settings": {
                "text": TITLE,
                "placements": [placement("assignment_selection"), placement("link_selection")],
            },
        }],
    }


@bp.get("/lti/canvas.json")
def canvas_json():
    settings = services().settings
    response = jsonify(canvas_configuration(settings.base_url.rstrip("/"), settings.launch_url,
                                            settings.login_url, settings.jwks_url))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
