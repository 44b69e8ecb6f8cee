"""Editing an activity after deep linking: the instructor opens the link and uses the same editor.

``POST /api/definition`` (launch header + CSRF header, as every /api write): ``{}`` answers the
activity's definition; ``{"definition": {...}}`` validates it with ``core.activity.parse_activity``
(exactly as Studio and deep linking do; problems come back by field) and saves it in place. The
activity keeps its id, so every link that opens it, and every learner's record (kept under the
link's activity key), stays attached. Only staff of the launch may call it (role from the launch's
validated claims); the activity is the one the launch resolved, so no id is taken from the request.

This is not a core command: the definition is the home's to keep (Studio's XBlock field there, the
``plc_activity`` row here), like ``studio_submit`` in the XBlock home.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

from lti_tool.db.models import Activity
from lti_tool.db.session import session_scope
from xblock_plchoice.core.activity import parse_activity
from xblock_plchoice.core.errors import NotFound, PermissionDenied, PLChoiceError, ValidationError
from xblock_plchoice.core.i18n import gettext_noop as _

from .i18n import gettext_for
from .json_request import json_object
from .security import require_csrf

bp = Blueprint("plchoice_authoring", __name__, url_prefix="/api")


@bp.post("/definition")
def definition() -> Any:
    launch = require_csrf()
    gettext = gettext_for(launch.locale or "en")
    try:
        if launch.role != "staff":
            raise PermissionDenied(_("Only course staff can change this activity."))
        payload = json_object()
        with session_scope() as session:
            row = session.get(Activity, launch.activity_id) if launch.activity_id else None
            if row is None:
                raise NotFound(_("This activity no longer exists."))
            if "definition" not in payload:
                return jsonify({"definition": row.definition_json})
            clean = parse_activity(payload["definition"]).to_dict()
            if clean["kind"] != (row.definition_json or {}).get("kind", "choice"):
                raise ValidationError(_("An activity keeps its kind: make a new activity instead."), field="kind")
            row.definition_json = clean
    except PLChoiceError as error:
        response = jsonify(error.to_dict(gettext))
        response.status_code = error.status
        return response
    return jsonify({"saved": True, "definition": clean})
