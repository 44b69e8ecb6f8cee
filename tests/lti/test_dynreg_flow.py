"""LTI Dynamic Registration against the platform's registration endpoint, over HTTP: Moodle-shaped
(``messages_supported`` as strings, deployment id returned) and Canvas-shaped (objects with
placements, no deployment id yet); Bearer token on both calls; the issuer check; the close message.
Each registration starts, as an administrator's does, from a ``plchoice-lti registration invite`` URL
(who may register at all is tested in tests/security/test_registration_trust.py)."""

from __future__ import annotations

import requests

from lti_tool.lti.registrations import list_registrations
from xblock_plchoice.core.activity import default_choice_definition

from .platform_fixtures import Browser, parse_form, platform_state

TOOL_CONFIG = "https://purl.imsglobal.org/spec/lti-tool-configuration"


def invite_url(server) -> str:
    """A fresh single-use registration URL, as the administrator gets it from the CLI."""
    return server.cli("registration", "invite").strip().splitlines()[-1]


def begin(platform, server) -> requests.Response:
    """The LMS opens the pasted invite URL with its two parameters appended."""
    grant = requests.post(platform.url + "/_registration_token", timeout=10).json()
    return requests.get(invite_url(server), params=grant, timeout=30)


def registrations(server) -> list[dict]:
    with server.sessions()() as session:
        return [{"issuer": r.issuer, "client_id": r.client_id, "token": r.auth_token_url,
                 "deployments": [d.deployment_id for d in r.deployments]} for r in list_registrations(session)]


def confirm(server, page: requests.Response) -> requests.Response:
    assert page.status_code == 200, page.text[:800]
    action, fields = parse_form(page.text)
    return requests.post(server.url + action, data=fields, timeout=30)


def test_moodle_registration_then_a_launch_works(lms, tool):
    platform, server = lms("moodle"), tool()
    page = begin(platform, server)
    assert "LtiDeepLinkingRequest" in page.text
    done = confirm(server, page)
    assert done.status_code == 200, done.text[:800]
    assert "org.imsglobal.lti.close" in done.text
    state = platform_state(platform)
    (client_id, client), = state["clients"].items()
    request = state["dynreg"][0]["request"]
    assert [m["type"] for m in request[TOOL_CONFIG]["messages"]] == ["LtiDeepLinkingRequest"]
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in request["scope"].split()
    assert request["initiate_login_uri"] == server.url + "/lti/login"
    assert registrations(server) == [{"issuer": platform.url, "client_id": client_id, "token": platform.url + "/token",
                                      "deployments": [client["deployment_id"]]}]
    # the registration is complete: an instructor can deep link through it right away
    link = Browser(platform, server, "instructor-1", client_id=client_id).deep_link(default_choice_definition())
    assert Browser(platform, server, "learner-1", client_id=client_id).launch("link", link=link["id"]).status_code \
        == 200


def test_canvas_registration_asks_for_its_placements(lms, tool):
    platform, server = lms("canvas"), tool()
    done = confirm(server, begin(platform, server))
    assert done.status_code == 200
    request = platform_state(platform)["dynreg"][0]["request"]
    config = request[TOOL_CONFIG]
    deep = [m for m in config["messages"] if m["type"] == "LtiDeepLinkingRequest"][0]
    assert deep["placements"] == ["assignment_selection", "link_selection"]
    assert config["https://canvas.instructure.com/lti/privacy_level"] == "public"
    (stored,) = registrations(server)
    assert stored["deployments"] == []  # Canvas makes the deployment later; the page says how to add it
    assert "plchoice-lti platform add" in done.text


def test_objects_and_strings_are_both_understood(lms, tool):
    platform, server = lms("generic"), tool()
    requests.post(platform.url + "/_config", json={"messages_style": "strings"}, timeout=10)
    assert confirm(server, begin(platform, server)).status_code == 200
    requests.post(platform.url + "/_config", json={"messages_style": "objects"}, timeout=10)
    assert confirm(server, begin(platform, server)).status_code == 200
    requests_made = [r["request"][TOOL_CONFIG]["messages"] for r in platform_state(platform)["dynreg"]]
    assert requests_made[0] == [{"type": "LtiDeepLinkingRequest", "target_link_uri": server.url + "/lti/launch",
                                 "label": "PL Choice"}]
    assert requests_made[1][0]["placements"] == ["ContentArea"]
    assert len(registrations(server)) == 2


def test_issuer_that_does_not_own_the_configuration_url_is_refused(lms, tool):
    platform, server = lms("moodle"), tool()
    requests.post(platform.url + "/_config", json={"advertised_issuer": "https://moodle.attacker.example"},
                  timeout=10)
    page = begin(platform, server)
    assert page.status_code == 400 and "issuer" in page.text
    assert registrations(server) == [] and platform_state(platform)["clients"] == {}


def test_missing_or_wrong_token_and_tampered_form(lms, tool):
    platform, server = lms("moodle"), tool()
    config_url = platform.url + "/mod/lti/openid-configuration.php"
    invite = invite_url(server)  # checked, not spent, by each of these refusals
    wrong = requests.get(invite, params={"openid_configuration": config_url, "registration_token": "forged"},
                         timeout=30)
    assert wrong.status_code == 502 and "401" in wrong.text
    missing = requests.get(invite, timeout=30)
    assert missing.status_code == 400 and "openid_configuration" in missing.text
    not_https = requests.get(invite, params={
        "openid_configuration": "http://lms.example.org/.well-known/openid-configuration"}, timeout=30)
    assert not_https.status_code == 400 and "https" in not_https.text
    page = begin(platform, server)
    action, fields = parse_form(page.text)
    tampered = requests.post(server.url + action, data={"registration": fields["registration"][:-4] + "AAAA"},
                             timeout=30)
    assert tampered.status_code == 400
    assert registrations(server) == [] and platform_state(platform)["clients"] == {}


def test_canvas_developer_key_json(tool):
    server = tool()
    config = requests.get(server.url + "/lti/canvas.json", timeout=10).json()
    assert config["oidc_initiation_url"] == server.url + "/lti/login"
    assert config["target_link_uri"] == server.url + "/lti/launch"
    assert config["public_jwk_url"] == server.url + "/lti/jwks"
    assert {"https://purl.imsglobal.org/spec/lti-ags/scope/score",
            "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
            "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"} <= set(config["scopes"])
    (extension,) = config["extensions"]
    assert extension["privacy_level"] == "public" and extension["platform"] == "canvas.instructure.com"
    placements = {p["placement"]: p for p in extension["settings"]["placements"]}
    assert set(placements) == {"assignment_selection", "link_selection"}
    assert all(p["message_type"] == "LtiDeepLinkingRequest" for p in placements.values())
    # what Canvas will call must really answer: the JWKS the key points to
    assert requests.get(config["public_jwk_url"], timeout=10).json()["keys"]


def test_platform_without_deep_linking_is_told_why(lms, tool):
    platform, server = lms("generic"), tool()
    requests.post(platform.url + "/_config", json={"messages_style": "no_deep_linking"}, timeout=10)
    page = begin(platform, server)
    assert page.status_code == 400 and "Deep Linking" in page.text
    assert registrations(server) == [] and platform_state(platform)["clients"] == {}


def test_allow_list_refuses_other_platforms_and_stores_nothing(lms, tool):
    from lti_tool.lti.dynamic_registration import host_allowed

    assert host_allowed("https://moodle.example.edu", "")
    assert host_allowed("https://moodle.example.edu", ".example.edu, lms.other.org")
    assert not host_allowed("https://moodle.example.edu.evil.org", ".example.edu")
    assert not host_allowed("https://evil.org", "moodle.example.edu")
    platform = lms("moodle")
    server = tool(PLCHOICE_REGISTRATION_ALLOWED_HOSTS="lms.example.edu")
    page = begin(platform, server)
    assert page.status_code == 403 and "PLCHOICE_REGISTRATION_ALLOWED_HOSTS" in page.text
    assert registrations(server) == [] and platform_state(platform)["clients"] == {}
    allowed = tool(PLCHOICE_REGISTRATION_ALLOWED_HOSTS="127.0.0.1")
    assert confirm(allowed, begin(platform, allowed)).status_code == 200
    assert len(registrations(allowed)) == 1
