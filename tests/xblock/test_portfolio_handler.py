"""The portfolio in the XBlock home: my_data links to the ``portfolio`` handler, which serves one's own zip."""

from __future__ import annotations

import io
import zipfile

from xblock_plchoice.core.portfolio import CSP

from .helpers import upload

PDF = b"%PDF-1.4\n% portfolio\n" + b"0" * 400
RATINGS = {"accuracy": "meets", "clarity": "meets", "evidence": "meets"}


def _submit(choice, user: str, text: str) -> None:
    assert choice.json(user, "choose", {"option_id": "write"})[0] == 200
    status, meta = upload(choice, user, "../<i>x</i>.pdf", PDF)
    assert status == 200, meta
    assert choice.json(user, "self_assess", {"ratings": RATINGS})[0] == 200
    status, body = choice.json(user, "submit", {"text": text, "links": [], "file_ids": [meta["file_id"]]})
    assert status == 200, body


def _get(choice, user, part):
    return choice.call(choice.block(user), "portfolio", method="GET", query=f"part={part}")


def test_my_data_links_to_the_handler_and_the_zip_is_the_learners_own(choice):
    _submit(choice, "alice", "ALICE'S WORK")
    _submit(choice, "bob", "BOB'S WORK")
    status, view = choice.json("alice", "my_data", {"action": "portfolio"})
    assert status == 200 and "/handler/" in view["portfolio"]["zip_url"] and "part=zip" in view["portfolio"]["zip_url"]
    response = _get(choice, "alice", "zip")
    assert response.status_int == 200 and response.content_type == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.body))
    index = archive.read("index.html").decode()
    assert "ALICE&#x27;S WORK" in index and "BOB" not in index
    files = [n for n in archive.namelist() if n.startswith("files/")]
    assert len(files) == 1 and archive.read(files[0]) == PDF


def test_the_conference_page_is_script_free_with_its_own_policy(choice):
    _submit(choice, "alice", "x")
    response = _get(choice, "alice", "conference")
    assert response.status_int == 200 and response.content_type == "text/html"
    assert response.headers["Content-Security-Policy"] == CSP
    assert "<script" not in response.text and "What I made" in response.text


def test_anonymous_and_unknown_parts_are_refused(choice):
    assert choice.call(choice.block(None), "portfolio", method="GET", query="part=zip").status_int == 403
    assert _get(choice, "alice", "../../etc").status_int == 404
    status, body = choice.json("alice", "my_data", {"action": 7})
    assert status == 400 and body["field"] == "action"
