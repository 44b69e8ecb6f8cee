"""Screenshots of PL Choice as people see it, in both homes and in English and Arabic.

    .venv/bin/python scripts/screenshots.py docs/screenshots/after

Starts what the browser tests start (tests/browser/conftest.py and lti_fixtures.py are used as a
library, so the servers are the same): the xblock-sdk workbench on a fresh database, and the LTI
tool with the demo platform over loopback HTTP. Then, in chromium:

* workbench: the learner view (``/scenario/plchoice.0/?student=alice``), the staff view after alice
  submitted (``?student=staff``) and the Studio editor (``plchoice.1/studio_view``), each in en and ar;
* LTI: the demo LMS's course page, the learner launch, the instructor launch and the deep-linking
  editor, each in en and ar (the launch locale is the ``launch_presentation.locale`` claim).

Each picture is a full-page PNG named ``<home>-<view>-<lang>.png``. Why a script and not a test: the
lead re-runs it after every merge to compare before/after; a step that no longer fits the page
(the UI changed under it) is reported and skipped rather than stopping the other pictures.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, sync_playwright  # noqa: E402

from tests.browser.conftest import CHROMIUM, LAUNCH_ARGS, MAIN, Workbench, _env  # noqa: E402
from tests.browser.lti_fixtures import CLIENT_ID, add_activity, connect, launch_url, start_platform  # noqa: E402
from tests.browser.pages import CHOICE_ONLY, UNIT  # noqa: E402
from tests.lti.platform_fixtures import ToolServer  # noqa: E402

LANGS = ("en", "ar")
WRITTEN = "Plants capture light in chlorophyll and turn it into sugar."


class Shooter:
    """One chromium; a fresh context per picture, so languages and people never share cookies."""

    def __init__(self, out: Path, playwright) -> None:
        self.out = out
        self.browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        self.failures: list[str] = []
        self.taken: list[Path] = []

    def page(self, lang: str) -> Page:
        context = self.browser.new_context(locale=lang, viewport={"width": 1280, "height": 900},
                                           extra_http_headers={"Accept-Language": lang})
        page = context.new_page()
        page.set_default_timeout(45000)
        return page

    def shot(self, name: str, lang: str, steps: Callable[[Page], None]) -> None:
        page = self.page(lang)
        try:
            steps(page)
            page.wait_for_timeout(400)  # the editor's preview redraws 250 ms after the last change
            path = self.out / f"{name}-{lang}.png"
            page.screenshot(path=str(path), full_page=True)
            self.taken.append(path)
            print(f"  {path.relative_to(self.out.parent) if path.is_relative_to(self.out.parent) else path}")
        except Exception as exc:  # noqa: BLE001 (report and go on: one changed page must not cost the rest)
            self.failures.append(f"{name}-{lang}: {type(exc).__name__}: {str(exc).splitlines()[0]}")
            print(f"  FAILED {name}-{lang}: {exc}", file=sys.stderr)
        finally:
            page.context.close()

    def run(self, name: str, lang: str, steps: Callable[[Page], None]) -> None:
        """A step that prepares data (no picture)."""
        page = self.page(lang)
        try:
            steps(page)
        except Exception as exc:  # noqa: BLE001
            self.failures.append(f"{name}: {type(exc).__name__}: {str(exc).splitlines()[0]}")
            print(f"  FAILED {name}: {exc}", file=sys.stderr)
        finally:
            page.context.close()


def wait_mounted(page: Page, root: str = ".plc") -> None:
    page.locator(root).first.locator("h2").first.wait_for()
    page.wait_for_load_state("networkidle")


def wait_editor(page: Page) -> None:
    wait_mounted(page)
    page.locator(".plc-editor").first.wait_for()


def learner_submits(page: Page, url: str, root_selector: str) -> None:
    """The learner chooses the written option, writes, rates every criterion and submits."""
    page.goto(url)
    wait_mounted(page, root_selector)
    root = page.locator(root_selector).first
    choose = root.locator(".plc-sec-choose")
    choose.get_by_role("radio", name="Write an explanation").check()
    choose.locator("form").first.locator("button[type=submit]").click()
    evidence = root.locator(".plc-sec-evidence")
    evidence.wait_for()
    write = evidence.get_by_role("radio", name="Write")
    if write.count():  # one choice of evidence kind, where the view offers it
        write.first.check()
    evidence.get_by_label("Your written evidence").fill(WRITTEN)
    for fieldset in root.locator(".plc-self-assess fieldset[data-criterion]").all():
        fieldset.get_by_role("radio", name="Meets").check()
    evidence.locator("button[type=submit]").last.click()
    root.locator(".plc-sec-attempts").wait_for()


def workbench_shots(shooter: Shooter, scratch: Path) -> None:
    template = scratch / "template.db"
    subprocess.run([sys.executable, str(MAIN), "migrate", "--run-syncdb", "-v", "0"], cwd=ROOT,
                   env=_env(scratch, template), check=True, timeout=600)
    var_dir = scratch / "workbench"
    var_dir.mkdir()
    server = Workbench(template, var_dir)
    try:
        def url(scenario: str, student: str, view: str = "") -> str:
            return server.scenario(scenario, student, view)

        block = ".plchoice-plchoice .plc"
        for lang in LANGS:
            shooter.shot("workbench-learner", lang, lambda p: (p.goto(url(UNIT, "alice")), wait_mounted(p, block)))
        shooter.run("workbench: alice submits", "en", lambda p: learner_submits(p, url(UNIT, "alice"), block))
        for lang in LANGS:
            shooter.shot("workbench-learner-submitted", lang,
                         lambda p: (p.goto(url(UNIT, "alice")), wait_mounted(p, block)))
            shooter.shot("workbench-staff", lang, lambda p: (p.goto(url(UNIT, "staff")), wait_mounted(p, block)))
            shooter.shot("workbench-editor", lang,
                         lambda p: (p.goto(url(CHOICE_ONLY, "staff", "studio_view")), wait_editor(p)))
            shooter.shot("workbench-editor-problems", lang,
                         lambda p: (p.goto(url(CHOICE_ONLY, "staff", "studio_view")), wait_editor(p),
                                    p.locator(".plc-editor button[type=submit]").first.click(),
                                    p.locator(".plc-alert li").first.wait_for()))
            shooter.shot("workbench-preview", lang,
                         lambda p: (p.goto(url(UNIT, "staff")), wait_mounted(p, block),
                                    p.locator(f"{block} [data-testid=view-as-learner]").click(),
                                    p.locator(".plc-preview-banner").wait_for()))
    finally:
        server.stop()


def lti_shots(shooter: Shooter, scratch: Path) -> None:
    platform = start_platform()
    tool = ToolServer(scratch / "tool", {"PLCHOICE_COOKIE_SECURE": "false"})
    tool.data_dir.mkdir(parents=True, exist_ok=True)
    try:
        tool.cli("init")
        tool.start()
        connect(platform, tool)
        link = add_activity(platform, tool)
        blank = platform.state.add_link(CLIENT_ID, {"title": "Week 3", "url": tool.url + "/lti/launch", "custom": {}})
        root = "#plchoice-root .plc"

        def launch(user: str, lang: str) -> str:
            return launch_url(platform, user, link["id"], locale=lang)

        def deep_link(lang: str) -> str:
            query = {"user": "instructor-1", "kind": "deep_link", "client_id": CLIENT_ID, "locale": lang,
                     "placement": "assignment_selection"}
            return f"{platform.url}/_plc/launch?{urlencode(query)}"

        for lang in LANGS:
            shooter.shot("lti-learner", lang, lambda p, lang=lang: (p.goto(launch("learner-1", lang)),
                                                                    wait_mounted(p, root)))
        shooter.run("lti: learner submits", "en", lambda p: learner_submits(p, launch("learner-1", "en"), root))
        for lang in LANGS:
            shooter.shot("lti-lms-course", lang, lambda p, lang=lang: (p.goto(f"{platform.url}/?lang={lang}"),
                                                                       p.wait_for_load_state("networkidle")))
            shooter.shot("lti-learner-submitted", lang,
                         lambda p, lang=lang: (p.goto(launch("learner-1", lang)), wait_mounted(p, root)))
            shooter.shot("lti-staff", lang, lambda p, lang=lang: (p.goto(launch("instructor-1", lang)),
                                                                  wait_mounted(p, root)))
            shooter.shot("lti-editor", lang, lambda p, lang=lang: (p.goto(deep_link(lang)), wait_editor(p)))
            shooter.shot("lti-lms-play", lang, lambda p, lang=lang: (
                p.goto(f"{platform.url}/play?" + urlencode({"link": link["id"], "user": "learner-1",
                                                            "client_id": CLIENT_ID, "locale": lang})),
                p.frame_locator("#tool").locator(root).locator("h2").first.wait_for(),
                p.wait_for_load_state("networkidle")))
            shooter.shot("lti-not-ready", lang, lambda p, lang=lang: (
                p.goto(launch_url(platform, "learner-2", blank["id"], locale=lang)), p.locator("main h1").wait_for()))
            shooter.shot("lti-error-405", lang, lambda p: (p.goto(tool.url + "/lti/launch"),
                                                           p.locator("main h1").wait_for()))
        shooter.shot("lti-setup", "en", lambda p: (p.goto(launch_url(platform, "instructor-1", blank["id"])),
                                                   wait_editor(p)))
    finally:
        tool.stop()
        platform.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder for the PNG files (created if missing)")
    parser.add_argument("--only", choices=("workbench", "lti"), help="one home only")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="plc-shots-") as tmp, sync_playwright() as playwright:
        shooter = Shooter(out, playwright)
        scratch = Path(tmp)
        if args.only in (None, "workbench"):
            print("Workbench:")
            workbench_shots(shooter, scratch)
        if args.only in (None, "lti"):
            print("LTI tool and demo platform:")
            lti_shots(shooter, scratch)
        shooter.browser.close()
    print(f"{len(shooter.taken)} screenshots in {out}")
    for failure in shooter.failures:
        print("  not taken: " + failure, file=sys.stderr)
    return 1 if shooter.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
