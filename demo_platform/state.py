"""What the demo platform remembers: tool registrations, links, line items, scores, members.

Everything lives in memory behind one lock: the platform is a demo and a test
fixture, restarted freely; the *tool* is what must be durable. Tests read this
state over HTTP (``GET /_state``) so they check what a real platform received,
not what the tool believes it sent.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
INSTITUTION_ROLE = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#"
SYSTEM_ROLE = "http://purl.imsglobal.org/vocab/lis/v2/system/person#"


def new_rsa_pem() -> tuple[str, str]:
    """A fresh RS256 key pair as (private PEM, public PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


@dataclass
class ToolClient:
    """One tool registration on this platform (a client id and its deployment)."""

    client_id: str
    deployment_id: str
    login_url: str
    launch_url: str
    jwks_url: str
    redirect_uris: list[str]
    name: str = "PL Choice"
    scopes: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class Member:
    user_id: str
    name: str
    roles: list[str]
    email: str = ""

    @property
    def is_instructor(self) -> bool:
        return any(r.endswith("#Instructor") for r in self.roles)


def default_members() -> dict[str, Member]:
    """Two instructors and three learners: a queue with 'not started' people and two graders."""
    people = [
        Member("instructor-1", "Ada Instructor", [ROLE + "Instructor", INSTITUTION_ROLE + "Faculty"],
               "ada@example.edu"),
        # a second grader: claims and the "mine / unclaimed" queue need two people grading one course
        Member("instructor-2", "Tomás Assistant", [ROLE + "TeachingAssistant", ROLE + "Instructor"],
               "tomas@example.edu"),
        Member("learner-1", "Lin Learner", [ROLE + "Learner", INSTITUTION_ROLE + "Student"], "lin@example.edu"),
        Member("learner-2", "Sam Student", [ROLE + "Learner", INSTITUTION_ROLE + "Student"], "sam@example.edu"),
        Member("learner-3", "Noor Newcomer", [ROLE + "Learner", INSTITUTION_ROLE + "Student"], "noor@example.edu"),
    ]
    return {m.user_id: m for m in people}


@dataclass
class Faults:
    """Switchable failures of the score endpoint: ``mode`` is ok, 503 or timeout.

    ``remaining`` counts the requests still to fail (``None``: until switched off).
    In ``timeout`` mode the platform sleeps ``sleep`` seconds and *then applies the
    score*, as a slow real platform would: the tool's retry must not apply it twice.
    """

    mode: str = "ok"
    remaining: int | None = None
    sleep: float = 3.0
    failed: int = 0


class PlatformState:
    """All mutable platform state; every method takes the lock."""

    def __init__(self, issuer: str, shape: str = "generic") -> None:
        self.issuer = issuer
        self.shape = shape
        self.private_pem, self.public_pem = new_rsa_pem()
        self.lock = threading.RLock()
        self.clients: dict[str, ToolClient] = {}
        self.members = default_members()
        self.context_id = "course-101"
        self.context_title = "Biology 101"
        self.links: dict[str, dict[str, Any]] = {}
        self.lineitems: dict[str, dict[str, Any]] = {}
        self.scores: list[dict[str, Any]] = []
        self.rejected_scores: list[dict[str, Any]] = []
        self.idempotency: dict[str, int] = {}
        self.token_fetches = 0
        self.registration_tokens: dict[str, float] = {}
        self.dynreg_log: list[dict[str, Any]] = []
        self.deep_link_log: list[dict[str, Any]] = []
        self.faults = Faults()
        self.hints: dict[str, dict[str, Any]] = {}
        self.pending_dl: dict[str, str] = {}
        self.options: dict[str, Any] = {}
        self._seq = 0

    def next_id(self) -> str:
        with self.lock:
            self._seq += 1
            return str(self._seq)

    # registrations ---------------------------------------------------------------
    def add_client(self, client: ToolClient) -> ToolClient:
        with self.lock:
            self.clients[client.client_id] = client
            return client

    def client(self, client_id: str | None) -> ToolClient | None:
        with self.lock:
            if client_id is None and len(self.clients) == 1:
                return next(iter(self.clients.values()))
            return self.clients.get(client_id or "")

    def issue_registration_token(self, ttl: float = 600) -> str:
        token = secrets.token_urlsafe(24)
        with self.lock:
            self.registration_tokens[token] = time.time() + ttl
        return token

    def registration_token_ok(self, token: str, consume: bool = False) -> bool:
        with self.lock:
            expires = self.registration_tokens.get(token)
            if expires is None or expires < time.time():
                return False
            if consume:
                del self.registration_tokens[token]
            return True

    # links and line items ------------------------------------------------------------
    def add_link(self, client_id: str, item: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            link_id = f"rl-{self.next_id()}"
            link = {"id": link_id, "client_id": client_id, "title": item.get("title") or "PL Choice activity",
                    "url": item.get("url"), "custom": dict(item.get("custom") or {}), "lineitem_id": None}
            spec = item.get("lineItem")
            if isinstance(spec, dict):
                lineitem = self.add_lineitem({**spec, "resourceLinkId": link_id})
                link["lineitem_id"] = lineitem["id"]
            self.links[link_id] = link
            return dict(link)

    def add_lineitem(self, data: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            item_id = self.next_id()
            item = {"id": item_id, "label": str(data.get("label") or "PL Choice"),
                    "scoreMaximum": float(data.get("scoreMaximum") or 1),
                    "resourceLinkId": data.get("resourceLinkId"), "resourceId": data.get("resourceId", ""),
                    "tag": data.get("tag", "")}
            self.lineitems[item_id] = item
            return dict(item)

    # scores -------------------------------------------------------------------------
    def take_fault(self) -> str:
        """Which failure (if any) the next score request gets; counts it down."""
        with self.lock:
            faults = self.faults
            if faults.mode == "ok":
                return "ok"
            if faults.remaining is not None:
                if faults.remaining <= 0:
                    faults.mode = "ok"
                    return "ok"
                faults.remaining -= 1
            faults.failed += 1
            return faults.mode

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "issuer": self.issuer, "shape": self.shape,
                "clients": {k: {"deployment_id": c.deployment_id, "login_url": c.login_url,
                                "launch_url": c.launch_url, "jwks_url": c.jwks_url, "name": c.name,
                                "scopes": c.scopes} for k, c in self.clients.items()},
                "links": list(self.links.values()), "lineitems": list(self.lineitems.values()),
                "scores": list(self.scores), "rejected_scores": list(self.rejected_scores),
                "token_fetches": self.token_fetches,
                "idempotency_replays": sum(n - 1 for n in self.idempotency.values()),
                "faults": {"mode": self.faults.mode, "remaining": self.faults.remaining,
                           "failed": self.faults.failed},
                "dynreg": list(self.dynreg_log), "deep_links": list(self.deep_link_log),
            }
