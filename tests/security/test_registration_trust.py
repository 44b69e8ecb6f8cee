"""Who may register a platform with the tool (issue 7, item 1).

Dynamic registration needs a single-use invite that an administrator makes with
``plchoice-lti registration invite``; without one the tool refuses before it sends a single request
to the "platform" named in the URL. A client id belongs to one issuer: a rogue platform that reuses
a real platform's client id under its own issuer is refused by dynamic registration and by
``plchoice-lti platform add``, and nothing is stored. Everything runs over real HTTP: the tool in its
own process, the real demo platform, and rogue platforms as small HTTP servers on loopback.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from lti_tool.lti.registrations import list_registrations
from tests.lti.platform_fixtures import ROOT, ToolServer, parse_form, platform_state

TOOL_CONFIG = "https://purl.imsglobal.org/spec/lti-tool-configuration"


class RoguePlatform:
    """A platform an attacker runs: its own issuer, an OpenID configuration that passes every check, and a
    registration endpoint that answers with whatever client id the attacker wants. Counts every request.
    With ``gate`` (a barrier), each registration POST waits for the others, and each gets its own client id."""

    def __init__(self, client_id: str = "rogue-client", gate: threading.Barrier | None = None) -> None:
        self.client_id, self.gate = client_id, gate
        self.requests: list[str] = []
        rogue = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args) -> None:
                """Quiet: the test reads ``requests`` instead."""

            def _answer(self, body: dict) -> None:
                raw = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                rogue.requests.append("GET " + self.path)
                self._answer(rogue.configuration())

            def do_POST(self) -> None:  # noqa: N802
                rogue.requests.append("POST " + self.path)
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                client_id = rogue.client_id
                if rogue.gate is not None:
                    client_id += f"-{rogue.gate.wait(timeout=30)}"
                self._answer({"client_id": client_id, TOOL_CONFIG: {"deployment_id": "rogue-deployment"}})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def configuration(self) -> dict:
        return {"issuer": self.url, "authorization_endpoint": self.url + "/auth", "token_endpoint": self.url + "/token",
                "jwks_uri": self.url + "/jwks", "registration_endpoint": self.url + "/register",
                "https://purl.imsglobal.org/spec/lti-platform-configuration": {
                    "product_family_code": "moodle", "version": "4.3",
                    "messages_supported": ["LtiResourceLinkRequest", "LtiDeepLinkingRequest"]}}

    @property
    def config_url(self) -> str:
        return self.url + "/.well-known/openid-configuration"

    def __enter__(self) -> RoguePlatform:
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


def run_cli(server: ToolServer, *args: str) -> subprocess.CompletedProcess:
    """``plchoice-lti`` as the administrator runs it, whatever its exit code."""
    return subprocess.run([sys.executable, "-m", "lti_tool.cli", *args], env=server.env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def new_invite(server: ToolServer, *args: str) -> str:
    """The registration URL: the last line ``plchoice-lti registration invite`` prints."""
    done = run_cli(server, "registration", "invite", *args)
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout.strip().splitlines()[-1]


def stored(server: ToolServer) -> list[tuple[str, str, list[str]]]:
    with server.sessions()() as session:
        return [(r.issuer, r.client_id, [d.deployment_id for d in r.deployments]) for r in list_registrations(session)]


def invite_rows(server: ToolServer) -> list[dict]:
    done = run_cli(server, "registration", "list-invites", "--json")
    assert done.returncode == 0, done.stderr + done.stdout
    return json.loads(done.stdout)


def open_from_lms(platform, url: str) -> requests.Response:
    """What Moodle and Canvas do with the pasted URL: append their two parameters to it and open it."""
    grant = requests.post(platform.url + "/_registration_token", timeout=10).json()
    return requests.get(url, params=grant, timeout=30)


def confirm(server: ToolServer, page: requests.Response) -> requests.Response:
    assert page.status_code == 200, page.text[:800]
    action, fields = parse_form(page.text)
    return requests.post(server.url + action, data=fields, timeout=30)


def assert_refused_for_invite(page: requests.Response, code: str) -> None:
    assert 400 <= page.status_code < 500, (page.status_code, page.text[:600])
    assert f'data-error-code="{code}"' in page.text, page.text[:800]
    assert "plchoice-lti registration invite" in page.text


# --- 1. no invite -------------------------------------------------------------------------------------
def test_register_without_invite_is_refused_before_any_outbound_request(tool):
    server = tool()
    with RoguePlatform() as rogue:
        page = requests.get(server.url + "/lti/register", params={"openid_configuration": rogue.config_url,
                                                                  "registration_token": "x"}, timeout=30)
        assert_refused_for_invite(page, "registration_invite_required")
        assert "administrator" in page.text
        bare = requests.get(server.url + "/lti/register", timeout=30)
        assert_refused_for_invite(bare, "registration_invite_required")
        arabic = requests.get(server.url + "/lti/register", headers={"Accept-Language": "ar"}, timeout=30)
        assert_refused_for_invite(arabic, "registration_invite_required")
        assert 'dir="rtl"' in arabic.text and "دعوة" in arabic.text  # the tool's own translated error page
        # a confirm form cannot be posted without one either
        posted = requests.post(server.url + "/lti/register", data={"registration": "x"}, timeout=30)
        assert 400 <= posted.status_code < 500
        assert rogue.requests == []
    assert stored(server) == []


# --- 2. bogus, expired, spent -------------------------------------------------------------------------
def test_bogus_expired_and_spent_invites_are_refused_without_outbound_request(lms, tool):
    server, platform = tool(), lms("moodle")
    good = new_invite(server)
    assert confirm(server, open_from_lms(platform, good)).status_code == 200  # spends it
    short = new_invite(server, "--expires-in", "1")
    time.sleep(1.5)  # let the one-second invite lapse (not a speed assertion)
    base = server.url + "/lti/register?invite="
    with RoguePlatform() as rogue:
        params = {"openid_configuration": rogue.config_url, "registration_token": "x"}
        for url, code in ((base + "not-an-invite", "registration_invite_unknown"),
                          (good.replace("invite=", "invite=A"), "registration_invite_unknown"),
                          (short, "registration_invite_expired"),
                          (good, "registration_invite_spent")):
            assert_refused_for_invite(requests.get(url, params=params, timeout=30), code)
        assert rogue.requests == []
    assert len(stored(server)) == 1


# --- 3. the platforms' real shapes, single use ----------------------------------------------------------
@pytest.mark.parametrize("shape", ["moodle", "canvas"])
def test_invite_url_with_the_platforms_parameters_registers_once(lms, tool, shape):
    server, platform = tool(), lms(shape)
    url = new_invite(server)
    assert url.startswith(server.url + "/lti/register?")
    page = open_from_lms(platform, url)  # the invite plus openid_configuration and registration_token
    assert page.status_code == 200, page.text[:800]
    done = confirm(server, page)
    assert done.status_code == 200, done.text[:800]
    assert "org.imsglobal.lti.close" in done.text
    (client_id, client), = platform_state(platform)["clients"].items()
    expected_deployments = [] if shape == "canvas" else [client["deployment_id"]]
    assert stored(server) == [(platform.url, client_id, expected_deployments)]
    (row,) = invite_rows(server)
    assert row["status"] == "spent" and row["issuer"] == platform.url and row["client_id"] == client_id

    # the same URL again, as a second admin (or an attacker who saw it) would: refused, nothing sent
    requests_before = len(platform_state(platform)["dynreg"])
    again = open_from_lms(platform, url)
    assert_refused_for_invite(again, "registration_invite_spent")
    # and the first confirm form, replayed, is refused before it reaches the platform
    replay = confirm(server, page)
    assert_refused_for_invite(replay, "registration_invite_spent")
    assert len(platform_state(platform)["dynreg"]) == requests_before
    assert len(stored(server)) == 1


def test_platform_refusal_leaves_the_invite_unspent(lms, tool):
    server, platform = tool(), lms("moodle")
    url = new_invite(server)
    page = open_from_lms(platform, url)
    action, fields = parse_form(page.text)
    # the registration token is single use on the platform: spend it, so the platform refuses our POST
    token = parse_qs(urlsplit(page.url).query)["registration_token"][0]
    requests.post(platform.url + "/dynreg/register", headers={"Authorization": f"Bearer {token}"},
                  json={"bad": True}, timeout=10)
    refused = requests.post(server.url + action, data=fields, timeout=30)
    assert refused.status_code == 502, refused.text[:600]
    assert stored(server) == [] and invite_rows(server)[0]["status"] == "open"
    assert confirm(server, open_from_lms(platform, url)).status_code == 200  # the invite still works


# --- 4. the attack chain: a rogue platform reusing a real client id --------------------------------------
def test_rogue_platform_reusing_a_real_client_id_is_refused_everywhere(lms, tool):
    server, platform = tool(), lms("moodle")
    assert confirm(server, open_from_lms(platform, new_invite(server))).status_code == 200
    real = stored(server)
    ((issuer, real_client_id, _),) = real

    with RoguePlatform(client_id=real_client_id) as rogue:
        invite = new_invite(server)  # even an administrator's invite does not let it through
        page = requests.get(invite, params={"openid_configuration": rogue.config_url, "registration_token": "t"},
                            timeout=30)
        refused = confirm(server, page)
        assert refused.status_code == 409, refused.text[:600]
        assert 'data-error-code="registration_client_taken"' in refused.text
        assert real_client_id in refused.text and issuer in refused.text
        assert any(r.startswith("POST") for r in rogue.requests)  # it really got that far
        assert stored(server) == real
        assert [r["status"] for r in invite_rows(server)] == ["spent", "open"]  # the rogue's was not spent

        by_hand = run_cli(server, "platform", "add", "--issuer", rogue.url, "--client-id", real_client_id,
                          "--auth-login-url", rogue.url + "/auth", "--auth-token-url", rogue.url + "/token",
                          "--key-set-url", rogue.url + "/jwks", "--deployment-id", "rogue-deployment")
        assert by_hand.returncode == 2, by_hand.stdout + by_hand.stderr
        assert real_client_id in by_hand.stderr and issuer in by_hand.stderr
        assert "platform remove" in by_hand.stderr
    assert stored(server) == real

    # Canvas: one issuer, many client ids, still fine; and the real platform may add a deployment
    server.cli("platform", "add", "--issuer", issuer, "--client-id", "second-client", "--auth-login-url",
               issuer + "/auth", "--auth-token-url", issuer + "/token", "--key-set-url", issuer + "/jwks")
    assert sorted(r[1] for r in stored(server)) == sorted([real_client_id, "second-client"])
    # Instructure's beta and test copies keep production's developer keys: one platform, three issuers
    for canvas in ("https://canvas.instructure.com", "https://canvas.beta.instructure.com"):
        server.cli("platform", "add", "--issuer", canvas, "--client-id", "10000000000001", "--auth-login-url",
                   canvas + "/auth", "--auth-token-url", canvas + "/token", "--key-set-url", canvas + "/jwks")
    assert [r[0] for r in stored(server) if r[1] == "10000000000001"] == [
        "https://canvas.beta.instructure.com", "https://canvas.instructure.com"]


# --- 5. two finishes racing on one invite ---------------------------------------------------------------
def test_two_concurrent_finishes_on_one_invite_register_once(lms, tool):
    server, platform = tool(), lms("moodle")
    url = new_invite(server)
    # two confirm pages for the same invite (each with its own registration token from the platform)
    pages = [open_from_lms(platform, url) for _ in range(2)]
    forms = [parse_form(page.text) for page in pages]
    barrier = threading.Barrier(2)
    answers: list[requests.Response] = []

    def finish(action: str, fields: dict) -> None:
        barrier.wait(timeout=30)
        answers.append(requests.post(server.url + action, data=fields, timeout=60))

    threads = [threading.Thread(target=finish, args=form) for form in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert sorted(a.status_code for a in answers) == [200, 403], [a.text[:300] for a in answers]
    loser = next(a for a in answers if a.status_code == 403)
    assert 'data-error-code="registration_invite_spent"' in loser.text
    assert len(stored(server)) == 1
    assert [r["status"] for r in invite_rows(server)] == ["spent"]


def test_two_finishes_that_both_reached_the_platform_store_one_registration(tool):
    """Deterministic version of the race: the platform holds both registration POSTs until both arrived, so
    both finishes are past every read-only check and only the atomic spend can tell them apart."""
    server = tool()
    url = new_invite(server)
    with RoguePlatform(client_id="racer", gate=threading.Barrier(2)) as platform:
        params = {"openid_configuration": platform.config_url, "registration_token": "t"}
        forms = [parse_form(requests.get(url, params=params, timeout=30).text) for _ in range(2)]
        answers: list[requests.Response] = []
        threads = [threading.Thread(target=lambda a, f: answers.append(
            requests.post(server.url + a, data=f, timeout=60)), args=form) for form in forms]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=90)
        assert [r for r in platform.requests if r.startswith("POST")] == ["POST /register"] * 2
    assert sorted(a.status_code for a in answers) == [200, 403], [a.text[:300] for a in answers]
    assert 'data-error-code="registration_invite_spent"' in next(a for a in answers if a.status_code == 403).text
    ((issuer, client_id, deployments),) = stored(server)
    assert issuer == platform.url and client_id.startswith("racer-") and deployments == ["rogue-deployment"]
    (row,) = invite_rows(server)
    assert row["status"] == "spent" and row["client_id"] == client_id


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_spending_is_atomic_under_a_thread_race(request, tmp_path, backend):
    """Eight sessions spend one invite at once; the conditional UPDATE lets exactly one win."""
    from lti_tool.db import migrate
    from lti_tool.db.session import make_engine, make_sessionmaker, session_scope
    from lti_tool.lti import invites

    url = request.getfixturevalue("postgres_url") if backend == "postgresql" else \
        f"sqlite:///{tmp_path / 'race.sqlite3'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    sessions = make_sessionmaker(engine)
    with session_scope(sessions) as session:
        made = invites.create_invite(session, "http://tool.example", timedelta(minutes=5))
    barrier = threading.Barrier(8)
    outcomes: list[str] = []

    def spend(n: int) -> None:
        barrier.wait(timeout=30)
        try:
            with session_scope(sessions) as session:
                invites.spend_invite(session, made.secret, issuer="https://lms.example", client_id=f"c{n}")
            outcomes.append("won")
        except invites.InviteSpent:
            outcomes.append("spent")

    threads = [threading.Thread(target=spend, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["spent"] * 7 + ["won"]
    with session_scope(sessions) as session:
        (row,) = invites.list_invites(session)
        assert row.spent_at is not None and row.client_id.startswith("c")
        assert row.secret_hash != made.secret and made.secret not in row.secret_hash  # only a hash is stored
    engine.dispose()


# --- 6. the CLI -------------------------------------------------------------------------------------------
def test_invite_cli_prints_the_url_last_with_a_seven_day_default(tool):
    server = tool()
    done = run_cli(server, "registration", "invite")
    assert done.returncode == 0, done.stderr
    url = done.stdout.strip().splitlines()[-1]
    assert url.startswith(server.url + "/lti/register?invite=")
    (row,) = invite_rows(server)
    from datetime import datetime

    lifetime = datetime.fromisoformat(row["expires_at"]) - datetime.fromisoformat(row["created_at"])
    assert abs(lifetime - timedelta(days=7)) < timedelta(seconds=5)
    assert row["status"] == "open"
    assert "invite=" not in json.dumps(row) and url.split("invite=")[1] not in json.dumps(row)

    minute = new_invite(server, "--expires-in", "60")
    assert minute != url
    short = invite_rows(server)[-1]
    lifetime = datetime.fromisoformat(short["expires_at"]) - datetime.fromisoformat(short["created_at"])
    assert abs(lifetime - timedelta(seconds=60)) < timedelta(seconds=5)

    for bad in ("0", "-5", "abc", "1.5", str(31 * 86400)):
        refused = run_cli(server, "registration", "invite", "--expires-in", bad)
        assert refused.returncode == 2, (bad, refused.stdout, refused.stderr)
        assert "--expires-in" in refused.stderr and "30 days" in refused.stderr, refused.stderr
        assert "Traceback" not in refused.stderr
    assert len(invite_rows(server)) == 2  # the refused ones made nothing


def test_revoked_invite_is_refused(tool):
    server = tool()
    url = new_invite(server)
    (row,) = invite_rows(server)
    done = run_cli(server, "registration", "revoke", str(row["id"]))
    assert done.returncode == 0, done.stderr
    assert invite_rows(server)[0]["status"] == "revoked"
    with RoguePlatform() as rogue:
        page = requests.get(url, params={"openid_configuration": rogue.config_url, "registration_token": "x"},
                            timeout=30)
        assert_refused_for_invite(page, "registration_invite_revoked")
        assert rogue.requests == []
    assert run_cli(server, "registration", "revoke", "999").returncode == 1
