"""The one mapping from a PL Choice :class:`~.events.Event` to an xAPI 1.0.3 statement.

Both homes send what this module makes: the LTI tool posts it to its LRS, and
the XBlock's ``edx-event-routing-backends`` transformers build their statements
from the same functions, so an Open edX site and an LTI deployment describe
the same learning the same way. The profile (verbs, activity types,
extensions, examples) is published in ``docs/XAPI.md``; keep the two in step.

Verbs come from the ADL vocabulary where one fits (``preferred``, ``asked``,
``responded``, ``rated`` from the xAPI registry, ``mastered``, ``progressed``,
``commented``, ``shared``, ``completed``) and Activity Streams' ``submit``.
Actors are accounts with the platform's opaque id as ``name`` and the
platform as ``homePage`` (Open edX: the LMS root URL with the anonymous id;
LTI: the issuer with the ``sub``): never a name, never an email.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from .events import NAMESPACE, Event

XAPI_VERSION = "1.0.3"
PROFILE = "https://github.com/plchoice/xapi"
PLATFORM = "PL Choice"

VERBS: dict[str, str] = {
    "preferred": "http://adlnet.gov/expapi/verbs/preferred",
    "asked": "http://adlnet.gov/expapi/verbs/asked",
    "responded": "http://adlnet.gov/expapi/verbs/responded",
    "submitted": "http://activitystrea.ms/schema/1.0/submit",
    "rated": "http://id.tincanapi.com/verb/rated",
    "mastered": "http://adlnet.gov/expapi/verbs/mastered",
    "progressed": "http://adlnet.gov/expapi/verbs/progressed",
    "commented": "http://adlnet.gov/expapi/verbs/commented",
    "shared": "http://adlnet.gov/expapi/verbs/shared",
    "completed": "http://adlnet.gov/expapi/verbs/completed",
}

ACTIVITY_TYPES: dict[str, str] = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "activity": "http://adlnet.gov/expapi/activities/assessment",
    "option": f"{PROFILE}/activity-types/option",
    "proposal": f"{PROFILE}/activity-types/proposal",
    "reflection": f"{PROFILE}/activity-types/reflection",
}

EXTENSION_NAMES = ("option-id", "attempt", "evidence", "ratings", "self-ratings", "decision", "phase",
                   "proposal-number", "answers", "learner", "has-comment", "by-learner")


def extension(name: str) -> str:
    """The IRI of one PL Choice extension (``docs/XAPI.md`` lists them)."""
    return f"{PROFILE}/extensions/{name}"


@dataclass(frozen=True)
class Home:
    """How one home names people and things in IRIs.

    ``home_page`` is the account namespace of the actor ids (the LMS root URL,
    or the LTI issuer); ``activity_iri`` and ``course_iri`` turn the core's keys
    into stable IRIs under the home's own address.
    """

    home_page: str
    activity_iri: Callable[[str], str]
    course_iri: Callable[[str], str]


def url_home(home_page: str, base_url: str) -> Home:
    """A home whose activities and courses live under ``base_url`` (the LTI tool; tests)."""
    base = base_url.rstrip("/")
    return Home(home_page=home_page,
                activity_iri=lambda key: f"{base}/xapi/activities/{quote(key, safe='')}",
                course_iri=lambda key: f"{base}/xapi/courses/{quote(key, safe='')}")


def agent(home: Home, account_id: str) -> dict[str, Any]:
    return {"objectType": "Agent", "account": {"homePage": home.home_page, "name": account_id}}


def _name(text: str) -> dict[str, str]:
    return {"und": text} if text else {}


def _activity(iri: str, kind: str, title: str = "") -> dict[str, Any]:
    definition: dict[str, Any] = {"type": ACTIVITY_TYPES[kind]}
    if title:
        definition["name"] = _name(title)
    return {"objectType": "Activity", "id": iri, "definition": definition}


def _verb(name: str) -> dict[str, Any]:
    return {"id": VERBS[name], "display": {"en-US": name}}


def _sub_id(event: Event, *parts: Any) -> str:
    """An opaque, stable path segment (a learner's proposal) that does not put their id in an IRI."""
    return str(uuid.uuid5(NAMESPACE, "\x1f".join([event.activity_key, event.learner_id, *map(str, parts)])))


def verb_of(event: Event) -> str:
    """The verb name of an event (a key of :data:`VERBS`)."""
    kind, data = event.kind, event.data
    if kind == "reviewed":
        return "mastered" if data.get("decision") == "mastered" else "progressed"
    if kind == "reflected":
        return "shared" if data.get("shared") else "completed"
    return {"option_chosen": "preferred", "proposal_made": "asked", "proposal_decided": "responded",
            "evidence_submitted": "submitted", "self_assessed": "rated", "replied": "commented"}[kind]


def object_of(event: Event, home: Home) -> dict[str, Any]:
    """The statement's object: the activity itself, or one of its parts (option, proposal, reflection)."""
    iri, data = home.activity_iri(event.activity_key), event.data
    if event.kind == "option_chosen":
        return _activity(f"{iri}/options/{quote(str(data.get('option_id')), safe='')}", "option",
                         data.get("option_title", ""))
    if event.kind in ("proposal_made", "proposal_decided"):
        return _activity(f"{iri}/proposals/{_sub_id(event, 'proposal', data.get('proposal_number'))}", "proposal",
                         data.get("proposal_title", ""))
    if event.kind == "reflected":
        return _activity(f"{iri}/reflections/{data.get('phase')}", "reflection")
    return _activity(iri, "activity", event.activity_title)


def result_of(event: Event) -> dict[str, Any] | None:
    """What came of it: a decision, ratings, a reply or shared answers; ``None`` when nothing did."""
    data, ext = event.data, extension
    if event.kind == "proposal_made":
        return {"response": data.get("proposal_title", "")}
    if event.kind == "proposal_decided":
        return {"response": data.get("decision", ""), "success": data.get("decision") == "approve"}
    if event.kind == "evidence_submitted":
        return {"completion": True, "extensions": {ext("evidence"): data.get("evidence") or {},
                                                   ext("self-ratings"): data.get("self_ratings") or {}}}
    if event.kind == "self_assessed":
        return {"extensions": {ext("ratings"): data.get("ratings") or {},
                               ext("has-comment"): bool(data.get("has_comment"))}}
    if event.kind == "reviewed":
        mastered = data.get("decision") == "mastered"
        result: dict[str, Any] = {"success": mastered, "completion": mastered,
                                  "extensions": {ext("decision"): data.get("decision"),
                                                 ext("ratings"): data.get("ratings") or {}}}
        if mastered:
            result["score"] = {"scaled": 1.0}
        return result
    if event.kind == "replied":
        return {"response": data.get("text", "")}
    if event.kind == "reflected" and data.get("shared"):
        answers = data.get("answers") or {}
        return {"response": "\n\n".join(text for text in answers.values() if text),
                "extensions": {ext("answers"): answers}}
    return None


def context_of(event: Event, home: Home) -> dict[str, Any]:
    data = event.data
    course = _activity(home.course_iri(event.course_key), "course")
    activity = _activity(home.activity_iri(event.activity_key), "activity", event.activity_title)
    on_activity = object_of(event, home)["id"] == activity["id"]
    context: dict[str, Any] = {
        "platform": PLATFORM,
        "contextActivities": {"grouping": [course]} if on_activity else {"parent": [activity], "grouping": [course]},
    }
    extensions: dict[str, Any] = {}
    for key, name in (("attempt", "attempt"), ("option_id", "option-id"), ("phase", "phase"),
                      ("proposal_number", "proposal-number")):
        if data.get(key) is not None and event.kind != "option_chosen":
            extensions[extension(name)] = data[key]
    if event.kind == "replied":
        extensions[extension("by-learner")] = bool(data.get("by_learner"))
    if event.actor_id != event.learner_id:
        # Staff acted on a learner's work. A review's actor is the learner (the mastery is theirs) and
        # the reviewer is the instructor; otherwise staff is the actor and the learner is named, by opaque
        # id, in an extension, so the statement can be found as theirs too.
        context["instructor"] = agent(home, event.actor_id)
        if event.kind != "reviewed":
            extensions[extension("learner")] = agent(home, event.learner_id)
    if extensions:
        context["extensions"] = extensions
    return context


def actor_of(event: Event, home: Home) -> dict[str, Any]:
    """The learner for outcomes (a review's mastery is theirs), otherwise whoever acted."""
    return agent(home, event.learner_id if event.kind == "reviewed" else event.actor_id)


def statement(event: Event, home: Home) -> dict[str, Any]:
    """The xAPI statement of one event; its ``id`` is the event's (deterministic) id."""
    out: dict[str, Any] = {
        "id": event.id,
        "actor": actor_of(event, home),
        "verb": _verb(verb_of(event)),
        "object": object_of(event, home),
        "context": context_of(event, home),
        "timestamp": event.at,
        "version": XAPI_VERSION,
    }
    result = result_of(event)
    if result is not None:
        out["result"] = result
    return out
