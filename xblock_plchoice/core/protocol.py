"""The one JSON command protocol both homes speak.

``dispatch(command, actor, payload, ctx)`` is the whole API: the XBlock maps
each command to a ``json_handler``, the LTI tool to ``POST /api/<command>``.
Permission, payload shape and the activity kind are checked here, once, so
no adapter can forget a check. Commands live in :mod:`.learner_commands` and
:mod:`.staff_commands`; :func:`mutate_record` is the only way they change a
learner's record (one transaction: record, counters, grade hooks).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from . import analytics, events
from .context import Actor, Context
from .errors import IllegalTransition, MalformedPayload, NotFound, PermissionDenied, UnknownCommand
from .i18n import gettext_noop as _
from .store import LearnerRecord, Store

Handler = Callable[[Actor, dict[str, Any], Context], dict[str, Any]]


@dataclass(frozen=True)
class Command:
    name: str
    handler: Handler
    staff_only: bool = False
    kinds: tuple[str, ...] = ("choice",)
    # Reads only: an adapter may run it without taking a write lock (SQLite's is one per database, so a
    # write transaction per `state` would queue every reader behind any writer).
    read_only: bool = False


COMMANDS: dict[str, Command] = {}


def command(name: str, *, staff_only: bool = False, kinds: tuple[str, ...] = ("choice",),
            read_only: bool = False) -> Callable[[Handler], Handler]:
    """Register a handler under ``name`` (decorator)."""
    def register(handler: Handler) -> Handler:
        COMMANDS[name] = Command(name, handler, staff_only, kinds, read_only)
        return handler
    return register


def require_staff(actor: Actor) -> None:
    if not actor.is_staff:
        raise PermissionDenied(_("Only course staff can do that."))


def is_read_only(name: str) -> bool:
    """True for a known command that only reads (unknown names are refused by :func:`dispatch` anyway)."""
    spec = COMMANDS.get(name)
    return bool(spec and spec.read_only)


def dispatch(name: str, actor: Actor, payload: Any, ctx: Context) -> dict[str, Any]:
    """Run one command for ``actor`` and return its JSON view; raise a PLChoiceError otherwise."""
    spec = COMMANDS.get(name)
    if spec is None:
        raise UnknownCommand(command=str(name)[:40])
    if spec.staff_only:
        require_staff(actor)
    if ctx.activity.kind not in spec.kinds:
        raise IllegalTransition(_("That is not available in this kind of activity."))
    if payload is None:
        payload = {}
    if not isinstance(payload, dict):
        raise MalformedPayload(_("The request body must be a JSON object."))
    return spec.handler(actor, payload, ctx)


def mutate_record[T](ctx: Context, learner_id: str, change: Callable[[LearnerRecord], T], *,
                  display_name: str = "", must_exist: bool = False,
                  after_save: Callable[[LearnerRecord, T], None] | None = None) -> tuple[LearnerRecord, T]:
    """Load, change and save one record in a transaction, keeping counters in step.

    ``change`` raises to refuse (nothing is written); if it leaves the record as
    it was, nothing is written either. ``after_save`` runs in the same
    transaction (grade hooks: an AGS outbox row commits with its decision), and so do the
    change's events (:func:`events.changes`), emitted to ``ctx.events``.
    """
    def observe(before: LearnerRecord | None, after: LearnerRecord) -> None:
        for event in events.changes(before, after):
            ctx.events.emit(event)

    return apply_change(ctx.store, ctx.activity_key, ctx.course_key, learner_id, change, ctx.now_iso,
                        display_name=display_name, must_exist=must_exist, after_save=after_save, observe=observe)


def apply_change[T](store: Store, activity_key: str, course_key: str, learner_id: str,
                 change: Callable[[LearnerRecord], T], now_iso: Callable[[], str], *, display_name: str = "",
                 must_exist: bool = False,
                 after_save: Callable[[LearnerRecord, T], None] | None = None,
                 observe: Callable[[LearnerRecord | None, LearnerRecord], None] | None = None,
                 ) -> tuple[LearnerRecord, T]:
    """:func:`mutate_record` for callers without a full :class:`Context` (platform signals)."""
    with store.atomic():
        record = store.get_record(activity_key, learner_id)
        if record is None:
            if must_exist:
                raise NotFound(_("No work from this learner yet."))
            before = None
            record = LearnerRecord(activity_key=activity_key, course_key=course_key, learner_id=learner_id)
        else:
            before = record.clone()
        expected = record.version
        result = change(record)
        if display_name:
            record.display_name = display_name
        if before is not None and record.to_dict() == before.to_dict():
            return record, result
        record.version = expected + 1
        record.updated_at = now_iso()
        store.save_record(record, expected)
        counter_delta = analytics.delta(before, record)
        if counter_delta:
            store.bump_counters(activity_key, counter_delta)
        if after_save is not None:
            after_save(record, result)
        if observe is not None:
            observe(before, record)
        return record, result


def reset_learner(store: Store, activity_key: str, learner_id: str, now_iso: Callable[[], str]) -> bool:
    """Staff reset of one learner's work (see :func:`workflow.reset`); False if there was none."""
    if store.get_record(activity_key, learner_id) is None:
        return False
    from .workflow import reset

    apply_change(store, activity_key, "", learner_id, lambda r: reset(r, now_iso()), now_iso)
    return True


def load_record(ctx: Context, learner_id: str) -> LearnerRecord:
    """The stored record, or an unsaved empty one (reading never writes)."""
    record = ctx.store.get_record(ctx.activity_key, learner_id)
    return record or LearnerRecord(activity_key=ctx.activity_key, course_key=ctx.course_key, learner_id=learner_id)


def upload_file(actor: Actor, ctx: Context, filename: str, content_type: str, stream: IO[bytes],
                kind: str | None = None) -> dict[str, Any]:
    """Store one evidence file for the actor; return its file view. See :mod:`.learner_commands`."""
    from .learner_commands import store_upload

    return store_upload(actor, ctx, filename, content_type, stream, kind or "file")


def readable_file_meta(actor: Actor, ctx: Context, file_id: str) -> dict[str, Any]:
    """A file's metadata, for its owner, the learner a feedback recording is for, or this activity's staff;
    404 for anyone else.

    404 rather than 403, so a learner cannot even learn that another's file exists.
    Adapters that hand out a direct (presigned) URL call this instead of :func:`open_file`.
    """
    meta = ctx.store.get_file_meta(file_id) if isinstance(file_id, str) else None
    # a staff feedback recording is the reviewed learner's to open too (core.feedback.share_media)
    readers = (meta["learner_id"], meta.get("feedback_for")) if meta else ()
    if (not meta or meta["activity_key"] != ctx.activity_key
            or (actor.user_id not in readers and not actor.is_staff) or ctx.blobs is None):
        raise NotFound(_("That file does not exist or is not yours."))
    return meta


def open_file(actor: Actor, ctx: Context, file_id: str) -> tuple[dict[str, Any], IO[bytes]]:
    """A file's metadata and bytes, with :func:`readable_file_meta`'s permission check."""
    meta = readable_file_meta(actor, ctx, file_id)
    return meta, ctx.blobs.open(meta["path"])


def export_csv(actor: Actor, ctx: Context) -> Iterator[str]:
    """The staff CSV, streamed (permission checked before the first byte)."""
    from .exports import csv_chunks

    require_staff(actor)
    if ctx.activity.kind != "choice":
        raise IllegalTransition(_("That is not available in this kind of activity."))
    return csv_chunks(ctx)


def portfolio_download(actor: Actor, ctx: Context, part: str, gettext: Callable[[str], str],
                       language: str) -> tuple[str, IO[bytes] | str]:
    """The actor's own portfolio: ``("zip", file)`` or ``("conference", html)`` (see :mod:`.portfolio`).

    Anyone signed in gets their own (a learner's id comes from the actor, never from the request).
    """
    from .portfolio import conference_page, portfolio_zip

    if part == "conference":
        return part, conference_page(actor, ctx, gettext, language)
    if part != "zip":
        raise NotFound(_("There is no such part of a portfolio."))
    return part, portfolio_zip(actor, ctx, gettext, language)


# The command modules register themselves with @command; importing them last
# (after everything they use from here exists) fills COMMANDS for every importer.
from . import comment_bank, grading_queue, learner_commands, preview, shared_reflections, staff_commands  # noqa: E402, F401, I001
