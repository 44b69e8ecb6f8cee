"""Tables of the LTI tool.

Learner work is stored as one JSON document per (activity, learner) with the
columns the staff queue filters and sorts on pulled out beside it, so paging
uses the index ``(activity_key, status, option_id, submitted_at)`` and the
document can grow (attempts, events) without schema changes.

lti-services declares its outbox tables on the same :class:`Base` (see README_INTERNAL.md).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base shared by every tool table (ours and the outbox)."""


class Registration(Base):
    """One platform client: Canvas uses one issuer for every customer, so (issuer, client_id) is the key."""

    __tablename__ = "lti_registration"
    __table_args__ = (UniqueConstraint("issuer", "client_id", name="uq_registration_issuer_client"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issuer: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(255))
    auth_login_url: Mapped[str] = mapped_column(String(1024))
    auth_token_url: Mapped[str] = mapped_column(String(1024))
    key_set_url: Mapped[str] = mapped_column(String(1024))
    audience: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    deployments: Mapped[list[Deployment]] = relationship(
        back_populates="registration", cascade="all, delete-orphan", order_by="Deployment.id")


class Deployment(Base):
    __tablename__ = "lti_deployment"
    __table_args__ = (UniqueConstraint("registration_id", "deployment_id", name="uq_deployment"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("lti_registration.id", ondelete="CASCADE"))
    deployment_id: Mapped[str] = mapped_column(String(255))

    registration: Mapped[Registration] = relationship(back_populates="deployments")


class KeyPair(Base):
    """A tool signing key. Status moves next -> current -> previous -> retired on each rotation."""

    __tablename__ = "lti_key"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    private_pem: Mapped[str] = mapped_column(Text)
    public_jwk_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Activity(Base):
    """An activity definition (the dict core.activity.parse_activity reads), made by deep linking.

    ``registration_id`` is the registration whose deep-linking launch made it (migration 0004); rows made
    before that have none, and open only in their own ``course_key`` (:mod:`lti_tool.lti.activity_owner`).
    """

    __tablename__ = "plc_activity"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    course_key: Mapped[str] = mapped_column(String(512), index=True)
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("lti_registration.id", ondelete="CASCADE", name="fk_activity_registration"), nullable=True,
        index=True)
    definition_json: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ResourceLinkActivity(Base):
    """Which activity a platform resource link opens (made on the link's first launch)."""

    __tablename__ = "plc_resource_link"
    __table_args__ = (UniqueConstraint("registration_id", "deployment_id", "resource_link_id",
                                       name="uq_resource_link"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("lti_registration.id", ondelete="CASCADE"))
    deployment_id: Mapped[str] = mapped_column(String(255))
    resource_link_id: Mapped[str] = mapped_column(String(255))
    activity_id: Mapped[str] = mapped_column(ForeignKey("plc_activity.id", ondelete="CASCADE"))


class LearnerRecordRow(Base):
    __tablename__ = "plc_learner_record"
    __table_args__ = (
        Index("ix_record_queue", "activity_key", "status", "option_id", "submitted_at"),
        Index("ix_record_queue_sorted", "activity_key", "submitted_at", "learner_id"),
        Index("ix_record_learner", "learner_id", "course_key"),
        # migration 0006: the grading queue's sorts and filters (core.grading_queue)
        Index("ix_record_name", "activity_key", "sort_name", "learner_id"),
        Index("ix_record_claim", "activity_key", "claimed_by", "submitted_at", "learner_id"),
        Index("ix_record_unread", "activity_key", "has_unread", "submitted_at", "learner_id"),
    )

    activity_key: Mapped[str] = mapped_column(String(512), primary_key=True)
    learner_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    course_key: Mapped[str] = mapped_column(String(512))
    status: Mapped[str] = mapped_column(String(32))
    option_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    submitted_at: Mapped[str | None] = mapped_column(String(40), nullable=True)  # ISO, sorts as text
    version: Mapped[int] = mapped_column(Integer)
    sort_name: Mapped[str] = mapped_column(String(255), default="", server_default="")
    claimed_by: Mapped[str | None] = mapped_column(String(255), nullable=True)
    has_unread: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    data: Mapped[dict] = mapped_column(JSON)


class BankCommentRow(Base):
    """One saved comment of a course's comment bank (core.comment_bank; migration 0006)."""

    __tablename__ = "plc_bank_comment"
    __table_args__ = (Index("ix_bank_course", "course_key", "at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    course_key: Mapped[str] = mapped_column(String(512))
    at: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict] = mapped_column(JSON)


class Counter(Base):
    __tablename__ = "plc_counter"

    activity_key: Mapped[str] = mapped_column(String(512), primary_key=True)
    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[float] = mapped_column(Float, default=0.0)


class ReflectionRow(Base):
    __tablename__ = "plc_reflection"
    __table_args__ = (Index("ix_reflection_learner", "learner_id", "course_key", "at"),
                      Index("ix_reflection_shared", "activity_key", "shared", "at"))

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    learner_id: Mapped[str] = mapped_column(String(255))
    course_key: Mapped[str] = mapped_column(String(512))
    at: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict] = mapped_column(JSON)
    # Copies of data's fields, so staff's list of shared reflections is an index range.
    activity_key: Mapped[str] = mapped_column(String(512), default="", server_default="")
    shared: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class ProfileRow(Base):
    __tablename__ = "plc_profile"

    course_key: Mapped[str] = mapped_column(String(512), primary_key=True)
    learner_id: Mapped[str] = mapped_column(String(255), primary_key=True, index=True)
    data: Mapped[dict] = mapped_column(JSON)


class FileMetaRow(Base):
    __tablename__ = "plc_file"
    __table_args__ = (Index("ix_file_learner", "learner_id", "course_key"),
                      Index("ix_file_created", "created_at", "file_id"))  # migration 0005: housekeeping

    file_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    learner_id: Mapped[str] = mapped_column(String(255))
    course_key: Mapped[str] = mapped_column(String(512))
    created_at: Mapped[str | None] = mapped_column(String(40), nullable=True)  # data["at"], ISO: sorts as text
    data: Mapped[dict] = mapped_column(JSON)


class LaunchValue(Base):
    """Short-lived launch state (OIDC state, used nonces, launch data) shared by every worker."""

    __tablename__ = "lti_launch_value"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[dict] = mapped_column(JSON)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
