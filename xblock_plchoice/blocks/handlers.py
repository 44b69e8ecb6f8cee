"""XBlock handlers: one JSON handler per core command, plus upload, file, export, studio_submit and preview.

Every handler does the adapter's four steps (who, which activity, which
services, HTTP) and nothing else; rules live in ``core``. Errors always have the
protocol's shape ``{"error", "message"}`` (XBlock's stock ``json_handler``
answers bad JSON with its own shape, so commands use :func:`json_command`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from webob import Response
from xblock.core import XBlock

from ..core.activity import parse_activity
from ..core.context import Actor, Context
from ..core.errors import (
    FileTooLarge,
    MalformedPayload,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    PermissionDenied,
    PLChoiceError,
    ValidationError,
)
from ..core.events import ListEventSink
from ..core.evidence import human_size
from ..core.i18n import gettext_noop as _
from ..core.json_body import MAX_JSON_BYTES, parse_object
from ..core.learner_commands import PORTFOLIO_FILENAME
from ..core.portfolio import CSP as PORTFOLIO_CSP
from ..core.protocol import COMMANDS, dispatch, export_csv, open_file, portfolio_download, upload_file
from ..core.store import MemoryStore
from .dates import platform_due
from .i18n import BlockTranslator
from .staff import current_actor, is_staff
from .tracking import publish_all

#: Multipart framing allowance on top of the file itself before we refuse without reading.
MULTIPART_SLACK = 64 * 1024
INLINE_TYPES = ("audio/", "video/", "image/png", "image/jpeg", "image/gif", "image/webp")


def json_response(body: Any, status: int = 200) -> Response:
    return Response(body=json.dumps(body).encode("utf-8"), status=status,
                    content_type="application/json", charset="utf-8")


def error_response(block: Any, error: PLChoiceError, **headers: str) -> Response:
    response = json_response(error.to_dict(BlockTranslator(block).gettext), error.status)
    for name, value in headers.items():
        response.headers[name.replace("_", "-")] = value
    return response


def read_json(request: Any) -> dict[str, Any]:
    """The request body as a JSON object (``{}`` when empty), read by the core's one parser.

    XBlock's stock ``json_handler`` would ``json.loads`` the body itself: a deeply nested body
    raises ``RecursionError`` there (a 500) and lone surrogates pass through, so no handler uses it.
    """
    if request.content_length and request.content_length > MAX_JSON_BYTES:
        raise PayloadTooLarge(limit="2 MB")
    return parse_object(request.body_file.read(MAX_JSON_BYTES + 1))


def json_command(func: Callable[[Any, dict[str, Any]], Any]) -> Callable[..., Response]:
    """An XBlock handler taking a JSON object by POST and answering JSON, errors in protocol shape."""
    def handler(self: Any, request: Any, suffix: str = "") -> Response:
        if request.method != "POST":
            return error_response(self, MethodNotAllowed(), Allow="POST")
        try:
            return json_response(func(self, read_json(request)))
        except PLChoiceError as error:
            return error_response(self, error)
    handler.__name__ = func.__name__
    handler.__doc__ = func.__doc__
    return XBlock.handler(handler)


def _command_handler(name: str) -> Callable[..., Response]:
    def run(self: Any, payload: dict[str, Any]) -> dict[str, Any]:
        return self.run_command(name, payload)
    run.__name__ = name
    run.__doc__ = f"The core's ``{name}`` command."
    return json_command(run)


class CommandHandlersMixin:
    """Handlers shared by both blocks. The block provides ``build_context`` and ``KIND``."""

    #: Filled below: command name -> handler, one per entry in ``core.protocol.COMMANDS``.
    COMMAND_NAMES: tuple[str, ...] = ()

    # -- the adapter's steps --------------------------------------------------
    def require_actor(self) -> Actor:
        actor = current_actor(self)
        if actor is None:
            raise PermissionDenied(_("Sign in to take part in this activity."))
        return actor

    def run_command(self, name: str, payload: dict[str, Any]) -> dict[str, Any]:
        actor = self.require_actor()
        ctx = self.build_context(actor)
        ctx.events = ListEventSink()
        ctx.portfolio_url = lambda part: self.runtime.handler_url(self, "portfolio", query=f"part={part}")
        result = dispatch(name, actor, payload, ctx)
        publish_all(self, ctx.events)  # only after the change is saved: a refusal publishes nothing
        self.after_command(name, actor, result)
        return result

    def after_command(self, name: str, actor: Actor, result: dict[str, Any]) -> None:
        """Hook for block-specific follow-ups (the reflection block publishes completion)."""

    # -- plain handlers --------------------------------------------------------
    @XBlock.handler
    def upload(self, request: Any, suffix: str = "") -> Response:
        """Multipart ``file`` (+ ``kind``) -> file view; 413/415 and nothing stored when refused."""
        if request.method != "POST":
            return json_response({"error": "method_not_allowed", "message": "POST"}, 405)
        try:
            actor = self.require_actor()
            ctx = self.build_context(actor)
            # Refuse an oversized body before reading it: against the kind's limit when the
            # query names it, else against the largest limit (the core checks the exact one).
            kind = request.GET.get("kind") or "file"
            limits = ctx.limits
            limit = (limits.max_bytes_for(kind) if "kind" in request.GET
                     else max(limits.file_max_bytes, limits.audio_max_bytes, limits.video_max_bytes))
            if request.content_length and request.content_length > limit + MULTIPART_SLACK:
                raise FileTooLarge(limit=human_size(limit), kind=kind)
            try:
                upload = request.POST.get("file")
                kind = request.POST.get("kind") or kind
            except (ValueError, TypeError) as error:
                raise MalformedPayload(_("Send the file as multipart/form-data in a field named 'file'.")) \
                    from error
            if upload is None or not hasattr(upload, "file"):
                raise MalformedPayload(_("Send the file as multipart/form-data in a field named 'file'."),
                                       field="file")
            # webob's FieldStorage has ``.type``; the Django bridge (the LMS, the workbench) has neither
            # that nor a webob shape, only ``.file.content_type``. The core sniffs the bytes anyway.
            content_type = getattr(upload, "type", None) or getattr(upload.file, "content_type", "") or ""
            view = upload_file(actor, ctx, upload.filename or "", content_type, upload.file, kind)
        except PLChoiceError as error:
            return error_response(self, error)
        return json_response(view)

    @XBlock.handler
    def file(self, request: Any, suffix: str = "") -> Response:
        """GET ``file/<file_id>``: the bytes, for the owner or staff only (404 for anyone else)."""
        try:
            actor = self.require_actor()
            if not suffix or "/" in suffix:
                raise NotFound()
            meta, stream = open_file(actor, self.build_context(actor), suffix)
        except PLChoiceError as error:
            return error_response(self, error)
        mime = meta.get("mime") or "application/octet-stream"
        inline = mime.startswith(INLINE_TYPES)
        response = Response(app_iter=_read_chunks(stream), content_type=mime, conditional_response=False)
        if meta.get("size") is not None:
            response.content_length = int(meta["size"])
        response.content_disposition = _disposition("inline" if inline else "attachment", meta.get("name", "file"))
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Content-Security-Policy"] = "default-src 'none'; media-src 'self'; sandbox"
        response.headers["Cache-Control"] = "private, no-store"
        return response

    @XBlock.handler
    def export(self, request: Any, suffix: str = "") -> Response:
        """GET: the staff CSV, streamed."""
        try:
            actor = self.require_actor()
            chunks = iter(export_csv(actor, self.build_context(actor)))
            first = next(chunks, "")  # permission and kind errors surface here, before any byte is sent
        except PLChoiceError as error:
            return error_response(self, error)
        body = (chunk.encode("utf-8") for chunk in _prepend(first, chunks))
        response = Response(app_iter=body, content_type="text/csv", charset="utf-8")
        response.content_disposition = _disposition("attachment", f"plchoice-{self.scope_ids.block_type}.csv")
        response.headers["Cache-Control"] = "private, no-store"
        return response

    @XBlock.handler
    def portfolio(self, request: Any, suffix: str = "") -> Response:
        """GET ``?part=zip``: the signed-in person's own portfolio zip; ``?part=conference``: its printable page."""
        try:
            actor = self.require_actor()
            translator = BlockTranslator(self)
            part, body = portfolio_download(actor, self.build_context(actor), request.GET.get("part", "zip"),
                                            translator.gettext, translator.language)
        except PLChoiceError as error:
            return error_response(self, error)
        if part == "conference":
            response = Response(body=body.encode("utf-8"), content_type="text/html", charset="utf-8")
            response.headers["Content-Security-Policy"] = PORTFOLIO_CSP
        else:
            response = Response(app_iter=_read_chunks(body), content_type="application/zip",
                                conditional_response=False)
            response.content_disposition = _disposition("attachment", PORTFOLIO_FILENAME)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cache-Control"] = "private, no-store"
        return response

    # -- authoring -----------------------------------------------------------------
    def require_author(self) -> None:
        """Course staff, or whoever Studio says may edit this course.

        No anonymous id is needed: Studio's user service may not provide one.
        """
        if is_staff(self):
            return
        try:
            permissions = self.runtime.service(self, "studio_user_permissions")
        except Exception:  # noqa: BLE001  (not in Studio)
            permissions = None
        course_key = getattr(self.scope_ids.usage_id, "context_key", None)
        if permissions is not None and course_key is not None and permissions.can_write(course_key):
            return
        raise PermissionDenied(_("Only course authors can change this activity."))

    @json_command
    def studio_submit(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Save the whole definition (plus display name and weight) after validating every field."""
        self.require_author()
        values = self.validate_studio_payload(payload)
        for name, value in values.items():
            setattr(self, name, value)
        self.save()
        return {"saved": True, **values}

    @json_command
    def preview(self, payload: dict[str, Any]) -> dict[str, Any]:
        """A learner's state view of a posted (unsaved) definition, from an empty in-memory store."""
        self.require_author()
        definition = payload.get("definition", payload)
        activity = parse_activity(self.with_kind(definition))
        ctx = Context(activity=activity, activity_key="preview", course_key="preview", store=MemoryStore(),
                      platform_due=platform_due(self))
        return dispatch("state", Actor(user_id="preview", role="learner"), {}, ctx)

    def with_kind(self, definition: Any) -> Any:
        if not isinstance(definition, dict):
            raise ValidationError(_("The activity definition must be an object."), field="definition")
        return {**definition, "kind": self.KIND}


def _read_chunks(stream: Any, size: int = 64 * 1024) -> Iterator[bytes]:
    try:
        while chunk := stream.read(size):
            yield chunk
    finally:
        stream.close()


def _prepend(first: str, rest: Iterator[str]) -> Iterator[str]:
    if first:
        yield first
    yield from rest


def _disposition(kind: str, filename: str) -> str:
    from urllib.parse import quote

    ascii_name = "".join(c if c.isalnum() or c in "._-" else "_" for c in filename)[:100] or "file"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename[:100])}"


# One handler per core command, named exactly as the command (the protocol's contract).
for _name in COMMANDS:
    if hasattr(CommandHandlersMixin, _name) or hasattr(XBlock, _name):
        raise RuntimeError(f"Command {_name!r} would shadow an XBlock attribute; rename the command.")
    setattr(CommandHandlersMixin, _name, _command_handler(_name))
CommandHandlersMixin.COMMAND_NAMES = tuple(COMMANDS)
