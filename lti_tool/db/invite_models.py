"""Registration invites: the administrator's single-use permission for one dynamic registration.

Only a SHA-256 of the invite's secret is stored (the secret travels in the URL the
administrator pastes into the LMS), so a copy of the database cannot be turned
into working invites. ``spent_at`` is set by one conditional UPDATE, which is
what makes an invite single use even when two registrations finish at once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from lti_tool.db.models import Base, utcnow


class RegistrationInvite(Base):
    __tablename__ = "lti_registration_invite"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    spent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # what the invite registered, so `registration list-invites` can say which platform used it
    issuer: Mapped[str | None] = mapped_column(String(255), nullable=True)
    client_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
