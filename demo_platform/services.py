"""Service side of the platform: JWKS, the OAuth2 token endpoint, AGS line items
and scores (with fault injection), NRPS memberships, and test controls."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

import jwt
from flask import Blueprint, abort, jsonify, request
from lti1p3platform.exceptions import (
    InvalidKeySetUrl,
    LineItemNotFoundException,
    LtiException,
    LtiServiceException,
    MissingRequiredClaim,
    UnsupportedGrantType,
)
from lti1p3platform.membership import Context
from lti1p3platform.registration import Registration
from lti1p3platform.response import Response as LtiResponse
from lti1p3platform.score import ActivityProgress, GradeProgress, UpdateScoreStatus
from lti1p3platform.service_connector import AssignmentsGradesService, NamesRoleProvisioningService

from . import shapes
from .launches import base_url, conf_for, state
from .lti import FlaskRequest, decode_unverified

bp = Blueprint("services", __name__)

PROGRESS = {p.value for p in ActivityProgress}
GRADING = {g.value for g in GradeProgress}
CANVAS_SUBMISSION = "https://canvas.instructure.com/lti/submission"


def _wrap(resp: LtiResponse):
    if 200 <= resp.code < 300:
        data = resp.result
        if isinstance(data, dict) and "content" in data:
            data = data["content"]
        out = jsonify(data if data is not None else {"status": resp.message})
    else:
        out = jsonify({"error": resp.message})
    out.status_code = resp.code
    out.mimetype = resp.media_type
    return out


def _any_conf():
    client = state().client(request.args.get("client_id")) or next(iter(state().clients.values()), None)
    if client is None:
        abort(503, "No tool is registered yet.")
    conf = conf_for(client)
    conf.get_registration()
    return conf


@bp.get("/jwks")
def jwks():
    return jsonify({"keys": [Registration.get_jwk(state().public_pem)]})


@bp.post("/token")
def token():
    """client_credentials with a JWT client assertion (IMS Security Framework 4.1)."""
    st = state()
    form = request.form.to_dict()
    try:
        client = st.client(str(decode_unverified(form.get("client_assertion", "")).get("iss", "")))
        if client is None:
            raise LtiException("unknown client")
        conf = conf_for(client)
        conf.get_registration()
        answer = conf.get_access_token(form)
    except (LtiException, MissingRequiredClaim, UnsupportedGrantType, InvalidKeySetUrl, jwt.PyJWTError,
            KeyError, ValueError, AssertionError) as exc:  # every refusal is a 400 (RFC 6749, 5.2)
        return jsonify({"error": "invalid_client" if "client" in str(exc) else "invalid_request",
                        "error_description": str(exc)}), 400
    with st.lock:
        st.token_fetches += 1
    return jsonify(answer)


class Ags(AssignmentsGradesService):
    """Line items and scores over :class:`PlatformState`."""

    def find_lineitems(self, page=1, limit=None, line_item_id=None, resource_link_id=None,
                       resource_id=None, tag=None, **_ignored):
        items = list(state().lineitems.values())
        if resource_link_id:
            items = [i for i in items if i.get("resourceLinkId") == resource_link_id]
        return {"content": [self._public(i) for i in items], "has_next": False, "next": None}

    def _public(self, item: dict[str, Any]) -> dict[str, Any]:
        st = state()
        return {**item, "id": shapes.lineitem_url(st.shape, base_url(), st.context_id, item["id"])}

    def find_lineitem(self, line_item_id: str):
        item = state().lineitems.get(line_item_id)
        if item is None:
            raise LineItemNotFoundException()
        return self._public(item)

    def create_lineitem(self, creation_data):
        if not isinstance(creation_data, dict) or not creation_data.get("label"):
            raise LtiServiceException("A line item needs a label.", 400)
        return self._public(state().add_lineitem(creation_data))

    def update_lineitem(self, update_data):
        raise LtiServiceException("Line items are read-only on the demo platform.", 405)

    def delete_lineitem(self, line_item_id):
        raise LtiServiceException("Line items are read-only on the demo platform.", 405)

    def get_results(self, line_item_id, page=1, limit=None, user_id=None):
        raise LtiServiceException("Results are not offered by the demo platform.", 404)

    def update_score(self, line_item_id: str, score) -> UpdateScoreStatus:
        st = state()
        if line_item_id not in st.lineitems:
            raise LineItemNotFoundException()
        _validate_score(score)
        key = request.headers.get("Idempotency-Key")
        with st.lock:
            if key and key in st.idempotency and st.options.get("honor_idempotency", True):
                st.idempotency[key] += 1  # a retry of a score already applied: acknowledge, apply nothing
                return UpdateScoreStatus.SUCCESS
            last = [s for s in st.scores if s["lineitem_id"] == line_item_id and s["userId"] == score["userId"]]
            stamp = _parse_time(score["timestamp"])
            if last and stamp <= _parse_time(last[-1]["timestamp"]):
                st.rejected_scores.append({**score, "reason": "oldtimestamp", "lineitem_id": line_item_id})
                return UpdateScoreStatus.OLD_TIMESTAMP
            if key:
                st.idempotency[key] = 1
            st.scores.append({**score, "lineitem_id": line_item_id, "idempotency_key": key,
                              "received_at": time.time(), "query": request.query_string.decode()})
        return UpdateScoreStatus.SUCCESS


def _parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _validate_score(score: Any) -> None:
    """The AGS 2.0 score rules a real platform enforces."""
    if not isinstance(score, dict):
        raise LtiServiceException("The score must be a JSON object.", 400)
    if score.get("userId") not in state().members:
        raise LtiServiceException("userId is not a member of this context.", 400)
    if score.get("activityProgress") not in PROGRESS or score.get("gradingProgress") not in GRADING:
        raise LtiServiceException("activityProgress and gradingProgress must be AGS values.", 400)
    try:
        stamp = _parse_time(str(score.get("timestamp")))
    except ValueError as exc:
        raise LtiServiceException("timestamp must be ISO 8601 with a time zone.", 400) from exc
    if stamp.tzinfo is None:
        raise LtiServiceException("timestamp must carry a time zone.", 400)
    if "scoreGiven" in score:
        given, maximum = score.get("scoreGiven"), score.get("scoreMaximum")
        if not isinstance(given, (int, float)) or not isinstance(maximum, (int, float)) or maximum <= 0 or given < 0:
            raise LtiServiceException("scoreGiven needs a positive scoreMaximum.", 400)
    extension = score.get(CANVAS_SUBMISSION)
    if extension is not None and (not isinstance(extension, dict) or "submission_type" not in extension):
        raise LtiServiceException("The Canvas submission extension needs a submission_type.", 400)


def _ags(lineitem_id: str | None = None) -> Ags:
    st = state()
    conf = _any_conf()
    lineitem = shapes.lineitem_url(st.shape, base_url(), st.context_id, lineitem_id) if lineitem_id else None
    return Ags(FlaskRequest(request), conf, shapes.lineitems_url(st.shape, base_url(), st.context_id), lineitem)


def _require_type_id() -> None:
    if state().shape == "moodle" and request.args.get("type_id") != shapes.MOODLE_TYPE_ID:
        abort(400, "Moodle services need ?type_id= in the query.")


def lineitems_view(context_id: str):
    _require_type_id()
    service = _ags()
    if request.method == "POST":
        return _wrap(service.handle_resp(service.handle_create_lineitem))
    return _wrap(service.handle_resp(service.handle_get_lineitems))


def lineitem_view(context_id: str, item_id: str):
    _require_type_id()
    service = _ags(item_id)
    return _wrap(service.handle_resp(service.handle_get_lineitem, line_item_id=item_id))


def scores_view(context_id: str, item_id: str):
    _require_type_id()
    fault = state().take_fault()
    if fault == "503":
        return jsonify({"error": "Service Unavailable (injected)"}), 503
    service = _ags(item_id)
    if fault == "timeout":
        time.sleep(state().faults.sleep)  # the tool gives up first; we still apply below
    return _wrap(service.handle_resp(service.handle_update_score, line_item_id=item_id))


class Nrps(NamesRoleProvisioningService):
    def get_context_by_id(self) -> Context:
        st = state()
        return Context(id=st.context_id, label="BIO101", title=st.context_title)

    def get_member_data_page(self, page=1, limit=None, role=None, since=None, **_ignored):
        st = state()
        members = [{"user_id": m.user_id, "name": m.name, "email": m.email, "status": "Active",
                    "roles": shapes.roles_for(st.shape, m)} for m in st.members.values()]
        if role:
            members = [m for m in members if any(r.endswith(role) or r == role for r in m["roles"])]
        return {"content": members, "has_next": False, "next": None}

    def is_resource_link_valid(self, context_id: str, resource_link_id: str) -> bool:
        return resource_link_id in state().links


def memberships_view(context_id: str, binding: str | None = None):
    st = state()
    service = Nrps(FlaskRequest(request), _any_conf(), shapes.memberships_url(st.shape, base_url(), st.context_id))
    return _wrap(service.handle_resp(service.handle_get_members))


SERVICE_ROUTES = [
    ("/ags/<context_id>/lineitems", lineitems_view, ["GET", "POST"]),
    ("/ags/<context_id>/lineitems/<item_id>", lineitem_view, ["GET"]),
    ("/ags/<context_id>/lineitems/<item_id>/scores", scores_view, ["POST"]),
    ("/mod/lti/services.php/<context_id>/lineitems", lineitems_view, ["GET", "POST"]),
    ("/mod/lti/services.php/<context_id>/lineitems/<item_id>/lineitem", lineitem_view, ["GET"]),
    ("/mod/lti/services.php/<context_id>/lineitems/<item_id>/lineitem/scores", scores_view, ["POST"]),
    ("/api/lti/courses/<context_id>/line_items", lineitems_view, ["GET", "POST"]),
    ("/api/lti/courses/<context_id>/line_items/<item_id>", lineitem_view, ["GET"]),
    ("/api/lti/courses/<context_id>/line_items/<item_id>/scores", scores_view, ["POST"]),
    ("/nrps/<context_id>/memberships", memberships_view, ["GET"]),
    ("/mod/lti/services.php/CourseSection/<context_id>/bindings/<binding>/memberships", memberships_view, ["GET"]),
    ("/api/lti/courses/<context_id>/names_and_roles", memberships_view, ["GET"]),
]
for _n, (_rule, _view, _methods) in enumerate(SERVICE_ROUTES):
    bp.add_url_rule(_rule, f"{_view.__name__}_{_n}", _view, methods=_methods)


@bp.get("/_state")
def state_view():
    return jsonify(state().snapshot())


@bp.post("/_faults")
def faults_view():
    """Test control: ``{"mode": "ok"|"503"|"timeout", "count": n|null, "sleep": s}``."""
    data = request.get_json(force=True, silent=True) or {}
    mode = data.get("mode", "ok")
    if mode not in ("ok", "503", "timeout"):
        abort(400, "mode must be ok, 503 or timeout")
    st = state()
    with st.lock:
        st.faults.mode = mode
        st.faults.remaining = data.get("count")
        st.faults.sleep = float(data.get("sleep", st.faults.sleep))
    return jsonify({"mode": mode})
