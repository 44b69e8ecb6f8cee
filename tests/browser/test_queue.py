"""The staff queue pages and filters: 25 submissions over two options (seeded through the
block's own handlers), 20 to a page, then narrowed to one option."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from .pages import CHOICE_ONLY, open_block, section

pytestmark = pytest.mark.browser

SEED = """async ({handlers, count}) => {
  const csrf = document.cookie.split('; ').find((c) => c.startsWith('csrftoken=')).split('=')[1];
  const post = async (url, student, body) => {
    const u = new URL(url, location.href);
    u.searchParams.set('student', student);
    const r = await fetch(u, {method: 'POST', headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrf},
                              body: JSON.stringify(body)});
    if (!r.ok) throw new Error(`${r.status} ${await r.text()}`);
  };
  const ratings = {accuracy: 'meets', clarity: 'meets', evidence: 'meets'};
  for (let i = 0; i < count; i += 1) {
    const student = `seed${String(i).padStart(2, '0')}`;
    const evidence = {text: `Evidence ${i}`, links: [], file_ids: []};
    await post(handlers.choose, student, {option_id: i % 5 === 0 ? 'build' : 'write'});
    await post(handlers.save_draft, student, evidence);
    await post(handlers.self_assess, student, {ratings, comment: ''});
    await post(handlers.submit, student, evidence);
  }
}"""


def test_queue_pages_and_filters_by_option(workbench, new_page):
    staff = new_page()
    root = open_block(staff, workbench.scenario(CHOICE_ONLY, "staff"))
    args = [json.loads(text) for text in staff.locator("script.xblock_json_init_args").all_text_contents()]
    handlers = next(a for a in args if a.get("block_type") == "plchoice")["handlers"]
    staff.evaluate(SEED, {"handlers": handlers, "count": 25})

    staff.reload()
    root = open_block(staff, workbench.scenario(CHOICE_ONLY, "staff"))
    queue = section(root, "queue")
    expect(queue.locator("caption")).to_have_text("Learners, page 1 of 2")
    expect(queue.locator("tbody tr")).to_have_count(20)
    queue.get_by_role("button", name="Next page").click()
    expect(queue.locator("caption")).to_have_text("Learners, page 2 of 2")
    expect(queue.locator("tbody tr")).to_have_count(5)
    expect(queue.locator("caption")).to_be_focused()
    expect(queue.get_by_role("button", name="Next page")).to_be_disabled()

    queue.get_by_label("Option").select_option(label="Build a model or infographic")
    queue.get_by_role("button", name="Show", exact=True).click()
    expect(queue.locator("caption")).to_have_text("Learners, page 1 of 1")
    expect(queue.locator("tbody tr")).to_have_count(5)
    for cell in queue.locator("tbody tr td:nth-child(3)").all():
        expect(cell).to_have_text("Build a model or infographic")
    expect(root.locator(".plc-status")).to_have_text("Learners found: 5")
    assert staff.errors == []
