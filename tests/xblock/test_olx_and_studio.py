"""OLX import/export round trip, hostile OLX, and Studio authoring (validation, save, preview)."""

from __future__ import annotations

import io

import pytest
from lxml import etree
from workbench.runtime import WorkbenchRuntime

from xblock_plchoice.core import olx
from xblock_plchoice.core.activity import default_choice_definition, parse_activity

from .helpers import Harness

CUSTOM = """
<plchoice display_name="Fractions &amp; you" weight="2.5">
  <title>Show fractions your way</title>
  <objective>Compare fractions with unlike denominators.</objective>
  <criteria>
    <criterion id="correct" title="Correct">Comparisons are right.</criterion>
    <criterion id="reason" title="Reasoning">Explains why &lt;b&gt;not&lt;/b&gt; just how.</criterion>
  </criteria>
  <options allow_proposals="false">
    <option id="poster" title="Poster" evidence_kinds="file,text" time_estimate="30 min">
      <guidance>One poster, three comparisons.</guidance>
      <exemplar>See the sample in week 2.</exemplar>
    </option>
    <option id="talk" title="Talk it through" evidence_kinds="audio,video"/>
  </options>
  <prompts><prompt id="hope" phase="before">What do you hope to learn?</prompt></prompts>
  <policies allow_change_until_submit="false" max_revisions="1" due="2030-01-31T23:59:00+00:00"
            self_assessment="optional" points="4"/>
</plchoice>
"""

XXE = """<?xml version="1.0"?>
<!DOCTYPE plchoice [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<plchoice display_name="x"><title>&secret;</title></plchoice>"""

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<plchoice display_name="x"><title>&lol3;</title></plchoice>"""


def _export(block) -> bytes:
    out = io.BytesIO()
    block.runtime.export_to_xml(block, out)
    return out.getvalue()


def test_olx_round_trip_through_the_runtime():
    harness = Harness(CUSTOM)
    block = harness.block("author")
    assert block.display_name == "Fractions & you" and block.weight == 2.5
    assert block.definition["title"] == "Show fractions your way"
    assert block.definition["policies"]["max_revisions"] == 1
    assert block.definition["options"][1]["evidence_kinds"] == ["audio", "video"]
    exported = _export(block)
    again = Harness(exported).block("author")
    assert again.definition == block.definition
    assert (again.display_name, again.weight) == (block.display_name, block.weight)


def test_default_definition_round_trips_in_pure_lxml():
    canonical = parse_activity(default_choice_definition()).to_dict()
    text = olx.definition_to_xml(canonical, "plchoice")
    assert parse_activity(olx.parse_definition_xml(text)).to_dict() == canonical


@pytest.mark.parametrize("hostile", [XXE, LAUGHS])
def test_hostile_olx_gets_a_clear_error(hostile):
    with pytest.raises(olx.OLXError) as caught:
        olx.parse_definition_xml(hostile)
    assert "DOCTYPE" in caught.value.to_dict()["message"]
    with pytest.raises((olx.OLXError, etree.XMLSyntaxError)) as through_runtime:
        WorkbenchRuntime("author").parse_xml_string(hostile)
    if isinstance(through_runtime.value, olx.OLXError):
        assert "DOCTYPE" in str(through_runtime.value)


def test_olx_with_an_invalid_activity_names_the_fields():
    with pytest.raises(olx.OLXError) as caught:
        WorkbenchRuntime("author").parse_xml_string(
            '<plchoice><title>t</title><objective>o</objective>'
            '<options><option id="only" title="One"/></options></plchoice>')
    message = str(caught.value)
    assert "options" in message and "criteria" in message


def test_broken_xml_is_reported_with_the_parser_detail():
    with pytest.raises(olx.OLXError, match="not well-formed"):
        olx.parse_definition_xml("<plchoice><title>open</plchoice>")


def test_studio_submit_reports_every_problem_and_saves_nothing(choice):
    original = choice.block("staff").definition_dict()
    bad = {"display_name": "  ", "weight": -3, "definition": {
        "title": "", "objective": "o", "criteria": [], "options": [{"id": "Bad Id", "title": "x"}],
        "policies": {"max_revisions": 99, "points": 0}}}
    status, body = choice.json("staff", "studio_submit", bad)
    assert status == 400 and body["error"] == "invalid"
    fields = {p["field"] for p in body["problems"]}
    assert {"display_name", "weight", "title", "criteria", "options", "options[0].id",
            "policies.max_revisions", "policies.points"} <= fields
    assert all(p["message"] and "%(" not in p["message"] for p in body["problems"])
    assert choice.block("staff").definition_dict() == original


def test_studio_submit_saves_and_learners_see_it(choice):
    definition = {**default_choice_definition(), "title": "Edited <b>title</b>"}
    status, body = choice.json("staff", "studio_submit",
                               {"display_name": "New name", "weight": "2", "definition": definition})
    assert status == 200 and body["saved"], body
    block = choice.block("alice")
    assert (block.display_name, block.weight) == ("New name", 2.0)
    assert choice.json("alice", "state")[1]["activity"]["title"] == "Edited <b>title</b>"


def test_preview_returns_a_learner_view_without_storing(choice):
    definition = {**default_choice_definition(), "title": "Draft title"}
    status, view = choice.json("staff", "preview", {"definition": definition})
    assert status == 200 and view["activity"]["title"] == "Draft title"
    assert view["role"] == "learner" and view["me"]["status"] == "not_started"
    assert choice.json("staff", "state")[1]["activity"]["title"] != "Draft title"
    status, body = choice.json("staff", "preview", {"definition": {"title": ""}})
    assert status == 400 and body["problems"]


def test_studio_view_carries_the_definition_and_the_editor_handlers(choice):
    block = choice.block("staff")
    frag = block.studio_view()
    args = frag.json_init_args
    assert frag.js_init_fn == "PLChoiceXBlock"
    assert args["view"] == "studio" and args["definition"]["kind"] == "choice"
    assert set(args["handlers"]) == {"studio_submit", "preview"}
