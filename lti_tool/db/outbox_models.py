"""The AGS outbox: one row per grade message the platform must receive exactly once.

A row is written in the same transaction as the decision it reports (the core
calls the grade sink inside ``store.atomic()``), so a decision never exists
without its message, nor a message without its decision. A worker claims a row
with a lease (``lease_until``) in its own short transaction, posts it, and marks
it delivered; a worker that dies mid-way only leaves a lease that expires.

``idempotency_key`` is unique per (activity, learner, attempt, message), so the
same decision can never be queued twice, and it travels as the
``Idempotency-Key`` header so a platform that honours it never applies a
retried score twice. ``target_key`` groups the rows of one (line item, user):
they are delivered strictly in order, so *Submitted* never lands after
*FullyGraded*.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lti_tool.db.models import Base, utcnow

PENDING, DELIVERED, DEAD = "pending", "delivered", "dead"


class GradeOutbox(Base):
    __tablename__ = "lti_grade_outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_target", "target_key", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    target_key: Mapped[str] = mapped_column(String(64))
    issuer: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(255))
    deployment_id: Mapped[str] = mapped_column(String(255))
    lineitem_url: Mapped[str] = mapped_column(String(2048))
    user_sub: Mapped[str] = mapped_column(String(255))
    activity_key: Mapped[str] = mapped_column(String(512))
    learner_id: Mapped[str] = mapped_column(String(255))
    attempt: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # "submitted" | "scored"
    payload: Mapped[dict] = mapped_column(JSON)  # the AGS score body, timestamp fixed at creation
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    tries: Mapped[int] = mapped_column(Integer, default=0)
    ambiguous: Mapped[bool] = mapped_column(Boolean, default=False)  # a try may have reached the platform
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    lease_owner: Mapped[str | None] = mapped_column(String(64), nullable=True)
    last_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
