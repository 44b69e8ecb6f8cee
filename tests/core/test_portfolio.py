"""The learner's portfolio zip and conference view (core.portfolio), hostile names and titles included."""

import io
import json
import zipfile

import pytest

from xblock_plchoice.core.activity import default_choice_definition
from xblock_plchoice.core.errors import IllegalTransition, NotFound
from xblock_plchoice.core.portfolio import CSP, archive_name
from xblock_plchoice.core.protocol import dispatch, portfolio_download, upload_file

from .helpers import ALICE, BOB, GOOD_RATINGS, STAFF, make_ctx

PDF = b"%PDF-1.4\n% portfolio evidence\n" + b"0" * 500
HOSTILE = '<script>alert("x")</script>'


def _hostile_ctx():
    definition = default_choice_definition()
    definition["title"] = f"{HOSTILE} Photosynthesis"
    definition["options"][0]["title"] = '<img src=x onerror=alert(1)> Write'
    ctx = make_ctx(definition)
    ctx.portfolio_url = lambda part: f"portfolio?part={part}"
    return ctx


def _work(ctx):
    dispatch("reflect", ALICE, {"phase": "before", "answers": {"goal": f"Learn {HOSTILE}"}}, ctx)
    dispatch("choose", ALICE, {"option_id": "write"}, ctx)
    meta = upload_file(ALICE, ctx, "../../etc/passwd<script>.pdf", "application/pdf", io.BytesIO(PDF))
    dispatch("self_assess", ALICE, {"ratings": GOOD_RATINGS, "comment": "I think it is clear"}, ctx)
    dispatch("submit", ALICE, {"text": f"Light makes sugar {HOSTILE}", "links": [], "file_ids": [meta["file_id"]]},
             ctx)
    dispatch("review", STAFF, {"learner_id": "alice", "attempt": 1, "ratings": GOOD_RATINGS,
                               "feedback": "Add the role of chlorophyll", "decision": "revise"}, ctx)
    dispatch("reflect", ALICE, {"phase": "after", "answers": {"worked": "Drawing first",
                                                              "next": "Ask about chlorophyll"},
                                "share_with_staff": False}, ctx)
    dispatch("choose", BOB, {"option_id": "write"}, ctx)
    dispatch("self_assess", BOB, {"ratings": GOOD_RATINGS}, ctx)
    dispatch("submit", BOB, {"text": "BOB'S OWN WORK"}, ctx)


def _zip(ctx, actor=ALICE):
    part, body = portfolio_download(actor, ctx, "zip", lambda m: m, "en")
    assert part == "zip"
    return zipfile.ZipFile(io.BytesIO(body.read()))


def test_the_zip_holds_pages_data_and_every_evidence_file_under_our_names():
    ctx = _hostile_ctx()
    _work(ctx)
    archive = _zip(ctx)
    names = archive.namelist()
    assert set(names) == {"index.html", "conference.html", "my-data.json", "files/001-passwd_script_.pdf"}
    assert all(".." not in name.split("/") and not name.startswith("/") for name in names)
    assert archive.read("files/001-passwd_script_.pdf") == PDF
    data = json.loads(archive.read("my-data.json"))
    assert data["format"] == "plchoice-learner-export/1" and data["learner_id"] == "alice"


def test_pages_are_escaped_script_free_and_link_relatively():
    ctx = _hostile_ctx()
    _work(ctx)
    archive = _zip(ctx)
    for page in ("index.html", "conference.html"):
        text = archive.read(page).decode()
        assert "<script" not in text and "<img" not in text and "onerror=alert(1)>" not in text
        assert "&lt;script&gt;" in text
        assert f'content="{CSP}"' in text and "script-src" not in CSP
        assert "BOB'S OWN WORK" not in text  # only the learner's own data
    index = archive.read("index.html").decode()
    assert 'href="files/001-passwd_script_.pdf"' in index
    # time order: before-reflection, choice, attempt, feedback, after-reflection
    order = [index.index(s) for s in ("Reflection before the work", "I chose", "Attempt 1: what I handed in",
                                      "Feedback on attempt 1", "Reflection after feedback")]
    assert order == sorted(order)
    assert "Private to me" in index and "Add the role of chlorophyll" in index


def test_the_conference_view_answers_the_four_questions():
    ctx = _hostile_ctx()
    _work(ctx)
    part, page = portfolio_download(ALICE, ctx, "conference", lambda m: m, "ar")
    assert part == "conference" and 'dir="rtl"' in page
    for heading in ("What I chose", "What I made", "What I learned", "What next"):
        assert f"<h3>{heading}</h3>" in page
    assert "Ask about chlorophyll" in page and "Drawing first" in page and "etc/passwd" not in page.split("<h3>")[0]


def test_a_reflection_only_learner_and_a_learner_with_nothing_get_a_readable_portfolio():
    ctx = _hostile_ctx()
    assert "Nothing here yet" in _zip(ctx, BOB).read("index.html").decode()
    dispatch("reflect", BOB, {"phase": "before", "answers": {"goal": "Try a podcast"}}, ctx)
    assert "Try a podcast" in _zip(ctx, BOB).read("index.html").decode()


def test_my_data_portfolio_returns_links_and_needs_a_home_that_serves_them():
    ctx = _hostile_ctx()
    view = dispatch("my_data", ALICE, {"action": "portfolio"}, ctx)
    assert view["portfolio"] == {"zip_url": "portfolio?part=zip", "conference_url": "portfolio?part=conference",
                                 "filename": "plchoice-portfolio.zip"}
    ctx.portfolio_url = None
    with pytest.raises(IllegalTransition):
        dispatch("my_data", ALICE, {"action": "portfolio"}, ctx)
    with pytest.raises(NotFound):
        portfolio_download(ALICE, ctx, "../index", lambda m: m, "en")


def test_archive_names_cannot_leave_the_files_folder():
    for hostile in ("../../x", "/etc/passwd", "..\\..\\win.ini", "", ".hidden", "a/../../b", "日本語.pdf"):
        name = archive_name(3, hostile)
        assert name.startswith("files/003-") and name.count("/") == 1 and ".." not in name.split("/")[1][:2]
