"""Authoring in the LTI home, in chromium, launched by the demo platform over HTTP.

* An instructor edits an activity after deep linking, from their launch, with the same editor;
  the learner's attempt is still there afterwards.
* A resource link that was never configured (no mapping, no ``activity_id``): a learner gets a
  translated "not ready yet" page; the instructor gets the picker in place (create, import OLX,
  reuse), and the link is bound to what they chose.
* "View as a learner" walks the learner flow and stores no row and no file in the tool.
* The tool's own translated pages for a wrong method or an unknown route (JSON under /api), with
  the browser policy's headers; the favicon; the demo LMS's language switch and "back to course".
"""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import inspect, select, text

from tests.lti.platform_fixtures import Browser, dl_fields
from tests.lti.test_ags_scores import submit_work
from xblock_plchoice.core.activity import default_choice_definition

from .lti_fixtures import CLIENT_ID, launch_url, tool_db
from .pages import rate_all, section

pytestmark = pytest.mark.browser
pytest_plugins = ("tests.browser.lti_fixtures",)


def open_launch(page: Page, url: str) -> Locator:
    page.goto(url)
    root = page.locator("#plchoice-root .plc")
    expect(root.locator("h2").first).to_be_visible()
    return root


def assert_axe_clean(page: Page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def unconfigured_link(platform, tool, title: str = "Week 3: forces") -> dict:
    """A link as Moodle leaves it when "Select content" was never pressed: the launch URL, nothing else."""
    return platform.state.add_link(CLIENT_ID, {"title": title, "url": tool.url + "/lti/launch", "custom": {}})


def stored_counts(tool) -> dict[str, int]:
    """Rows of every table a learner's work could land in (all but activities, links and launch state)."""
    with tool_db(tool) as sessions, sessions() as session:
        names = [n for n in inspect(session.get_bind()).get_table_names()
                 if n.startswith("plc_") and n not in ("plc_activity", "plc_resource_link")]
        return {n: session.execute(text(f'SELECT COUNT(*) FROM "{n}"')).scalar_one() for n in names}


def data_files(tool) -> list[Path]:
    return sorted(p for p in tool.data_dir.rglob("*") if p.is_file() and ".sqlite3" not in p.name
                  and not p.name.startswith("."))


def test_instructor_edits_after_deep_linking_and_learner_work_stays(servers, new_page):
    platform, tool = servers()
    link = Browser(platform, tool, "instructor-1").deep_link(default_choice_definition())
    submit_work(Browser(platform, tool, "learner-1"), link["id"], text="My answer before the edit.")

    staff = new_page()
    root = open_launch(staff, launch_url(platform, "instructor-1", link["id"]))
    root.get_by_test_id("edit-activity").click()
    editor = root.locator(".plc-editor")
    expect(editor.locator("[data-field='title']")).to_have_value("Show what you know: photosynthesis")
    expect(root.get_by_role("button", name="Start from an example")).to_have_count(0)  # not new: no offer
    editor.locator("[data-field='title']").fill("Photosynthesis: show it your way")
    editor.locator("[data-field='options[2].title']").fill("Build a labelled model")
    editor.locator("[data-field='criteria[0].title']").fill("Accurate, current science")
    editor.get_by_role("button", name="Save").click()
    warning = root.get_by_test_id("rubric-warning")  # a learner has an attempt: say so before the rename
    expect(warning).to_contain_text("Renamed: 1")
    expect(warning).to_contain_text("Learners with attempts so far: 1")
    warning.get_by_role("button", name="Save anyway").click()
    expect(root.locator(".plc-view-staff h2, h2.plc-title").first).to_have_text("Photosynthesis: show it your way")
    saved = root.get_by_test_id("inline-ok").filter(has_text="their work stays attached")
    expect(saved).to_be_visible()  # beside "Edit this activity", where the author started
    expect(root.get_by_test_id("queue")).to_contain_text("Lin Learner")

    learner = new_page()
    root = open_launch(learner, launch_url(platform, "learner-1", link["id"]))
    expect(root.locator("h2").first).to_have_text("Photosynthesis: show it your way")
    expect(section(root, "attempts").locator("article.plc-attempt")).to_have_count(1)
    expect(section(root, "attempts")).to_contain_text("My answer before the edit.")
    expect(section(root, "attempts")).to_contain_text("Accurate science")  # the rubric the attempt was made under
    assert staff.errors == [] and learner.errors == []


def test_definition_api_refuses_learners_and_missing_csrf(servers):
    platform, tool = servers()
    link = Browser(platform, tool, "instructor-1").deep_link(default_choice_definition())
    learner = Browser(platform, tool, "learner-1")
    page = learner.launch("link", link=link["id"])
    refused = learner.api(page.text, "definition", {"definition": {"kind": "choice", "title": "Hijacked"}})
    assert refused.status_code == 403, refused.text
    preview = learner.api(page.text, "view_as_learner", {"steps": []})
    assert preview.status_code == 403, preview.text
    anonymous = learner.http.post(tool.url + "/api/view_as_learner", json={"steps": []}, timeout=10)
    assert anonymous.status_code in (401, 403)
    teacher = Browser(platform, tool, "instructor-1")
    page = teacher.launch("link", link=link["id"])
    no_csrf = teacher.http.post(tool.url + "/api/definition", json={}, timeout=10)
    assert no_csrf.status_code in (401, 403)
    wrong_type = teacher.api(page.text, "definition", {"definition": "not an object"})
    assert wrong_type.status_code == 400, wrong_type.text
    other_kind = teacher.api(page.text, "definition", {"definition": {"kind": "reflection", "title": "R",
                                                                       "prompts": [{"id": "a", "phase": "before",
                                                                                    "text": "Why?"}]}})
    assert other_kind.status_code == 400 and other_kind.json()["field"] == "kind"


def test_unconfigured_link_learner_waits_instructor_sets_it_up(servers, new_page):
    platform, tool = servers()
    link = unconfigured_link(platform, tool)

    learner = new_page("ar")
    learner.goto(launch_url(platform, "learner-1", link["id"], locale="ar"))
    notice = learner.locator("main[data-notice='not_ready']")
    expect(notice).to_be_visible()
    expect(learner.locator("html")).to_have_attribute("dir", "rtl")
    assert "not ready" not in notice.inner_text()  # in Arabic, not English
    assert learner.url == tool.url + "/lti/launch"
    assert_axe_clean(learner)

    staff = new_page()
    staff.goto(launch_url(platform, "instructor-1", link["id"]))
    picker = staff.locator("main[data-mode='setup']")
    expect(picker.get_by_role("heading", name="Set up this activity")).to_be_visible()
    for way in ("Create a new activity", "Import an OLX file", "Reuse an activity from this course"):
        expect(picker.get_by_role("heading", name=way)).to_be_visible()
    editor = picker.locator(".plc-editor")
    expect(editor.locator("[data-field='objective']")).to_have_value("")
    assert_axe_clean(staff)
    picker.get_by_role("button", name="Start from an example").click()
    editor.locator("[data-field='title']").fill("Forces, your way")
    editor.get_by_role("button", name="Save").click()
    root = staff.locator("#plchoice-root .plc")
    expect(root).to_have_class("plc plc-view-staff")
    expect(root.locator("h2").first).to_have_text("Forces, your way")

    root = open_launch(learner, launch_url(platform, "learner-1", link["id"], locale="en"))
    expect(root.locator("h2").first).to_have_text("Forces, your way")
    from lti_tool.db.models import ResourceLinkActivity

    with tool_db(tool) as sessions, sessions() as session:
        bound = session.scalars(select(ResourceLinkActivity.resource_link_id)).all()
    assert bound == [link["id"]]

    # A second unconfigured link, set up by reusing the first activity (a copy, bound to the new link).
    second = unconfigured_link(platform, tool, "Week 4: forces again")
    staff.goto(launch_url(platform, "instructor-1", second["id"]))
    reuse = staff.locator("#dl-reuse")
    expect(reuse.get_by_label("Forces, your way (choice)")).to_be_checked()
    reuse.get_by_role("button", name="Add a copy").click()
    expect(staff.locator("#plchoice-root .plc h2").first).to_have_text("Forces, your way")
    assert learner.errors == [] and staff.errors == []


def test_link_naming_a_missing_activity_is_set_up_not_trusted(servers):
    platform, tool = servers()
    link = platform.state.add_link(CLIENT_ID, {"title": "Old copy", "url": tool.url + "/lti/launch",
                                               "custom": {"activity_id": "deleted-long-ago"}})
    learner = Browser(platform, tool, "learner-1")
    waiting = learner.launch("link", link=link["id"])
    assert waiting.status_code == 200 and 'data-notice="not_ready"' in waiting.text
    refused = learner.http.post(tool.url + "/lti/link-setup/create", json={"definition": default_choice_definition()},
                                timeout=10)
    assert refused.status_code in (401, 403)

    teacher = Browser(platform, tool, "instructor-1")
    page = teacher.launch("link", link=link["id"])
    assert page.status_code == 200 and 'data-mode="setup"' in page.text, page.text[:600]
    fields = dl_fields(page.text)
    headers = {"X-PLChoice-Launch": fields["launch_id"], "X-PLChoice-CSRF": fields["csrf_token"],
               "Accept": "application/json"}
    blank = teacher.http.post(tool.url + "/lti/link-setup/create", json={"definition": {"kind": "choice"}},
                              headers=headers, timeout=10)
    assert blank.status_code == 400 and {p["field"] for p in blank.json()["problems"]} >= {"title", "objective"}
    made = teacher.http.post(tool.url + "/lti/link-setup/create", json={"definition": default_choice_definition()},
                             headers=headers, timeout=10)
    assert made.status_code == 200, made.text[:600]
    assert made.json()["activity_id"] != "deleted-long-ago"
    again = teacher.http.post(tool.url + "/lti/link-setup/create", json={"definition": default_choice_definition()},
                              headers=headers, timeout=10)  # a double click binds nothing new
    assert again.json()["activity_id"] == made.json()["activity_id"]
    opened = learner.launch("link", link=link["id"])
    assert opened.status_code == 200 and "plc-lti-config" in opened.text


OLX = b"""<plchoice display_name="Levers">
  <title>Levers, your way</title><objective>Explain how a lever trades force for distance.</objective>
  <criteria><criterion id="physics" title="Correct physics">Effort, load and fulcrum are right.</criterion></criteria>
  <options><option id="sketch" title="Sketch and explain" evidence_kinds="text,file"/>
           <option id="video" title="Film a lever" evidence_kinds="video"/></options>
</plchoice>"""


def test_unconfigured_link_set_up_by_importing_olx_without_javascript(servers):
    platform, tool = servers()
    link = unconfigured_link(platform, tool, "Levers")
    teacher = Browser(platform, tool, "instructor-1")
    page = teacher.launch("link", link=link["id"])
    fields = dl_fields(page.text)
    bad = teacher.http.post(tool.url + "/lti/link-setup/import", data=fields,
                            files={"olx": ("x.xml", b'<!DOCTYPE x [<!ENTITY e "x">]><plchoice/>', "text/xml")},
                            timeout=10)
    assert bad.status_code == 400 and 'data-mode="setup"' in bad.text  # the page again, with the problem
    opened = teacher.http.post(tool.url + "/lti/link-setup/import", data=fields,
                               files={"olx": ("levers.xml", OLX, "text/xml")}, timeout=10)
    assert opened.status_code == 200 and "plc-lti-config" in opened.text, opened.text[:600]
    learner = Browser(platform, tool, "learner-1").launch("link", link=link["id"])
    assert learner.status_code == 200 and "plc-lti-config" in learner.text  # bound: the activity opens


def test_view_as_a_learner_in_lti_stores_nothing(servers, new_page):
    platform, tool = servers()
    link = Browser(platform, tool, "instructor-1").deep_link(default_choice_definition())
    staff = new_page()
    root = open_launch(staff, launch_url(platform, "instructor-1", link["id"]))
    before, files = stored_counts(tool), data_files(tool)
    root.get_by_role("button", name="View as a learner").click()
    expect(root.locator(".plc-preview-banner")).to_be_visible()
    choose = section(root, "choose")
    choose.get_by_role("radio", name="Write an explanation").check()
    choose.locator("form").first.locator("button[type=submit]").click()
    evidence = section(root, "evidence")
    evidence.get_by_label("Your written evidence").fill("Preview only.")
    rate_all(root, "Meets")
    evidence.locator("button[type=submit]").last.click()
    expect(section(root, "attempts")).to_contain_text("Preview only.")
    root.get_by_role("button", name="Back to the staff view").click()
    expect(root.locator(".plc-sec-queue")).to_be_visible()
    assert stored_counts(tool) == before and data_files(tool) == files
    assert sum(before.values()) == 0  # the instructor's launch itself wrote no learner data either
    assert staff.errors == []


def test_wrong_method_and_unknown_route_get_the_tools_page(servers, new_page):
    _platform, tool = servers()
    page = new_page("es")
    answer = page.goto(tool.url + "/lti/launch")
    assert answer.status == 405
    assert "content-security-policy" in answer.headers and answer.headers["x-content-type-options"] == "nosniff"
    expect(page.locator("main.plc-lti-error h1")).to_have_text("Esta página no se puede abrir directamente")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    assert_axe_clean(page)
    assert "Werkzeug" not in page.content() and "Method Not Allowed" not in page.content()

    answer = page.goto(tool.url + "/no/such/page")
    assert answer.status == 404 and "frame-ancestors" in answer.headers["content-security-policy"]
    expect(page.locator("main.plc-lti-error")).to_have_attribute("data-error-code", "http_404")

    api = page.request.get(tool.url + "/api/state")
    assert api.status == 405 and api.headers["content-type"].startswith("application/json")
    assert api.json()["error"] == "method_not_allowed"
    icon = page.request.get(tool.url + "/favicon.ico")
    assert icon.status == 200 and icon.headers["content-type"] == "image/x-icon"


def test_launch_page_logs_no_404(servers, new_page):
    platform, tool = servers()
    link = Browser(platform, tool, "instructor-1").deep_link(default_choice_definition())
    page = new_page()
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
    open_launch(page, launch_url(platform, "learner-1", link["id"]))
    page.wait_for_timeout(500)
    assert missing == []


def test_demo_lms_language_switch_and_back_to_course(servers, new_page):
    platform, tool = servers()
    Browser(platform, tool, "instructor-1").deep_link(default_choice_definition())
    page = new_page()
    page.goto(platform.url + "/")
    expect(page.locator(".lms-bar")).to_be_visible()  # the LMS's own look, not PL Choice's
    page.get_by_label("Language").select_option("ar")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    page.locator("form[action$='/play'] button").first.click()  # the first learner's launch
    frame = page.frame_locator("#tool")
    expect(frame.locator("#plchoice-root .plc h2").first).to_be_visible()
    expect(frame.locator("html")).to_have_attribute("lang", "ar")  # the launch locale claim said ar
    expect(frame.locator("html")).to_have_attribute("dir", "rtl")
    assert_axe_clean(page)  # the LMS's own page, in Arabic
    page.get_by_test_id("back-to-course").click()
    page.wait_for_url(platform.url + "/")
    assert page.errors == []
