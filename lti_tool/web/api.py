"""The /api adapter: launch context in, ``core.protocol`` call, JSON (or a stream) out.

Rules never live here. This module identifies the actor from the launch,
loads the activity definition, provides the SQL store, the data-dir blob store
and the grade sink, and turns results and ``PLChoiceError``s into HTTP.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, g, jsonify, request, stream_with_context
from sqlalchemy.orm import Session

from lti_tool.blobs import content_disposition
from lti_tool.db.models import Activity as ActivityRow
from lti_tool.db.session import reader
from lti_tool.db.store import SqlStore
from lti_tool.lti.launch_context import LaunchContext
from lti_tool.lti.roster import queue_roster
from lti_tool.services import services
from xblock_plchoice.core.activity import parse_activity
from xblock_plchoice.core.context import Actor, Context, GradeSink, Limits, NullGradeSink
from xblock_plchoice.core.errors import MalformedPayload, NotFound, PLChoiceError
from xblock_plchoice.core.i18n import gettext_noop as _
from xblock_plchoice.core.protocol import dispatch, export_csv, is_read_only, open_file, readable_file_meta, upload_file

from .i18n import gettext_for
from .json_request import json_object
from .security import EXPORT_RESOURCE, file_resource, require_csrf, require_download, signed_query

bp = Blueprint("plchoice_api", __name__, url_prefix="/api")


def grade_sink_for(session: Session, launch_context: LaunchContext) -> GradeSink:
    """lti-services' AGS outbox sink when it is installed, else a sink that keeps grades in the tool."""
    try:
        ags = importlib.import_module("lti_tool.lti.ags")
    except ModuleNotFoundError as exc:
        if exc.name != "lti_tool.lti.ags":
            raise
        return NullGradeSink()
    return ags.OutboxGradeSink(session, launch_context)


def file_url_for(launch_id: str, file_id: str) -> str:
    """A link that opens this one file, for this launch, for up to an hour (see :mod:`.security`)."""
    return (f"{services().settings.base_url.rstrip('/')}/api/files/{quote(file_id, safe='')}"
            f"?{signed_query(launch_id, file_resource(file_id))}")


def export_url_for(launch_id: str) -> str:
    """A link that opens only the CSV export, for this launch, for up to an hour."""
    return f"{services().settings.base_url.rstrip('/')}/api/export?{signed_query(launch_id, EXPORT_RESOURCE)}"


def limits_for() -> Limits:
    """Evidence limits from ``PLCHOICE_FILE_MAX_BYTES`` / ``_AUDIO_`` / ``_VIDEO_`` / ``PLCHOICE_QUOTA_BYTES``."""
    settings = services().settings
    return Limits(file_max_bytes=settings.file_max_bytes, audio_max_bytes=settings.audio_max_bytes,
                  video_max_bytes=settings.video_max_bytes, quota_bytes=settings.quota_bytes)


def _session(read_only: bool = False) -> Session:
    """This request's session. Commands write (SQLite: BEGIN IMMEDIATE); downloads and exports only
    read and may stream for a long time, so they must not hold the write lock (deferred BEGIN)."""
    if "plc_session" not in g:
        sessions = services().sessions
        g.plc_session = (reader(sessions) if read_only else sessions)()
    return g.plc_session


@bp.teardown_app_request
def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("plc_session", None)
    if session is not None:
        session.close()


def build(launch: LaunchContext, *, read_only: bool = False) -> tuple[Actor, Context]:
    """The actor and core context for one request of ``launch``."""
    session = _session(read_only)
    row = session.get(ActivityRow, launch.activity_id) if launch.activity_id else None
    if row is None:
        raise NotFound(_("This activity no longer exists."))
    actor = Actor(user_id=launch.user_id, role=launch.role, display_name=launch.display_name)
    ctx = Context(activity=parse_activity(row.definition_json), activity_key=launch.activity_key,
                  course_key=launch.course_key, store=SqlStore(session), blobs=services().blobs,
                  grades=grade_sink_for(session, launch), limits=limits_for(),
                  file_url=lambda file_id: file_url_for(launch.launch_id, file_id),
                  export_url=lambda: export_url_for(launch.launch_id))
    return actor, ctx


def _json_error(error: PLChoiceError, launch: LaunchContext | None) -> Response:
    response = jsonify(error.to_dict(gettext_for(launch.locale if launch else "en")))
    response.status_code = error.status
    return response


@bp.post("/upload")
def upload() -> Any:
    launch = require_csrf()
    try:
        # Receive the whole body first: the transaction build() opens holds SQLite's write lock,
        # and a slow client must not hold it while its file is still on the way.
        uploaded = request.files.get("file")
        if uploaded is None:
            raise MalformedPayload(_("Choose a file to upload."), field="file")
        actor, ctx = build(launch)
        view = upload_file(actor, ctx, uploaded.filename or "", uploaded.mimetype or "", uploaded.stream,
                           request.form.get("kind") or "file")
        _session().commit()
        return jsonify(view)
    except PLChoiceError as error:
        _session().rollback()
        return _json_error(error, launch)


@bp.get("/files/<file_id>")
def download(file_id: str) -> Any:
    launch = require_download(file_resource(file_id))
    try:
        actor, ctx = build(launch, read_only=True)
        if services().settings.blob_redirect:
            redirect = _presigned_redirect(readable_file_meta(actor, ctx, file_id))  # permission first
            if redirect is not None:
                return redirect
        meta, stream = open_file(actor, ctx, file_id)
    except PLChoiceError as error:
        return _json_error(error, launch)

    def chunks() -> Iterator[bytes]:
        with stream:
            while block := stream.read(64 * 1024):
                yield block

    response = Response(chunks(), mimetype=meta.get("mime") or "application/octet-stream")
    response.headers["Content-Length"] = str(meta.get("size", ""))
    response.headers["Content-Disposition"] = content_disposition(meta.get("name") or "", str(meta.get("mime", "")))
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _presigned_redirect(meta: dict[str, Any]) -> Response | None:
    """``PLCHOICE_BLOB_REDIRECT``: a 302 to a 5-minute URL of the bucket (None: the store has no such URLs).

    Only called after the permission check. ``no-store``, so no cache keeps the URL past its minutes.
    """
    url = services().blobs.presigned_url(meta["path"], meta.get("name") or "",
                                         meta.get("mime") or "application/octet-stream", expires=300)
    if url is None:
        return None
    response = Response(status=302)
    response.headers["Location"] = url
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/export")
def export() -> Any:
    launch = require_download(EXPORT_RESOURCE)
    try:
        actor, ctx = build(launch, read_only=True)
        chunks = export_csv(actor, ctx)
        first = next(chunks, "")  # permission and kind errors surface here, before any byte is sent
    except PLChoiceError as error:
        return _json_error(error, launch)

    def body() -> Iterator[str]:
        yield first
        yield from chunks

    response = Response(stream_with_context(body()), mimetype="text/csv")
    response.headers["Content-Disposition"] = "attachment; filename=plchoice-export.csv"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/<command>")
def command(command: str) -> Any:
    launch = require_csrf()
    try:
        payload = json_object()
        actor, ctx = build(launch, read_only=is_read_only(command))  # readers never take SQLite's write lock
        view = dispatch(command, actor, payload, ctx)
        _session().commit()
    except PLChoiceError as error:
        _session().rollback()
        return _json_error(error, launch)
    if command == "queue" and launch.nrps:  # dispatch let only staff through
        view.update(roster_view(launch, ctx.activity_key, payload))
    return jsonify(view)


def roster_view(launch: LaunchContext, activity_key: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Enrolled learners with no work yet (NRPS) from the shared roster cache, never waiting for the platform.

    Only the main queue gets them: the proposals list (the queue filtered to pending proposals) does not, nor
    a queue filtered to claimed items or unread replies (learners with no work have neither).
    """
    if isinstance(payload, dict) and (payload.get("status") == "proposal_pending" or payload.get("claimed")
                                      or payload.get("unread") is True):
        return {}
    with reader(services().sessions)() as session:
        return queue_roster(services(), launch, session, activity_key, gettext_for(launch.locale or "en"))
