"""Platform side of LTI Dynamic Registration: the OpenID configuration, the
registration endpoint (both guarded by the registration token) and a driver
page that opens the tool's registration URL and waits for its close message.

``messages_style`` chooses how ``messages_supported`` is written: ``objects``
(the spec, Canvas, Moodle 4.3+) or ``strings`` (older Moodle); tests flip it.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, abort, jsonify, render_template, request

from . import shapes
from .launches import base_url, state
from .state import ToolClient

bp = Blueprint("dynreg", __name__)

CONFIG_PATHS = {"moodle": "/mod/lti/openid-configuration.php", "canvas": "/api/lti/security/openid-configuration",
                "generic": "/.well-known/openid-configuration"}
PLATFORM_CONFIG = "https://purl.imsglobal.org/spec/lti-platform-configuration"
TOOL_CONFIG = "https://purl.imsglobal.org/spec/lti-tool-configuration"
SCOPES = ["openid", "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
          "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
          "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
          "https://purl.imsglobal.org/spec/lti-ags/scope/score",
          "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"]


def config_url() -> str:
    return base_url() + CONFIG_PATHS[state().shape]


def _bearer(consume: bool = False) -> str:
    auth = request.headers.get("Authorization", "")
    token = auth[7:] if auth.lower().startswith("bearer ") else ""
    if not token or not state().registration_token_ok(token, consume=consume):
        abort(401, "A valid registration token is required as a Bearer token.")
    return token


def openid_configuration() -> Any:
    _bearer()
    st, base = state(), base_url()
    style = st.options.get("messages_style", "strings" if st.shape == "moodle" else "objects")
    if style == "no_deep_linking":
        messages = [{"type": "LtiResourceLinkRequest"}]
    elif style == "strings":
        messages: list[Any] = ["LtiResourceLinkRequest", "LtiDeepLinkingRequest"]
    elif st.shape == "canvas":
        messages = [{"type": "LtiResourceLinkRequest", "placements": ["course_navigation", "assignment_view"]},
                    {"type": "LtiDeepLinkingRequest",
                     "placements": ["assignment_selection", "link_selection", "editor_button"]}]
    else:
        messages = [{"type": "LtiResourceLinkRequest"}, {"type": "LtiDeepLinkingRequest",
                                                         "placements": ["ContentArea"]}]
    return jsonify({
        "issuer": st.options.get("advertised_issuer", st.issuer),
        "authorization_endpoint": base + "/auth", "token_endpoint": base + "/token",
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": ["RS256"],
        "jwks_uri": base + "/jwks", "registration_endpoint": base + "/dynreg/register",
        "scopes_supported": SCOPES, "response_types_supported": ["id_token"],
        "subject_types_supported": ["public", "pairwise"], "id_token_signing_alg_values_supported": ["RS256"],
        "claims_supported": ["sub", "iss", "name", "given_name", "family_name", "email"],
        PLATFORM_CONFIG: {"product_family_code": st.shape if st.shape != "generic" else "demo",
                          "version": "1.0", "messages_supported": messages,
                          "variables": ["Canvas.course.id"] if st.shape == "canvas" else []},
    })


for _shape, _path in CONFIG_PATHS.items():
    bp.add_url_rule(_path, f"openid_configuration_{_shape}", openid_configuration, methods=["GET"])


@bp.post("/dynreg/register")
def register():
    """Create a client from the tool's metadata; answer with the client id (and a deployment)."""
    _bearer(consume=True)
    st = state()
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400, "The registration body must be JSON.")
    problems = []
    tool = body.get(TOOL_CONFIG)
    for key in ("initiate_login_uri", "jwks_uri", "redirect_uris"):
        if not body.get(key):
            problems.append(f"{key} is required")
    if "id_token" not in (body.get("response_types") or []):
        problems.append("response_types must include id_token")
    if not {"implicit", "client_credentials"} <= set(body.get("grant_types") or []):
        problems.append("grant_types must include implicit and client_credentials")
    if body.get("token_endpoint_auth_method") != "private_key_jwt":
        problems.append("token_endpoint_auth_method must be private_key_jwt")
    if not isinstance(tool, dict) or not tool.get("target_link_uri") or not tool.get("domain"):
        problems.append("the LTI tool configuration needs domain and target_link_uri")
    if problems:
        return jsonify({"error": "invalid_client_metadata", "error_description": "; ".join(problems)}), 400
    client_id = "dyn-" + secrets.token_hex(6)
    deployment = shapes.deployment_id_for(st.shape, client_id)
    st.add_client(ToolClient(client_id=client_id, deployment_id=deployment, login_url=body["initiate_login_uri"],
                             launch_url=tool["target_link_uri"], jwks_url=body["jwks_uri"],
                             redirect_uris=list(body["redirect_uris"]), name=body.get("client_name", ""),
                             scopes=str(body.get("scope", "")).split(), raw=body))
    with st.lock:
        st.dynreg_log.append({"client_id": client_id, "request": body})
    answer = {**body, "client_id": client_id}
    answer[TOOL_CONFIG] = dict(tool)
    if st.shape != "canvas":  # Canvas makes the deployment when the admin enables the key
        answer[TOOL_CONFIG]["deployment_id"] = deployment
    return jsonify(answer)


@bp.get("/dynreg/start")
def start():
    """The admin screen: paste the tool's registration URL (PL Choice's is the invite URL that
    ``plchoice-lti registration invite`` prints); the platform appends its parameters and frames it."""
    tool_url = request.args.get("tool_url", "")
    if not tool_url.startswith(("http://", "https://")):
        abort(400, "tool_url must be an http(s) URL.")
    token = state().issue_registration_token()
    sep = "&" if "?" in tool_url else "?"
    frame = tool_url + sep + urlencode({"openid_configuration": config_url(), "registration_token": token})
    return render_template("dynreg.html", frame=frame)


@bp.post("/_config")
def set_options():
    """Test control: ``advertised_issuer``, ``messages_style`` (strings|objects|no_deep_linking), ``honor_idempotency``,
    ``token_ttl`` (seconds the token endpoint announces)."""
    data = request.get_json(force=True, silent=True) or {}
    known = ("advertised_issuer", "messages_style", "honor_idempotency", "token_ttl")
    with state().lock:
        state().options.update({k: v for k, v in data.items() if k in known})
    return jsonify(state().options)


@bp.post("/_registration_token")
def issue_token():
    """Test control: a fresh registration token and the configuration URL (as the admin screen makes)."""
    return jsonify({"registration_token": state().issue_registration_token(), "openid_configuration": config_url()})
