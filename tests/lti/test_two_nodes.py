"""Two tool processes stand in for two machines behind a load balancer: each has its own data dir, and they
share PostgreSQL, Redis and the S3 bucket. Nothing that matters may live in one process.

Both nodes are configured with the same public ``PLCHOICE_BASE_URL`` (node A's URL, the "load balancer"), which
is what the platform has registered; the test then sends each request straight to one node's own port, as a
balancer would. One browser (``requests.Session``) keeps its cookies across both: cookies are per host, not per
port, in browsers and in ``requests`` alike.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import jwt
import pytest
import redis
import requests
from sqlalchemy import func, select

from demo_platform import PlatformServer
from lti_tool.db.models import ResourceLinkActivity
from lti_tool.db.outbox_models import DELIVERED, GradeOutbox
from lti_tool.lti import keys
from xblock_plchoice.core.activity import default_choice_definition

from .helpers.s3 import MIB, Bucket, media_payload, upload
from .platform_fixtures import Browser, ToolServer, connect, launch_config, parse_form, platform_state
from .test_ags_scores import scores_at_least

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.s3]


class Cluster:
    """Node A and node B, one database, one Redis, one bucket, one platform registered with "the" tool URL."""

    def __init__(self, node_a: ToolServer, node_b: ToolServer, platform: PlatformServer, bucket: Bucket) -> None:
        self.a, self.b, self.platform, self.bucket = node_a, node_b, platform, bucket
        self.public_url = node_a.url

    def on(self, node: ToolServer, url: str) -> str:
        """``url`` (built from the public base URL) sent to ``node``'s own port instead."""
        assert url.startswith(self.public_url + "/"), url
        return node.url + url[len(self.public_url):]


class NodeBrowser(Browser):
    """A browser whose requests the load balancer sends to whichever node the test names."""

    def __init__(self, cluster: Cluster, user: str, client_id: str = "demo-client",
                 platform: PlatformServer | None = None) -> None:
        super().__init__(platform or cluster.platform, cluster.a, user, client_id)
        self.cluster = cluster

    def id_token_form(self, kind: str = "link", link: str | None = None,
                      placement: str | None = None) -> dict[str, str]:
        """The platform's launch: its login request goes to node A, which redirects to the platform's /auth,
        which answers with the self-posting id_token form; that form's fields, not yet posted."""
        data = {"user": self.user, "kind": kind, "client_id": self.client_id,
                **({"link": link} if link else {}), **({"placement": placement} if placement else {})}
        at_platform = self.http.post(self.lms.url + "/launch", data=data, timeout=30)
        assert at_platform.status_code == 200, self.diagnose(at_platform)
        hops = [urlsplit(r.url) for r in at_platform.history]
        assert any(h.port == self.cluster.a.port and h.path == "/lti/login" for h in hops), at_platform.history
        action, fields = parse_form(at_platform.text, "lti")
        assert action.startswith(self.cluster.public_url + "/"), action
        return fields

    def launch_on(self, node: ToolServer, kind: str = "link", link: str | None = None,
                  placement: str | None = None) -> requests.Response:
        """Log in through node A, then post the id_token to ``node``'s launch URL."""
        fields = self.id_token_form(kind, link, placement)
        return self.http.post(node.url + "/lti/launch", data=fields, timeout=30)

    def api_on(self, node: ToolServer, page_html: str, command: str, payload: dict | None = None) -> requests.Response:
        transport = launch_config(page_html)["transport"]
        headers = {transport["launchHeader"]: transport["launchId"], transport["csrfHeader"]: transport["csrfToken"]}
        url = self.cluster.on(node, f"{transport['apiBase']}/{command}")
        return self.http.post(url, json=payload or {}, headers=headers, timeout=30)


@pytest.fixture(scope="module")
def cluster(postgres_server, s3_server, tmp_path_factory):
    from .helpers.servers import Redis

    if not Redis.available():
        pytest.skip("redis-server is not installed")
    redis = Redis().start()
    bucket = Bucket(s3_server.url)
    root = tmp_path_factory.mktemp("two-nodes")
    shared = {"PLCHOICE_DATABASE_URL": postgres_server.create_database(f"t_{secrets.token_hex(6)}"),
              "PLCHOICE_REDIS_URL": redis.url, **bucket.env}
    node_a = ToolServer(root / "node-a", shared)
    node_b = ToolServer(root / "node-b", {**shared, "PLCHOICE_BASE_URL": node_a.url})
    platform = PlatformServer("generic").start()
    enrol(platform, [f"learner-{n}" for n in range(4, 11)])
    started: list[ToolServer] = []
    try:
        for node in (node_a, node_b):
            node.data_dir.mkdir(parents=True, exist_ok=True)
            node.cli("init")
            started.append(node.start())
        connect(platform, node_a)  # the platform knows one tool URL: the balancer's
        yield Cluster(node_a, node_b, platform, bucket)
    finally:
        for node in started:
            node.stop()
        platform.stop()
        redis.stop()


@pytest.fixture(scope="module")
def activity(cluster) -> dict:
    """An activity made by the instructor's deep link, answered on node B."""
    teacher = NodeBrowser(cluster, "instructor-1")
    page = teacher.launch_on(cluster.b, "deep_link", placement="assignment_selection")
    assert page.status_code == 200, teacher.diagnose(page)
    return deep_link_on(teacher, page.text, cluster.b)


def enrol(platform: PlatformServer, users: list[str]) -> None:
    """More learners in the platform's course than its default three, for the grades the outbox sends."""
    from demo_platform.state import INSTITUTION_ROLE, ROLE, Member

    with platform.state.lock:
        for user in users:
            platform.state.members[user] = Member(user, user.title(), [ROLE + "Learner", INSTITUTION_ROLE + "Student"],
                                                  f"{user}@example.edu")


def deep_link_on(teacher: NodeBrowser, page_html: str, node: ToolServer) -> dict:
    """Create the default activity from the deep-linking page, on ``node``; the platform's new link and the JWT."""
    from .platform_fixtures import dl_fields

    fields = dl_fields(page_html)
    headers = {"X-PLChoice-Launch": fields["launch_id"], "X-PLChoice-CSRF": fields["csrf_token"],
               "Accept": "application/json"}
    answer = teacher.http.post(node.url + "/lti/deep-link/create", json={"definition": default_choice_definition()},
                               headers=headers, timeout=30)
    assert answer.status_code == 200, answer.text[:800]
    body = answer.json()
    back = teacher.http.post(body["return_url"], data={"JWT": body["jwt"]}, timeout=30)
    assert back.status_code == 200, back.text[:800]
    return {**platform_state(teacher.lms)["links"][-1], "jwt": body["jwt"]}


def test_cookies_cross_ports_on_one_host():
    """The premise of the module: one requests.Session sends a cookie set by one port to another port."""
    session = requests.Session()
    session.cookies.set("probe", "1", domain="127.0.0.1", path="/")
    prepared = session.prepare_request(requests.Request("GET", "http://127.0.0.1:1/x"))
    other = session.prepare_request(requests.Request("GET", "http://127.0.0.1:2/y"))
    assert prepared.headers.get("Cookie") == other.headers.get("Cookie") == "probe=1"


def test_login_on_a_launches_on_b_and_api_calls_alternate(cluster, activity):
    learner = NodeBrowser(cluster, "learner-1")
    page = learner.launch_on(cluster.b, link=activity["id"])
    assert page.status_code == 200, learner.diagnose(page)
    assert urlsplit(page.url).port == cluster.b.port
    steps = [("state", {}), ("choose", {"option_id": "write"}),
             ("save_draft", {"text": "draft from node A", "links": [], "file_ids": []}),
             ("self_assess", {"ratings": {"accuracy": "meets", "clarity": "meets", "evidence": "meets"},
                              "comment": "ok"}),
             ("state", {}), ("submit", {"text": "final from node B", "links": [], "file_ids": []}), ("state", {})]
    nodes = [cluster.a, cluster.b]
    answers = []
    for number, (command, payload) in enumerate(steps):
        answer = learner.api_on(nodes[number % 2], page.text, command, payload)
        assert answer.status_code == 200, (command, nodes[number % 2].url, answer.text[:400])
        answers.append(answer.json())
    assert answers[2]["me"]["draft"]["text"] == "draft from node A"  # saved on A ...
    assert answers[4]["me"]["draft"]["text"] == "draft from node A"  # ... read on A after B's self-assessment
    assert answers[6]["me"]["status"] == "submitted"  # submitted on B, read on A


def test_a_file_uploaded_on_a_downloads_from_b(cluster, activity):
    learner = NodeBrowser(cluster, "learner-2")
    page = learner.launch_on(cluster.a, link=activity["id"]).text
    assert learner.api_on(cluster.a, page, "choose", {"option_id": "record"}).status_code == 200
    size = MIB + 13
    view = upload(learner, page.replace(cluster.public_url + "/api", cluster.a.url + "/api"), size)  # on A
    from_b = requests.get(cluster.on(cluster.b, view["url"]), timeout=30)
    assert from_b.status_code == 200 and from_b.content == media_payload(size)
    # the bytes live in the bucket, in neither node's data dir
    assert any(key.startswith(cluster.bucket.prefix + "/") for key in cluster.bucket.keys())
    for node in (cluster.a, cluster.b):
        assert not any(p.is_file() for p in (node.data_dir / "blobs").rglob("*"))
    # a draft saved on B can use the file uploaded on A
    state = learner.api_on(cluster.b, page, "save_draft", {"text": "", "links": [], "file_ids": [view["file_id"]]})
    assert state.status_code == 200, state.text[:400]
    state = state.json()
    assert view["file_id"] in {f["file_id"] for f in state["me"]["draft"]["files"]}, state["me"]["draft"]
    unsigned = requests.get(cluster.on(cluster.b, view["url"].split("&sig=")[0]), timeout=30)
    assert unsigned.status_code == 403 and media_payload(64) not in unsigned.content


def test_the_export_runs_on_b(cluster, activity):
    learner = NodeBrowser(cluster, "learner-3")
    page = learner.launch_on(cluster.a, link=activity["id"]).text
    submit_on(learner, page, cluster.a, "submitted on node A")
    staff = NodeBrowser(cluster, "instructor-1")
    staff_page = staff.launch_on(cluster.a, link=activity["id"]).text  # launched on A ...
    export = requests.get(cluster.on(cluster.b, launch_config(staff_page)["transport"]["exportUrl"]), timeout=30)
    assert export.status_code == 200, export.text[:400]  # ... exported on B
    assert export.headers["Content-Type"].startswith("text/csv")
    rows = export.text.lstrip("\ufeff").splitlines()
    assert rows[0].startswith("learner_id,")
    assert any(row.startswith("learner-3,") and "submitted on node A" in row for row in rows), rows
    refused = requests.get(cluster.on(cluster.b, launch_config(page)["transport"]["exportUrl"]), timeout=30)
    assert refused.status_code in (403, 404) and "submitted on node A" not in refused.text  # not for a learner


def test_a_key_rotation_through_a_is_honoured_by_b(cluster, activity):
    with cluster.a.sessions()() as session:
        old_kid, _ = keys.current_private_key(session)
    cluster.a.cli("keys", "rotate")
    with cluster.a.sessions()() as session:
        new_kid, _ = keys.current_private_key(session)
    assert new_kid != old_kid
    published = requests.get(cluster.b.url + "/lti/jwks", timeout=10).json()
    assert {old_kid, new_kid} <= {k["kid"] for k in published["keys"]}
    # B signs a deep-linking response with the new key, and the platform (which reads A's JWKS) accepts it.
    # A platform registered now has no cached token, so its first grade's client assertion is signed after
    # the rotation too, by whichever node's outbox sends it.
    with another_platform(cluster, "rotation-client") as other:
        teacher = NodeBrowser(cluster, "instructor-1", client_id="rotation-client", platform=other)
        page = teacher.launch_on(cluster.b, "deep_link", placement="assignment_selection")
        assert page.status_code == 200, teacher.diagnose(page)
        made = deep_link_on(teacher, page.text, cluster.b)
        assert jwt.get_unverified_header(made["jwt"])["kid"] == new_kid
        learner = NodeBrowser(cluster, "learner-1", client_id="rotation-client", platform=other)
        page = learner.launch_on(cluster.b, link=made["id"])
        assert page.status_code == 200, learner.diagnose(page)
        submit_on(learner, page.text, cluster.b)
        scores = scores_at_least(other, 1)
        assert scores[0]["userId"] == "learner-1" and platform_state(other)["token_fetches"] == 1


@contextmanager
def another_platform(cluster: Cluster, client_id: str) -> Iterator[PlatformServer]:
    """A second platform, registered with the tool (through node A) for the length of a test."""
    other = PlatformServer("generic").start()
    try:
        connect(other, cluster.a, client_id=client_id)
        yield other
    finally:
        other.stop()


def submit_on(learner: NodeBrowser, page_html: str, node: ToolServer,
              text: str = "Light + water + CO2 -> sugar + O2.") -> None:
    """Choose, self-assess and submit, each on ``node``."""
    for command, payload in (("choose", {"option_id": "write"}),
                             ("self_assess", {"ratings": {"accuracy": "meets", "clarity": "meets",
                                                          "evidence": "meets"}, "comment": "ok"}),
                             ("submit", {"text": text, "links": [], "file_ids": []})):
        answer = learner.api_on(node, page_html, command, payload)
        assert answer.status_code == 200, (command, answer.text[:400])


def test_the_outbox_on_both_nodes_delivers_every_grade_once(cluster, activity):
    before = platform_state(cluster.platform)
    learners = [f"learner-{n}" for n in range(5, 11)]
    nodes = [cluster.a, cluster.b]
    for number, user in enumerate(learners):
        learner = NodeBrowser(cluster, user)
        page = learner.launch_on(nodes[number % 2], link=activity["id"])
        assert page.status_code == 200, learner.diagnose(page)
        submit_on(learner, page.text, nodes[(number + 1) % 2])
    teacher = NodeBrowser(cluster, "instructor-1")
    for number, user in enumerate(learners):
        page = teacher.launch_on(nodes[number % 2], link=activity["id"])
        answer = teacher.api_on(nodes[(number + 1) % 2], page.text, "review", {
            "learner_id": user, "attempt": 1, "decision": "mastered", "feedback": "Well done.",
            "ratings": {"accuracy": "meets", "clarity": "exceeds", "evidence": "meets"}})
        assert answer.status_code == 200, answer.text[:400]
    expected = len(before["scores"]) + 2 * len(learners)  # "Submitted", then the reviewed grade
    scores_at_least(cluster.platform, expected)
    time.sleep(2 * float(cluster.a.env["PLCHOICE_OUTBOX_POLL"]) + 1)  # a duplicate from either node shows now
    after = platform_state(cluster.platform)
    ours = [s for s in after["scores"] if s["userId"] in learners]
    assert len(after["scores"]) == expected
    by_learner = {user: sorted(s["activityProgress"] for s in ours if s["userId"] == user) for user in learners}
    assert all(len(progress) == 2 for progress in by_learner.values()), by_learner
    assert after["idempotency_replays"] == before["idempotency_replays"]
    assert after["token_fetches"] <= max(before["token_fetches"], 1)  # one token, shared by both nodes
    with cluster.a.sessions()() as session:
        rows = session.execute(select(GradeOutbox.learner_id, GradeOutbox.status, GradeOutbox.tries)
                               .where(GradeOutbox.user_sub.in_(learners))).all()
    assert len(rows) == 2 * len(learners) and {(status, tries) for _, status, tries in rows} == {(DELIVERED, 1)}


def test_removing_a_platform_on_a_refuses_its_next_launch_on_b(cluster, activity):
    with another_platform(cluster, "other-client") as other:
        teacher = NodeBrowser(cluster, "instructor-1", client_id="other-client", platform=other)
        works = teacher.launch_on(cluster.b, "deep_link", placement="assignment_selection")
        assert works.status_code == 200, teacher.diagnose(works)
        ready = teacher.id_token_form("deep_link", placement="assignment_selection")  # logged in on A, not posted
        login = requests.post(other.url + "/launch", data={"user": "instructor-1", "kind": "deep_link",
                                                           "client_id": "other-client"},
                              allow_redirects=False, timeout=30)
        assert login.status_code in (302, 303) and login.headers["Location"].startswith(cluster.public_url)
        before = launch_counts(cluster)

        cluster.a.cli("platform", "remove", "--issuer", other.url, "--client-id", "other-client")
        # the very next requests, with no wait at all: no node may hold the registration in a cache
        launch = teacher.http.post(cluster.b.url + "/lti/launch", data=ready, timeout=30)
        fresh_login = requests.get(cluster.on(cluster.b, login.headers["Location"]), allow_redirects=False, timeout=30)
        for refused in (launch, fresh_login):
            assert refused.status_code == 403, (refused.status_code, refused.text[:400])
            assert "unknown_registration" in refused.text
        assert launch_counts(cluster) == before  # nothing stored for the refused launch
    still = NodeBrowser(cluster, "learner-1").launch_on(cluster.b, link=activity["id"])
    assert still.status_code == 200  # the platform that was not removed launches as before


def launch_counts(cluster: Cluster) -> dict[str, int]:
    """What a launch leaves behind: activity links in the database, launches and used nonces in Redis."""
    with cluster.a.sessions()() as session:
        links = session.scalar(select(func.count()).select_from(ResourceLinkActivity))
    client = redis.Redis.from_url(cluster.a.env["PLCHOICE_REDIS_URL"])
    return {"links": links, "launches": sum(1 for _ in client.scan_iter("*launch:*")),
            "used_nonces": sum(1 for _ in client.scan_iter("*nonce-used:*"))}
