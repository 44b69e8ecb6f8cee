"""Staff on a reflection-only block: how many reflect and share, and no attempts export (there are none)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .pages import REFLECTION_ONLY, open_block, save_reflection

pytestmark = pytest.mark.browser


def test_reflection_staff_sees_counts_not_a_csv_link(workbench, new_page):
    learner = new_page()
    root = open_block(learner, workbench.scenario(REFLECTION_ONLY, "alice"), ".plchoice-plreflection")
    save_reflection(root, "before", ["Speak up in class", "Prepare one question"], share=True)
    save_reflection(root, "after", ["Preparing helped"])

    staff = new_page()
    root = open_block(staff, workbench.scenario(REFLECTION_ONLY, "staff"), ".plchoice-plreflection")
    expect(root.get_by_role("link", name="Download all attempts (CSV)")).to_have_count(0)
    expect(root.get_by_label("Learners by status")).to_have_count(0)
    root.get_by_role("button", name="Show analytics").click()
    expect(root.get_by_test_id("analytics-reflections")).to_have_text(
        "Reflections before the work: 1; after feedback: 1; shared with staff: 1")
