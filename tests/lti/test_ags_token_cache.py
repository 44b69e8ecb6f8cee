"""Service access tokens against the real token endpoint: cached until ``expires_in`` runs out, refetched
after; the client assertion is single-use (a replay is refused) and is never posted off the platform's
authorization server; score URLs keep their query string."""

from __future__ import annotations

import time

import pytest
import requests

from lti_tool.lti.ags import scores_url
from lti_tool.lti.keys import current_private_key
from lti_tool.lti.service_tokens import (
    CLIENT_ASSERTION_TYPE,
    NRPS_SCOPE,
    SCORE_SCOPE,
    ServiceTokenError,
    TokenCache,
    TokenTarget,
    client_assertion,
)

from .platform_fixtures import connect, platform_state


def signer_for(server):
    with server.sessions()() as session:
        key = current_private_key(session)
    return lambda: key


def test_token_is_reused_until_it_expires(lms, tool):
    platform, server = lms("generic"), tool()
    connect(platform, server)
    requests.post(platform.url + "/_config", json={"token_ttl": 2}, timeout=10)
    cache, target, signer = TokenCache(margin_seconds=0.5), TokenTarget(platform.url + "/token", "demo-client"), \
        signer_for(server)
    first = cache.get(target, [SCORE_SCOPE], signer)
    assert cache.get(target, [SCORE_SCOPE], signer) == first  # cached
    other = cache.get(target, [NRPS_SCOPE], signer)  # another scope set is another token
    assert cache.fetches == 2 and platform_state(platform)["token_fetches"] == 2 and other
    time.sleep(2.0)  # expires_in 2 s, minus the margin
    cache.get(target, [SCORE_SCOPE], signer)
    assert cache.fetches == 3


def test_assertion_replay_and_wrong_audience_are_refused(lms, tool):
    platform, server = lms("generic"), tool()
    connect(platform, server)
    target, signer = TokenTarget(platform.url + "/token", "demo-client"), signer_for(server)
    assertion = client_assertion(target, signer)
    form = {"grant_type": "client_credentials", "client_assertion_type": CLIENT_ASSERTION_TYPE,
            "client_assertion": assertion, "scope": SCORE_SCOPE}
    assert requests.post(target.token_url, data=form, timeout=10).status_code == 200
    assert requests.post(target.token_url, data=form, timeout=10).status_code == 400  # same jti again
    other_server = TokenTarget(platform.url + "/token", "demo-client", audience="https://elsewhere.example")
    fetches = platform_state(platform)["token_fetches"]
    with pytest.raises(ServiceTokenError) as refused:  # the token URL is not on the authorization server
        TokenCache().get(other_server, [SCORE_SCOPE], signer)
    assert not refused.value.retryable and platform_state(platform)["token_fetches"] == fetches


@pytest.mark.parametrize(("lineitem", "expected"), [
    ("https://lms.example/ags/c/lineitems/5", "https://lms.example/ags/c/lineitems/5/scores"),
    ("https://moodle.example/mod/lti/services.php/2/lineitems/5/lineitem?type_id=7",
     "https://moodle.example/mod/lti/services.php/2/lineitems/5/lineitem/scores?type_id=7"),
    ("https://canvas.example/api/lti/courses/1/line_items/9/", "https://canvas.example/api/lti/courses/1/line_items/9/scores"),
])
def test_scores_url_appends_to_the_path_and_keeps_the_query(lineitem, expected):
    assert scores_url(lineitem) == expected
