"""Registration invites: dynamic registration only with an administrator's single-use invite.

Without them anyone could open ``/lti/register`` and register a "platform" of their own.
``plchoice-lti registration invite`` makes one and prints the registration URL
(``/lti/register?invite=<secret>``) the administrator pastes into the LMS, which appends
its own ``openid_configuration`` and ``registration_token``. The tool checks the invite
before it sends any request to the platform named in the URL, and spends it with one
conditional UPDATE in the transaction that stores the registration, so two finishes
racing on one invite cannot both register and a failed registration leaves it unspent.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lti_tool.db.invite_models import RegistrationInvite
from xblock_plchoice.core.i18n import gettext_noop as _

from .launch_errors import LtiError
from .launch_storage import _aware

DEFAULT_LIFETIME = timedelta(days=7)
MAX_LIFETIME = timedelta(days=30)
INVITE_PARAMETER = "invite"
OPEN, SPENT, EXPIRED, REVOKED = "open", "spent", "expired", "revoked"


class InviteRefused(LtiError):
    """Dynamic registration without a usable invite: always 403, the page says how to get one."""

    code = "registration_invite"
    status = 403
    title = _("PL Choice could not be registered")


class InviteRequired(InviteRefused):
    code = "registration_invite_required"
    default_message = _("Registering a platform with PL Choice needs an invite from the tool's administrator. "
                        "They create one with `plchoice-lti registration invite` and paste the URL it prints "
                        "into the LMS.")


class InviteUnknown(InviteRefused):
    code = "registration_invite_unknown"
    default_message = _("This registration invite is not valid. Ask the tool's administrator for a new one "
                        "(`plchoice-lti registration invite`) and paste the whole URL.")


class InviteExpired(InviteRefused):
    code = "registration_invite_expired"
    default_message = _("This registration invite has expired. Ask the tool's administrator for a new one with "
                        "`plchoice-lti registration invite`.")


class InviteSpent(InviteRefused):
    code = "registration_invite_spent"
    default_message = _("This registration invite was already used: each invite registers one platform. Ask the "
                        "tool's administrator for a new one with `plchoice-lti registration invite`.")


class InviteRevoked(InviteRefused):
    code = "registration_invite_revoked"
    default_message = _("This registration invite was withdrawn by the tool's administrator. Ask them for a new "
                        "one with `plchoice-lti registration invite`.")


@dataclass(frozen=True)
class NewInvite:
    """What the administrator gets once: the secret exists nowhere else after this."""

    id: int
    secret: str
    url: str
    expires_at: datetime


def _now() -> datetime:
    return datetime.now(UTC)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def invite_url(base_url: str, secret: str) -> str:
    """The registration URL with the invite; platforms append their parameters with ``&``."""
    return f"{base_url.rstrip('/')}/lti/register?{urlencode({INVITE_PARAMETER: secret})}"


def create_invite(session: Session, base_url: str, lifetime: timedelta = DEFAULT_LIFETIME) -> NewInvite:
    if not timedelta(0) < lifetime <= MAX_LIFETIME:
        raise ValueError(f"an invite lives between 1 second and {MAX_LIFETIME.days} days, not {lifetime}")
    secret = secrets.token_urlsafe(32)
    now = _now()
    row = RegistrationInvite(secret_hash=_hash(secret), created_at=now, expires_at=now + lifetime)
    session.add(row)
    session.flush()
    return NewInvite(id=row.id, secret=secret, url=invite_url(base_url, secret), expires_at=row.expires_at)


def status_of(invite: RegistrationInvite, now: datetime | None = None) -> str:
    if invite.spent_at is not None:
        return SPENT
    if invite.revoked_at is not None:
        return REVOKED
    return EXPIRED if _aware(invite.expires_at) <= (now or _now()) else OPEN


_REFUSALS: dict[str, type[InviteRefused]] = {SPENT: InviteSpent, REVOKED: InviteRevoked, EXPIRED: InviteExpired}


def check_invite(session: Session, secret: str) -> RegistrationInvite:
    """The open invite for ``secret``, or the refusal that says what is wrong with it. Spends nothing."""
    if not secret:
        raise InviteRequired()
    invite = session.scalars(select(RegistrationInvite).where(RegistrationInvite.secret_hash == _hash(secret))).first()
    if invite is None:
        raise InviteUnknown()
    state = status_of(invite)
    if state != OPEN:
        raise _REFUSALS[state]()
    return invite


def spend_invite(session: Session, secret: str, *, issuer: str, client_id: str) -> None:
    """Mark the invite used by (issuer, client id), atomically: of two racing callers exactly one gets past.

    Call it in the transaction that stores the registration, so a rollback un-spends it.
    """
    now = _now()
    spent = session.execute(
        update(RegistrationInvite)
        .where(RegistrationInvite.secret_hash == _hash(secret or ""), RegistrationInvite.spent_at.is_(None),
               RegistrationInvite.revoked_at.is_(None), RegistrationInvite.expires_at > now)
        .values(spent_at=now, issuer=issuer, client_id=client_id)
        .execution_options(synchronize_session=False))
    if spent.rowcount != 1:
        check_invite(session, secret)  # raises the precise reason
        raise InviteSpent()  # only reachable if it changed between the two statements


def list_invites(session: Session) -> list[RegistrationInvite]:
    return list(session.scalars(select(RegistrationInvite).order_by(RegistrationInvite.id)))


def describe(invite: RegistrationInvite) -> dict[str, Any]:
    """An invite as the CLI shows it (never its secret, which is not stored)."""
    return {"id": invite.id, "status": status_of(invite), "created_at": _aware(invite.created_at).isoformat(),
            "expires_at": _aware(invite.expires_at).isoformat(), "issuer": invite.issuer,
            "client_id": invite.client_id}


def revoke_invite(session: Session, invite_id: int) -> bool:
    """Withdraw an unused invite; False when there is no such open invite."""
    revoked = session.execute(
        update(RegistrationInvite)
        .where(RegistrationInvite.id == invite_id, RegistrationInvite.spent_at.is_(None),
               RegistrationInvite.revoked_at.is_(None))
        .values(revoked_at=_now())
        .execution_options(synchronize_session=False))
    return revoked.rowcount == 1
