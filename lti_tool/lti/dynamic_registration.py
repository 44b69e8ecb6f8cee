"""LTI Dynamic Registration 1.0 at ``/lti/register`` (Moodle 4.x, Canvas, any spec platform).

The admin makes an invite (``plchoice-lti registration invite``, :mod:`lti_tool.lti.invites`)
and pastes its URL into the LMS; the LMS opens it (in an iframe or a window) with
``openid_configuration`` and ``registration_token`` appended. We:

0. refuse without an open invite, before any request to the platform named in the URL;
1. fetch the platform's OpenID configuration with the token as a Bearer
   credential (Canvas and Moodle both require it), and check its ``issuer``
   against the configuration URL (the configuration must live under the
   issuer: a platform cannot claim another's issuer). Instructure's cloud
   issuers are the one exception, as Canvas serves them from account domains;
2. show what will be registered and ask the admin to confirm (a signed form
   field carries the two parameters, so the POST needs no cookie inside the
   LMS's frame and cannot be forged without our secret key);
3. post our registration, again with the Bearer token, asking only for the
   messages the platform supports (``messages_supported`` as strings, as older
   Moodle sends them, or as objects with placements, as Canvas does);
4. store the client id, and the deployment id when the platform returns one
   (Moodle does; Canvas creates it when the admin enables the key), spending the
   invite in the same transaction (a client id another issuer holds is refused and
   leaves the invite unspent), then post
   ``{subject: 'org.imsglobal.lti.close'}`` so the LMS closes our page.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response, render_template, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from lti_tool.db.session import reader, session_scope
from lti_tool.lti.invites import INVITE_PARAMETER, check_invite, spend_invite
from lti_tool.lti.launch_errors import LtiError
from lti_tool.lti.outbound import get_json
from lti_tool.lti.registrations import CANVAS_CLOUD_ISSUERS, ClientIdTaken, RegistrationError, add_registration
from lti_tool.lti.service_tokens import LINEITEM_READ_SCOPE, LINEITEM_SCOPE, NRPS_SCOPE, RESULT_READ_SCOPE, SCORE_SCOPE
from lti_tool.services import services
from lti_tool.web.i18n import direction, gettext_for, request_language
from xblock_plchoice.core.i18n import gettext_noop as _

bp = Blueprint("dynamic_registration", __name__)

PLATFORM_CONFIG = "https://purl.imsglobal.org/spec/lti-platform-configuration"
TOOL_CONFIG = "https://purl.imsglobal.org/spec/lti-tool-configuration"
CANVAS_PRIVACY = "https://canvas.instructure.com/lti/privacy_level"
WANTED_SCOPES = (LINEITEM_SCOPE, LINEITEM_READ_SCOPE, RESULT_READ_SCOPE, SCORE_SCOPE, NRPS_SCOPE)
WANTED_PLACEMENTS = ("assignment_selection", "link_selection", "ContentArea")
MAX_BODY = 512 * 1024


class RegistrationFailed(LtiError):
    code = "dynamic_registration"
    title = _("PL Choice could not be registered")
    default_message = _("The registration request was not valid.")


class ClientIdConflict(RegistrationFailed):
    code = "registration_client_taken"
    status = 409
    default_message = _("The platform %(issuer)s answered with client id %(client_id)s, which is already "
                        "registered for %(other_issuer)s. A client id belongs to one platform, so nothing was "
                        "stored and the invite is still unused. Tell the tool's administrator.")


def _error(message: str, http_status: int = 400, **params: Any) -> RegistrationFailed:
    error = RegistrationFailed(message, **params)
    error.status = http_status
    return error


def _check_url(url: str, name: str) -> str:
    """http(s) only; plain http only on loopback (development and the demo platform)."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _error(_("%(name)s must be an absolute https URL."), name=name)
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise _error(_("%(name)s must use https."), name=name)
    return url


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _get_json(method: str, url: str, token: str, **kwargs: Any) -> dict[str, Any]:
    """A JSON object from the platform through :mod:`.outbound`; its body never reaches the page."""
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return get_json(url, method=method, headers=headers, deadline=services().settings.outbound_timeout,
                    max_bytes=MAX_BODY, **kwargs)


def issuer_matches(issuer: str, config_url: str) -> bool:
    """The configuration URL must sit under the issuer (same scheme and host, path prefix)."""
    if not isinstance(issuer, str) or not issuer:
        return False
    iss, conf = urlsplit(issuer), urlsplit(config_url)
    if (iss.scheme, iss.netloc) == (conf.scheme, conf.netloc):
        return conf.path.startswith(iss.path.rstrip("/") + "/") or iss.path.rstrip("/") == ""
    return issuer.rstrip("/") in CANVAS_CLOUD_ISSUERS and conf.scheme == "https" and \
        (conf.hostname or "").endswith(".instructure.com")


def host_allowed(issuer: str, allowed: str) -> bool:
    """Is the issuer's host in ``PLCHOICE_REGISTRATION_ALLOWED_HOSTS`` (empty: every host is)?"""
    patterns = [p.strip().lower() for p in allowed.split(",") if p.strip()]
    if not patterns:
        return True
    host = (urlsplit(issuer).hostname or "").lower()
    return any(host == p or (p.startswith(".") and host.endswith(p)) for p in patterns)


def _check_allowed(config: dict[str, Any]) -> None:
    if not host_allowed(config["issuer"], services().settings.registration_allowed_hosts):
        raise _error(_("This tool does not accept registrations from %(issuer)s. Ask its administrator to add "
                       "the platform's host to PLCHOICE_REGISTRATION_ALLOWED_HOSTS."), 403, issuer=config["issuer"])


def fetch_configuration(config_url: str, token: str) -> dict[str, Any]:
    config = _get_json("GET", _check_url(config_url, "openid_configuration"), token)
    issuer = config.get("issuer")
    if not issuer_matches(issuer, config_url):
        raise _error(_("The platform says its issuer is %(issuer)s, but its configuration was served from "
                       "%(url)s. Registration stopped."), issuer=str(issuer), url=config_url)
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri", "registration_endpoint"):
        _check_url(str(config.get(key) or ""), key)
    return config


def supported_messages(config: dict[str, Any]) -> dict[str, list[str] | None]:
    """``{message type: placements or None}`` from either shape of ``messages_supported``."""
    platform = config.get(PLATFORM_CONFIG) or {}
    raw = platform.get("messages_supported") or []
    found: dict[str, list[str] | None] = {}
    for entry in raw if isinstance(raw, list) else []:
        if isinstance(entry, str):
            found[entry] = None
        elif isinstance(entry, dict) and isinstance(entry.get("type"), str):
            placements = entry.get("placements")
            found[entry["type"]] = [p for p in placements if isinstance(p, str)] if isinstance(placements,
                                                                                                  list) else None
    return found


def registration_request(config: dict[str, Any]) -> dict[str, Any]:
    """Our client metadata, shaped by what this platform says it supports."""
    settings = services().settings
    supported = supported_messages(config)
    platform = config.get(PLATFORM_CONFIG) or {}
    is_canvas = platform.get("product_family_code") == "canvas"
    # Only deep linking: every link the tool opens is made by it, so a bare resource-link
    # placement would open nothing. Placements are asked for only where the platform lists them.
    messages = []
    if not supported or "LtiDeepLinkingRequest" in supported:
        message: dict[str, Any] = {"type": "LtiDeepLinkingRequest", "target_link_uri": settings.launch_url,
                                   "label": "PL Choice"}
        placements = [p for p in (supported.get("LtiDeepLinkingRequest") or []) if p in WANTED_PLACEMENTS]
        if placements:
            message["placements"] = placements
        messages.append(message)
    else:
        raise _error(_("This platform does not offer Deep Linking, which PL Choice needs so instructors can add "
                       "activities. Registration stopped."))
    offered = config.get("scopes_supported")
    scopes = [s for s in WANTED_SCOPES if not isinstance(offered, list) or s in offered]
    tool_config: dict[str, Any] = {
        "domain": urlsplit(settings.base_url).netloc, "target_link_uri": settings.launch_url,
        "description": "Learners choose how to show what they know.",
        "claims": ["iss", "sub", "name", "given_name", "family_name", "email", "locale"],
        "messages": messages,
    }
    if is_canvas:
        tool_config[CANVAS_PRIVACY] = "public"
    return {
        "application_type": "web", "response_types": ["id_token"], "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": settings.login_url, "redirect_uris": [settings.launch_url],
        "client_name": "PL Choice", "jwks_uri": settings.jwks_url, "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(scopes), TOOL_CONFIG: tool_config,
    }


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(services().secret_key, salt="plchoice-dynamic-registration")


def _render(template: str, status: int = 200, **values: Any) -> Response:
    language = request_language(None)
    body = render_template(template, _=gettext_for(language), lang=language, dir=direction(language), **values)
    return Response(body, status=status, mimetype="text/html")


def _check_invite(secret: str) -> None:
    """Refuse without an open invite; a read only (the POST spends it), before any outbound request."""
    with session_scope(reader(services().sessions)) as session:
        check_invite(session, secret)


@bp.get("/lti/register")
def start() -> Response:
    invite = request.args.get(INVITE_PARAMETER, "")
    _check_invite(invite)
    config_url = request.args.get("openid_configuration", "")
    token = request.args.get("registration_token", "")
    if not config_url:
        raise _error(_("Open this page from your LMS's dynamic registration screen: the openid_configuration "
                       "parameter is missing."))
    config = fetch_configuration(config_url, token)
    _check_allowed(config)
    platform = config.get(PLATFORM_CONFIG) or {}
    signed = _serializer().dumps({"openid_configuration": config_url, "registration_token": token,
                                  "invite": invite})
    return _render("registration/confirm.html", signed=signed, issuer=config["issuer"],
                   product=platform.get("product_family_code") or "", version=platform.get("version") or "",
                   request_body=registration_request(config))


@bp.post("/lti/register")
def finish() -> Response:
    try:
        data = _serializer().loads(request.form.get("registration", ""), max_age=3600)
    except BadSignature as exc:
        raise _error(_("This registration form has expired or was changed. Start the registration again from "
                       "your LMS.")) from exc
    _check_invite(data.get("invite", ""))
    config = fetch_configuration(data["openid_configuration"], data["registration_token"])
    _check_allowed(config)
    answer = _get_json("POST", config["registration_endpoint"], data["registration_token"],
                       json_body=registration_request(config))
    client_id = answer.get("client_id")
    if not isinstance(client_id, str) or not client_id:
        raise _error(_("The platform accepted the registration but sent no client_id."), 502)
    tool_config = answer.get(TOOL_CONFIG) if isinstance(answer.get(TOOL_CONFIG), dict) else {}
    deployment_id = tool_config.get("deployment_id")
    deployments = [str(deployment_id)] if deployment_id not in (None, "") else []
    try:
        with session_scope() as session:
            spend_invite(session, data["invite"], issuer=config["issuer"], client_id=client_id)
            add_registration(session, issuer=config["issuer"], client_id=client_id,
                             auth_login_url=config["authorization_endpoint"], auth_token_url=config["token_endpoint"],
                             key_set_url=config["jwks_uri"], audience=config.get("authorization_server") or None,
                             deployment_ids=deployments)
    except ClientIdTaken as exc:
        raise ClientIdConflict(issuer=exc.issuer, client_id=exc.client_id, other_issuer=exc.other_issuer) from exc
    except RegistrationError as exc:
        raise _error(_("The platform's registration could not be stored: %(detail)s"), detail=str(exc)) from exc
    return _render("registration/done.html", issuer=config["issuer"], client_id=client_id,
                   deployment_id=deployments[0] if deployments else "")
