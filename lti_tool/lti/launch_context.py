"""What a launch leaves behind for the /api calls that follow it, and how claims map to our terms.

Roles: an Instructor, Administrator, TeachingAssistant or ContentDeveloper
*membership* (course) role makes the user staff; so does a system or
institution Administrator. An institution "Instructor" alone does not: Canvas
sends it for teachers who are learners in someone else's course.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lti_tool.db.models import Registration

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
STAFF_MEMBERSHIP = frozenset({"Instructor", "Administrator", "TeachingAssistant", "ContentDeveloper"})
STAFF_SYSTEM = frozenset({"Administrator", "SysAdmin"})
LIS = "http://purl.imsglobal.org/vocab/lis/v2/"


def role_for(roles: list[str]) -> str:
    """``"staff"`` or ``"learner"`` from the LTI roles claim."""
    for role in roles:
        if not isinstance(role, str):
            continue
        if role.startswith(LIS + "membership"):
            # membership#Instructor, or a sub-role like membership/Instructor#TeachingAssistant
            path, _, fragment = role[len(LIS):].partition("#")
            names = {fragment, path.rsplit("/", 1)[-1]}
            if names & STAFF_MEMBERSHIP:
                return "staff"
        elif role.startswith((LIS + "system/", LIS + "institution/")):
            if role.rpartition("#")[2] in STAFF_SYSTEM:
                return "staff"
        elif "/" not in role and role in STAFF_MEMBERSHIP:  # short context role names (LTI 1.3 allows them)
            return "staff"
    return "learner"


@dataclass
class LaunchContext:
    launch_id: str
    registration_id: int
    issuer: str
    client_id: str
    deployment_id: str
    user_id: str
    role: str
    display_name: str
    context_id: str
    course_key: str
    resource_link_id: str
    activity_id: str
    activity_key: str
    locale: str
    message_type: str
    csrf_token: str = ""
    session_bound: bool = False
    ags: dict[str, Any] | None = None
    nrps: dict[str, Any] | None = None
    custom: dict[str, Any] = field(default_factory=dict)
    claims: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The fields as they are (shallow: asdict would deep-copy every claim on every launch)."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LaunchContext:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


def activity_key_for(issuer: str, deployment_id: str, resource_link_id: str, activity_id: str) -> str:
    """Where a link's learner work is kept: one key per platform link and activity."""
    return f"{issuer} {deployment_id} {resource_link_id} {activity_id}"


def display_name_of(claims: dict[str, Any]) -> str:
    name = claims.get("name")
    if isinstance(name, str) and name.strip():
        return name.strip()
    parts = [claims.get("given_name"), claims.get("family_name")]
    return " ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())


def build_context(claims: dict[str, Any], registration: Registration, launch_id: str, *,
                  activity_id: str | None = None, csrf_token: str = "", session_bound: bool = False) -> LaunchContext:
    """The launch context for verified ``claims``; ``activity_id`` comes from the link mapping or custom claim."""
    custom = claims.get(CLAIM + "custom") or {}
    custom = custom if isinstance(custom, dict) else {}
    context = claims.get(CLAIM + "context") or {}
    link = claims.get(CLAIM + "resource_link") or {}
    presentation = claims.get(CLAIM + "launch_presentation") or {}
    deployment_id = str(claims.get(CLAIM + "deployment_id", ""))
    context_id = str(context.get("id", "")) if isinstance(context, dict) else ""
    resource_link_id = str(link.get("id", "")) if isinstance(link, dict) else ""
    activity = activity_id or str(custom.get("activity_id", ""))
    locale = presentation.get("locale") if isinstance(presentation, dict) else None
    issuer = registration.issuer
    return LaunchContext(
        launch_id=launch_id, registration_id=registration.id, issuer=issuer, client_id=registration.client_id,
        deployment_id=deployment_id, user_id=str(claims.get("sub", "")),
        role=role_for(list(claims.get(CLAIM + "roles") or [])), display_name=display_name_of(claims),
        context_id=context_id, course_key=f"{issuer} {context_id}", resource_link_id=resource_link_id,
        activity_id=activity, activity_key=activity_key_for(issuer, deployment_id, resource_link_id, activity),
        locale=str(locale or "en"), message_type=str(claims.get(CLAIM + "message_type", "")),
        csrf_token=csrf_token, session_bound=session_bound,
        ags=claims.get(AGS_CLAIM), nrps=claims.get(NRPS_CLAIM), custom=dict(custom),
        claims=_kept_claims(claims))


DEEP_LINKING_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"


def _kept_claims(claims: dict[str, Any]) -> dict[str, Any]:
    """The claims later requests read: a deep-linking launch's settings (its return URL and ``data``).

    Every /api call loads the launch context, so a resource-link launch keeps none of its raw claims:
    what the tool uses of them is already in the fields above.
    """
    if DEEP_LINKING_SETTINGS in claims:
        return {DEEP_LINKING_SETTINGS: claims[DEEP_LINKING_SETTINGS]}
    return {}
