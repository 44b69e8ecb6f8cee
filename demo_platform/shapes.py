"""How each LMS shapes its launches and service URLs.

The tool must accept what Canvas and Moodle really send, so the demo platform can
speak as either: Moodle's numeric deployment ids, institution role URIs,
``ext``/``lis`` claims and ``?type_id=`` line-item URLs; Canvas's
``<id>:<hash>`` deployment ids, system roles, ``canvas_*`` custom variables and
``/api/lti/courses/...`` service URLs. ``generic`` is a plain spec-shaped platform.
"""

from __future__ import annotations

import hashlib
from typing import Any

from .state import INSTITUTION_ROLE, ROLE, SYSTEM_ROLE, Member

SHAPES = ("generic", "moodle", "canvas")
MOODLE_TYPE_ID = "7"
CANVAS_COURSE_NUMBER = "4242"


def deployment_id_for(shape: str, seed: str) -> str:
    if shape == "canvas":
        return "17:" + hashlib.sha1(seed.encode(), usedforsecurity=False).hexdigest()
    if shape == "moodle":
        return "3"
    return "deployment-1"


def lineitems_url(shape: str, base: str, context_id: str) -> str:
    if shape == "moodle":
        return f"{base}/mod/lti/services.php/{context_id}/lineitems?type_id={MOODLE_TYPE_ID}"
    if shape == "canvas":
        return f"{base}/api/lti/courses/{context_id}/line_items"
    return f"{base}/ags/{context_id}/lineitems"


def lineitem_url(shape: str, base: str, context_id: str, item_id: str) -> str:
    if shape == "moodle":
        return f"{base}/mod/lti/services.php/{context_id}/lineitems/{item_id}/lineitem?type_id={MOODLE_TYPE_ID}"
    if shape == "canvas":
        return f"{base}/api/lti/courses/{context_id}/line_items/{item_id}"
    return f"{base}/ags/{context_id}/lineitems/{item_id}"


def memberships_url(shape: str, base: str, context_id: str) -> str:
    if shape == "moodle":
        return f"{base}/mod/lti/services.php/CourseSection/{context_id}/bindings/{MOODLE_TYPE_ID}/memberships"
    if shape == "canvas":
        return f"{base}/api/lti/courses/{context_id}/names_and_roles"
    return f"{base}/nrps/{context_id}/memberships"


def roles_for(shape: str, member: Member) -> list[str]:
    """The role URIs each LMS sends for the same person."""
    teacher = member.is_instructor
    if shape == "moodle":
        if teacher:
            return [INSTITUTION_ROLE + "Administrator", ROLE + "Instructor", SYSTEM_ROLE + "Administrator"]
        return [ROLE + "Learner"]
    if shape == "canvas":
        if teacher:
            return [INSTITUTION_ROLE + "Instructor", ROLE + "Instructor", SYSTEM_ROLE + "User"]
        return [INSTITUTION_ROLE + "Student", ROLE + "Learner", SYSTEM_ROLE + "User"]
    return list(member.roles)


def _canvas_number(user_id: str) -> str:
    """A stable numeric id, as Canvas's ``$Canvas.user.id`` expansion gives."""
    return str(100 + int(hashlib.sha1(user_id.encode(), usedforsecurity=False).hexdigest()[:6], 16) % 900)


def custom_for(shape: str, member: Member, link_custom: dict[str, str]) -> dict[str, str]:
    custom = dict(link_custom)
    if shape == "canvas":
        custom.update({"canvas_course_id": CANVAS_COURSE_NUMBER,
                       "canvas_user_id": _canvas_number(member.user_id),
                       "canvas_user_login_id": member.email})
    elif shape == "moodle":
        custom.setdefault("moodle_course", "2")
    return custom


def extra_claims(shape: str, member: Member, issuer: str, placement: str | None,
                 locale: str = "en") -> dict[str, Any]:
    """Claims beyond the core ones, as each LMS adds them; ``locale`` is the LMS's language switch."""
    given, _, family = member.name.partition(" ")
    claims: dict[str, Any] = {"given_name": given, "family_name": family,
                              "https://purl.imsglobal.org/spec/lti/claim/launch_presentation": {
                                  "document_target": "iframe", "locale": locale, "return_url": issuer + "/"}}
    if shape == "moodle":
        claims.update({
            "https://purl.imsglobal.org/spec/lti/claim/ext": {"user_username": member.user_id, "lms": "moodle-2"},
            "https://purl.imsglobal.org/spec/lti/claim/lis": {"person_sourcedid": "",
                                                              "course_section_sourcedid": ""},
            "https://purl.imsglobal.org/spec/lti/claim/tool_platform": {
                "product_family_code": "moodle", "version": "2024042200", "guid": "demo-moodle",
                "name": "Demo Moodle", "description": "Moodle-shaped demo platform"},
        })
    elif shape == "canvas":
        claims.update({
            "https://purl.imsglobal.org/spec/lti/claim/tool_platform": {
                "guid": "demo-canvas:canvas-lms", "name": "Demo Canvas", "version": "cloud",
                "product_family_code": "canvas"},
            "https://purl.imsglobal.org/spec/lti/claim/lis": {"person_sourcedid": None,
                                                              "course_offering_sourcedid": None},
            "https://purl.imsglobal.org/spec/lti/claim/lti11_legacy_user_id": member.user_id,
            "https://www.instructure.com/placement": placement,
            "locale": locale,
        })
    return claims
