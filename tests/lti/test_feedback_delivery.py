"""Grade delivery state from the AGS outbox in plain words: each outbox row's status and last answer become
one reason code, and the core turns the code into a fixed sentence, so no platform body reaches a view."""

from __future__ import annotations

import pytest

from lti_tool.db.outbox_models import DEAD, DELIVERED, PENDING, GradeOutbox
from lti_tool.lti.ags import _reason
from xblock_plchoice.core.grade_delivery import REASONS

HOSTILE = "Platform refused the score (400): <script>alert(1)</script> Traceback (most recent call last)"


@pytest.mark.parametrize("status, tries, last_status, error, code", [
    (PENDING, 0, None, None, "queued"),
    (PENDING, 2, None, "Score call failed: timeout.", "unreachable"),
    (PENDING, 1, 503, "Platform answered 503: <html>down</html>", "busy"),
    (PENDING, 1, 401, "Token refused; fetching a new one.", "token"),
    (PENDING, 3, None, "No registration for https://x / y any more.", "registration"),
    (DEAD, 1, 400, HOSTILE, "refused"),
    (DEAD, 60, 503, "Platform answered 503", "gave_up"),
    (DEAD, 60, 429, "Platform answered 429", "gave_up"),
    (DELIVERED, 1, 200, None, "delivered"),
])
def test_each_outbox_state_is_one_reason_code(status, tries, last_status, error, code):
    row = GradeOutbox(status=status, tries=tries, last_status=last_status, last_error=error)
    assert _reason(row) == code and code in REASONS
    assert "<" not in REASONS[code] and "Traceback" not in REASONS[code]


def test_a_link_without_a_gradebook_column_refuses_a_resend_clearly():
    from types import SimpleNamespace

    from lti_tool.lti.ags import OutboxGradeSink
    from xblock_plchoice.core.errors import IllegalTransition
    from xblock_plchoice.core.store import LearnerRecord

    sink = OutboxGradeSink(None, SimpleNamespace(ags=None, activity_key="a"), launch_url="https://tool/launch")
    record = LearnerRecord("a", "c", "learner-1")
    assert sink.delivery_state(record) is None
    with pytest.raises(IllegalTransition) as error:
        sink.resend(record, {"number": 1, "review": {"decision": "mastered", "at": "t"}}, 10.0, 10.0)
    assert error.value.status == 409 and "gradebook column" in error.value.render()
