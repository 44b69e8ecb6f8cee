"""What a person does on the PL Choice pages, written once for the browser tests.

Locators go through roles and accessible names where they can, so a test also fails when
a control loses its label.
"""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

UNIT = "plchoice.0"          # the unit: a reflection block, then a choice block
CHOICE_ONLY = "plchoice.1"
REFLECTION_ONLY = "plreflection.0"


def choice_block(page: Page) -> Locator:
    return page.locator(".plchoice-plchoice .plc").first


def reflection_block(page: Page) -> Locator:
    return page.locator(".plchoice-plreflection .plc").first


def open_block(page: Page, url: str, block: str = ".plchoice-plchoice") -> Locator:
    page.goto(url)
    root = page.locator(f"{block} .plc").first
    expect(root.locator("h2").first).to_be_visible()
    return root


def section(root: Locator, key: str) -> Locator:
    return root.locator(f".plc-sec-{key}")


def status(root: Locator) -> Locator:
    return root.locator(".plc-status")


def save_reflection(root: Locator, phase: str, answers: list[str], share: bool = False) -> None:
    sec = section(root, f"reflect-{phase}")
    areas = sec.locator("textarea")
    for index, text in enumerate(answers):
        areas.nth(index).fill(text)
    if share:
        sec.get_by_role("checkbox").check()
    sec.get_by_role("button").last.click()
    expect(sec.locator(".plc-hint").last).to_be_visible()
    expect(status(root)).not_to_be_empty()


def choose(root: Locator, option_title: str) -> None:
    sec = section(root, "choose")
    sec.get_by_role("radio", name=option_title).check()
    sec.locator("form").first.locator("button[type=submit]").click()
    expect(section(root, "evidence")).to_be_visible()


def upload_file(page: Page, root: Locator, name: str, data: bytes, mime: str = "text/plain",
                timeout: float = 30000) -> None:
    sec = section(root, "evidence")
    pick_kind(root, "Upload a file")
    sec.locator(".plc-uploader-file input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": mime, "buffer": data}])
    expect(sec.locator(".plc-files a", has_text=name)).to_be_visible(timeout=timeout)


def pick_kind(root: Locator, label: str) -> None:
    """Choose one evidence kind ("Write", "Link", "Upload a file", ...) when the way offers several."""
    kinds = section(root, "evidence").locator(".plc-kinds")
    if kinds.count():
        kinds.get_by_role("radio", name=label, exact=True).check()


def rate_all(root: Locator, level_label: str) -> None:
    for fieldset in root.locator(".plc-self-assess fieldset[data-criterion]").all():
        fieldset.get_by_role("radio", name=level_label).check()


def submit(root: Locator) -> None:
    sec = section(root, "evidence")
    sec.locator("button[type=submit]").click()
    expect(section(root, "attempts")).to_be_visible()


def review_first(root: Locator, level_label: str, feedback: str, decision_label: str) -> None:
    """As staff in an open block: review the first learner in the queue, rate every criterion, decide."""
    queue = section(root, "queue")
    queue.locator("[data-testid=queue] tbody button").first.click()
    panel = root.get_by_test_id("review-panel")
    expect(panel).to_be_visible()
    form = panel.locator(".plc-review-form")
    for fieldset in form.locator("fieldset[data-criterion]").all():
        fieldset.get_by_role("radio", name=level_label).check()
    form.get_by_label("Feedback for the learner").fill(feedback)
    form.get_by_role("radio", name=decision_label).check()
    form.locator("button[type=submit]").click()
    expect(panel).to_have_count(0)


def review_latest(page: Page, url: str, level_label: str, feedback: str, decision_label: str) -> Locator:
    """As staff: open the block, review the first submitted learner."""
    root = open_block(page, url)
    review_first(root, level_label, feedback, decision_label)
    return root


def focused_description(page: Page) -> str:
    """The focused element as 'tag|type|accessible text', for keyboard-only navigation."""
    return page.evaluate("""() => {
        const el = document.activeElement;
        if (!el) return '';
        let name = el.getAttribute('aria-label') || '';
        if (!name && el.labels && el.labels.length) name = el.labels[0].textContent;
        if (!name) name = el.textContent || '';
        const tag = el.tagName.toLowerCase();
        return `${tag}|${tag === 'input' ? el.type : ''}|${name.trim()}`;
    }""")


def tab_to(page: Page, want: str, limit: int = 80) -> str:
    """Press Tab until the focused element's description contains ``want``; fail after ``limit`` presses."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        here = focused_description(page)
        if want in here:
            return here
        seen.append(here)
    raise AssertionError(f"never reached {want!r} by Tab; passed: {seen}")


PROGRESS_RECORDER = """() => {
    window.__progress = [];
    const watch = (bar) => new MutationObserver(() => window.__progress.push(Number(bar.value)))
        .observe(bar, { attributes: true, attributeFilter: ['value'] });
    document.querySelectorAll('.plc-uploader-file progress').forEach(watch);
}"""


def upload_with_visible_progress(page: Page, root: Locator, name: str, data: bytes) -> list[float]:
    """Upload on a throttled network (100 KB/s up) and return the progress bar's values as it moved."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 20, "downloadThroughput": -1,
                                                  "uploadThroughput": 100 * 1024})
    page.evaluate(PROGRESS_RECORDER)
    upload_file(page, root, name, data)
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1,
                                                  "uploadThroughput": -1})
    return page.evaluate("window.__progress")


CALL = """async ({url, student, body}) => {
  const csrf = document.cookie.split('; ').find((c) => c.startsWith('csrftoken=')).split('=')[1];
  const u = new URL(url, location.href);
  u.searchParams.set('student', student);
  const r = await fetch(u, {method: 'POST', headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrf},
                            body: JSON.stringify(body)});
  const text = await r.text();
  if (!r.ok) throw new Error(`${r.status} ${text}`);
  return JSON.parse(text);
}"""


def block_handlers(page: Page, block_type: str = "plchoice") -> dict[str, str]:
    """The handler URLs of the first block of ``block_type`` on an open workbench page."""
    import json

    args = [json.loads(text) for text in page.locator("script.xblock_json_init_args").all_text_contents()]
    return next(a for a in args if a.get("block_type") == block_type)["handlers"]


def call(page: Page, handlers: dict[str, str], command: str, student: str, body: dict) -> dict:
    """Run one command as ``student`` through the block's own handler (seeding; the UI is tested elsewhere)."""
    return page.evaluate(CALL, {"url": handlers[command], "student": student, "body": body})


GOOD = {"accuracy": "meets", "clarity": "meets", "evidence": "meets"}


def seed_submission(page: Page, handlers: dict[str, str], student: str, text: str, option_id: str = "write",
                    file_ids: list[str] | None = None) -> None:
    evidence = {"text": text, "links": [], "file_ids": file_ids or []}
    call(page, handlers, "choose", student, {"option_id": option_id})
    call(page, handlers, "save_draft", student, evidence)
    call(page, handlers, "self_assess", student, {"ratings": GOOD, "comment": ""})
    call(page, handlers, "submit", student, evidence)


def gap(a: Locator, b: Locator) -> float:
    """The distance in CSS px between two elements' boxes (0 when they touch or overlap)."""
    box_a, box_b = a.bounding_box(), b.bounding_box()
    assert box_a and box_b, "both elements must be rendered"
    dx = max(0.0, max(box_a["x"], box_b["x"]) - min(box_a["x"] + box_a["width"], box_b["x"] + box_b["width"]))
    dy = max(0.0, max(box_a["y"], box_b["y"]) - min(box_a["y"] + box_a["height"], box_b["y"] + box_b["height"]))
    return (dx * dx + dy * dy) ** 0.5
