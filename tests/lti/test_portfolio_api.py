"""The portfolio in the LTI home: my_data gives signed links (docs/SECURITY.md), GET /api/portfolio serves them."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import urlsplit

from tests.security.test_browser_trust import launched, link, query, secret_of, sign, upload
from xblock_plchoice.core.portfolio import CSP

from .conftest import api_headers

PDF = b"%PDF-1.7\n" + b"P" * 300
RATINGS = {"accuracy": "meets", "clarity": "meets", "evidence": "meets"}


def _submit(client, config, text: str) -> None:
    headers = api_headers(config)
    assert client.post("/api/choose", json={"option_id": "write"}, headers=headers).status_code == 200
    evidence = upload(client, config, "../../<b>notes</b>.pdf", PDF)
    assert client.post("/api/self_assess", json={"ratings": RATINGS}, headers=headers).status_code == 200
    answer = client.post("/api/submit", json={"text": text, "links": [], "file_ids": [evidence["file_id"]]},
                         headers=headers)
    assert answer.status_code == 200, answer.json


def _links(client, config) -> dict:
    answer = client.post("/api/my_data", json={"action": "portfolio"}, headers=api_headers(config))
    assert answer.status_code == 200, answer.json
    return answer.json["portfolio"]


def test_a_learner_downloads_their_own_portfolio_and_conference_view(app, platform):
    learner, config = launched(app, platform)
    _submit(learner, config, "Learner one's explanation")
    links = _links(learner, config)
    stranger = app.test_client()  # a new tab with only the link
    response = stranger.get(links["zip_url"])
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Cache-Control"].startswith("private, no-store")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert "Learner one&#x27;s explanation" in archive.read("index.html").decode()
    evidence = [n for n in archive.namelist() if n.startswith("files/")]
    assert len(evidence) == 1 and archive.read(evidence[0]) == PDF and "/.." not in evidence[0]
    page = stranger.get(links["conference_url"])
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert page.headers["Content-Security-Policy"] == CSP and "<script" not in page.get_data(as_text=True)


def test_portfolio_links_are_per_part_per_launch_and_never_anothers(app, platform):
    learner, config = launched(app, platform)
    _submit(learner, config, "MINE")
    links = _links(learner, config)
    stranger = app.test_client()
    # the zip's signature does not open the conference page, a file or the export
    zip_query = urlsplit(links["zip_url"]).query
    assert stranger.get("/api/portfolio?" + zip_query.replace("part=zip", "part=conference")).status_code == 403
    assert stranger.get("/api/export?" + zip_query).status_code == 403
    assert stranger.get("/api/portfolio").status_code == 401  # no launch, no portfolio
    # another learner with a genuinely signed link of their own launch gets their own (empty) portfolio
    other, other_config = launched(app, platform, sub="learner-2")
    other_launch = other_config["transport"]["launchId"]
    expires = int(query(links["zip_url"])["exp"])
    forged = link("/api/portfolio", other_launch, expires, sign(secret_of(app), other_launch, "portfolio:zip",
                                                                 expires)) + "&part=zip"
    theirs = stranger.get(forged)
    assert theirs.status_code == 200 and b"MINE" not in theirs.data
    assert "MINE" not in zipfile.ZipFile(io.BytesIO(theirs.data)).read("index.html").decode()
    # an unknown part is refused by its signature before anything is read
    bogus = link("/api/portfolio", other_launch, expires, sign(secret_of(app), other_launch, "portfolio:x",
                                                                expires)) + "&part=x"
    assert stranger.get(bogus).status_code == 404


def test_my_data_refuses_wrong_types_with_the_field_named(app, platform):
    learner, config = launched(app, platform)
    for action in (5, ["portfolio"], {"a": 1}, None, "zip"):
        answer = learner.post("/api/my_data", json={"action": action}, headers=api_headers(config))
        assert answer.status_code == 400 and answer.json.get("field") == "action", (action, answer.json)
    assert app.test_client().post("/api/my_data", json={"action": "portfolio"}).status_code == 401
