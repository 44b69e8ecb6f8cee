"""Who is asking, about what, and with which services: what an adapter hands the core.

An adapter builds one :class:`Actor` and one :class:`Context` per request. The
core is deterministic given ``clock`` and ``new_id``, which is what lets the
property tests replay any sequence of commands.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from .activity import Activity
from .store import BlobStore, LearnerRecord, Store

ROLES = ("learner", "staff")


@dataclass(frozen=True)
class Actor:
    """The person behind a request. ``user_id`` should be an anonymous id where the platform has one."""

    user_id: str
    role: str = "learner"
    display_name: str = ""

    @property
    def is_staff(self) -> bool:
        return self.role == "staff"


class GradeSink(Protocol):
    """Where grades go: edx-submissions for the XBlock, the AGS outbox for LTI.

    Called inside the same transaction as the store write, so an outbox row
    commits together with the decision it reports.
    """

    def submitted(self, record: LearnerRecord, attempt: dict[str, Any]) -> None: ...

    def scored(self, record: LearnerRecord, attempt: dict[str, Any], score: float, max_score: float) -> None: ...

    def delivery_state(self, record: LearnerRecord) -> dict[str, Any] | None:
        """The last grade delivery for this learner (:mod:`.grade_delivery`), None if the home sends none."""

    def resend(self, record: LearnerRecord, attempt: dict[str, Any], score: float, max_score: float) -> None:
        """Deliver this reviewed attempt's grade again (same attempt and decision: still one grade)."""


class NullGradeSink:
    """For activities without a grade (reflections) and for tests that do not look at grades."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str, int, float | None]] = []

    def submitted(self, record: LearnerRecord, attempt: dict[str, Any]) -> None:
        self.events.append(("submitted", record.learner_id, attempt["number"], None))

    def scored(self, record: LearnerRecord, attempt: dict[str, Any], score: float, max_score: float) -> None:
        self.events.append(("scored", record.learner_id, attempt["number"], score))

    def delivery_state(self, record: LearnerRecord) -> dict[str, Any] | None:
        return None

    def resend(self, record: LearnerRecord, attempt: dict[str, Any], score: float, max_score: float) -> None:
        self.events.append(("resent", record.learner_id, attempt["number"], None))


@dataclass(frozen=True)
class Limits:
    """Evidence limits; adapters fill them from settings (XBLOCK_SETTINGS / PLCHOICE_*)."""

    text_max_chars: int = 20_000
    links_max: int = 10
    link_max_chars: int = 2_000
    files_max: int = 10
    file_max_bytes: int = 20 * 1024 * 1024
    audio_max_bytes: int = 50 * 1024 * 1024
    video_max_bytes: int = 200 * 1024 * 1024
    quota_bytes: int = 500 * 1024 * 1024  # all of one learner's files in one activity (core.quota)
    reflection_max_chars: int = 5_000
    profile_field_max_chars: int = 2_000
    page_size_max: int = 100

    def max_bytes_for(self, kind: str) -> int:
        kind = kind.removeprefix("feedback_")  # staff feedback recordings: the same limits as learners'
        return {"audio": self.audio_max_bytes, "video": self.video_max_bytes}.get(kind, self.file_max_bytes)


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _new_id() -> str:
    return uuid.uuid4().hex


@dataclass
class Context:
    """Everything one command needs besides the actor and the payload."""

    activity: Activity
    activity_key: str
    course_key: str
    store: Store
    blobs: BlobStore | None = None
    grades: GradeSink = field(default_factory=NullGradeSink)
    limits: Limits = field(default_factory=Limits)
    clock: Callable[[], datetime] = _utcnow
    new_id: Callable[[], str] = _new_id
    file_url: Callable[[str], str] = lambda file_id: f"files/{file_id}"
    #: The staff CSV link, when the home's links expire (LTI); staff state views then carry a fresh one.
    export_url: Callable[[], str] | None = None

    def now(self) -> datetime:
        return self.clock()

    def now_iso(self) -> str:
        return self.clock().astimezone(UTC).isoformat(timespec="microseconds")

    @staticmethod
    def utc_now_iso() -> str:
        """The timestamp format of every record, for callers outside a request (platform signals)."""
        return _utcnow().isoformat(timespec="microseconds")
