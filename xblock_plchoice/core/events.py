"""What happened, as plain records: the one source of tracking events and xAPI statements.

The core does not know about Open edX tracking logs or learning record stores.
It only says *what happened* through ``ctx.events`` (an :class:`EventSink`, like
``ctx.grades``): each home turns the same :class:`Event` into its own delivery
(the XBlock: ``runtime.publish("edx.plchoice.*")``; the LTI tool: an xAPI
statement in its durable outbox). :mod:`.xapi` is the one mapping to xAPI.

Events are derived from what a command *changed* (:func:`changes`: the record's
before and after), not emitted by each command by hand, so no command can
forget one and a replayed request that changes nothing emits nothing.

Privacy, decided here once:

* actors are the ids the home already uses (Open edX anonymous id, LTI ``sub``),
  never a name or an email; ``display_name`` never enters an event;
* evidence is described (kinds, counts), never copied: the text and files stay
  in the tool;
* a reflection's answers travel only when the learner shared them with staff;
  otherwise the event says only that a reflection happened.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol

from .store import LearnerRecord

#: The kinds of event, each one xAPI statement (:mod:`.xapi`) and one ``edx.plchoice.<name>`` event.
KINDS: dict[str, str] = {
    "option_chosen": "edx.plchoice.option.chosen",
    "proposal_made": "edx.plchoice.proposal.made",
    "proposal_decided": "edx.plchoice.proposal.decided",
    "evidence_submitted": "edx.plchoice.evidence.submitted",
    "self_assessed": "edx.plchoice.self_assessment.saved",
    "reviewed": "edx.plchoice.review.decided",
    "replied": "edx.plchoice.reply.posted",
    "reflected": "edx.plchoice.reflection.saved",
}

#: uuid5 namespace of every PL Choice event id (and so of every statement id).
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/plchoice/xapi")


class UnknownEventKind(ValueError):
    """A tracking event's fields name no PL Choice event kind (not ours, or from a newer version)."""

    def __init__(self, kind: Any) -> None:
        super().__init__(f"Not a PL Choice event kind: {str(kind)[:40]!r}; known kinds: {', '.join(KINDS)}.")


@dataclass(frozen=True)
class Event:
    """One thing that happened to one learner's work in one activity.

    ``actor_id`` did it (the learner, or the staff member who reviewed or
    decided); ``learner_id`` is whose work it is. ``identity`` makes the event
    unique among all events of that learner and activity, so :attr:`id` is the
    same every time the same change is seen (a retried request, a replayed
    outbox row): a learning record store then keeps it once.
    """

    kind: str
    actor_id: str
    learner_id: str
    course_key: str
    activity_key: str
    activity_title: str
    at: str
    identity: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return str(uuid.uuid5(NAMESPACE, "\x1f".join(
            (self.kind, self.course_key, self.activity_key, self.learner_id, self.identity))))

    @property
    def name(self) -> str:
        """The Open edX tracking event name."""
        return KINDS[self.kind]

    def fields(self) -> dict[str, Any]:
        """The tracking event's fields: the same data the xAPI statement is made from."""
        return {"event_id": self.id, "kind": self.kind, "actor_id": self.actor_id, "learner_id": self.learner_id,
                "course_key": self.course_key, "activity_key": self.activity_key,
                "activity_title": self.activity_title, "at": self.at, "identity": self.identity, **self.data}

    @classmethod
    def from_fields(cls, fields: dict[str, Any]) -> Event:
        """The event back from :meth:`fields` (what an event-routing transformer receives)."""
        base = ("kind", "actor_id", "learner_id", "course_key", "activity_key", "activity_title", "at", "identity")
        if fields.get("kind") not in KINDS:
            raise UnknownEventKind(fields.get("kind"))
        data = {k: v for k, v in fields.items() if k not in (*base, "event_id")}
        return cls(**{k: str(fields.get(k) or "") for k in base}, data=data)


class EventSink(Protocol):
    """Where events go. Called inside the transaction of the change it reports (like a grade sink),
    so a durable sink (the LTI outbox) commits its row with the change or not at all."""

    def emit(self, event: Event) -> None: ...


class NullEventSink:
    """The default: nothing is tracked (core tests, homes without tracking)."""

    def emit(self, event: Event) -> None:
        return None


class ListEventSink:
    """Keeps what it is given, in order (tests, and the XBlock's per-request buffer)."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def emit(self, event: Event) -> None:
        self.events.append(event)


def _evidence_summary(evidence: dict[str, Any]) -> dict[str, Any]:
    """What was handed in, without its content: kinds and counts only."""
    files = evidence.get("files") or []
    return {"has_text": bool((evidence.get("text") or "").strip()), "links": len(evidence.get("links") or []),
            "files": len(files), "file_kinds": sorted({f.get("kind") or "file" for f in files})}


def changes(before: LearnerRecord | None, after: LearnerRecord) -> list[Event]:
    """The events one saved change produced: new workflow events, new replies, plus a new self-assessment."""
    seen = len(before.events) if before is not None else 0
    out = [event for entry in after.events[seen:] if (event := _from_workflow(after, entry)) is not None]
    replies_seen = len(before.replies) if before is not None else 0  # threads are append-only (core.feedback)
    for entry in after.replies[replies_seen:]:
        title = next((e.get("activity_title", "") for e in reversed(after.events) if e.get("activity_title")), "")
        out.append(replied(after, entry["attempt"], entry["id"], entry.get("author_id", ""), entry["text"],
                           entry["at"], title))
    mine_before = ((before.draft or {}).get("self_assessment") if before is not None else None) or {}
    mine = (after.draft or {}).get("self_assessment") or {}
    if mine and mine.get("at") != mine_before.get("at"):
        title = next((e.get("activity_title", "") for e in reversed(after.events)), "")
        out.append(_event(after, "self_assessed", after.learner_id, mine["at"], "self:" + mine["at"], title=title,
                          ratings=dict(mine.get("ratings") or {}), option_id=after.option_id,
                          has_comment=bool((mine.get("comment") or "").strip())))
    return out


def _event(record: LearnerRecord, kind: str, actor_id: str, at: str, identity: str, *, title: str = "",
           **data: Any) -> Event:
    return Event(kind=kind, actor_id=actor_id or record.learner_id, learner_id=record.learner_id,
                 course_key=record.course_key, activity_key=record.activity_key, activity_title=title, at=at,
                 identity=identity, data=data)


def _from_workflow(record: LearnerRecord, entry: dict[str, Any]) -> Event | None:
    kind, at, title = entry["type"], entry["at"], entry.get("activity_title", "")
    if kind == "chose":
        return _event(record, "option_chosen", record.learner_id, at, f"chose:{at}", title=title,
                      option_id=entry.get("option_id"), option_title=entry.get("option_title", ""))
    if kind == "proposed":
        return _event(record, "proposal_made", record.learner_id, at, f"proposed:{at}", title=title,
                      proposal_title=entry.get("title", ""), proposal_number=len(record.proposals))
    if kind in ("proposal_approved", "proposal_redirected"):
        proposal = record.proposal or {}
        return _event(record, "proposal_decided", proposal.get("decided_by") or "", at, f"decided:{at}",
                      title=title, decision="approve" if kind == "proposal_approved" else "redirect",
                      proposal_title=entry.get("title", ""), proposal_number=len(record.proposals))
    if kind == "submitted":
        attempt = _attempt(record, entry.get("attempt"))
        return _event(record, "evidence_submitted", record.learner_id, at, f"attempt:{entry.get('attempt')}",
                      title=title, attempt=entry.get("attempt"), option_id=attempt.get("option_id"),
                      option_title=attempt.get("option_title", ""),
                      evidence=_evidence_summary(attempt.get("evidence") or {}),
                      self_ratings=dict((attempt.get("self_assessment") or {}).get("ratings") or {}))
    if kind == "reviewed":
        attempt = _attempt(record, entry.get("attempt"))
        review = attempt.get("review") or {}
        return _event(record, "reviewed", review.get("reviewer_id") or "", at, f"review:{entry.get('attempt')}",
                      title=title, attempt=entry.get("attempt"), decision=entry.get("decision"),
                      ratings=dict(review.get("ratings") or {}), option_id=attempt.get("option_id"),
                      option_title=attempt.get("option_title", ""))
    return None  # reset and other bookkeeping entries are not learning events


def _attempt(record: LearnerRecord, number: Any) -> dict[str, Any]:
    return next((a for a in record.attempts if a.get("number") == number), {})


def replied(record: LearnerRecord, attempt_number: int, reply_id: str, author_id: str, text: str, at: str,
            activity_title: str = "") -> Event:
    """A message in the reply thread of one attempt's feedback (learner or staff).

    :func:`changes` emits it for each reply a change appended; the text travels because a reply is
    written *to* the other side.
    """
    return _event(record, "replied", author_id, at, f"reply:{reply_id}", title=activity_title,
                  attempt=attempt_number, text=text, by_learner=author_id == record.learner_id)


def reflected(entry: dict[str, Any]) -> Event:
    """A reflection entry; its answers only when the learner shared them with staff."""
    shared = bool(entry.get("share_with_staff"))
    data: dict[str, Any] = {"phase": entry["phase"], "shared": shared}
    if shared:
        data["answers"] = {k: v for k, v in (entry.get("answers") or {}).items() if v}
        data["prompts"] = dict(entry.get("prompts") or {})
    return Event(kind="reflected", actor_id=entry["learner_id"], learner_id=entry["learner_id"],
                 course_key=entry["course_key"], activity_key=entry["activity_key"],
                 activity_title=entry.get("activity_title", ""), at=entry["at"], identity=f"reflection:{entry['id']}",
                 data=data)
