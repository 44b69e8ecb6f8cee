"""Run as a subprocess: the learner loop on the real workbench runtime with edx-event-routing-backends
installed; prints the published events and the statements its registry's transformers make of them.

A subprocess, because this Django has event routing's apps installed and the handler tests' Django has not.
"""

import json
import os
import sys
import tempfile

os.environ["PLCHOICE_VAR_DIR"] = tempfile.mkdtemp(prefix="plchoice-erb-")
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.xapi.erb_settings"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

call_command("migrate", verbosity=0, interactive=False)

from event_routing_backends.processors.xapi.registry import XApiTransformersRegistry  # noqa: E402

from tests.xblock.helpers import Harness, anon  # noqa: E402

RATINGS = {"accuracy": "meets", "clarity": "meets", "evidence": "exceeds"}


def main() -> int:
    harness = Harness('<plchoice display_name="Photosynthesis" />')
    published: list[tuple[str, dict]] = []

    def call(user: str, command: str, payload: dict) -> None:
        block = harness.block(user)
        block.runtime.publish = lambda blk, name, data: published.append((name, data))
        response = harness.call(block, command, payload)
        assert response.status_int == 200, response.body

    call("alice", "choose", {"option_id": "write"})
    call("alice", "self_assess", {"ratings": RATINGS, "comment": "ok"})
    call("alice", "submit", {"text": "Light and water make sugar"})
    call("staff", "review", {"learner_id": anon("alice"), "attempt": 1, "ratings": RATINGS, "feedback": "Good",
                             "decision": "mastered"})
    call("alice", "reflect", {"phase": "after", "answers": {"worked": "Diagrams helped"},
                              "share_with_staff": True})
    statements = []
    for name, data in published:
        if not name.startswith("edx.plchoice."):
            continue
        event = {"name": name, "data": data, "timestamp": data["at"],
                 "context": {"user_id": 1, "course_id": "course-v1:org+c+run"}}
        statements.append(json.loads(XApiTransformersRegistry.get_transformer(event).transform().to_json()))
    whitelist = settings.EVENT_TRACKING_BACKENDS["event_transformer"]["OPTIONS"]["processors"][0]["OPTIONS"][
        "whitelist"]
    json.dump({"published": published, "statements": statements, "anon_alice": anon("alice"),
               "anon_staff": anon("staff"),
               "allowed": sorted(n for n in settings.EVENT_TRACKING_BACKENDS_ALLOWED_XAPI_EVENTS
                                 if n.startswith("edx.plchoice.")),
               "whitelisted": sorted(n for n in whitelist if n.startswith("edx.plchoice."))}, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
