"""xAPI statements to the learning record store, through the same durable outbox as AGS grades.

:class:`OutboxEventSink` is the LTI home's ``ctx.events``: the core calls it inside
the transaction that saves the change, and it only *adds an outbox row* (``kind
= "xapi"``) on the same session, so a statement exists exactly when its change
does. :mod:`.outbox` claims the row like any grade message and calls
:func:`deliver`, which PUTs the statement to ``PLCHOICE_XAPI_ENDPOINT`` (HTTP Basic
with ``PLCHOICE_XAPI_USERNAME`` / ``_PASSWORD``) through :mod:`.outbound`.

Why this loses nothing and sends nothing twice: a row stays pending through
any LRS outage or tool restart (leases expire, retries back off); and the
statement id is the core event's uuid5, so a retry of a statement that did land
is the *same* statement: the LRS answers 204 for an equivalent one (PUT is
idempotent in xAPI) or 409, which also means "already stored": delivered.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from sqlalchemy import event as sa_event
from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.db.outbox_models import GradeOutbox
from xblock_plchoice.core import xapi
from xblock_plchoice.core.events import Event

from .outbound import OutboundError, request
from .wake import wake_outbox

XAPI_KIND = "xapi"
XAPI_VERSION_HEADER = "X-Experience-API-Version"
MAX_ANSWER_BYTES = 64 * 1024


@dataclass(frozen=True)
class LrsSettings:
    """Where statements go; from ``PLCHOICE_XAPI_ENDPOINT`` / ``_USERNAME`` / ``_PASSWORD``. No endpoint: none go."""

    endpoint: str = ""
    username: str = ""
    password: str = ""

    @classmethod
    def from_settings(cls, settings: Any) -> LrsSettings:
        return cls(endpoint=getattr(settings, "xapi_endpoint", "") or "",
                   username=getattr(settings, "xapi_username", "") or "",
                   password=getattr(settings, "xapi_password", "") or "")

    @property
    def statements_url(self) -> str:
        """The Statements resource: the endpoint (``.../xAPI/``) + ``statements``."""
        return self.endpoint.rstrip("/") + "/statements"

    def headers(self) -> dict[str, str]:
        headers = {XAPI_VERSION_HEADER: xapi.XAPI_VERSION, "Content-Type": "application/json"}
        if self.username or self.password:
            token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode("ascii")
            headers["Authorization"] = f"Basic {token}"
        return headers


def _key(*parts: Any) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()


class OutboxEventSink:
    """Queue one xAPI statement per core event, in the caller's transaction (nothing without an endpoint)."""

    def __init__(self, session: Session, launch_context: Any, lrs: LrsSettings, base_url: str) -> None:
        self.session = session
        self.launch = launch_context
        self.lrs = lrs
        # Actors are LTI ``sub``s in the issuer's namespace; activities live under the tool's own URL.
        self.home = xapi.url_home(launch_context.issuer, base_url)

    def emit(self, event: Event) -> None:
        if not self.lrs.endpoint:
            return
        statement = xapi.statement(event, self.home)
        key = _key(XAPI_KIND, statement["id"])
        if self.session.scalar(select(GradeOutbox.id).where(GradeOutbox.idempotency_key == key)) is not None:
            return  # the same change seen again (a retried request): its statement is already queued
        self.session.add(GradeOutbox(
            idempotency_key=key, target_key=key,  # statements do not wait for one another
            issuer=self.launch.issuer, client_id=self.launch.client_id, deployment_id=self.launch.deployment_id,
            lineitem_url=self.lrs.statements_url, user_sub=event.learner_id, activity_key=event.activity_key,
            learner_id=event.learner_id, attempt=int(event.data.get("attempt") or 0), kind=XAPI_KIND,
            payload=statement, status="pending", tries=0, ambiguous=False))
        sa_event.listen(self.session, "after_commit", wake_outbox, once=True)


@dataclass(frozen=True)
class Outcome:
    """What one delivery try came to: ``delivered``, ``retry`` or ``dead``, with the status and a reason."""

    result: str
    status: int | None
    error: str | None
    sent: bool = True


def deliver(statement: dict[str, Any], statements_url: str, lrs: LrsSettings, deadline: float) -> Outcome:
    """PUT one statement under its own id; classify the LRS's answer."""
    url = f"{statements_url}?statementId={quote(str(statement['id']), safe='')}"
    try:
        response = request("PUT", url, json_body=statement, headers=lrs.headers(), deadline=deadline,
                           max_bytes=MAX_ANSWER_BYTES)
    except OutboundError as exc:
        return Outcome("retry", exc.http_status, f"LRS call failed: {exc.kind}.", sent=exc.sent)
    status = response.status
    if 200 <= status < 300:
        return Outcome("delivered", status, None)
    if status == 409:  # a statement with this id is stored already: ours, from a try whose answer was lost
        return Outcome("delivered", status, "Already stored (409).")
    if status in (401, 403, 429) or status >= 500:  # credentials an operator can fix, or an outage: keep it
        return Outcome("retry", status, f"LRS answered {status}: {response.text()}")
    return Outcome("dead", status, f"LRS refused the statement ({status}): {response.text()}")
