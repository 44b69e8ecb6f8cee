"""Django tables behind :class:`xblock_plchoice.blocks.store.DjangoStore`.

Each row keeps the core's JSON document whole (``data``) so the core's records
round-trip exactly; the columns beside it are copies of the fields the queue,
exports and retirement filter or sort on, so those queries use indexes instead
of scanning JSON. Timestamps are the core's ISO 8601 strings (all UTC, same
format), which sort correctly as text and compare equal to the reference store.
"""

from __future__ import annotations

from django.db import models


class LearnerRecordRow(models.Model):
    """One learner's work on one activity (a ``core.store.LearnerRecord``)."""

    activity_key = models.CharField(max_length=255)
    course_key = models.CharField(max_length=255)
    learner_id = models.CharField(max_length=255)
    status = models.CharField(max_length=32)
    option_id = models.CharField(max_length=64, null=True, blank=True)
    submitted_at = models.CharField(max_length=64, null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    # the grading queue's sorts and filters (migration 0002; core.grading_queue)
    sort_name = models.CharField(max_length=255, default="")
    claimed_by = models.CharField(max_length=255, null=True, blank=True)
    has_unread = models.BooleanField(default=False)
    data = models.JSONField()

    class Meta:
        app_label = "plchoice"
        constraints = [
            models.UniqueConstraint(fields=["activity_key", "learner_id"], name="plchoice_record_unique"),
        ]
        indexes = [
            models.Index(fields=["activity_key", "submitted_at", "learner_id"], name="plchoice_rec_queue"),
            models.Index(fields=["activity_key", "status", "submitted_at"], name="plchoice_rec_status"),
            models.Index(fields=["activity_key", "option_id", "submitted_at"], name="plchoice_rec_option"),
            models.Index(fields=["learner_id", "course_key"], name="plchoice_rec_learner"),
            models.Index(fields=["activity_key", "sort_name", "learner_id"], name="plchoice_rec_name"),
            models.Index(fields=["activity_key", "claimed_by", "submitted_at", "learner_id"],
                         name="plchoice_rec_claim"),
            models.Index(fields=["activity_key", "has_unread", "submitted_at", "learner_id"],
                         name="plchoice_rec_unread"),
        ]


class CounterRow(models.Model):
    """A named per-activity counter, incremented with ``F()`` so concurrent bumps add up."""

    activity_key = models.CharField(max_length=255)
    name = models.CharField(max_length=128)
    value = models.FloatField(default=0)

    class Meta:
        app_label = "plchoice"
        constraints = [
            models.UniqueConstraint(fields=["activity_key", "name"], name="plchoice_counter_unique"),
        ]


class ReflectionRow(models.Model):
    """One reflection entry; entries are only added (history), or deleted by the learner."""

    entry_id = models.CharField(max_length=64, unique=True)
    course_key = models.CharField(max_length=255)
    learner_id = models.CharField(max_length=255)
    at = models.CharField(max_length=64)
    data = models.JSONField()
    # Columns (copies of data's fields) so staff's list of shared reflections is an index range.
    activity_key = models.CharField(max_length=255, default="")
    shared = models.BooleanField(default=False)

    class Meta:
        app_label = "plchoice"
        indexes = [models.Index(fields=["learner_id", "course_key", "at"], name="plchoice_refl_learner"),
                   models.Index(fields=["activity_key", "shared", "at"], name="plchoice_refl_shared")]


class ProfileRow(models.Model):
    """A learner's own profile in one course."""

    course_key = models.CharField(max_length=255)
    learner_id = models.CharField(max_length=255)
    data = models.JSONField()

    class Meta:
        app_label = "plchoice"
        constraints = [
            models.UniqueConstraint(fields=["course_key", "learner_id"], name="plchoice_profile_unique"),
        ]
        indexes = [models.Index(fields=["learner_id"], name="plchoice_profile_learner")]


class FileRow(models.Model):
    """Metadata of one evidence file; the bytes live in the storage alias (``path`` in ``data``)."""

    file_id = models.CharField(max_length=64, unique=True)
    course_key = models.CharField(max_length=255)
    learner_id = models.CharField(max_length=255)
    data = models.JSONField()

    class Meta:
        app_label = "plchoice"
        indexes = [models.Index(fields=["learner_id", "course_key"], name="plchoice_file_learner")]


class BankCommentRow(models.Model):
    """One saved comment of a course's comment bank (core.comment_bank); added and removed, never edited."""

    entry_id = models.CharField(max_length=64, unique=True)
    course_key = models.CharField(max_length=255)
    at = models.CharField(max_length=64)
    data = models.JSONField()

    class Meta:
        app_label = "plchoice"
        indexes = [models.Index(fields=["course_key", "at"], name="plchoice_bank_course")]
