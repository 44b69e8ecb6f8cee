"""Launch side of the platform: the demo page, OIDC login initiation, the auth
endpoint that posts the id_token, and the deep-linking return receiver.

The course page has a language switch (en, es, ar): it sets the launch's
``launch_presentation.locale``, as an LMS user's language does. Learner and
instructor launches open inside an LMS page (``/play``) with a "back to course"
link, so a newcomer can always tell the LMS from the tool it frames."""

from __future__ import annotations

import secrets
import time
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, make_response, redirect, render_template, request, url_for
from lti1p3platform.exceptions import LtiDeepLinkingResponseException, LtiException

from . import shapes
from .lti import FlaskRequest, MessageLaunch, OIDCLogin, PlatformConf, decode_unverified
from .state import PlatformState

bp = Blueprint("launches", __name__)

LOCALES = {"en": "English", "es": "Español", "ar": "العربية"}
LOCALE_COOKIE = "demo_lms_locale"


def lms_locale() -> str:
    """The LMS user's language: the switch (``?lang=``), else the one chosen before, else English."""
    chosen = request.values.get("locale") or request.args.get("lang") or request.cookies.get(LOCALE_COOKIE, "")
    return chosen if chosen in LOCALES else "en"


def page_vars(locale: str) -> dict[str, Any]:
    """What the LMS's own pages need to speak the chosen language (PL Choice's catalogs, which ship es and ar)."""
    from xblock_plchoice.core.i18n import is_rtl, translation_for

    return {"_": translation_for(locale).gettext, "lang": locale, "dir": "rtl" if is_rtl(locale) else "ltr",
            "locales": LOCALES}

DL_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/"


def state() -> PlatformState:
    return current_app.extensions["demo_platform"]


def base_url() -> str:
    return state().issuer


def conf_for(client) -> PlatformConf:
    return PlatformConf(state=state(), client=client, token_url=base_url() + "/token")


@bp.get("/")
def index():
    st = state()
    snap = st.snapshot()
    learners = [m for m in st.members.values() if not m.is_instructor]
    instructors = [m for m in st.members.values() if m.is_instructor]
    locale = lms_locale()
    response = make_response(render_template(
        "index.html", snap=snap, learners=learners, instructors=instructors, members=st.members,
        lineitems={i["id"]: i for i in snap["lineitems"]}, **page_vars(locale)))
    if request.args.get("lang") in LOCALES:
        response.set_cookie(LOCALE_COOKIE, locale, samesite="Lax")
    return response


@bp.get("/play")
def play():
    """A launch inside the LMS's own page: its header, a "back to course" link, the tool in an iframe."""
    st = state()
    link = st.links.get(request.args.get("link", ""))
    member = st.members.get(request.args.get("user", ""))
    if link is None or member is None or st.client(request.args.get("client_id")) is None:
        abort(400, "Unknown resource link, user or tool client.")
    locale = lms_locale()
    src = url_for("launches.start_launch", kind="link", link=link["id"], user=member.user_id,
                  client_id=request.args["client_id"], locale=locale)
    return render_template("play.html", link=link, member=member, src=src, snap=st.snapshot(), **page_vars(locale))


@bp.route("/launch", methods=["GET", "POST"])
def start_launch():
    """Step 1: send the browser to the tool's login URL with an opaque message hint."""
    st = state()
    user_id = request.values.get("user", "")
    kind = request.values.get("kind", "link")
    client = st.client(request.values.get("client_id"))
    member = st.members.get(user_id)
    if client is None or member is None or kind not in ("link", "deep_link"):
        abort(400, "Unknown tool client, user or launch kind.")
    link = st.links.get(request.values.get("link", "")) if kind == "link" else None
    if kind == "link" and link is None:
        abort(400, "Unknown resource link.")
    hint = secrets.token_urlsafe(16)
    with st.lock:
        st.hints[hint] = {"kind": kind, "link": link["id"] if link else None, "user": user_id,
                          "client_id": client.client_id, "placement": request.values.get("placement"),
                          "locale": lms_locale(), "expires": time.time() + 600}
    login = OIDCLogin(FlaskRequest(request), conf_for(client))
    login.set_lti_message_hint(hint=hint)
    login.set_launch_url(link["url"] if link and link.get("url") else client.launch_url)
    return login.initiate_login(user_id)


def _check_auth_request(client, params: dict[str, str]) -> None:
    """The OIDC authentication request rules of the IMS Security Framework, 5.1.1.2."""
    problems = []
    if params.get("scope") != "openid":
        problems.append("scope must be openid")
    if params.get("response_type") != "id_token":
        problems.append("response_type must be id_token")
    if params.get("response_mode") != "form_post":
        problems.append("response_mode must be form_post")
    if params.get("prompt") != "none":
        problems.append("prompt must be none")
    if params.get("redirect_uri") not in client.redirect_uris:
        problems.append("redirect_uri is not registered")
    if not params.get("nonce") or not params.get("state"):
        problems.append("nonce and state are required")
    if problems:
        abort(400, "; ".join(problems))


@bp.route("/auth", methods=["GET", "POST"])
def auth():
    """Step 2: the tool's authentication request; answer with the signed id_token form."""
    st = state()
    params = request.values.to_dict()
    client = st.client(params.get("client_id", ""))
    if client is None:
        abort(400, "Unknown client_id.")
    _check_auth_request(client, params)
    with st.lock:
        hint = st.hints.get(params.get("lti_message_hint", ""))
    if not hint or hint["expires"] < time.time() or hint["client_id"] != client.client_id:
        abort(400, "Unknown or expired lti_message_hint.")
    if hint["user"] != params.get("login_hint"):
        abort(400, "login_hint does not match the user who started the launch.")
    member = st.members[hint["user"]]
    link = st.links.get(hint["link"] or "")
    launch = MessageLaunch(FlaskRequest(request), conf_for(client))
    launch.set_user_data(member.user_id, shapes.roles_for(st.shape, member), full_name=member.name,
                         email_address=member.email)
    launch.set_launch_context_claim(st.context_id, ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"],
                                    st.context_title, "BIO101")
    launch.set_extra_claims(shapes.extra_claims(st.shape, member, st.issuer, hint.get("placement"),
                                                hint.get("locale", "en")))
    base = base_url()
    launch.set_nrps(shapes.memberships_url(st.shape, base, st.context_id))
    if hint["kind"] == "deep_link":
        launch.set_dl(base + "/deep_link_return", title="Add PL Choice activity", accept_types={"ltiResourceLink"},
                      extra_data=secrets.token_urlsafe(12))
        launch.set_custom_parameters_claim(shapes.custom_for(st.shape, member, {}))
        with st.lock:
            st.pending_dl[launch._deep_linking_launch_data[DL_CLAIM + "deep_linking_settings"]["data"]] = \
                client.client_id
    else:
        launch.set_resource_link_claim(link["id"], title=link["title"])
        launch.set_launch_url(link.get("url") or client.launch_url)
        launch.set_custom_parameters_claim(shapes.custom_for(st.shape, member, link["custom"]))
        lineitem = shapes.lineitem_url(st.shape, base, st.context_id, link["lineitem_id"]) \
            if link.get("lineitem_id") else None
        launch.set_ags(shapes.lineitems_url(st.shape, base, st.context_id), lineitem,
                       allow_creating_lineitems=True)
    return launch.lti_launch()


@bp.post("/deep_link_return")
def deep_link_return():
    """Step 3 of deep linking: verify the tool's signed response and create the links."""
    st = state()
    token = request.form.get("JWT", "")
    try:
        unverified = decode_unverified(token)
        client = st.client(str(unverified.get("iss", "")))
        if client is None:
            raise LtiException("The response is not signed by a registered client.")
        conf = conf_for(client)
        conf.get_registration()
        items = conf.validate_deeplinking_resp({"JWT": token})
        claims = conf._jwt["body"]
        _check_dl_claims(st, client, claims)
    except (LtiException, LtiDeepLinkingResponseException) as exc:
        abort(400, f"Deep-linking response rejected: {exc}")
    created = [st.add_link(client.client_id, item) for item in items if item.get("type") == "ltiResourceLink"]
    with st.lock:
        st.deep_link_log.append({"client_id": client.client_id, "items": items, "created": created,
                                 "msg": claims.get(DL_CLAIM + "msg")})
    return redirect(url_for("launches.index", created=",".join(link["id"] for link in created)))


def _check_dl_claims(st: PlatformState, client, claims: dict[str, Any]) -> None:
    aud = claims.get("aud")
    if (aud if isinstance(aud, str) else (aud or [None])[0]) != st.issuer:
        raise LtiException("aud must be the platform issuer")
    if claims.get("https://purl.imsglobal.org/spec/lti/claim/deployment_id") != client.deployment_id:
        raise LtiException("deployment_id does not match the registration")
    if not claims.get("nonce"):
        raise LtiException("nonce is required")
    data = claims.get(DL_CLAIM + "data")
    with st.lock:
        owner = st.pending_dl.pop(data, None) if data else None
    if owner != client.client_id:
        raise LtiException("data does not match a deep-linking request we sent")
    for item in claims.get(DL_CLAIM + "content_items", []):
        url = item.get("url")
        if url and urlsplit(url).netloc != urlsplit(client.launch_url).netloc:
            raise LtiException("a content item points outside the tool's domain")
