"""Who the launch trusts, and in what order: state and nonce before any key fetch, a rate-limited kid
refetch, platform storage only for logins that asked for it, and activities only of the same registration.

Every attack runs over Flask's real test client against a real app (SQLite) with real RS256 keys and a
loopback JWKS server that counts fetches; the cross-registration attack also runs over real HTTP with two
demo platforms and the tool in its own process.
"""

from __future__ import annotations

import secrets

from sqlalchemy import func, select

from lti_tool.db.models import Activity, ResourceLinkActivity
from tests.lti.conftest import launch_rows
from tests.lti.helpers.keys import shared_key
from tests.lti.helpers.platform import TestPlatform
from tests.lti.helpers.tokens import sign
from tests.lti.platform_fixtures import Browser, connect, dl_fields
from tests.lti.test_launch_platform_storage import CookielessClient
from xblock_plchoice.core.activity import default_choice_definition

from .launch_helpers import assert_refused_and_nothing_stored, deep_link_overrides, error_code

REFUSED_ACTIVITY = ("activity_not_configured", "activity_of_another_registration")


# --- 1. state and nonce before the signature ------------------------------------------------------------
def test_forged_stateless_post_never_fetches_keys(app, platform, jwks_server):
    attacker = shared_key("attacker")
    forged = [sign(platform.claims("made-up-nonce"), attacker),                      # an unknown kid
              sign(platform.claims("made-up-nonce"), attacker, kid=platform.key.kid)]  # our kid, wrong key
    before = launch_rows(app)
    for token in forged:
        response = platform.post_launch(app.test_client(), token, "state-" + secrets.token_urlsafe(12))
        assert_refused_and_nothing_stored(app, response, before, codes=("unknown_state",))
    assert jwks_server.requests == 0


def test_replayed_id_token_never_fetches_keys(make_app, app, platform, jwks_server):
    client = app.test_client()
    response, login, token = platform.launch(client)
    assert response.status_code == 200
    assert jwks_server.requests == 1
    # A second worker (same database, cold key cache) gets the replay.
    worker = make_app()
    before = launch_rows(worker)
    replay = platform.post_launch(worker.test_client(), token, login.state)
    assert_refused_and_nothing_stored(worker, replay, before, codes=("replayed_token",))
    # An attacker with a live login (state and cookie) of their own gets no further with the old token.
    attacker = worker.test_client()
    own = platform.login(attacker)
    replay = platform.post_launch(attacker, token, own.state)
    assert_refused_and_nothing_stored(worker, replay, before, codes=("replayed_token",))
    assert jwks_server.requests == 1


# --- 2. unknown kids refetch at most once per platform per minute -------------------------------------------
def test_twenty_unknown_kids_refetch_at_most_once(app, platform, jwks_server):
    assert platform.launch(app.test_client())[0].status_code == 200
    assert jwks_server.requests == 1
    attacker = shared_key("attacker")
    before = launch_rows(app)
    for number in range(20):
        client = app.test_client()
        login = platform.login(client)
        token = sign(platform.claims(login.nonce), attacker, kid=f"forged-{number}")
        response = platform.post_launch(client, token, login.state)
        assert_refused_and_nothing_stored(app, response, before, codes=("unknown_kid",))
    assert jwks_server.requests <= 2  # the first fetch + at most one refetch


# --- 3. platform storage proves the state only for a login that announced it ------------------------------
def test_platform_storage_proof_without_announced_target_is_refused(app, platform):
    client = CookielessClient(app)
    login = platform.login(client)  # a plain login: no lti_storage_target, a 302 with a cookie
    assert login.response.status_code == 302
    before = launch_rows(app)
    response = client.post("/lti/launch", data={
        "id_token": platform.token(login.nonce), "state": login.state, "lti_storage_target": "_parent",
        "platform_state": login.state, "platform_nonce": login.nonce})
    assert_refused_and_nothing_stored(app, response, before, codes=("state_not_bound",))
    assert response.status_code == 403


# --- 4. a custom activity_id opens only an activity of the same registration ----------------------------
def deep_link_activity(app, dl_platform: TestPlatform, **claims) -> str:
    """An instructor of ``dl_platform`` makes an activity through deep linking (the real pages)."""
    client = app.test_client()
    login = dl_platform.login(client)
    page = dl_platform.post_launch(client, dl_platform.token(login.nonce, **deep_link_overrides(**claims)),
                                   login.state)
    assert page.status_code == 200, page.get_data(as_text=True)[:800]
    fields = dl_fields(page.get_data(as_text=True))
    made = client.post("/lti/deep-link/create", json={"definition": default_choice_definition()},
                       headers={"X-PLChoice-Launch": fields["launch_id"], "X-PLChoice-CSRF": fields["csrf_token"],
                                "Accept": "application/json"})
    assert made.status_code == 200, made.get_data(as_text=True)[:800]
    return made.json["activity_id"]


def other_customer(app, platform: TestPlatform, jwks_server) -> TestPlatform:
    """Another registration of the same issuer (as every Canvas customer shares one issuer)."""
    other = TestPlatform(jwks=jwks_server, key=platform.key, issuer=platform.issuer, client_id="client-2",
                         deployment_id="dep-2")
    other.register(app)
    return other


def test_custom_activity_id_of_another_registration_is_refused(app, platform, jwks_server):
    other = other_customer(app, platform, jwks_server)
    theirs = deep_link_activity(app, other)  # same issuer, same context id "course-1": same course_key
    before = launch_rows(app)
    client = app.test_client()
    login = platform.login(client)
    response = platform.post_launch(client, platform.token(login.nonce, activity_id=theirs,
                                                           resource_link_id="rl-steal"), login.state)
    assert_refused_and_nothing_stored(app, response, before, codes=REFUSED_ACTIVITY)
    # their own launch of it works
    client = app.test_client()
    login = other.login(client)
    mine = other.post_launch(client, other.token(login.nonce, activity_id=theirs), login.state)
    assert mine.status_code == 200, mine.get_data(as_text=True)[:800]


def test_activity_made_before_the_owner_column_opens_only_in_its_course(app, platform):
    """``act-1`` is a row without an owning registration (as rows made before migration 0004)."""
    before = launch_rows(app)
    client = app.test_client()
    login = platform.login(client)
    response = platform.post_launch(client, platform.token(login.nonce, context_id="course-2",
                                                           resource_link_id="rl-2"), login.state)
    assert_refused_and_nothing_stored(app, response, before, codes=REFUSED_ACTIVITY)
    assert platform.launch(app.test_client())[0].status_code == 200  # its own course still opens it


def test_deep_link_reuse_offers_and_accepts_only_this_registrations_activities(app, platform, jwks_server):
    other = other_customer(app, platform, jwks_server)
    theirs = deep_link_activity(app, other)
    mine = deep_link_activity(app, platform)
    client = app.test_client()
    login = platform.login(client)
    page = platform.post_launch(client, platform.token(login.nonce, **deep_link_overrides()), login.state)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and mine in html
    assert theirs not in html
    fields = dl_fields(html)
    tool = app.extensions["plchoice"]
    with tool.sessions() as session:
        count = session.scalar(select(func.count()).select_from(Activity))
    reuse = client.post("/lti/deep-link/reuse", data={**fields, "activity_id": theirs})
    assert reuse.status_code == 404 and error_code(reuse) == "deep_linking_unknown_activity"
    with tool.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Activity)) == count


def test_custom_activity_id_across_two_real_platforms(lms, tool):
    """Over HTTP: platform B's teacher makes an activity; a link on platform A naming it is refused."""
    platform_a, platform_b, server = lms("generic"), lms("generic"), tool()
    connect(platform_a, server, client_id="client-a")
    connect(platform_b, server, client_id="client-b")
    theirs = Browser(platform_b, server, "instructor-1", client_id="client-b").deep_link(default_choice_definition())
    link = platform_a.state.add_link("client-a", {"type": "ltiResourceLink", "title": "Borrowed",
                                                  "url": server.url + "/lti/launch",
                                                  "custom": {"activity_id": theirs["activity_id"]}})
    with server.sessions()() as session:
        links_before = session.scalar(select(func.count()).select_from(ResourceLinkActivity))
    page = Browser(platform_a, server, "learner-1", client_id="client-a").launch("link", link=link["id"])
    assert 400 <= page.status_code < 500, page.text[:800]
    assert any(f'data-error-code="{code}"' in page.text for code in REFUSED_ACTIVITY), page.text[:800]
    with server.sessions()() as session:
        assert session.scalar(select(func.count()).select_from(ResourceLinkActivity)) == links_before
    # B's own learners open it
    own = Browser(platform_b, server, "learner-1", client_id="client-b").launch("link", link=theirs["id"])
    assert own.status_code == 200, own.text[:800]
