"""Deep linking over HTTP against the real platform: create, import OLX, reuse; hostile input gets a
clear 4xx and stores nothing; a selection is answered once; only instructors may add activities."""

from __future__ import annotations

import jwt
import requests
from sqlalchemy import func, select

from lti_tool.db.models import Activity, LaunchValue
from xblock_plchoice.core.activity import default_choice_definition, default_reflection_definition

from .platform_fixtures import Browser, connect, dl_fields, platform_state

OLX = b"""<plchoice display_name="Cells">
  <title>Show what you know: cells</title>
  <objective>Describe the parts of a cell.</objective>
  <criteria><criterion id="parts" title="Names the parts">All organelles named.</criterion></criteria>
  <options allow_proposals="false">
    <option id="essay" title="Write it" evidence_kinds="text"><guidance>300 words.</guidance></option>
    <option id="model" title="Build a model" evidence_kinds="file,link"><guidance>Photo and labels.</guidance></option>
  </options>
  <policies max_revisions="2" self_assessment="optional" points="20"/>
</plchoice>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE plchoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<plchoice><title>&xxe;</title></plchoice>"""


def open_selection(teacher: Browser):
    page = teacher.launch("deep_link", placement="link_selection")
    assert page.status_code == 200, page.text[:500]
    return page, dl_fields(page.text)


def activity_count(server) -> int:
    with server.sessions()() as session:
        return session.scalar(select(func.count()).select_from(Activity))


def finish(teacher: Browser, response: requests.Response) -> dict:
    """Post the auto-submitting response form to the platform, as the browser's script would."""
    from .platform_fixtures import parse_form

    assert response.status_code == 200, response.text[:800]
    action, fields = parse_form(response.text, "dl-return")
    back = teacher.http.post(action, data=fields, timeout=30)
    assert back.status_code == 200, back.text[:500]
    return platform_state(teacher.lms)


def test_round_trip_signed_response_with_line_item(lms, tool):
    platform, server = lms("generic"), tool()
    connect(platform, server)
    teacher = Browser(platform, server, "instructor-1")
    link = teacher.deep_link(default_choice_definition())
    log = platform_state(platform)["deep_links"][-1]
    item = log["items"][0]
    assert item["type"] == "ltiResourceLink" and item["url"] == server.url + "/lti/launch"
    assert item["lineItem"] == {"scoreMaximum": 10.0, "label": default_choice_definition()["title"],
                                "resourceId": link["activity_id"], "tag": "plchoice", "gradesReleased": True}
    assert log["msg"]
    assert platform_state(platform)["lineitems"][0]["scoreMaximum"] == 10
    # a reflection activity is ungraded: no line item
    reflection = teacher.deep_link(default_reflection_definition())
    assert reflection["lineitem_id"] is None


def test_import_olx_and_reuse_a_course_activity(lms, tool):
    platform, server = lms("generic"), tool()
    connect(platform, server)
    teacher = Browser(platform, server, "instructor-1")
    _, fields = open_selection(teacher)
    imported = teacher.http.post(server.url + "/lti/deep-link/import", data=fields,
                                 files={"olx": ("cells.xml", OLX, "application/xml")}, timeout=30)
    state = finish(teacher, imported)
    assert state["links"][-1]["title"] == "Show what you know: cells"
    assert state["lineitems"][-1]["scoreMaximum"] == 20

    page, fields = open_selection(teacher)
    assert "Show what you know: cells" in page.text  # offered for reuse in the same course
    with server.sessions()() as session:
        source = session.scalars(select(Activity)).first()
    reused = teacher.http.post(server.url + "/lti/deep-link/reuse", data={**fields, "activity_id": source.id},
                               timeout=30)
    state = finish(teacher, reused)
    assert len(state["links"]) == 2 and activity_count(server) == 2  # a copy: editing one never changes the other
    learner = Browser(platform, server, "learner-1")
    assert learner.launch("link", link=state["links"][-1]["id"]).status_code == 200


def test_hostile_and_invalid_input_gets_4xx_and_stores_nothing(lms, tool):
    platform, server = lms("generic"), tool()
    connect(platform, server)
    teacher = Browser(platform, server, "instructor-1")
    _, fields = open_selection(teacher)
    headers = {"X-PLChoice-Launch": fields["launch_id"], "X-PLChoice-CSRF": fields["csrf_token"],
               "Accept": "application/json"}

    xxe = teacher.http.post(server.url + "/lti/deep-link/import", data=fields,
                            files={"olx": ("evil.xml", XXE, "application/xml")}, timeout=30)
    assert xxe.status_code == 400 and "DOCTYPE" in xxe.text and "root:" not in xxe.text
    broken = teacher.http.post(server.url + "/lti/deep-link/import", data=fields,
                               files={"olx": ("broken.xml", b"<plchoice><title>x</titl>", "text/xml")}, timeout=30)
    assert broken.status_code == 400 and "well-formed" in broken.text
    invalid = teacher.http.post(server.url + "/lti/deep-link/create", headers=headers,
                                json={"definition": {"kind": "choice", "title": "", "options": []}}, timeout=30)
    assert invalid.status_code == 400
    fields_named = {p["field"] for p in invalid.json()["problems"]}
    assert {"title", "criteria", "options"} <= fields_named
    not_json = teacher.http.post(server.url + "/lti/deep-link/create",
                                 data={**fields, "definition_json": "{not json"}, timeout=30)
    assert not_json.status_code == 400
    no_csrf = teacher.http.post(server.url + "/lti/deep-link/create", json={"definition": default_choice_definition()},
                                headers={"X-PLChoice-Launch": fields["launch_id"]}, timeout=30)
    assert 400 <= no_csrf.status_code < 500
    other_course = teacher.http.post(server.url + "/lti/deep-link/reuse",
                                     data={**fields, "activity_id": "not-here"}, timeout=30)
    assert other_course.status_code == 404
    assert activity_count(server) == 0 and platform_state(platform)["links"] == []

    ok = teacher.http.post(server.url + "/lti/deep-link/create", headers=headers,
                           json={"definition": default_choice_definition()}, timeout=30)
    assert ok.status_code == 200
    claims = jwt.decode(ok.json()["jwt"], options={"verify_signature": False})
    assert claims["aud"] == platform.url and claims["iss"] == "demo-client"
    again = teacher.http.post(server.url + "/lti/deep-link/create", headers=headers,
                              json={"definition": default_choice_definition()}, timeout=30)
    assert again.status_code == 409  # one selection, one answer: a double click adds nothing
    assert activity_count(server) == 1


LAUNCH_KINDS = ("state", "nonce-used", "launch", "deep-link-answered")  # not the tool's own housekeeping keys


def stored_launch_values(server) -> list[str]:
    """Kinds of launch state the tool holds (``launch``, ``nonce-used``, ``state``, ...), one per row."""
    with server.sessions()() as session:
        kinds = (key.split(":", 1)[0] for key in session.scalars(select(LaunchValue.key)))
        return sorted(kind for kind in kinds if kind in LAUNCH_KINDS)


def test_learners_cannot_open_the_selection_and_nothing_is_stored(lms, tool):
    platform, server = lms("generic"), tool()
    connect(platform, server)
    page = Browser(platform, server, "learner-1").launch("deep_link")
    assert page.status_code == 403 and "instructors" in page.text
    # refused before the launch was completed: no launch context, no used nonce (the state is signed, not stored)
    assert stored_launch_values(server) == []
    assert activity_count(server) == 0 and platform_state(platform)["links"] == []
    # a second learner is refused alike, and again nothing is stored
    again = Browser(platform, server, "learner-2").launch("deep_link")
    assert again.status_code == 403
    assert stored_launch_values(server) == []
    # an instructor's selection is stored as before
    teacher_page = Browser(platform, server, "instructor-1").launch("deep_link")
    assert teacher_page.status_code == 200
    assert stored_launch_values(server).count("launch") == 1
